import { normaliseAccount, normaliseIp, parseIsoTime, parseTime, stripWindowsDomain } from '../../../src/spray/normalise';
import { YearInference } from '../../../src/spray/formats/sshd';
import { maskAccount, maskReport } from '../../../src/spray/mask';
import { parseFormatOption, SprayUsageError } from '../../../src/spray/sniff';
import type { SprayReport } from '../../../src/spray/types';

describe('timestamps', () => {
  it.each([
    ['2024-10-01T10:12:13Z', '2024-10-01T10:12:13.000Z'],
    ['2024-10-01T10:12:13.1234567Z', '2024-10-01T10:12:13.123Z'],
    ['2024-10-01T10:12:13+02:00', '2024-10-01T08:12:13.000Z'],
    ['2024-10-01T10:12:13-0530', '2024-10-01T15:42:13.000Z'],
    ['2024-10-01 10:12:13', '2024-10-01T10:12:13.000Z'],
    ['2024-10-01T10:12', '2024-10-01T10:12:00.000Z'],
    ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
  ])('reads ISO %s', (text, iso) => {
    expect(new Date(parseIsoTime(text)).toISOString()).toBe(iso);
  });

  it('reads the day right when consecutive timestamps change day', () => {
    expect(new Date(parseIsoTime('2024-12-31T23:59:59Z')).toISOString()).toBe('2024-12-31T23:59:59.000Z');
    expect(new Date(parseIsoTime('2025-01-01T00:00:01Z')).toISOString()).toBe('2025-01-01T00:00:01.000Z');
    expect(new Date(parseIsoTime('2024-12-31T12:00:00Z')).toISOString()).toBe('2024-12-31T12:00:00.000Z');
  });

  it.each([
    ['10/2/2024, 9:15:03.214 AM', '2024-10-02T09:15:03.214Z'],
    ['10/2/2024 12:05:00 PM', '2024-10-02T12:05:00.000Z'],
    ['10/2/2024 12:05 AM', '2024-10-02T00:05:00.000Z'],
    ['/Date(1727860503000)/', '2024-10-02T09:15:03.000Z'],
    ['1727860503', '2024-10-02T09:15:03.000Z'],
    ['1727860503000', '2024-10-02T09:15:03.000Z'],
    ['1727860503000000', '2024-10-02T09:15:03.000Z'],
  ])('reads %s', (text, iso) => {
    expect(new Date(parseTime(text)).toISOString()).toBe(iso);
  });

  it('rejects what is not a time', () => {
    for (const bad of ['', 'yesterday', '2024-13-01T00:00:00Z', '2024-10-01T25:00:00Z', '2024-10-01T10:00:00Zjunk', null, {}]) {
      expect(parseTime(bad)).toBeNaN();
    }
  });

  it('infers syslog years: latest year not after the reference, wrapping at New Year', () => {
    const years = new YearInference(Date.UTC(2025, 0, 3));
    expect(new Date(years.timeOf(11, 30, 23, 0, 0)).toISOString()).toBe('2024-12-30T23:00:00.000Z');
    expect(new Date(years.timeOf(0, 1, 1, 0, 0)).toISOString()).toBe('2025-01-01T01:00:00.000Z');
    // a late line from before New Year keeps its year
    expect(new Date(years.timeOf(11, 31, 23, 59, 59)).toISOString()).toBe('2024-12-31T23:59:59.000Z');
    expect(new Date(years.timeOf(0, 2, 8, 0, 0)).toISOString()).toBe('2025-01-02T08:00:00.000Z');
  });
});

describe('accounts and addresses', () => {
  it('lower-cases accounts and drops the Windows domain', () => {
    expect(normaliseAccount('  AdeleV@Contoso.com ')).toBe('adelev@contoso.com');
    expect(normaliseAccount('   ')).toBeNull();
    expect(stripWindowsDomain('CONTOSO\\Alice')).toBe('Alice');
  });

  it.each([
    ['::ffff:10.20.0.99', '10.20.0.99'],
    ['::FFFF:10.20.0.99', '10.20.0.99'],
    ['-', null],
    ['', null],
    ['198.51.100.7:51234', '198.51.100.7'],
    ['[2001:DB8::17]:443', '2001:db8::17'],
    ['2001:DB8::17', '2001:db8::17'],
    ['fe80::1%eth0', 'fe80::1'],
    ['203.0.113.5', '203.0.113.5'],
  ])('normalises %s', (raw, ip) => {
    expect(normaliseIp(raw)).toBe(ip);
  });
});

describe('masking for chat', () => {
  it.each([
    ['alice@contoso.com', 'a***e@contoso.com'],
    ['jo@contoso.com', 'j***@contoso.com'],
    ['CONTOSO\\bob', 'CONTOSO\\b***b'],
    ['root', 'r***t'],
    ['user10@contoso.com', 'u****0@contoso.com'],
    ['extraordinarilylongname@contoso.com', 'e******e@contoso.com'],
    ['zoë@contoso.com', 'z***ë@contoso.com'],
  ])('masks %s as %s', (account, masked) => {
    expect(maskAccount(account)).toBe(masked);
  });

  it('masks whole names in lists, titles, evidence and samples, and drops malformed-line text', () => {
    const report: SprayReport = {
      events: 1, malformed: 1, span: null, pairs: 1,
      inputs: [{ path: 'x', format: 'entra/ndjson', gzip: false, events: 1, skipped: 0, malformed: 1, samples: [{ line: 3, reason: 'bad', text: 'admin@contoso.com secret' }] }],
      findings: [{
        id: 'spray-brute-force', severity: 'high', ip: '198.51.100.1', title: 'Brute force on admin from 198.51.100.1', window: { start: 'a', end: 'b' },
        sources: ['198.51.100.1'], sourcesTotal: 1, sourceCounts: { '198.51.100.1': 3 }, accountsTargeted: 1, accounts: ['admin'],
        evidence: 'admin failed; administrator did not', samples: ['t admin from 198.51.100.1'], advice: [],
      }],
    };
    const masked = maskReport(report);
    expect(masked.findings[0]).toMatchObject({
      title: 'Brute force on a***n from 198.51.100.1', accounts: ['a***n'], evidence: 'a***n failed; administrator did not', samples: ['t a***n from 198.51.100.1'],
    });
    expect(masked.inputs[0]!.samples).toEqual([{ line: 3, reason: 'bad' }]);
    expect(report.findings[0]!.accounts).toEqual(['admin']);
  });
});

describe('--format values', () => {
  it('accepts families, containers, both, and aliases', () => {
    expect(parseFormatOption('entra')).toEqual({ family: 'entra' });
    expect(parseFormatOption('NDJSON')).toEqual({ container: 'ndjson' });
    expect(parseFormatOption('entra/csv')).toEqual({ family: 'entra', container: 'csv' });
    expect(parseFormatOption('journald')).toEqual({ family: 'sshd', container: 'ndjson' });
  });

  it('refuses unknown and impossible formats with a usage error', () => {
    expect(() => parseFormatOption('splunk')).toThrow(SprayUsageError);
    expect(() => parseFormatOption('splunk')).toThrow(/unknown log format "splunk": expected a family/);
    expect(() => parseFormatOption('sshd/csv')).toThrow(/not CSV/);
  });
});
