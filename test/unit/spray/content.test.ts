import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ContentError } from '../../../src/content/load';
import { loadSprayContent, normaliseCode } from '../../../src/spray/content';
import { CONTENT_DIR } from '../../../src/paths';
import { tempDir } from './helpers';

function contentWith(edit: (yaml: string) => string): string {
  const dir = tempDir('ra-spray-content-');
  cpSync(CONTENT_DIR, dir, { recursive: true });
  const file = path.join(dir, 'spray.yaml');
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error('the edit changed nothing: the test no longer tests anything');
  writeFileSync(file, after);
  return dir;
}

describe('content/spray.yaml', () => {
  it('loads, with the code tables compiled for lookups', () => {
    const content = loadSprayContent();
    expect(content.entraCodes.get('50126')).toBe('bad_password');
    expect(content.entraCodes.get('50076')).toBe('mfa_required_password_ok');
    expect(content.windowsCodes.get(normaliseCode('0xC0000234'))).toBe('locked');
    expect(content.windowsCodes.get(normaliseCode('0x00000018'))).toBe('bad_password');
    expect(content.words.get('lockedout')).toBe('locked');
    expect(content.ignoreAccount('ws-12$')).toBe(true);
    expect(content.ignoreAccount('alice')).toBe(false);
    expect(content.legacyApp('IMAP4')).toBe(true);
    expect(content.legacyApp('Browser')).toBe(false);
  });

  it('names the file and the field of a bad threshold', () => {
    const dir = contentWith((yaml) => yaml.replace('minFailures: 20', 'minFailures: -3'));
    expect(() => loadSprayContent(dir)).toThrow(ContentError);
    expect(() => loadSprayContent(dir)).toThrow(/spray\.yaml: thresholds\.bruteForce\.minFailures/);
  });

  it('refuses an unknown result class in a code table', () => {
    const dir = contentWith((yaml) => yaml.replace("    locked: ['50053']", "    lockedish: ['50053']"));
    expect(() => loadSprayContent(dir)).toThrow(/spray\.yaml: codes\.entra: Unrecognized key: "lockedish"/);
  });

  it('refuses a code listed under two classes', () => {
    const dir = contentWith((yaml) => yaml.replace("    locked: ['50053']", "    locked: ['50053', '50126']"));
    expect(() => loadSprayContent(dir)).toThrow(/codes\.entra: 50126 is listed as both bad_password and locked/);
  });

  it('refuses advice ids that advice.yaml does not have', () => {
    const dir = contentWith((yaml) => yaml.replace('advice: [identity-revoke-reset,', 'advice: [identity-no-such-thing,'));
    expect(() => loadSprayContent(dir)).toThrow(/findings\.spray-success-after-spray\.advice names unknown advice identity-no-such-thing/);
  });

  it('refuses an sshd pattern without the user and ip groups, and a broken regular expression', () => {
    const noGroups = contentWith((yaml) => yaml.replace("pattern: '^Accepted \\S+ for (?<user>.*?) from (?<ip>\\S+)(?: port \\d+)?'", "pattern: '^Accepted'"));
    expect(() => loadSprayContent(noGroups)).toThrow(/sshd\.messages\.3\.pattern: needs the named groups/);
    const broken = contentWith((yaml) => yaml.replace("  - '\\$$'", "  - '(\\$$'"));
    expect(() => loadSprayContent(broken)).toThrow(/ignoreAccounts\.0: not a valid regular expression/);
  });

  it('refuses a title template variable the engine does not fill', () => {
    const dir = contentWith((yaml) => yaml.replace("title: '{accounts} accounts locked out within {window}'", "title: '{accounts} accounts locked out by {villain}'"));
    expect(() => loadSprayContent(dir)).toThrow(/findings\.spray-lockout-burst\.title uses unknown variable \{villain\}/);
  });
});
