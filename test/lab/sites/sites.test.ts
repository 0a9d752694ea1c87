import { spawn } from 'node:child_process';
import path from 'node:path';
import { Queue } from 'bullmq';
import { randomizedMac, vendorMac } from '../../../lab/macs';
import type { LabTopology } from '../../../lab/topology';
import { createApp, type App } from '../../../src/app';
import type { Report } from '../../../src/commands/report';
import { silentLogger } from '../../../src/log';
import type { ScanResult } from '../../../src/scanner/report-types';
import { KEY_PREFIX, queueNameOf } from '../../../src/sites/names';
import { parseRedisUrl } from '../../../src/sites/redis-url';
import { describeLab, labPrefixFor, PROJECT_ROOT } from '../../support/lab';
import { AGENT_USER, BOT_USER, requireRedisTools } from '../../unit/sites/support/redis-server';
import { HQ_REDIS_IP, SitesLab } from './support/sites-lab';

/**
 * Two sites, each a LAN in network namespaces with its own agent, and an hq namespace with Redis
 * routed to both. The bot runs in this process (Redis through its unix socket) and, once, as
 * `node dist/src/main.js` inside hq. Agents scan for real, inside their sites.
 */

const TPLINK = 'TP-LINK TECHNOLOGIES CO.,LTD.';

const berlin: LabTopology = {
  lan: '10.81.0.0/24',
  scanner: { ip: '10.81.0.2', mac: '02:00:00:81:00:02' },
  gateway: '10.81.0.1',
  hosts: [
    { name: 'rtr', ip: '10.81.0.1', mac: vendorMac(TPLINK, 0x8101), services: [{ kind: 'banner', port: 7777, banner: 'xlogin:' }], expect: { tplink: true, findings: ['quad7-xlogin-shell'] } },
    { name: 'ws', ip: '10.81.0.20', mac: vendorMac('Dell Inc.', 0x8120), services: [{ kind: 'banner', port: 7777, banner: 'SSH-2.0-OpenSSH_9.2p1\r\n' }], expect: { tplink: false } },
  ],
};

const paris: LabTopology = {
  lan: '10.82.0.0/24',
  scanner: { ip: '10.82.0.2', mac: '02:00:00:82:00:02' },
  gateway: '10.82.0.1',
  hosts: [
    { name: 'rtr', ip: '10.82.0.1', mac: vendorMac('ASUSTek COMPUTER INC.', 0x8201), services: [{ kind: 'banner', port: 63256, banner: 'alogin' }], expect: { tplink: false, findings: ['quad7-alogin-shell'] } },
    { name: 'ext', ip: '10.82.0.11', mac: vendorMac('MERCUSYS TECHNOLOGIES CO., LTD.', 0x8211), services: [{ kind: 'http', port: 80, title: 'MERCUSYS ME30' }], expect: { tplink: true } },
    { name: 'phone', ip: '10.82.0.40', mac: randomizedMac(0x8240), expect: { tplink: false } },
  ],
};

function hostsOf(topology: LabTopology): string[] {
  return topology.hosts.map((h) => `${h.ip} ${h.mac}`).sort();
}

function textOf(report: Report): string {
  return [report.title, report.summary, ...report.sections.map((s) => ('text' in s ? s.text : ''))].join('\n');
}

describeLab('many sites: agents in their LANs, one bot, jobs over Redis', () => {
  jest.setTimeout(120_000);
  const sites = new SitesLab(labPrefixFor(__filename).replace(/-$/, ''));
  let app: App;

  async function ask(text: string, onProgress: (line: string) => void = () => undefined): Promise<Report> {
    return app.dispatcher.dispatch({ surface: 'terminal', caller: { platform: 'terminal', userId: 'lab' }, input: text, progress: onProgress });
  }

  /** Starts a scan and resolves `started` once an agent has begun it (its progress reached the bot). */
  function scanInBackground(text: string): { report: Promise<Report>; started: Promise<void>; progress: string[] } {
    const progress: string[] = [];
    let markStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => { markStarted = resolve; });
    const report = ask(text, (line) => {
      progress.push(line);
      if (/agent started|Scanning/.test(line)) markStarted();
    });
    return { report, started, progress };
  }

  /** The agent that holds the site's active job right now. */
  async function activeOwner(site: string): Promise<string> {
    const queue = new Queue(queueNameOf(site), { connection: parseRedisUrl(sites.redis.socketUrl(BOT_USER)).options, prefix: KEY_PREFIX });
    try {
      for (let i = 0; i < 200; i += 1) {
        const [job] = await queue.getActive();
        if (job?.processedBy) return job.processedBy;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no active job at ${site}`);
    } finally {
      await queue.close();
    }
  }

  beforeAll(async () => {
    requireRedisTools();
    await sites.build({ berlin, paris });
    await sites.startAgent('berlin', 'berlin-1');
    await sites.startAgent('paris', 'paris-1');
    app = createApp({
      env: { REDIS_URL: sites.redis.socketUrl(BOT_USER), SCAN_ALLOW: '10.0.0.0/8', SCAN_RATE_LIMIT: '1000', TZ: 'UTC' },
      log: silentLogger(),
    });
  }, 180_000);

  afterAll(async () => {
    await app?.shutdown();
    await sites.destroy();
    expect(await sites.leftovers()).toEqual([]);
  }, 60_000);

  test('sites lists both sites with their live agents and version', async () => {
    const report = await ask('sites');
    const table = report.sections.find((s) => s.kind === 'table');
    expect(table?.kind === 'table' && table.rows.map((r) => `${r[0]} ${r[1]} ${r[2]} ${r[4]}`)).toEqual(['berlin berlin-1 alive 0.1.0', 'paris paris-1 alive 0.1.0']);
  });

  test('a scan at berlin finds exactly berlin\'s devices, with progress from its agent', async () => {
    const progress: string[] = [];
    const report = await ask('scan site:berlin', (line) => progress.push(line));
    expect(report.outcome).toBe('ok');
    const result = report.json as ScanResult;
    expect(result.targets).toEqual(['10.81.0.0/24']);
    expect(result.hosts.map((h) => `${h.ip} ${h.mac}`).sort()).toEqual(hostsOf(berlin));
    expect(result.hosts.every((h) => h.site === 'berlin')).toBe(true);
    expect(result.findings.filter((f) => f.severity === 'critical').map((f) => `${f.id}@${f.ip}`)).toEqual(['quad7-xlogin-shell@10.81.0.1']);
    expect(progress.some((line) => /^berlin: Scanning its networks: 254 addresses, [1-9]\d* hosts? found/.test(line))).toBe(true);
  });

  test('site:* scans both sites and combines them, a section per site', async () => {
    const report = await ask('scan site:*');
    expect(report.outcome).toBe('ok');
    expect(report.title).toBe('Scan of 2 sites: berlin, paris');
    const result = report.json as ScanResult;
    expect(result.hosts.filter((h) => h.site === 'berlin').map((h) => `${h.ip} ${h.mac}`).sort()).toEqual(hostsOf(berlin));
    expect(result.hosts.filter((h) => h.site === 'paris').map((h) => `${h.ip} ${h.mac}`).sort()).toEqual(hostsOf(paris));
    expect(result.findings.filter((f) => f.severity === 'critical').map((f) => `${f.site} ${f.id}`).sort()).toEqual(['berlin quad7-xlogin-shell', 'paris quad7-alogin-shell']);
    expect(report.sections.filter((s) => s.kind === 'table').map((s) => s.heading)).toEqual(['berlin: hosts', 'paris: hosts']);
  });

  test('berlin\'s agent refuses paris\'s LAN although the bot allows 10/8, and nothing reaches paris', async () => {
    const before = sites.site('paris').lab.contacts('ext').length;
    const report = await ask('scan site:berlin 10.82.0.0/24');
    expect(report.outcome).toBe('refused');
    expect(textOf(report)).toContain('Refused 10.82.0.0/24: it is outside the networks the berlin agent may scan (SCAN_ALLOW=10.81.0.0/24)');
    expect(sites.site('paris').lab.contacts('ext').length).toBe(before);
  });

  test('an agent killed with SIGKILL mid-scan: another agent of the site retries the job and the report comes', async () => {
    await sites.startAgent('berlin', 'berlin-2');
    const scan = scanInBackground('scan site:berlin');
    await scan.started;
    const owner = await activeOwner('berlin');
    const victim = sites.agentNamed(owner);
    expect(victim).toBeDefined();
    if (victim) await sites.kill(victim);
    const report = await scan.report;
    expect(report.outcome).toBe('ok');
    expect((report.json as ScanResult).hosts.map((h) => `${h.ip} ${h.mac}`).sort()).toEqual(hostsOf(berlin));
    expect(scan.progress.some((line) => line.includes('berlin: its agent stopped mid-scan; the job is being retried'))).toBe(true);
  });

  test('a job whose agents die twice fails after 2 tries, with a message naming the site', async () => {
    // Two live agents before each kill, so it is BullMQ's stalled-job limit that ends it, not "no agent".
    await sites.startAgent('berlin', 'berlin-3');
    const scan = scanInBackground('scan site:berlin');
    await scan.started;
    const first = await activeOwner('berlin');
    await sites.kill(sites.agentNamed(first) ?? (() => { throw new Error(`agent ${first} not found`); })());
    await sites.startAgent('berlin', 'berlin-4');
    let second = first;
    for (let i = 0; i < 400 && second === first; i += 1) {
      second = await activeOwner('berlin').catch(() => first);
      if (second === first) await new Promise((r) => setTimeout(r, 25));
    }
    expect(second).not.toBe(first);
    const victim = sites.agentNamed(second);
    if (victim) await sites.kill(victim);
    const report = await scan.report;
    expect(report.title).toBe('Scan at berlin failed');
    expect(textOf(report)).toContain('The berlin scan failed after 2 tries: its agent stopped mid-scan each time.');
    expect(report.ephemeral).toBe(false);
  });

  test('the only agent of a site killed mid-scan: the bot says so, naming the site and when it was last heard from', async () => {
    const scan = scanInBackground('scan site:paris');
    await scan.started;
    const victim = sites.agentNamed('paris-1');
    if (victim) await sites.kill(victim);
    const report = await scan.report;
    expect(report.title).toBe('No agent for paris');
    expect(textOf(report)).toMatch(/No agent for paris since \d\d:\d\d \(its agent paris-1 stopped mid-scan\)/);
    // and a new scan is answered at once
    const again = await ask('scan site:paris');
    expect(textOf(again)).toMatch(/^No agent for paris since \d\d:\d\d\. /m);
    await sites.startAgent('paris', 'paris-2');
  });

  test('Redis restarted mid-scan: the scan completes, and bot and agents carry on', async () => {
    const scan = scanInBackground('scan site:paris');
    await scan.started;
    await sites.redis.restart();
    const report = await scan.report;
    expect(report.outcome).toBe('ok');
    expect((report.json as ScanResult).hosts.map((h) => `${h.ip} ${h.mac}`).sort()).toEqual(hostsOf(paris));
    const after = await ask('scan site:*');
    expect(after.outcome).toBe('ok');
  });

  test('the bot as a process in hq (npm start over a pipe) scans a site through Redis', async () => {
    const output = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('ip', ['netns', 'exec', sites.hq, process.execPath, path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
        env: { ...process.env, REDIS_URL: `redis://${BOT_USER.name}:${BOT_USER.password}@${HQ_REDIS_IP}:6379`, SCAN_ALLOW: '10.0.0.0/8', DATA_DIR: path.join(sites.redis.dir, 'data'), LOG_LEVEL: 'warn' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
      child.stdin.end('sites\nscan site:berlin\n');
    });
    expect(output.code).toBe(0);
    expect(output.stdout).toContain('Scan at berlin: 10.81.0.0/24');
    expect(output.stdout).toMatch(/10\.81\.0\.1\s+\S+\s+TP-LINK TECHNOLOGIES CO\.,LTD\./);
    expect(output.stderr).not.toContain(BOT_USER.password);
  });

  test('an agent with a wrong password stops at start with a clear message, exit 2, the password nowhere', async () => {
    const run = await sites.runAgentOnce('berlin', { REDIS_URL: `redis://${AGENT_USER.name}:wrong-password-123@${HQ_REDIS_IP}:6379` });
    expect(run.code).toBe(2);
    expect(run.output).toContain(`Redis at redis://${AGENT_USER.name}:***@${HQ_REDIS_IP}:6379 refused the user name or password in REDIS_URL`);
    expect(run.output).not.toContain('wrong-password-123');
  });
});
