import { Queue } from 'bullmq';
import { createApp, type App } from '../../../src/app';
import type { Report } from '../../../src/commands/report';
import { silentLogger } from '../../../src/log';
import type { ScanResult } from '../../../src/scanner/report-types';
import { parseAllowList } from '../../../src/scanner/targets';
import { SiteAgent, type ScanFunction } from '../../../src/sites/agent';
import { RedisStartError } from '../../../src/sites/connection';
import { KEY_PREFIX, queueNameOf } from '../../../src/sites/names';
import { LIMITS } from '../../../src/sites/protocol';
import { parseRedisUrl } from '../../../src/sites/redis-url';
import { AGENT_USER, BOT_USER, RedisServer, requireRedisTools } from './support/redis-server';

/**
 * The queue plumbing against a real redis-server: bot (createApp with REDIS_URL) ↔ Redis ↔ agents
 * in this process. The scanner is a stand-in here (it reports the addresses it was given); the
 * lab tests run the real scanner at real sites.
 */

requireRedisTools();
jest.setTimeout(30_000);

const server = new RedisServer({ persistent: true });
const agents: SiteAgent[] = [];
let app: App;

/** Answers with one host per planned address (up to `hosts`), after reporting progress. */
function standInScan(options: { hosts?: number; holdMs?: number; hostPadding?: number; ports?: number } = {}): ScanFunction & { seen: string[][] } {
  const seen: string[][] = [];
  const scan = (async (request, { signal, onProgress }) => {
    seen.push(request.addresses);
    onProgress({ phase: 'discovery', addressesTotal: request.addresses.length, hostsFound: 1, hostsInspected: 0 });
    if (options.holdMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.holdMs);
        signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    }
    const hosts = request.addresses.slice(0, options.hosts ?? 2).map((ip) => ({
      ip, mac: '00:0a:eb:00:00:01', vendor: `TP-LINK TECHNOLOGIES CO.,LTD.${' '.repeat(options.hostPadding ?? 0)}`.slice(0, 400), tplink: true,
      randomizedMac: false, gateway: false, openPorts: options.ports ? Array.from({ length: options.ports }, (_, i) => i + 1) : [7777], model: 'x'.repeat(Math.min(400, options.hostPadding ?? 0)) || null,
    }));
    const result: ScanResult = {
      targets: request.targets, startedAt: new Date().toISOString(), durationMs: 5, hosts,
      findings: hosts.slice(0, 1).map((h) => ({ id: 'quad7-xlogin-shell', severity: 'critical' as const, ip: h.ip, title: 'xlogin', evidence: 'TCP 7777 greets with "xlogin:"', advice: [] })),
      advice: [],
    };
    if (signal.aborted) result.partial = true;
    return result;
  }) as ScanFunction & { seen: string[][] };
  scan.seen = seen;
  return scan;
}

async function startAgent(site: string, allow: string, scan: ScanFunction, name = `${site}-a`): Promise<SiteAgent> {
  const agent = new SiteAgent({
    site, name, redis: parseRedisUrl(server.socketUrl(AGENT_USER)), policy: { allow: parseAllowList(allow), maxHosts: 1024 },
    maxTimeoutMs: 60_000, concurrency: 2, heartbeatMs: 200, version: '9.9.9-test', log: silentLogger(), scan,
    interfaces: () => ({ eth0: [{ address: allow.split('/')[0]?.replace(/\.0$/, '.2') ?? '', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:02', internal: false, cidr: null }] }),
    connectWaitMs: 5000,
  });
  await agent.start();
  agents.push(agent);
  return agent;
}

async function ask(text: string, progress: string[] = []): Promise<Report> {
  return app.dispatcher.dispatch({ surface: 'terminal', caller: { platform: 'terminal', userId: 'tester' }, input: text, progress: (line) => progress.push(line) });
}

function textOf(report: Report): string {
  return [report.title, report.summary, ...report.sections.map((s) => ('text' in s ? s.text : '') + ('heading' in s ? ` ${s.heading ?? ''}` : ''))].join('\n');
}

beforeAll(async () => {
  await server.start();
  app = createApp({ env: { REDIS_URL: server.socketUrl(BOT_USER), SCAN_ALLOW: '10.0.0.0/8', SCAN_RATE_LIMIT: '1000', TZ: 'UTC' }, log: silentLogger() });
});

afterAll(async () => {
  await Promise.allSettled(agents.map((agent) => agent.stop()));
  await app?.shutdown();
  await server.destroy();
});

describe('scans through site agents over Redis', () => {
  const berlin = standInScan();

  test('a scan at a site runs on that site\'s agent, its progress reaches the requester, and hosts carry the site', async () => {
    await startAgent('berlin', '10.81.0.0/24', berlin);
    const progress: string[] = [];
    const report = await ask('scan site:berlin 10.81.0.0/29', progress);
    expect(report.outcome).toBe('ok');
    expect(report.title).toBe('Scan at berlin: 10.81.0.0/29');
    expect(berlin.seen.at(-1)).toEqual(['10.81.0.1', '10.81.0.2', '10.81.0.3', '10.81.0.4', '10.81.0.5', '10.81.0.6']);
    const json = report.json as ScanResult;
    expect(json.hosts.map((h) => h.site)).toEqual(['berlin', 'berlin']);
    expect(json.findings.map((f) => `${f.site}:${f.ip}`)).toEqual(['berlin:10.81.0.1']);
    expect(progress.some((line) => line.startsWith('berlin: queued'))).toBe(true);
    expect(progress.some((line) => /^berlin: Scanning 10\.81\.0\.0\/29: 6 addresses, 1 host found/.test(line))).toBe(true);
  });

  test('with one site, a plain scan goes there; without targets the agent scans its own networks inside its allowlist', async () => {
    const report = await ask('scan');
    expect(report.outcome).toBe('ok');
    expect(report.title).toBe('Scan at berlin: 10.81.0.0/24');
    expect(berlin.seen.at(-1)).toHaveLength(254);
  });

  test('the agent refuses a target outside its own SCAN_ALLOW although the bot allows it, and scans nothing', async () => {
    const before = berlin.seen.length;
    const report = await ask('scan site:berlin 10.82.0.0/24');
    expect(report.outcome).toBe('refused');
    expect(report.title).toBe('Refused at berlin');
    expect(textOf(report)).toContain('Refused 10.82.0.0/24: it is outside the networks the berlin agent may scan (SCAN_ALLOW=10.81.0.0/24)');
    expect(berlin.seen.length).toBe(before);
  });

  test('a job written straight into the queue with extra fields (a list of addresses) is refused as invalid', async () => {
    const queue = new Queue(queueNameOf('berlin'), { connection: parseRedisUrl(server.socketUrl(BOT_USER)).options, prefix: KEY_PREFIX });
    try {
      const before = berlin.seen.length;
      const job = await queue.add('scan', { v: 1, site: 'berlin', targets: ['10.81.0.1'], addresses: ['8.8.8.8'], timeoutMs: 1000, requestedBy: 'x', requestedAt: Date.now(), expiresAt: Date.now() + 60_000 });
      for (let i = 0; i < 100 && !(await job.isFailed()); i += 1) await new Promise((r) => setTimeout(r, 50));
      const failed = await queue.getJob(job.id ?? '');
      expect(failed?.failedReason).toMatch(/^\[invalid\] invalid scan job: \(top\): Unrecognized key: "addresses"/);
      expect(berlin.seen.length).toBe(before);
    } finally {
      await queue.close();
    }
  });

  test('a site whose agents are gone answers at once, naming the site and the time of its last heartbeat', async () => {
    const agent = await startAgent('lisbon', '10.83.0.0/24', standInScan());
    await agent.stop();
    const started = Date.now();
    const report = await ask('scan site:lisbon 10.83.0.0/29');
    expect(Date.now() - started).toBeLessThan(5000); // not a timeout: the answer is immediate
    expect(report.title).toBe('No agent for lisbon');
    expect(textOf(report)).toMatch(/^No agent for lisbon since \d\d:\d\d\. Start or restart its agent/m);
    const queue = new Queue(queueNameOf('lisbon'), { connection: parseRedisUrl(server.socketUrl(BOT_USER)).options, prefix: KEY_PREFIX });
    expect(await queue.count()).toBe(0);
    await queue.close();
  });

  test('an unknown site is named, with the sites that exist', async () => {
    const report = await ask('scan site:madrid');
    expect(report.outcome).toBe('usage');
    expect(textOf(report)).toContain('No agent has ever registered for site madrid. Known sites: berlin, lisbon.');
  });

  test('site:* fans out and combines every site in one report, a section each, the dead site included', async () => {
    await startAgent('paris', '10.82.0.0/24', standInScan({ hosts: 3 }));
    const report = await ask('scan site:*');
    expect(report.title).toBe('Scan of 3 sites: berlin, lisbon, paris');
    expect(report.outcome).toBe('partial');
    const headings = report.sections.map((s) => s.heading).filter(Boolean);
    expect(headings).toEqual(['berlin', 'berlin: findings', 'berlin: hosts', 'lisbon', 'paris', 'paris: findings', 'paris: hosts']);
    const json = report.json as ScanResult & { sites: Array<{ site: string; ok: boolean }> };
    expect(json.sites.map((s) => `${s.site}:${s.ok}`)).toEqual(['berlin:true', 'lisbon:false', 'paris:true']);
    expect(json.hosts.filter((h) => h.site === 'paris')).toHaveLength(3);
    expect(json.targets).toEqual(['berlin:10.81.0.0/24', 'paris:10.82.0.0/24']);
  });

  test('with several sites, a scan with targets but no site asks which one', async () => {
    const report = await ask('scan 10.81.0.0/29');
    expect(report.outcome).toBe('usage');
    expect(textOf(report)).toContain('This bot scans through 3 sites (berlin, lisbon, paris). Say which: scan site:berlin 10.81.0.0/29');
  });

  test('/router-audit sites lists sites, agents, state, last heartbeat and version', async () => {
    const report = await ask('sites');
    const table = report.sections.find((s) => s.kind === 'table');
    expect(table?.kind === 'table' && table.rows.map((r) => `${r[0]} ${r[1]} ${r[2]} ${r[4]}`)).toEqual([
      'berlin berlin-a alive 9.9.9-test', 'lisbon lisbon-a stopped 9.9.9-test', 'paris paris-a alive 9.9.9-test',
    ]);
    expect(report.summary).toBe('3 sites, 2 of 3 agents alive; no live agent at lisbon');
  });

  test('a result larger than the limit is cut to fit by the agent (hosts dropped, findings kept, marked partial)', async () => {
    await startAgent('big', '10.84.0.0/22', standInScan({ hosts: 1022, ports: 1000 }));
    const report = await ask('scan site:big 10.84.0.0/22');
    const json = report.json as ScanResult;
    expect(json.partial).toBe(true);
    expect(json.hosts.length).toBeGreaterThan(0);
    expect(json.hosts.length).toBeLessThan(1022);
    expect(Buffer.byteLength(JSON.stringify(json))).toBeLessThan(LIMITS.resultBytes * 1.1);
    expect(json.findings).toHaveLength(1);
  });

  test('the bot and the agents reconnect by themselves when Redis restarts, and a scan in flight still completes', async () => {
    const slow = standInScan({ holdMs: 1500 });
    await startAgent('rome', '10.85.0.0/24', slow);
    const progress: string[] = [];
    const inFlight = ask('scan site:rome 10.85.0.0/29', progress);
    for (let i = 0; i < 100 && !progress.some((p) => p.includes('Scanning')); i += 1) await new Promise((r) => setTimeout(r, 20));
    await server.restart();
    const report = await inFlight;
    expect(report.outcome).toBe('ok');
    expect((report.json as ScanResult).hosts.map((h) => h.ip)).toEqual(['10.85.0.1', '10.85.0.2']);
    const after = await ask('scan site:berlin 10.81.0.0/30');
    expect(after.outcome).toBe('ok');
  });
});

describe('agent credentials', () => {
  test('a wrong password stops the agent at start with a clear message that does not contain it', async () => {
    const url = `unix://${AGENT_USER.name}:not-the-password@localhost${server.socket}`;
    const agent = new SiteAgent({
      site: 'berlin', name: 'bad', redis: parseRedisUrl(url), policy: { allow: parseAllowList('10.81.0.0/24'), maxHosts: 1024 },
      maxTimeoutMs: 1000, concurrency: 1, heartbeatMs: 200, version: 'x', log: silentLogger(), scan: standInScan(),
    });
    const error = await agent.start().then(() => null, (e: unknown) => e as Error);
    await agent.stop();
    expect(error).toBeInstanceOf(RedisStartError);
    expect(error?.message).toContain(`refused the user name or password in REDIS_URL (WRONGPASS`);
    expect(error?.message).toContain(`unix://${AGENT_USER.name}:***@localhost`);
    expect(error?.message).not.toContain('not-the-password');
  });

  test('no credentials against a Redis that requires them: the message says to put them in REDIS_URL', async () => {
    const agent = new SiteAgent({
      site: 'berlin', name: 'anon', redis: parseRedisUrl(`unix://localhost${server.socket}`), policy: { allow: parseAllowList('10.81.0.0/24'), maxHosts: 1024 },
      maxTimeoutMs: 1000, concurrency: 1, heartbeatMs: 200, version: 'x', log: silentLogger(), scan: standInScan(),
    });
    const error = await agent.start().then(() => null, (e: unknown) => e as Error);
    await agent.stop();
    expect(error?.message).toMatch(/requires a password: put the ACL user and password in REDIS_URL/);
  });
});
