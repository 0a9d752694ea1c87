import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../src/log';
import { RetentionJob, PRUNE_EVERY_MS } from '../../../src/schedule/retention';
import { SqliteStore } from '../../../src/store/sqlite';
import { host, scanOf } from '../store/fixtures';
import { ManualClock } from './manual-clock';

describe('retention (HISTORY_DAYS)', () => {
  it('prunes scans older than HISTORY_DAYS at start and again on its schedule', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ra-retention-'));
    const store = new SqliteStore(path.join(dir, 'router-audit.db'), 'DATA_DIR=test');
    const meta = { requester: 't', surface: null, site: null };
    const old = store.recordScan(scanOf([host('10.20.0.5')], [], { startedAt: '2025-05-01T00:00:00.000Z' }), meta);
    const borderline = store.recordScan(scanOf([host('10.20.0.5')], [], { startedAt: '2025-06-01T03:00:00.000Z' }), meta);
    const fresh = store.recordScan(scanOf([host('10.20.0.5')], [], { startedAt: '2025-06-30T00:00:00.000Z' }), meta);
    const clock = new ManualClock('2025-07-01T00:00:00Z');
    const job = new RetentionJob({ store, historyDays: 30, log: silentLogger(), clock });

    job.start();
    expect(store.scan(old)).toBeUndefined();
    // The cutoff is 30 days back: 1 June 00:00; six hours later it is 06:00.
    expect(store.scan(borderline)?.id).toBe(borderline);
    expect(store.scan(fresh)?.id).toBe(fresh);
    await clock.advanceBy(PRUNE_EVERY_MS);
    expect(store.scan(borderline)).toBeUndefined();
    expect(store.scan(fresh)?.id).toBe(fresh);
    job.stop();
    expect(clock.pending()).toEqual([]);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
