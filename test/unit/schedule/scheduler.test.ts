import path from 'node:path';
import pino from 'pino';
import { ChannelGoneError, type ChatAdapter } from '../../../src/bot/types';
import type { Report } from '../../../src/commands/report';
import { silentLogger } from '../../../src/log';
import { cronSchedule, dailySchedule, weeklySchedule } from '../../../src/schedule/cron';
import { DigestScheduler, type BuildRequest, type DigestExecutor } from '../../../src/schedule/scheduler';
import { SqliteStore } from '../../../src/store/sqlite';
import type { DigestRecord, DigestSchedule } from '../../../src/store/types';
import { newTempDir } from '../../support/temp-dir';
import { ManualClock, settle } from './manual-clock';

/** What an adapter received: which digest, for which slot, on time or late. */
interface Post {
  channel: string;
  digest: number;
  slot: string | null;
  late: boolean;
  at: string;
}

function tempDb(): string {
  return path.join(newTempDir('ra-sched-'), 'router-audit.db');
}

function reportFor(digest: DigestRecord, request: BuildRequest): Report {
  return {
    title: `Digest #${digest.id}`,
    tone: 'ok',
    summary: 'x',
    sections: [],
    attachments: [],
    outcome: 'ok',
    json: { digest: digest.id, slot: request.slot?.toISOString() ?? null, late: request.late },
  };
}

const executor: DigestExecutor = {
  build: async (digest, request) => ({ report: reportFor(digest, request), scanId: null }),
};

function recordingAdapter(clock: ManualClock, posts: Post[], platform: ChatAdapter['platform'] = 'slack'): ChatAdapter {
  return {
    platform,
    start: async () => undefined,
    stop: async () => undefined,
    post: async (channel, report) => {
      const json = report.json as { digest: number; slot: string | null; late: boolean };
      posts.push({ channel, ...json, at: clock.now().toISOString() });
    },
  };
}

interface Rig {
  file: string;
  store: SqliteStore;
  clock: ManualClock;
  posts: Post[];
  scheduler: DigestScheduler;
}

function rig(start: string, options: { file?: string; clock?: ManualClock; posts?: Post[]; instance?: string; exec?: DigestExecutor; log?: pino.Logger } = {}): Rig {
  const file = options.file ?? tempDb();
  const store = new SqliteStore(file, 'DATA_DIR=test');
  const clock = options.clock ?? new ManualClock(start);
  const posts = options.posts ?? [];
  const scheduler = new DigestScheduler({
    store,
    executor: options.exec ?? executor,
    log: options.log ?? silentLogger(),
    clock,
    instanceId: options.instance ?? 'one',
    resyncMs: 0,
    retry: { attempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 },
  });
  return { file, store, clock, posts, scheduler };
}

function createDigest(r: Rig, schedule: DigestSchedule, timeZone: string, channelId = 'C1'): DigestRecord {
  return r.store.createDigest({
    platform: 'slack',
    channelId,
    targets: ['10.20.0.0/24'],
    site: null,
    schedule,
    timeZone,
    createdBy: 'slack:U1',
    createdAt: r.clock.now(),
  });
}

async function startRig(r: Rig, adapter?: ChatAdapter): Promise<void> {
  await r.scheduler.start([adapter ?? recordingAdapter(r.clock, r.posts)]);
  await settle();
}

describe('digest scheduler: daily schedules across DST (Europe/Amsterdam)', () => {
  it('posts daily 08:00 at 08:00 local time before and after the spring change (07:00Z, then 06:00Z)', async () => {
    const r = rig('2025-03-28T12:00:00Z');
    const digest = createDigest(r, dailySchedule('08:00'), 'Europe/Amsterdam');
    await startRig(r);
    await r.clock.advanceTo('2025-04-01T00:00:00Z');
    expect(r.posts).toEqual([
      { channel: 'C1', digest: digest.id, slot: '2025-03-29T07:00:00.000Z', late: false, at: '2025-03-29T07:00:00.000Z' },
      { channel: 'C1', digest: digest.id, slot: '2025-03-30T06:00:00.000Z', late: false, at: '2025-03-30T06:00:00.000Z' },
      { channel: 'C1', digest: digest.id, slot: '2025-03-31T06:00:00.000Z', late: false, at: '2025-03-31T06:00:00.000Z' },
    ]);
    await r.scheduler.stop();
  });

  it('runs a 02:30 digest once at 03:00 on the spring-forward day, and once (not twice) on the fall-back day', async () => {
    const r = rig('2025-03-29T12:00:00Z');
    createDigest(r, dailySchedule('02:30'), 'Europe/Amsterdam');
    await startRig(r);
    await r.clock.advanceTo('2025-03-31T12:00:00Z');
    // 30 March: 02:30 does not exist (02:00 → 03:00); it runs at 03:00 CEST = 01:00Z.
    expect(r.posts.map((p) => p.slot)).toEqual(['2025-03-30T01:00:00.000Z', '2025-03-31T00:30:00.000Z']);

    r.posts.length = 0;
    await r.scheduler.stop();
    const autumn = rig('2025-10-25T12:00:00Z', { file: r.file });
    await startRig(autumn);
    await autumn.clock.advanceTo('2025-10-27T12:00:00Z');
    // Down since March: the 25 October slot is owed and posted at start, late. Then on 26 October
    // 02:30 happens twice (CEST 00:30Z, then CET 01:30Z); the digest runs once.
    expect(autumn.posts.map((p) => [p.slot, p.late])).toEqual([
      ['2025-10-25T00:30:00.000Z', true],
      ['2025-10-26T00:30:00.000Z', false],
      ['2025-10-27T01:30:00.000Z', false],
    ]);
    await autumn.scheduler.stop();
  });

  it('runs weekly digests on their weekday in their zone', async () => {
    const r = rig('2025-03-26T12:00:00Z'); // a Wednesday
    createDigest(r, weeklySchedule('mon', '08:00'), 'America/New_York');
    await startRig(r);
    await r.clock.advanceTo('2025-04-15T00:00:00Z');
    expect(r.posts.map((p) => p.slot)).toEqual(['2025-03-31T12:00:00.000Z', '2025-04-07T12:00:00.000Z', '2025-04-14T12:00:00.000Z']);
    await r.scheduler.stop();
  });
});

describe('digest scheduler: cron schedules', () => {
  it('runs a seconds-level cron at every slot', async () => {
    const r = rig('2025-06-01T10:00:01Z');
    createDigest(r, cronSchedule('*/10 * * * * *'), 'UTC');
    await startRig(r);
    await r.clock.advanceTo('2025-06-01T10:00:35Z');
    expect(r.posts.map((p) => p.slot)).toEqual(['2025-06-01T10:00:10.000Z', '2025-06-01T10:00:20.000Z', '2025-06-01T10:00:30.000Z']);
    await r.scheduler.stop();
  });

  it('runs an interval cron on both occurrences of the repeated hour in autumn, and skips the missing hour in spring', async () => {
    const r = rig('2025-10-25T23:00:00Z');
    createDigest(r, cronSchedule('15 * * * *'), 'Europe/Amsterdam');
    await startRig(r);
    await r.clock.advanceTo('2025-10-26T02:30:00Z');
    // local 01:15 CEST, 02:15 CEST, 02:15 CET, 03:15 CET
    expect(r.posts.map((p) => p.slot)).toEqual(['2025-10-25T23:15:00.000Z', '2025-10-26T00:15:00.000Z', '2025-10-26T01:15:00.000Z', '2025-10-26T02:15:00.000Z']);
    await r.scheduler.stop();

    const spring = rig('2025-03-29T23:30:00Z');
    createDigest(spring, cronSchedule('15 * * * *'), 'Europe/Amsterdam');
    await startRig(spring);
    await spring.clock.advanceTo('2025-03-30T02:00:00Z');
    // local 01:15 CET, (02:15 does not exist), 03:15 CEST
    expect(spring.posts.map((p) => p.slot)).toEqual(['2025-03-30T00:15:00.000Z', '2025-03-30T01:15:00.000Z']);
    await spring.scheduler.stop();
  });

  it('waits out timers longer than setTimeout allows (a yearly cron)', async () => {
    const r = rig('2025-01-02T00:00:00Z');
    createDigest(r, cronSchedule('0 9 1 1 *'), 'UTC');
    await startRig(r);
    await r.clock.advanceTo('2025-12-31T23:59:59Z');
    expect(r.posts).toEqual([]);
    await r.clock.advanceTo('2026-01-01T09:00:00Z');
    expect(r.posts.map((p) => p.slot)).toEqual(['2026-01-01T09:00:00.000Z']);
    await r.scheduler.stop();
  });
});

describe('digest scheduler: restarts and missed slots', () => {
  it('posts the latest slot missed while down once, marked late, then the next on time; a second restart does not repeat it', async () => {
    const first = rig('2025-05-05T05:00:00Z');
    const digest = createDigest(first, dailySchedule('08:00'), 'Europe/Amsterdam');
    await startRig(first);
    await first.clock.advanceTo('2025-05-05T12:00:00Z');
    expect(first.posts.map((p) => p.slot)).toEqual(['2025-05-05T06:00:00.000Z']);
    await first.scheduler.stop();
    first.store.close();

    // Down for three days: the slots of the 6th, 7th and 8th pass; at start only the 8th is posted, late.
    const second = rig('', { file: first.file, clock: new ManualClock('2025-05-08T09:30:00Z'), instance: 'two' });
    await startRig(second);
    expect(second.posts).toEqual([{ channel: 'C1', digest: digest.id, slot: '2025-05-08T06:00:00.000Z', late: true, at: '2025-05-08T09:30:00.000Z' }]);
    await second.clock.advanceTo('2025-05-09T12:00:00Z');
    expect(second.posts.map((p) => [p.slot, p.late])).toEqual([['2025-05-08T06:00:00.000Z', true], ['2025-05-09T06:00:00.000Z', false]]);
    await second.scheduler.stop();
    second.store.close();

    // Restarted again the same day: nothing is owed, nothing is posted.
    const third = rig('', { file: first.file, clock: new ManualClock('2025-05-09T13:00:00Z'), instance: 'three' });
    await startRig(third);
    expect(third.posts).toEqual([]);
    expect(third.store.runs(digest.id, 10).map((run) => [run.slot, run.kind, run.status, run.claimedBy])).toEqual([
      ['2025-05-09T06:00:00.000Z', 'scheduled', 'posted', 'two'],
      ['2025-05-08T06:00:00.000Z', 'late', 'posted', 'two'],
      ['2025-05-05T06:00:00.000Z', 'scheduled', 'posted', 'one'],
    ]);
    await third.scheduler.stop();
  });

  it('does not post a slot from before the digest was created', async () => {
    const r = rig('2025-05-05T07:00:00Z');
    createDigest(r, dailySchedule('08:00'), 'Europe/Amsterdam'); // 09:00 local, after today's 08:00
    await r.scheduler.stop();
    const restarted = rig('', { file: r.file, clock: new ManualClock('2025-05-05T07:30:00Z') });
    await startRig(restarted);
    expect(restarted.posts).toEqual([]);
    await restarted.scheduler.stop();
  });

  it('gives a slot back when it stops mid-run, and the next start posts it late', async () => {
    let release: (() => void) | undefined;
    const blocking: DigestExecutor = {
      build: (digest, request) => new Promise((resolve, reject) => {
        request.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        release = () => resolve({ report: reportFor(digest, request), scanId: null });
      }),
    };
    const r = rig('2025-05-05T05:59:00Z', { exec: blocking });
    const digest = createDigest(r, dailySchedule('08:00'), 'Europe/Amsterdam');
    await startRig(r);
    await r.clock.advanceTo('2025-05-05T06:00:00Z');
    expect(release).toBeDefined();
    expect(r.store.runs(digest.id, 5).map((run) => run.status)).toEqual(['claimed']);
    await r.scheduler.stop();
    expect(r.posts).toEqual([]);
    expect(r.store.runs(digest.id, 5)).toEqual([]);

    const next = rig('', { file: r.file, clock: new ManualClock('2025-05-05T06:01:00Z'), instance: 'two' });
    await startRig(next);
    expect(next.posts.map((p) => [p.slot, p.late])).toEqual([['2025-05-05T06:00:00.000Z', true]]);
    await next.scheduler.stop();
  });
});

describe('digest scheduler: two processes on one store', () => {
  it('posts each slot once when two schedulers run the same digests', async () => {
    const clock = new ManualClock('2025-06-01T10:00:00.500Z');
    const posts: Post[] = [];
    const a = rig('', { clock, posts, instance: 'a' });
    const b = rig('', { file: a.file, clock, posts, instance: 'b' });
    createDigest(a, cronSchedule('*/5 * * * * *'), 'UTC');
    await Promise.all([startRig(a), startRig(b)]);
    await clock.advanceTo('2025-06-01T10:00:31Z');
    // Created at 10:00:00.500, so the 10:00:00 slot is not owed; every later slot exactly once.
    const slots = ['05', '10', '15', '20', '25', '30'].map((s) => `2025-06-01T10:00:${s}.000Z`);
    expect(posts.map((p) => p.slot)).toEqual(slots);
    expect(a.store.runs(1, 20).map((run) => run.slot).sort()).toEqual(slots);
    await Promise.all([a.scheduler.stop(), b.scheduler.stop()]);
  });

  it('stops posting a digest another process turned off, and picks up digests another process created', async () => {
    const clock = new ManualClock('2025-06-01T10:00:00Z');
    const r = rig('', { clock });
    const other = new SqliteStore(r.file, 'DATA_DIR=test');
    const d1 = createDigest(r, cronSchedule('0 * * * * *'), 'UTC');
    await startRig(r);
    await clock.advanceTo('2025-06-01T10:01:00Z');
    expect(r.posts.map((p) => p.digest)).toEqual([d1.id]);
    other.disableDigest(d1.id, 'turned off elsewhere', clock.now());
    const d2 = other.createDigest({ ...d1, createdAt: clock.now(), channelId: 'C2' });
    r.scheduler.resync();
    await clock.advanceTo('2025-06-01T10:03:00Z');
    expect(r.posts.map((p) => [p.digest, p.channel, p.slot])).toEqual([
      [d1.id, 'C1', '2025-06-01T10:01:00.000Z'],
      [d2.id, 'C2', '2025-06-01T10:02:00.000Z'],
      [d2.id, 'C2', '2025-06-01T10:03:00.000Z'],
    ]);
    await r.scheduler.stop();
    other.close();
  });
});

describe('digest scheduler: delivery', () => {
  it('retries a failing post with backoff and records it posted once', async () => {
    const r = rig('2025-06-01T09:59:00Z');
    const digest = createDigest(r, dailySchedule('10:00'), 'UTC');
    let calls = 0;
    const times: string[] = [];
    const flaky: ChatAdapter = {
      platform: 'slack',
      start: async () => undefined,
      stop: async () => undefined,
      post: async () => {
        calls += 1;
        times.push(r.clock.now().toISOString());
        if (calls < 3) throw new Error('HTTP 503');
      },
    };
    await startRig(r, flaky);
    await r.clock.advanceTo('2025-06-01T10:00:10Z');
    expect(times).toEqual(['2025-06-01T10:00:00.000Z', '2025-06-01T10:00:01.000Z', '2025-06-01T10:00:03.000Z']);
    expect(r.store.runs(digest.id, 5).map((run) => run.status)).toEqual(['posted']);
    await r.scheduler.stop();
  });

  it('gives up after the last try and records the failure', async () => {
    const r = rig('2025-06-01T09:59:00Z');
    const digest = createDigest(r, dailySchedule('10:00'), 'UTC');
    const down: ChatAdapter = { platform: 'slack', start: async () => undefined, stop: async () => undefined, post: async () => { throw new Error('HTTP 502'); } };
    await startRig(r, down);
    await r.clock.advanceTo('2025-06-01T10:05:00Z');
    expect(r.store.runs(digest.id, 5).map((run) => [run.status, run.error])).toEqual([['failed', 'HTTP 502']]);
    expect(r.store.digest(digest.id)?.enabled).toBe(true);
    await r.scheduler.stop();
  });

  it('turns the digest off with a log line when its channel is gone', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const r = rig('2025-06-01T09:59:00Z', { log });
    const digest = createDigest(r, cronSchedule('0 * * * *'), 'UTC');
    let calls = 0;
    const gone: ChatAdapter = {
      platform: 'slack', start: async () => undefined, stop: async () => undefined,
      post: async () => { calls += 1; throw new ChannelGoneError('channel_not_found'); },
    };
    await startRig(r, gone);
    await r.clock.advanceTo('2025-06-01T13:00:00Z');
    expect(calls).toBe(1);
    expect(r.store.digest(digest.id)).toMatchObject({ enabled: false, disabledReason: 'channel gone: channel_not_found' });
    const warning = lines.map((l) => JSON.parse(l) as { msg: string; digest?: number }).find((l) => l.msg.includes('channel is gone'));
    expect(warning?.digest).toBe(digest.id);
    await r.scheduler.stop();
  });

  it('leaves digests of a platform this process does not run for a process that does', async () => {
    const r = rig('2025-06-01T09:59:00Z');
    const digest = createDigest(r, dailySchedule('10:00'), 'UTC');
    await startRig(r, recordingAdapter(r.clock, r.posts, 'discord'));
    await r.clock.advanceTo('2025-06-01T11:00:00Z');
    expect(r.posts).toEqual([]);
    expect(r.store.runs(digest.id, 5)).toEqual([]);
    await r.scheduler.stop();
  });
});
