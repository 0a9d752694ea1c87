import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { runInNamespace } from '../../lab/exec';
import { DIST, PROJECT_ROOT, describeLab, runInScanner, withLab } from '../support/lab';
import { infectedRouter, tinyLab, workstation } from '../support/topologies';

/**
 * The CLI as a user runs it: the real bin, real processes, scans inside a lab namespace.
 * Contract: exit 0 nothing reached --fail-on, 1 something did, 2 usage error or refused target.
 */

const BIN = path.join(PROJECT_ROOT, 'bin', 'router-audit.js');

/** The --json contract of issue 3: exactly these keys, these types. */
const hostSchema = z.object({
  ip: z.string(),
  mac: z.string().regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/).nullable(),
  vendor: z.string().nullable(),
  tplink: z.boolean(),
  randomizedMac: z.boolean(),
  gateway: z.boolean(),
  openPorts: z.array(z.number().int()),
  model: z.string().nullable(),
}).strict();
const scanJsonSchema = z.object({
  targets: z.array(z.string()),
  startedAt: z.iso.datetime(),
  durationMs: z.number(),
  hosts: z.array(hostSchema),
  findings: z.array(z.object({
    id: z.string(), severity: z.enum(['critical', 'high', 'medium', 'low', 'info']), ip: z.string(),
    title: z.string(), evidence: z.string(), advice: z.array(z.string()),
  }).strict()),
  advice: z.array(z.object({ id: z.string(), title: z.string(), text: z.string(), url: z.url() }).strict()),
  partial: z.boolean().optional(),
}).strict();

function cliOnHost(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd: PROJECT_ROOT });
}

describe('CLI without a network', () => {
  it('prints help and exits 0', () => {
    const run = cliOnHost(['help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('router-audit scan [TARGETS…] [--json] [--fail-on SEVERITY] [--timeout MS]');
  });

  it('exits 2 with a usage message for an unknown command', () => {
    const run = cliOnHost(['scna', '10.0.0.0/24']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Did you mean scan?');
    expect(run.stdout).toBe('');
  });

  it('exits 2 for a malformed target and shows what it expected', () => {
    const run = cliOnHost(['scan', '10.0.0/24']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('CIDR form (10.20.0.0/24)');
  });

  it('exits 2 for a bad --fail-on value', () => {
    expect(cliOnHost(['scan', '10.0.0.1', '--fail-on', 'doom']).status).toBe(2);
  });

  it('exits 2 with the variable named when the configuration is invalid', () => {
    const run = cliOnHost(['advice'], { SCAN_ALLOW: 'everything' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('SCAN_ALLOW');
  });

  it('prints the advice catalog as JSON', () => {
    const run = cliOnHost(['advice', '--json']);
    expect(run.status).toBe(2); // --json is a scan option: advice refuses it with its usage
    const catalog = cliOnHost(['advice', 'identity-mfa']);
    expect(catalog.status).toBe(0);
    expect(catalog.stdout).toContain('https://learn.microsoft.com/entra/identity/conditional-access/policy-all-users-mfa-strength');
  });
});

const TOPOLOGY = tinyLab(
  infectedRouter(),
  workstation({
    role: 'workstation with SSH on 7777',
    services: [{ kind: 'banner', port: 7777, banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n' }],
    expect: { tplink: false, findings: ['port-7777-other-service'] },
  }),
);

/** IPv4 packets this namespace has sent (/proc/net/snmp is per network namespace). */
async function ipv4PacketsSent(lab: { scannerNamespace: string }): Promise<number> {
  const snmp = await runInNamespace(lab.scannerNamespace, 'cat', ['/proc/net/snmp']);
  const lines = snmp.stdout.split('\n').filter((line) => line.startsWith('Ip:'));
  const names = (lines[0] ?? '').split(/\s+/);
  const values = (lines[1] ?? '').split(/\s+/);
  return Number(values[names.indexOf('OutRequests')]);
}

describeLab('CLI scanning a lab', () => {
  const handle = withLab(TOPOLOGY, __filename);
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runInScanner(handle.lab, process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });

  it('prints exactly one JSON document of the documented shape and exits 1 for a critical finding', async () => {
    const run = await cli(['scan', '10.77.0.0/24', '--json']);
    expect(run.code).toBe(1);
    const result = scanJsonSchema.parse(JSON.parse(run.stdout));
    expect(result.targets).toEqual(['10.77.0.0/24']);
    expect(result.hosts.map((h) => h.ip)).toEqual(['10.77.0.1', '10.77.0.20']);
    expect(result.hosts[0]).toMatchObject({ mac: '00:0a:eb:00:00:01', tplink: true, gateway: true, openPorts: [7777] });
    const critical = result.findings.filter((f) => f.severity === 'critical');
    expect(critical.map((f) => `${f.id}@${f.ip}`)).toEqual(['quad7-xlogin-shell@10.77.0.1']);
    expect(result.findings.find((f) => f.ip === '10.77.0.20')?.severity).toBe('low');
  });

  it('exits 0 when nothing reaches --fail-on and 1 when a lower threshold is reached', async () => {
    expect((await cli(['scan', '10.77.0.20'])).code).toBe(0);
    expect((await cli(['scan', '10.77.0.20', '--fail-on', 'low'])).code).toBe(1);
  });

  it('prints a human report with the host table by default', async () => {
    const run = await cli(['scan', '10.77.0.0/24']);
    expect(run.stdout).toMatch(/10\.77\.0\.1\s+00:0a:eb:00:00:01\s+TP-LINK TECHNOLOGIES CO\.,LTD\.\s+gateway TP-Link\s+7777/);
    expect(run.stdout).toMatch(/CRITICAL\s+10\.77\.0\.1/);
    expect(run.stderr).toBe(''); // progress only on a terminal
  });

  it('refuses a public range with exit 2 and sends nothing at all', async () => {
    const before = await ipv4PacketsSent(handle.lab);
    const run = await cli(['scan', '8.8.8.0/24', '--json']);
    const after = await ipv4PacketsSent(handle.lab);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({ error: { kind: 'refused', message: expect.stringContaining('Refused 8.8.8.0/24') } });
    expect(after).toBe(before);
    // The counter does move when a scan is allowed: the check above can fail.
    await cli(['scan', '10.77.0.20']);
    expect(await ipv4PacketsSent(handle.lab)).toBeGreaterThan(after);
  });

  it('keeps SCAN_ALLOW in force: a lab range outside a narrowed allowlist is refused', async () => {
    const run = await cli(['scan', '10.77.0.0/24'], { SCAN_ALLOW: '10.99.0.0/16' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SCAN_ALLOW=10.99.0.0/16');
  });

  it('runs the terminal adapter from a pipe: one command per line, exits at end of input', async () => {
    const run = await runInScanner(handle.lab, process.execPath, [path.join(DIST, 'src', 'main.js')], {
      input: 'help\nscan 10.77.0.20\nscan 8.8.8.8\nfrobnicate\n',
      env: { ...process.env, SLACK_BOT_TOKEN: '', DISCORD_TOKEN: '' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('COMMANDS');
    expect(run.stdout).toMatch(/TCP 7777 is open: SSH server, not the Quad7 shell/);
    expect(run.stdout).toContain('Refused 8.8.8.8');
    expect(run.stdout).toContain('Unknown command "frobnicate"');
  });
});
