import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../../src/store/schema';
import { SqliteStore } from '../../../src/store/sqlite';
import type { NewDigest } from '../../../src/store/types';
import { newTempDir } from '../../support/temp-dir';
import { finding, host, scanOf, tplinkHost } from './fixtures';

const DIST = path.resolve(__dirname, '..', '..', '..', 'dist');
function tempFile(): string {
  return path.join(newTempDir('ra-store-'), 'router-audit.db');
}

const META = { requester: 'slack:U1', surface: 'slack', site: null };

function digestInput(extra: Partial<NewDigest> = {}): NewDigest {
  return {
    platform: 'slack',
    channelId: 'C1',
    targets: ['10.20.0.0/24'],
    site: null,
    schedule: { kind: 'daily', expression: '0 8 * * *', label: 'daily 08:00' },
    timeZone: 'Europe/Amsterdam',
    createdBy: 'slack:U1',
    createdAt: new Date('2025-06-01T07:00:00Z'),
    ...extra,
  };
}

describe('SQLite store: the file', () => {
  it('creates the database with the current schema in WAL mode', () => {
    const file = tempFile();
    const store = new SqliteStore(file, 'DATA_DIR=x');
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Array<{ name: string }>).map((t) => t.name);
    expect(tables).toEqual(['digest_runs', 'digests', 'meta', 'scan_findings', 'scan_hosts', 'scans']);
    db.close();
  });

  it('keeps what it stored across a reopen and does not run the migrations twice', () => {
    const file = tempFile();
    const first = new SqliteStore(file, 'DATA_DIR=x');
    const id = first.recordScan(scanOf([host('10.20.0.5')]), META);
    const digest = first.createDigest(digestInput());
    first.close();
    const second = new SqliteStore(file, 'DATA_DIR=x');
    expect(second.scan(id)?.hosts).toBe(1);
    expect(second.digest(digest.id)?.schedule.label).toBe('daily 08:00');
    second.close();
  });
});

describe('SQLite store: scans', () => {
  it('gives back exactly the scan it was given, with counts', () => {
    const store = new SqliteStore(tempFile(), 'DATA_DIR=x');
    const result = scanOf(
      [tplinkHost('10.20.0.1', { gateway: true, openPorts: [23, 80, 7777], model: 'TL-WR841N' }), host('10.20.0.9', { mac: null, vendor: null, randomizedMac: true })],
      [finding('quad7-xlogin-shell', '10.20.0.1', 'critical'), finding('telnet-on-router', '10.20.0.1', 'medium'), finding('tplink-family-device', '10.20.0.1', 'low')],
      { partial: true },
    );
    const id = store.recordScan(result, META);
    const stored = store.scan(id);
    expect(stored?.result).toEqual(result);
    expect(stored).toMatchObject({
      id, targets: ['10.20.0.0/24'], targetsKey: '10.20.0.0/24', partial: true, requester: 'slack:U1', surface: 'slack', site: null,
      hosts: 2, tplink: 1, findings: { critical: 1, high: 0, medium: 1, low: 1, info: 0 },
    });
    store.close();
  });

  it('lists recent scans newest first, by target set, and finds the previous complete one', () => {
    const store = new SqliteStore(tempFile(), 'DATA_DIR=x');
    const a1 = store.recordScan(scanOf([host('10.20.0.5')]), META);
    const b1 = store.recordScan(scanOf([host('10.30.0.5')], [], { targets: ['10.30.0.0/24', '10.31.0.0/24'] }), META);
    const a2 = store.recordScan(scanOf([host('10.20.0.5')], [], { partial: true }), META);
    const a3 = store.recordScan(scanOf([host('10.20.0.5')]), META);
    expect(store.recentScans({ limit: 10 }).map((s) => s.id)).toEqual([a3, a2, b1, a1]);
    expect(store.recentScans({ limit: 2, targetsKey: '10.20.0.0/24' }).map((s) => s.id)).toEqual([a3, a2]);
    // The key does not depend on the order the targets were typed in.
    expect(store.recentScans({ limit: 5, targetsKey: '10.30.0.0/24,10.31.0.0/24' }).map((s) => s.id)).toEqual([b1]);
    expect(store.previousScan({ targetsKey: '10.20.0.0/24', beforeId: a3 })?.id).toBe(a2);
    expect(store.previousScan({ targetsKey: '10.20.0.0/24', beforeId: a3, complete: true })?.id).toBe(a1);
    expect(store.previousScan({ targetsKey: '10.20.0.0/24', beforeId: a1 })).toBeUndefined();
    store.close();
  });
});

describe('SQLite store: digests and slots', () => {
  it('creates, lists by channel and turns off digests', () => {
    const store = new SqliteStore(tempFile(), 'DATA_DIR=x');
    const d1 = store.createDigest(digestInput());
    const d2 = store.createDigest(digestInput({ channelId: 'C2' }));
    const d3 = store.createDigest(digestInput({ platform: 'discord', channelId: 'C1' }));
    expect(d1).toEqual({
      id: d1.id, platform: 'slack', channelId: 'C1', targets: ['10.20.0.0/24'], site: null,
      schedule: { kind: 'daily', expression: '0 8 * * *', label: 'daily 08:00' }, timeZone: 'Europe/Amsterdam',
      createdBy: 'slack:U1', createdAt: '2025-06-01T07:00:00.000Z', enabled: true, disabledReason: null, lastSlot: null, lastPostedAt: null,
    });
    expect(store.listDigests({ platform: 'slack', channelId: 'C1' }).map((d) => d.id)).toEqual([d1.id]);
    expect(store.listDigests().map((d) => d.id)).toEqual([d1.id, d2.id, d3.id]);
    expect(store.disableDigest(d2.id, 'turned off by slack:U2', new Date())).toBe(true);
    expect(store.disableDigest(d2.id, 'again', new Date())).toBe(false);
    expect(store.disableDigest(999, 'none', new Date())).toBe(false);
    expect(store.listDigests({ enabledOnly: true }).map((d) => d.id)).toEqual([d1.id, d3.id]);
    expect(store.digest(d2.id)).toMatchObject({ enabled: false, disabledReason: 'turned off by slack:U2' });
    store.close();
  });

  it('lets a slot be claimed once, never for a digest that is off, and records the outcome', () => {
    const store = new SqliteStore(tempFile(), 'DATA_DIR=x');
    const digest = store.createDigest(digestInput());
    const claim = { digestId: digest.id, slot: '2025-06-02T06:00:00.000Z', kind: 'scheduled' as const, claimedBy: 'a', at: new Date('2025-06-02T06:00:00Z') };
    expect(store.claimRun(claim)).toBe(true);
    expect(store.claimRun({ ...claim, claimedBy: 'b' })).toBe(false);
    const scanId = store.recordScan(scanOf([host('10.20.0.5')]), META);
    store.finishRun(digest.id, claim.slot, { status: 'posted', scanId, at: new Date('2025-06-02T06:00:05Z') });
    expect(store.digest(digest.id)).toMatchObject({ lastSlot: '2025-06-02T06:00:00.000Z', lastPostedAt: '2025-06-02T06:00:05.000Z' });
    expect(store.lastPostedRun(digest.id)).toMatchObject({ slot: claim.slot, status: 'posted', scanId, claimedBy: 'a' });

    // Manual runs do not move the schedule's last slot.
    expect(store.claimRun({ ...claim, slot: 'manual:2025-06-02T09:00:00.000Z', kind: 'manual' })).toBe(true);
    expect(store.digest(digest.id)?.lastSlot).toBe('2025-06-02T06:00:00.000Z');

    store.disableDigest(digest.id, 'off', new Date());
    expect(store.claimRun({ ...claim, slot: '2025-06-03T06:00:00.000Z' })).toBe(false);
    expect(store.claimRun({ ...claim, digestId: 12345 })).toBe(false);
    store.close();
  });

  it('gives back only an undelivered claim of the same process', () => {
    const store = new SqliteStore(tempFile(), 'DATA_DIR=x');
    const digest = store.createDigest(digestInput());
    const claim = { digestId: digest.id, slot: '2025-06-02T06:00:00.000Z', kind: 'scheduled' as const, claimedBy: 'a', at: new Date() };
    store.claimRun(claim);
    expect(store.releaseRun(digest.id, claim.slot, 'b')).toBe(false);
    expect(store.releaseRun(digest.id, claim.slot, 'a')).toBe(true);
    expect(store.claimRun({ ...claim, claimedBy: 'b' })).toBe(true);
    store.finishRun(digest.id, claim.slot, { status: 'posted', at: new Date() });
    expect(store.releaseRun(digest.id, claim.slot, 'b')).toBe(false);
    store.close();
  });

  it('lets exactly one of eight processes claim the same slot', async () => {
    const file = tempFile();
    const store = new SqliteStore(file, 'DATA_DIR=x');
    const digest = store.createDigest(digestInput());
    const script = `
      const { SqliteStore } = require(${JSON.stringify(path.join(DIST, 'src', 'store', 'sqlite.js'))});
      const store = new SqliteStore(process.argv[1], 'x');
      const start = Number(process.argv[2]);
      while (Date.now() < start) {}
      const won = store.claimRun({ digestId: ${digest.id}, slot: '2025-06-02T06:00:00.000Z', kind: 'scheduled', claimedBy: 'p' + process.pid, at: new Date() });
      process.stdout.write(won ? 'won' : 'lost');
      store.close();`;
    expect(existsSync(path.join(DIST, 'src', 'store', 'sqlite.js'))).toBe(true);
    const start = String(Date.now() + 1500);
    const outputs = await Promise.all(Array.from({ length: 8 }, () => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script, file, start], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`claimer exited ${code}: ${err}`))));
    })));
    expect(outputs.filter((o) => o === 'won')).toHaveLength(1);
    expect(outputs.filter((o) => o === 'lost')).toHaveLength(7);
    expect(store.runs(digest.id, 10)).toHaveLength(1);
    store.close();
  });
});

describe('SQLite store: retention', () => {
  it('deletes old scans with their hosts and findings, but keeps what digests still need', () => {
    const file = tempFile();
    const store = new SqliteStore(file, 'DATA_DIR=x');
    const at = (day: number): string => `2025-06-${String(day).padStart(2, '0')}T06:00:00.000Z`;
    const old1 = store.recordScan(scanOf([host('10.20.0.5')], [finding('x', '10.20.0.5', 'low')], { startedAt: at(1) }), META);
    const old2 = store.recordScan(scanOf([host('10.20.0.5')], [], { startedAt: at(2) }), META);
    const baseline = store.recordScan(scanOf([host('10.20.0.5')], [], { startedAt: at(3) }), META);
    const recent = store.recordScan(scanOf([host('10.20.0.5')], [], { startedAt: at(20) }), META);
    const digest = store.createDigest(digestInput({ createdAt: new Date(at(1)) }));
    for (const [day, scanId] of [[2, old2], [3, baseline]] as const) {
      store.claimRun({ digestId: digest.id, slot: at(day), kind: 'scheduled', claimedBy: 'a', at: new Date(at(day)) });
      store.finishRun(digest.id, at(day), { status: 'posted', scanId, at: new Date(at(day)) });
    }
    store.claimRun({ digestId: digest.id, slot: at(4), kind: 'scheduled', claimedBy: 'a', at: new Date(at(4)) });
    store.finishRun(digest.id, at(4), { status: 'failed', error: 'HTTP 500', at: new Date(at(4)) });

    const pruned = store.prune(new Date(at(10)));
    // Runs: the day-2 run goes; day 3 stays (the newest delivered: the next digest's baseline);
    // day 4 stays (the newest slot: it stops a restart from posting it again).
    expect(store.runs(digest.id, 10).map((r) => r.slot)).toEqual([at(4), at(3)]);
    expect(pruned).toEqual({ scans: 2, runs: 1 });
    expect(store.scan(old1)).toBeUndefined();
    expect(store.scan(old2)).toBeUndefined();
    expect(store.scan(baseline)?.id).toBe(baseline);
    expect(store.scan(recent)?.id).toBe(recent);
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM scan_findings WHERE scan_id = ?').get(old1)).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM scan_hosts WHERE scan_id IN (?, ?)').get(old1, old2)).toEqual({ n: 0 });
    db.close();
  });
});
