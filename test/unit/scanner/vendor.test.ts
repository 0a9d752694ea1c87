import { loadContent } from '../../../src/content/load';
import { compileFamilies, normaliseRegistrant } from '../../../src/scanner/families';
import { isLocallyAdministered, lookupVendor, normaliseMac, prefixesWhere } from '../../../src/scanner/vendor';

describe('MAC normalisation', () => {
  it.each([
    ['F4-F2-6D-11-22-33', 'f4:f2:6d:11:22:33'],
    ['f4f2.6d11.2233', 'f4:f2:6d:11:22:33'],
    ['F4:F2:6D:11:22:33', 'f4:f2:6d:11:22:33'],
  ])('%s → %s', (input, expected) => expect(normaliseMac(input)).toBe(expected));

  it.each([['00:00:00'], ['zz:zz:zz:zz:zz:zz'], [''], [null]])('rejects %p', (input) => expect(normaliseMac(input)).toBeNull());
});

describe('IEEE registry lookup', () => {
  it('names an MA-L registrant', () => {
    expect(lookupVendor('14:75:90:ab:cd:ef')).toEqual({ vendor: 'TP-LINK TECHNOLOGIES CO.,LTD.', prefix: '147590', randomizedMac: false });
  });

  it('prefers an MA-M registration over the MA-L block that contains it', () => {
    // 68:79:12 is an IEEE Registration Authority MA-L block; 68:79:12:0 is PCTEL's MA-M.
    expect(lookupVendor('68:79:12:00:11:22').vendor).toBe('PCTEL, Inc.');
    expect(lookupVendor('68:79:12:00:11:22').prefix).toBe('6879120');
  });

  it('prefers an MA-S registration (36 bits) over MA-M and MA-L', () => {
    expect(lookupVendor('00:1b:c5:06:50:01')).toMatchObject({ vendor: 'Plair Media Inc.', prefix: '001BC5065' });
  });

  it('uses the longest prefix present in a registry', () => {
    const registry = { ACBBCC: 'Big block owner\naddr', ACBBCC1: 'Medium owner', ACBBCC123: 'Small owner' };
    expect(lookupVendor('ac:bb:cc:12:34:56', registry).vendor).toBe('Small owner');
    expect(lookupVendor('ac:bb:cc:19:99:99', registry).vendor).toBe('Medium owner');
    expect(lookupVendor('ac:bb:cc:29:99:99', registry).vendor).toBe('Big block owner');
  });

  it('flags a locally administered (randomised) MAC and gives it no vendor', () => {
    expect(isLocallyAdministered('a6:11:22:33:44:55')).toBe(true);
    expect(lookupVendor('a6:11:22:33:44:55')).toEqual({ vendor: null, prefix: null, randomizedMac: true });
    // A real registrant's prefix with the 0x02 bit set is no longer theirs.
    expect(lookupVendor('16:75:90:ab:cd:ef').randomizedMac).toBe(true);
  });

  it('returns no vendor for an unregistered prefix', () => {
    expect(lookupVendor('0c:ff:ff:ff:ff:ff', {}).vendor).toBeNull();
  });
});

describe('TP-Link family', () => {
  const content = loadContent();
  const families = compileFamilies(content.families);

  it('matches every registrant spelling the content lists', () => {
    for (const member of content.families.family.members) {
      for (const name of member.knownRegistrants) {
        expect(families.brandOfRegistrant(name)).toBe(member.brand);
      }
    }
  });

  it('matches spellings a registry update may bring, and nothing else', () => {
    expect(families.brandOfRegistrant('TP-Link Corporation Pte. Ltd.')).toBe('TP-Link');
    expect(families.brandOfRegistrant('TPLINK Systems')).toBe('TP-Link');
    expect(families.brandOfRegistrant('Mercusys Technologies Co Ltd')).toBe('Mercusys');
    expect(families.brandOfRegistrant('STP-LINK Inc')).toBeNull();
    expect(families.brandOfRegistrant('ASUSTek COMPUTER INC.')).toBeNull();
  });

  it('normalises punctuation and case', () => {
    expect(normaliseRegistrant('TP-LINK TECHNOLOGIES CO.,LTD.')).toBe('tp link technologies co ltd');
  });

  it('counts the family in the registry (the README quotes this number)', () => {
    const tplink = prefixesWhere((name) => families.brandOfRegistrant(name) === 'TP-Link');
    const mercusys = prefixesWhere((name) => families.brandOfRegistrant(name) === 'Mercusys');
    expect(tplink).toHaveLength(174 + 43 + 46);
    expect(mercusys).toHaveLength(6);
  });

  it('recognises a TP-Link device from its hints when the MAC says nothing', () => {
    expect(families.familyHint({ upnpManufacturer: 'TP-Link', upnpModelName: 'Tapo C210' })?.brand).toBe('TP-Link');
    expect(families.familyHint({ httpTitle: 'Archer AX21' })?.source).toContain('web page title');
    expect(families.familyHint({ httpTitle: 'MERCUSYS MR70X' })?.brand).toBe('Mercusys');
    expect(families.familyHint({ httpTitle: 'Synology DiskStation', httpServer: 'nginx' })).toBeNull();
  });
});
