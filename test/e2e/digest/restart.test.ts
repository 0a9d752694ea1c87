import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { formatTime } from '../../../src/commands/digest-time';
import { describeLab, withLab } from '../../support/lab';
import { BotProcess, MAIN, PROJECT_ROOT, count, stopAllBots, type LogLine } from './bot-process';
import { digestLab } from './topology';

/**
 * Digests survive restarts, for real: `node dist/src/main.js` on the terminal, scans in a lab
 * namespace (SCAN_NETNS), the store in a temp DATA_DIR. A process creates a digest and is
 * stopped with SIGTERM; a new process on the same DATA_DIR posts the slot it missed (late) and
 * the next one, without being told anything. Two processes started at once post each slot once.
 */

const TOPOLOGY = digestLab(93);
const TARGET = '10.93.0.0/27';

interface RunRow { slot: string; kind: string; status: string; claimed_by: string; scan_id: number | null }

function runsIn(dataDir: string): RunRow[] {
  const db = new Database(path.join(dataDir, 'router-audit.db'), { readonly: true });
  try {
    return db.prepare('SELECT slot, kind, status, claimed_by, scan_id FROM digest_runs ORDER BY slot').all() as RunRow[];
  } finally {
    db.close();
  }
}

function scanStartedAt(dataDir: string, scanId: number): string {
  const db = new Database(path.join(dataDir, 'router-audit.db'), { readonly: true });
  try {
    return (db.prepare('SELECT started_at FROM scans WHERE id = ?').get(scanId) as { started_at: string }).started_at;
  } finally {
    db.close();
  }
}

/** The digests a process posted, from its log: slot and kind. */
function posted(bot: BotProcess): Array<{ slot: string; kind: string }> {
  return bot.logs().filter((l: LogLine) => l.msg === 'digest posted').map((l) => ({ slot: String(l.slot), kind: String(l.kind) }));
}

const digestTitles = /^Digest #1( \(late\))?: 10\.93\.0\.0\/27$/gm;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describeLab('digests across restarts (real processes, lab network)', () => {
  const handle = withLab(TOPOLOGY, __filename);
  const dirs: string[] = [];
  const envFor = (dataDir: string): NodeJS.ProcessEnv => ({
    DATA_DIR: dataDir,
    SCAN_NETNS: handle.lab.scannerNamespace,
    SCAN_ALLOW: '10.93.0.0/24',
    SCAN_TIMEOUT_MS: '20000',
    TZ: 'UTC',
    LOG_LEVEL: 'info',
  });
  const tempDataDir = (): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ra-e2e-digest-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    await stopAllBots();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a digest made by one process is posted by the next one: the missed slot once (late), then on time; nothing doubled', async () => {
    const dataDir = tempDataDir();
    const first = new BotProcess('first', envFor(dataDir));
    first.send(`digest cron "*/5 * * * * *" ${TARGET}`);
    await first.waitFor('the digest to be created', (b) => b.stdout.includes('Digest #1 created'));
    await first.waitFor('the first digest', (b) => posted(b).length >= 1);
    expect(first.stdout).toContain(`First digest: ${TARGET}: 2 hosts, 1 TP-Link family device; findings: 1 critical`);
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    const afterFirst = runsIn(dataDir);

    // Down for longer than one period: a slot passes with no process running.
    await sleep(6500);

    const second = new BotProcess('second', envFor(dataDir));
    await second.waitFor('the late digest and one on time', (b) => posted(b).some((p) => p.kind === 'late') && posted(b).some((p) => p.kind === 'scheduled'));
    expect(await second.stop()).toEqual({ code: 0, signal: null });

    const runs = runsIn(dataDir);
    const firstPosts = posted(first);
    const secondPosts = posted(second);
    // Every run that was claimed was posted, by the process the log says, exactly once.
    expect(runs.filter((r) => r.status === 'posted').map((r) => r.slot).sort())
      .toEqual([...firstPosts, ...secondPosts].map((p) => p.slot).sort());
    expect(new Set(runs.map((r) => r.slot)).size).toBe(runs.length);
    expect(count(first.stdout, digestTitles) + count(second.stdout, digestTitles)).toBe(firstPosts.length + secondPosts.length);

    // The second process posted exactly one late slot, newer than anything the first one claimed,
    // and it is the first thing it posted.
    const late = secondPosts.filter((p) => p.kind === 'late');
    expect(late).toHaveLength(1);
    expect(secondPosts[0]).toEqual(late[0]);
    const lastOfFirst = afterFirst.map((r) => r.slot).sort().at(-1) ?? '';
    expect(late[0]!.slot > lastOfFirst).toBe(true);
    expect(count(second.stdout, `Digest #1 (late): ${TARGET}`)).toBe(1);

    // Nothing lost: the second process compared with the first process's last digest.
    const lastPostedOfFirst = afterFirst.filter((r) => r.status === 'posted').sort((a, b) => a.slot.localeCompare(b.slot)).at(-1);
    expect(lastPostedOfFirst?.scan_id).not.toBeNull();
    const since = formatTime(scanStartedAt(dataDir, lastPostedOfFirst!.scan_id!), 'UTC');
    expect(second.stdout.replace(/\s+/g, ' ')).toContain(`No change since ${since}. (Late: due ${formatTime(late[0]!.slot, 'UTC')}, when the bot was not running.)`);
  }, 120_000);

  it('two processes started at once on one DATA_DIR post each slot once', async () => {
    const dataDir = tempDataDir();
    // Create the digest with a process that reads one line and ends (piped input).
    const creator = spawn(process.execPath, [MAIN], { cwd: PROJECT_ROOT, env: { ...process.env, ...envFor(dataDir) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let created = '';
    creator.stdout.setEncoding('utf8').on('data', (chunk: string) => { created += chunk; });
    creator.stdin.end(`digest cron "*/4 * * * * *" ${TARGET}\n`);
    const exit = await new Promise<number | null>((resolve) => creator.on('exit', resolve));
    expect(exit).toBe(0);
    expect(created).toContain('Digest #1 created');

    const a = new BotProcess('a', envFor(dataDir));
    const b = new BotProcess('b', envFor(dataDir));
    const total = (): number => posted(a).length + posted(b).length;
    await a.waitFor('three digests between the two', () => total() >= 3 && a.logs().concat(b.logs()).some((l) => l.msg.startsWith('slot already claimed')));
    await Promise.all([a.stop(), b.stop()]);

    const slots = [...posted(a), ...posted(b)].map((p) => p.slot).sort();
    expect(new Set(slots).size).toBe(slots.length);
    const runs = runsIn(dataDir);
    expect(runs.filter((r) => r.status === 'posted').map((r) => r.slot).sort()).toEqual(slots);
    expect(count(a.stdout, digestTitles) + count(b.stdout, digestTitles)).toBe(slots.length);
    // No slot between the first and the last was dropped: they are 4 s apart.
    const scheduled = runs.filter((r) => r.kind === 'scheduled').map((r) => Date.parse(r.slot)).sort((x, y) => x - y);
    for (let i = 1; i < scheduled.length; i += 1) expect((scheduled[i] ?? 0) - (scheduled[i - 1] ?? 0)).toBe(4000);
  }, 120_000);
});
