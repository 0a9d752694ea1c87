import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ContentError, loadContent } from '../../../src/content/load';
import { CONTENT_DIR } from '../../../src/paths';
import { newTempDir } from '../../support/temp-dir';

function copyOfContent(): string {
  const dir = newTempDir('ra-content-');
  cpSync(CONTENT_DIR, dir, { recursive: true });
  return dir;
}

describe('detection content', () => {
  it('loads and cross-checks the shipped files', () => {
    const content = loadContent();
    expect(content.rules.length).toBeGreaterThan(5);
    expect(content.advice.map((a) => a.id)).toContain('router-isolate-reflash');
    expect(content.kev.map((k) => k.cve)).toContain('CVE-2023-50224');
  });

  it('names the file and field of a rule with a bad severity', () => {
    const dir = copyOfContent();
    const rulesPath = path.join(dir, 'rules.yaml');
    writeFileSync(rulesPath, readFileSync(rulesPath, 'utf8').replace('severity: critical', 'severity: catastrophic'));
    expect(() => loadContent(dir)).toThrow(ContentError);
    expect(() => loadContent(dir)).toThrow(/rules\.yaml: rules\.0\.severity/);
  });

  it('refuses a rule that points at advice that does not exist', () => {
    const dir = copyOfContent();
    const rulesPath = path.join(dir, 'rules.yaml');
    writeFileSync(rulesPath, readFileSync(rulesPath, 'utf8').replace('[router-disable-services]', '[no-such-advice]'));
    expect(() => loadContent(dir)).toThrow(/names unknown advice no-such-advice/);
  });

  it('refuses a rule on a port that no probe looks at', () => {
    const dir = copyOfContent();
    const rulesPath = path.join(dir, 'rules.yaml');
    writeFileSync(rulesPath, readFileSync(rulesPath, 'utf8').replace('port: 23,', 'port: 2323,'));
    expect(() => loadContent(dir)).toThrow(/needs port 2323/);
  });

  it('refuses a banner pattern that is not a regular expression', () => {
    const dir = copyOfContent();
    const rulesPath = path.join(dir, 'rules.yaml');
    writeFileSync(rulesPath, readFileSync(rulesPath, 'utf8').replace('banner: "^alogin"', 'banner: "^alogin("'));
    expect(() => loadContent(dir)).toThrow(/not a valid regular expression/);
  });
});
