import path from 'node:path';
import { writeSprayFixtures, type WrittenFixtures } from '../../../scripts/gen-spray-fixtures';
import { analyseSprayLogs } from '../../../src/spray';
import type { SprayFinding, SprayReport } from '../../../src/spray/types';
import { tempDir } from './helpers';

let fx: WrittenFixtures;
const reports = new Map<string, SprayReport>();

beforeAll(() => {
  fx = writeSprayFixtures(path.join(tempDir('ra-spray-gen-'), 'logs'));
});

async function analyse(...names: string[]): Promise<SprayReport> {
  const key = names.join('+');
  let report = reports.get(key);
  if (!report) {
    report = await analyseSprayLogs(names.map((name) => fx.files[name]!), { now: new Date('2024-12-01T00:00:00Z') });
    reports.set(key, report);
  }
  return report;
}

function byId(report: SprayReport, id: string): SprayFinding[] {
  return report.findings.filter((f) => f.id === id);
}

const SPRAY_IDS = ['spray-single-source', 'spray-distributed', 'spray-success-after-spray', 'spray-brute-force', 'spray-lockout-burst', 'spray-enumeration'];

describe('benign traffic', () => {
  it('yields no finding at all: typos fixed at once, forgotten passwords, a stale phone, MFA prompts, an office NAT', async () => {
    const report = await analyse('entra-benign.ndjson');
    expect(report.events).toBeGreaterThan(5000);
    expect(report.malformed).toBe(0);
    expect(report.findings).toEqual([]);
  });
});

describe.each([
  ['NDJSON', ['entra-signins.ndjson']],
  ['Graph JSON pages (newest first, two files)', ['entra-graph-page-1.json', 'entra-graph-page-2.json']],
  ['portal CSV', ['entra-portal.csv']],
  ['M365 Purview CSV', ['m365-audit.csv']],
])('the attack scenario as %s', (_label, files) => {
  it('reads every event', async () => {
    const report = await analyse(...files);
    expect(report.malformed).toBe(0);
    expect(report.inputs.every((input) => input.error === undefined)).toBe(true);
    expect(report.events).toBe((await analyse('entra-signins.ndjson')).events);
  });

  it('finds the single-source spray: its IP and exactly the accounts it sprayed', async () => {
    const [finding, ...more] = byId(await analyse(...files), 'spray-single-source');
    expect(more).toEqual([]);
    expect(finding).toMatchObject({ severity: 'high', ip: fx.truth.singleSource.ip, sources: [fx.truth.singleSource.ip], accountsTargeted: 60 });
    expect(finding!.accounts).toEqual([...fx.truth.singleSource.accounts].sort());
    expect(finding!.sourceCounts).toEqual({ [fx.truth.singleSource.ip]: 60 });
    expect(finding!.evidence).toMatch(/60 distinct accounts within 20 minutes/);
    expect(finding!.advice).toEqual(expect.arrayContaining(['identity-spray-playbook', 'identity-mfa']));
    // IMAP4 is a legacy protocol: the Entra shapes name the client app, the M365 audit log does not
    if (!files[0]!.startsWith('m365')) expect(finding!.advice).toContain('identity-block-legacy-auth');
  });

  it('finds the distributed low-and-slow spray as one cluster of the attack\'s own sources and accounts, and says how it was formed', async () => {
    const [cluster, ...more] = byId(await analyse(...files), 'spray-distributed');
    expect(more).toEqual([]);
    const truthSources = new Set(fx.truth.distributed.sources);
    const truthAccounts = new Set(fx.truth.distributed.accounts);
    expect(cluster!.sourcesTotal).toBeGreaterThan(0.8 * truthSources.size);
    expect(cluster!.sources.every((s) => truthSources.has(s))).toBe(true);
    expect(cluster!.accountsTargeted).toBeGreaterThanOrEqual(0.9 * truthAccounts.size);
    expect(cluster!.accounts.every((a) => truthAccounts.has(a))).toBe(true);
    expect(cluster!.ip).toBe(cluster!.sources[0]);
    expect(Math.max(...Object.values(cluster!.sourceCounts))).toBeLessThanOrEqual(3);
    expect(Date.parse(cluster!.window.end) - Date.parse(cluster!.window.start)).toBeGreaterThan(3 * 86_400_000);
    expect(cluster!.evidence).toMatch(/^Cluster formed from \d+ candidate sources .* accounts that at least 2 different sources failed on/);
    expect(cluster!.advice).toContain('identity-storm0940');
  });

  it('rates every success after the sprays critical, naming account, time and source; nothing else is critical', async () => {
    const report = await analyse(...files);
    const found = byId(report, 'spray-success-after-spray').map((f) => ({ ip: f.ip, account: f.accounts[0], severity: f.severity }));
    expect(found).toEqual(expect.arrayContaining(fx.truth.successAfterSpray.map((s) => ({ ip: s.ip, account: s.account, severity: 'critical' }))));
    expect(found).toHaveLength(fx.truth.successAfterSpray.length);
    expect(report.findings.filter((f) => f.severity === 'critical').every((f) => f.id === 'spray-success-after-spray')).toBe(true);
    const single = byId(report, 'spray-success-after-spray').find((f) => f.ip === fx.truth.singleSource.ip)!;
    expect(single.title).toMatch(/^Password of .+ worked for spray source 198\.18\.5\.5 at 2024-10-03T10:38:00Z \(signed in\)$/);
    expect(single.advice[0]).toBe('identity-revoke-reset');
  });

  it('finds the brute force on one account, not as a spray', async () => {
    const report = await analyse(...files);
    const [brute, ...more] = byId(report, 'spray-brute-force');
    expect(more).toEqual([]);
    expect(brute).toMatchObject({ ip: fx.truth.bruteForce.ip, accounts: [fx.truth.bruteForce.account], accountsTargeted: 1 });
    expect(brute!.sourceCounts[fx.truth.bruteForce.ip]).toBe(150);
    expect(byId(report, 'spray-single-source').some((f) => f.ip === fx.truth.bruteForce.ip)).toBe(false);
  });

  it('finds the enumeration of nonexistent accounts', async () => {
    const [enumeration, ...more] = byId(await analyse(...files), 'spray-enumeration');
    expect(more).toEqual([]);
    expect(enumeration).toMatchObject({ severity: 'medium', ip: fx.truth.enumeration.ip, accountsTargeted: 20 });
    expect(enumeration!.accounts).toEqual([...fx.truth.enumeration.accounts].sort());
  });

  it('has no finding beyond the scenario\'s attacks', async () => {
    const report = await analyse(...files);
    expect(report.findings.map((f) => f.id).every((id) => SPRAY_IDS.includes(id))).toBe(true);
    const attackIps = new Set([
      fx.truth.singleSource.ip, fx.truth.bruteForce.ip, fx.truth.enumeration.ip, ...fx.truth.distributed.sources, ...fx.truth.successAfterSpray.map((s) => s.ip),
    ]);
    expect(report.findings.filter((f) => !attackIps.has(f.ip))).toEqual([]);
  });
});

describe('windows and sshd scenarios', () => {
  it('finds the Windows password guessing from a LAN host and the burst of lockouts it caused', async () => {
    const report = await analyse('windows-security.ndjson');
    const [spray] = byId(report, 'spray-single-source');
    expect(spray).toMatchObject({ ip: fx.windows.attacker, accountsTargeted: 30 });
    expect(spray!.evidence).toMatch(/median of 12 attempts per account is more than a spray's few/i);
    expect(spray!.advice).toEqual(expect.arrayContaining(['ad-lockout-threshold', 'identity-adfs-extranet-lockout']));
    const [burst, ...more] = byId(report, 'spray-lockout-burst');
    expect(more).toEqual([]);
    expect(burst!.accounts).toEqual([...new Set(fx.windows.lockedAccounts)].map((a) => a.toLowerCase()).sort());
    expect(burst!.sources).toContain(fx.windows.attacker);
    // the 4740 notices are not attempts: no spray "from" the workstation that appears only in them
    expect(report.findings.some((f) => f.ip.startsWith('workstation:'))).toBe(false);
  });

  it('finds the sshd spray and the brute force on root', async () => {
    const report = await analyse('auth.log');
    expect(byId(report, 'spray-single-source').map((f) => [f.ip, f.accountsTargeted])).toEqual([[fx.ssh.sprayer, fx.ssh.sprayedUsers.length]]);
    expect(byId(report, 'spray-brute-force').map((f) => [f.ip, f.accounts])).toEqual([[fx.ssh.bruteForcer, ['root']]]);
    expect(byId(report, 'spray-enumeration').map((f) => f.ip)).toEqual([fx.ssh.sprayer]);
  });
});

describe('the report', () => {
  it('lists every input with its format, and orders findings by severity', async () => {
    const report = await analyse('entra-signins.ndjson', 'windows-security.ndjson', 'auth.log');
    expect(report.inputs.map((i) => i.format)).toEqual(['entra/ndjson', 'windows/ndjson', 'sshd/syslog']);
    expect(report.events).toBe(report.inputs.reduce((sum, i) => sum + i.events, 0));
    const ranks = report.findings.map((f) => ['critical', 'high', 'medium', 'low', 'info'].indexOf(f.severity));
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(report.pairs).toBeGreaterThan(0);
    // a JSON round trip keeps everything a client needs
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({ events: report.events, findings: report.findings });
  });
});
