import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLab, LabPermissionError, type Lab } from '../lab/builder';
import { runInNamespace } from '../lab/exec';
import { vendorMac } from '../lab/macs';
import { ip, ipBatch, listNamespaces, namespacePids } from '../lab/netns';
import type { LabTopology } from '../lab/topology';
import { PROJECT_ROOT } from '../src/paths';
import { machineInfo } from './machine';
import { runsOptions, stats, writeSection, type Stats } from './report';

/**
 * `npm run bench -- sites [--runs N] [--no-write]`: what dispatch through Redis (bot → BullMQ →
 * agent → result back) adds to the same lab scan run in-process, and 20 concurrent scans over two
 * sites. Two lab LANs in namespaces, Redis in an "hq" namespace routed to both, one agent per site
 * (`router-audit agent`). The measuring process (this file with --driver) runs inside the first
 * site's scanner namespace, so its in-process scans see the same LAN its agent does.
 */

const GOAL_ADDED_MS = 50;
const BASE = 'rabsites';
const HQ = `${BASE}hq`;
const REDIS_IP = '10.250.0.1';
const PASSWORD = 'bench-secret-4d2f9a7c';

function siteTopology(octet: number): LabTopology {
  const hosts = [
    { name: 'rtr', ip: `10.${octet}.0.1`, mac: vendorMac('TP-LINK TECHNOLOGIES CO.,LTD.', octet * 256 + 1), services: [{ kind: 'banner' as const, port: 7777, banner: 'xlogin:' }], expect: { tplink: true } },
    ...Array.from({ length: 8 }, (_, i) => ({ name: `h${i}`, ip: `10.${octet}.0.${20 + i * 16}`, mac: vendorMac('Dell Inc.', octet * 256 + 20 + i), expect: { tplink: false } })),
  ];
  return { lan: `10.${octet}.0.0/24`, scanner: { ip: `10.${octet}.0.2`, mac: `02:00:00:${octet.toString(16).padStart(2, '0')}:00:02`, }, gateway: `10.${octet}.0.1`, hosts };
}

interface Sample { wallMs: number; innerMs: number; hosts: number }
interface DriverOutput { local: Sample[]; queued: Sample[]; concurrent: { wallMs: number; latencies: number[]; hosts: number[]; failed: number } }

// ---------------------------------------------------------------- the driver (inside a site)

async function driver(runs: number): Promise<void> {
  const { createApp } = require('../src/app') as typeof import('../src/app');
  const { LocalScanRunner } = require('../src/commands/local-runner') as typeof import('../src/commands/local-runner');
  const { ScanCoordinator } = require('../src/commands/scan-coordinator') as typeof import('../src/commands/scan-coordinator');
  const { silentLogger } = require('../src/log') as typeof import('../src/log');
  const env = { ...process.env, SCAN_RATE_LIMIT: '100000', SCAN_ALLOW: '10.0.0.0/8' };
  const app = createApp({ env, log: silentLogger() });
  const sites = app.services.sites;
  if (!sites) throw new Error('driver: REDIS_URL is not set');
  const local = new ScanCoordinator({
    runner: new LocalScanRunner(app.services.content), policy: { allow: app.config.scan.allow, maxHosts: 1024 },
    timeoutMs: 60_000, rateLimit: 100_000, rateWindowMs: 1000, log: silentLogger(),
  });
  const target = '10.81.0.0/24';
  const timeLocal = async (): Promise<Sample> => {
    const started = performance.now();
    const { result } = await local.scan([target], { requester: 'bench' });
    return { wallMs: performance.now() - started, innerMs: result.durationMs, hosts: result.hosts.length };
  };
  const timeQueued = async (): Promise<Sample> => {
    const started = performance.now();
    const { result } = await sites.scan([`site:berlin`, target], { requester: 'bench', timeoutMs: 60_000, progress: () => undefined });
    return { wallMs: performance.now() - started, innerMs: result.durationMs, hosts: result.hosts.length };
  };
  await timeLocal();
  await timeQueued();
  const out: DriverOutput = { local: [], queued: [], concurrent: { wallMs: 0, latencies: [], hosts: [], failed: 0 } };
  for (let i = 0; i < runs; i += 1) {
    // Alternate who goes first; both scan the same LAN from the same namespace.
    if (i % 2 === 0) { out.local.push(await timeLocal()); out.queued.push(await timeQueued()); }
    else { out.queued.push(await timeQueued()); out.local.push(await timeLocal()); }
  }
  // 20 scans at once over both sites, each of its own /28 (no two join).
  const started = performance.now();
  const jobs = Array.from({ length: 20 }, (_, i) => {
    const site = i % 2 === 0 ? 'berlin' : 'paris';
    const octet = site === 'berlin' ? 81 : 82;
    const spec = `10.${octet}.0.${Math.floor(i / 2) * 16}/28`;
    const t0 = performance.now();
    return sites.scan([`site:${site}`, spec], { requester: `bench${i}`, timeoutMs: 60_000, progress: () => undefined })
      .then((outcome) => ({ ms: performance.now() - t0, ok: outcome.report.outcome === 'ok', hosts: outcome.result.hosts.length }));
  });
  const done = await Promise.all(jobs);
  out.concurrent = { wallMs: performance.now() - started, latencies: done.map((d) => d.ms), hosts: done.map((d) => d.hosts), failed: done.filter((d) => !d.ok).length };
  await app.shutdown();
  process.stdout.write(JSON.stringify(out), () => process.exit(0));
}

// ---------------------------------------------------------------- the harness (root namespace)

interface Harness { labs: Lab[]; redis: ChildProcess | undefined; agents: ChildProcess[]; dir: string }

async function removeHq(): Promise<void> {
  if (!(await listNamespaces()).includes(HQ)) return;
  for (const pid of await namespacePids(HQ)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  await ip(['netns', 'del', HQ]).catch(() => undefined);
}

async function waitFor(what: string, test: () => boolean, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!test()) {
    if ((child && child.exitCode !== null) || Date.now() > deadline) throw new Error(`bench sites: ${what} did not come up`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function setUp(h: Harness): Promise<void> {
  await removeHq();
  await ip(['netns', 'add', HQ]);
  await ipBatch(['link set lo up', `addr add ${REDIS_IP}/32 dev lo`], { netns: HQ });
  for (const [index, octet] of [[1, 81], [2, 82]] as const) {
    const lab = await createLab(siteTopology(octet), { prefix: `${BASE}${index}-` });
    h.labs.push(lab);
    await ip(['link', 'add', `site${index}`, 'netns', HQ, 'type', 'veth', 'peer', 'name', 'hq', 'netns', lab.scannerNamespace]);
    await ipBatch([`addr add 10.250.${index}.1/30 dev site${index}`, `link set site${index} up`], { netns: HQ });
    await ipBatch([`addr add 10.250.${index}.2/30 dev hq`, 'link set hq up', `route add ${REDIS_IP}/32 via 10.250.${index}.1`], { netns: lab.scannerNamespace });
  }
  const conf = path.join(h.dir, 'redis.conf');
  writeFileSync(conf, [`port 6379`, `bind ${REDIS_IP}`, 'protected-mode no', `dir ${h.dir}`, 'save ""', 'appendonly no',
    `user default on >${PASSWORD}x ~* &* +@all`, `user ra on >${PASSWORD} ~router-audit:* +@all -@dangerous +info +client|setname`].join('\n'));
  const log = path.join(h.dir, 'redis.log');
  h.redis = spawn('ip', ['netns', 'exec', HQ, 'redis-server', conf, '--logfile', log], { stdio: 'ignore' });
  await waitFor('redis-server', () => existsSync(log) && /ready to accept connections/i.test(readFileSync(log, 'utf8')), h.redis);
  for (const [index, site] of [[0, 'berlin'], [1, 'paris']] as const) {
    const lab = h.labs[index];
    if (!lab) throw new Error('lab missing');
    let output = '';
    const agent = spawn('ip', ['netns', 'exec', lab.scannerNamespace, process.execPath, path.join(PROJECT_ROOT, 'bin', 'router-audit.js'), 'agent', '--site', site, '--name', `${site}-bench`], {
      env: { ...process.env, REDIS_URL: redisUrl(), SCAN_ALLOW: lab.topology.lan, LOG_LEVEL: 'info', AGENT_CONCURRENCY: '4' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    agent.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
    agent.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
    h.agents.push(agent);
    await waitFor(`agent ${site}`, () => output.includes('"msg":"agent ready"'), agent);
  }
}

function redisUrl(): string {
  return `redis://ra:${PASSWORD}@${REDIS_IP}:6379`;
}

async function tearDown(h: Harness): Promise<void> {
  for (const agent of h.agents) agent.kill('SIGTERM');
  await Promise.all(h.agents.map((a) => (a.exitCode !== null ? Promise.resolve() : new Promise((r) => a.once('exit', r)))));
  if (h.redis && h.redis.exitCode === null) { h.redis.kill('SIGTERM'); await new Promise((r) => h.redis?.once('exit', r)); }
  for (const lab of h.labs) await lab.destroy().catch(() => undefined);
  await removeHq();
  rmSync(h.dir, { recursive: true, force: true });
}

const ms = (value: number): string => `${Math.round(value)} ms`;
const row = (label: string, s: Stats, extra = ''): string => `| ${label} | ${ms(s.medianMs)} | ${ms(s.minMs)} | ${ms(s.maxMs)} | ${extra} |`;

export async function run(args: string[]): Promise<number> {
  const { runs, write } = runsOptions(args, 9);
  const h: Harness = { labs: [], redis: undefined, agents: [], dir: mkdtempSync(path.join(os.tmpdir(), 'ra-bench-sites-')) };
  let out: DriverOutput;
  const loadBefore = machineInfo().load1;
  try {
    try {
      await setUp(h);
    } catch (error) {
      if (error instanceof LabPermissionError) { console.error(`bench sites: ${error.message}`); return 2; }
      throw error;
    }
    const berlin = h.labs[0];
    if (!berlin) throw new Error('no lab');
    const result = await runInNamespace(berlin.scannerNamespace, process.execPath, [__filename, '--driver', String(runs)], {
      env: { ...process.env, REDIS_URL: redisUrl(), LOG_LEVEL: 'silent' }, timeoutMs: 10 * 60_000,
    });
    if (result.code !== 0) throw new Error(`driver failed (${result.code ?? result.signal}): ${result.stderr.slice(-2000)}`);
    out = JSON.parse(result.stdout) as DriverOutput;
  } finally {
    await tearDown(h);
  }

  const local = stats(out.local.map((s) => s.wallMs));
  const queued = stats(out.queued.map((s) => s.wallMs));
  // Wall time minus the scan's own duration: what is left is everything around the scan.
  const localAround = stats(out.local.map((s) => s.wallMs - s.innerMs));
  const queuedAround = stats(out.queued.map((s) => s.wallMs - s.innerMs));
  const added = queuedAround.medianMs - localAround.medianMs;
  const lat = stats(out.concurrent.latencies);
  const m = machineInfo();
  const body = [
    `Measured by \`npm run bench -- sites\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    'Two lab LANs in network namespaces (berlin 10.81.0.0/24, paris 10.82.0.0/24; 9 live hosts each, the xlogin router among them), Redis 7 in an "hq" namespace routed to both over veth links, one `router-audit agent` per site (concurrency 4, heartbeat 5 s). The measuring process runs in berlin\'s scanner namespace: it scans berlin\'s LAN in-process (`LocalScanRunner` through the coordinator) and through the sites path (`scan site:berlin`: coordinator → `QueueScanRunner` → BullMQ job → agent → real scan → result back through Redis, zod-validated on both ends), alternately, ' + `${runs} times each after one untimed warm-up.`,
    '',
    '| | median | min | max | |',
    '|---|---|---|---|---|',
    row('in-process scan (wall)', local, `${out.local[0]?.hosts ?? 0} hosts`),
    row('through Redis and the agent (wall)', queued, `${out.queued[0]?.hosts ?? 0} hosts`),
    row('in-process: wall − scan `durationMs`', localAround),
    row('through Redis: wall − scan `durationMs`', queuedAround),
    '',
    `Added by dispatch through Redis (medians of wall − durationMs): **${ms(added)}**. Goal: < ${GOAL_ADDED_MS} ms: **${added < GOAL_ADDED_MS ? 'met' : 'not met'}**.`,
    '',
    `**20 concurrent scans over 2 sites** (10 per site, each a different /28, 4 at a time per agent): all done in **${ms(out.concurrent.wallMs)}**, ${out.concurrent.failed} failed; per-scan latency median ${ms(lat.medianMs)}, min ${ms(lat.minMs)}, max ${ms(lat.maxMs)} (queue wait included). One scan of a /28 takes about as long as the 800 ms ARP window, so 10 per agent in 3 waves of 4 is the floor.`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.kernel}, Node ${m.node}; load average ${loadBefore} before and ${m.load1} after.`,
  ].join('\n');
  console.log(body);
  if (write) writeSection('Sites', body);
  return added < GOAL_ADDED_MS && out.concurrent.failed === 0 ? 0 : 1;
}

if (require.main === module && process.argv[2] === '--driver') {
  driver(Number(process.argv[3] ?? 9)).catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
