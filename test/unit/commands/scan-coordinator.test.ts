import { ScanCoordinator, RateLimitError, type ScanRunner, type ScanJob } from '../../../src/commands/scan-coordinator';
import { parseAllowList, TargetError } from '../../../src/scanner/targets';
import { silentLogger } from '../../../src/log';
import type { ScanResult } from '../../../src/scanner/report-types';

/** A runner whose scans finish when the test says so. */
function gatedRunner() {
  const started: ScanJob[] = [];
  const gates: Array<(result: ScanResult) => void> = [];
  const runner: ScanRunner = {
    run(job, hooks) {
      started.push(job);
      hooks.onProgress({ phase: 'discovery', addressesTotal: job.addresses.length, hostsFound: 1, hostsInspected: 0 });
      return new Promise((resolve) => gates.push(resolve));
    },
  };
  const finish = (index: number) =>
    gates[index]?.({ targets: started[index]!.targets, startedAt: 'x', durationMs: 1, hosts: [], findings: [], advice: [] });
  return { runner, started, finish };
}

function coordinator(runner: ScanRunner, overrides: { rateLimit?: number; now?: () => number } = {}) {
  return new ScanCoordinator({
    runner,
    policy: { allow: parseAllowList(undefined), maxHosts: 1024 },
    timeoutMs: 1000,
    rateLimit: overrides.rateLimit ?? 5,
    rateWindowMs: 60_000,
    log: silentLogger(),
    ...(overrides.now ? { now: overrides.now } : {}),
    interfaces: () => ({}),
  });
}

describe('ScanCoordinator', () => {
  it('joins a second request for the same targets instead of scanning twice', async () => {
    const { runner, started, finish } = gatedRunner();
    const scans = coordinator(runner);
    const progressSeen: string[] = [];
    const first = scans.scan(['10.0.0.0/24'], { requester: 'slack:U1' });
    const second = scans.scan(['10.0.0.0/24'], { requester: 'discord:U2', onProgress: () => progressSeen.push('second') });
    expect(started).toHaveLength(1);
    finish(0);
    const [a, b] = await Promise.all([first, second]);
    expect(a.joined).toBe(false);
    expect(b.joined).toBe(true);
    expect(b.result).toBe(a.result);
    expect(scans.activeScans).toBe(0);
  });

  it('joins regardless of the order the targets were written in', async () => {
    const { runner, started, finish } = gatedRunner();
    const scans = coordinator(runner);
    const first = scans.scan(['10.0.1.0/24', '10.0.0.0/24'], { requester: 'a' });
    const second = scans.scan(['10.0.0.0/24', '10.0.1.0/24'], { requester: 'b' });
    expect(started).toHaveLength(1);
    finish(0);
    await Promise.all([first, second]);
  });

  it('runs different targets side by side', async () => {
    const { runner, started, finish } = gatedRunner();
    const scans = coordinator(runner);
    const a = scans.scan(['10.0.0.0/24'], { requester: 'a' });
    const b = scans.scan(['10.0.1.0/24'], { requester: 'a' });
    expect(started).toHaveLength(2);
    finish(0);
    finish(1);
    await Promise.all([a, b]);
  });

  it('rate-limits each requester over a sliding window and says when to come back', async () => {
    let now = 0;
    const { runner, finish } = gatedRunner();
    const scans = coordinator(runner, { rateLimit: 2, now: () => now });
    const pending = [scans.scan(['10.0.0.1'], { requester: 'u' }), scans.scan(['10.0.0.2'], { requester: 'u' })];
    await expect(scans.scan(['10.0.0.3'], { requester: 'u' })).rejects.toThrow(RateLimitError);
    await expect(scans.scan(['10.0.0.3'], { requester: 'u' })).rejects.toThrow(/limit is 2 \(SCAN_RATE_LIMIT\)\. Try again in 1 minute/);
    // someone else is not affected
    pending.push(scans.scan(['10.0.0.4'], { requester: 'v' }));
    now = 61_000;
    pending.push(scans.scan(['10.0.0.5'], { requester: 'u' }));
    [0, 1, 2, 3].forEach(finish);
    await Promise.all(pending);
  });

  it('refuses before running when a target is outside the allowlist', async () => {
    const { runner, started } = gatedRunner();
    await expect(coordinator(runner).scan(['10.0.0.0/24', '203.0.113.0/24'], { requester: 'a' })).rejects.toThrow(TargetError);
    expect(started).toEqual([]);
  });

  it('explains when there is no target and no interface to default to', async () => {
    const { runner } = gatedRunner();
    await expect(coordinator(runner).scan([], { requester: 'a' })).rejects.toThrow(/No target to scan/);
  });

  it('aborts running scans on shutdown', async () => {
    let aborted = false;
    const runner: ScanRunner = {
      run: (job, hooks) => new Promise((resolve) => {
        hooks.signal.addEventListener('abort', () => {
          aborted = true;
          resolve({ targets: job.targets, startedAt: 'x', durationMs: 1, hosts: [], findings: [], advice: [], partial: true });
        });
      }),
    };
    const scans = coordinator(runner);
    const pending = scans.scan(['10.0.0.0/24'], { requester: 'a' });
    await scans.shutdown();
    expect(aborted).toBe(true);
    expect((await pending).result.partial).toBe(true);
  });
});

describe('ScanCoordinator acceptance', () => {
  it('tells the requester it was accepted only after the rate limit let it through', async () => {
    const { runner, finish } = gatedRunner();
    const scans = coordinator(runner, { rateLimit: 1 });
    const accepted: string[] = [];
    const first = scans.scan(['10.0.0.1'], { requester: 'u', onAccepted: (how) => accepted.push(`first:${how}`) });
    const joiner = scans.scan(['10.0.0.1'], { requester: 'v', onAccepted: (how) => accepted.push(`joiner:${how}`) });
    await expect(scans.scan(['10.0.0.2'], { requester: 'u', onAccepted: () => accepted.push('limited') })).rejects.toThrow(RateLimitError);
    expect(accepted).toEqual(['first:started', 'joiner:joined']);
    finish(0);
    await Promise.all([first, joiner]);
  });
});

describe('ScanCoordinator memory', () => {
  it('forgets requesters whose scans left the rate window, once there are many', async () => {
    let now = 0;
    const runner: ScanRunner = { run: async (job) => ({ targets: job.targets, startedAt: 'x', durationMs: 1, hosts: [], findings: [], advice: [] }) };
    const scans = coordinator(runner, { rateLimit: 1, now: () => now });
    for (let i = 0; i < 1001; i += 1) await scans.scan(['10.0.0.1'], { requester: `u${i}` });
    now = 120_000; // every one of them is outside the 60 s window now
    await scans.scan(['10.0.0.1'], { requester: 'late' });
    // u0 may scan again (its old request was forgotten or expired), and so may the newcomer.
    await expect(scans.scan(['10.0.0.1'], { requester: 'u0' })).resolves.toBeDefined();
    expect((scans as unknown as { history: Map<string, number[]> }).history.size).toBeLessThanOrEqual(2);
  });
});
