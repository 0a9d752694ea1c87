import Database from 'better-sqlite3';
import type { ScanResult } from '../scanner/report-types';
import { severityCounts, toDigest, toResult, toRun, toSummary, type DigestRow, type FindingRow, type HostRow, type RunRow, type ScanRow } from './rows';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import {
  StoreError, targetsKeyOf,
  type DigestPlatform, type DigestRecord, type DigestRun, type NewDigest, type PruneResult, type RunClaim, type RunOutcome,
  type ScanMeta, type ScanSummary, type Store, type StoredScan,
} from './types';

/**
 * The embedded store: one SQLite file in DATA_DIR, WAL mode so readers never wait for the writer,
 * a busy timeout so two processes on the same file take turns instead of failing.
 */

/** The database was written by a newer version of router-audit than this one. */
export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
}

const BUSY_TIMEOUT_MS = 5000;

const DIGEST_COLUMNS = `
  d.*,
  (SELECT MAX(slot) FROM digest_runs r WHERE r.digest_id = d.id AND r.kind != 'manual') AS last_slot,
  (SELECT MAX(finished_at) FROM digest_runs r WHERE r.digest_id = d.id AND r.status = 'posted') AS last_posted_at`;

/** Runs the migrations this database has not had yet, in one write transaction. */
export function migrate(db: Database.Database): void {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new SchemaTooNewError(`the database has schema version ${current}; this router-audit knows up to ${SCHEMA_VERSION}`);
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  });
  // IMMEDIATE: two processes starting at once must not both decide to run migration 1.
  run.immediate();
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;

  /** Opens (creating when missing) and migrates the database file. Throws what SQLite throws. */
  constructor(readonly file: string, readonly location: string) {
    this.db = new Database(file);
    try {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('synchronous = NORMAL');
      const check = this.db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw Object.assign(new Error(`integrity check failed: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
      migrate(this.db);
      // A read-only file system lets SQLite open and read; this write is what fails there.
      this.db.prepare(`INSERT INTO meta (key, value) VALUES ('last_open', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
        .run(new Date().toISOString());
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /** Runs a store operation; SQLite failures become StoreErrors that name where the data lives. */
  private guard<T>(what: string, operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new StoreError(`The history store (${this.location}) could not ${what}: ${detail}`, { cause: error });
    }
  }

  recordScan(result: ScanResult, meta: ScanMeta): number {
    return this.guard('save a scan', () => {
      const write = this.db.transaction((): number => {
        const counts = severityCounts(result.findings);
        const info = this.db.prepare(`
          INSERT INTO scans (started_at, recorded_at, duration_ms, targets, targets_key, partial, requester, surface, site,
                             host_count, tplink_count, critical, high, medium, low, info, advice)
          VALUES (@startedAt, @recordedAt, @durationMs, @targets, @targetsKey, @partial, @requester, @surface, @site,
                  @hosts, @tplink, @critical, @high, @medium, @low, @info, @advice)`).run({
          startedAt: new Date(result.startedAt).toISOString(),
          recordedAt: new Date().toISOString(),
          durationMs: Math.round(result.durationMs),
          targets: JSON.stringify(result.targets),
          targetsKey: targetsKeyOf(result.targets),
          partial: result.partial ? 1 : 0,
          requester: meta.requester,
          surface: meta.surface,
          site: meta.site,
          hosts: result.hosts.length,
          tplink: result.hosts.filter((h) => h.tplink).length,
          ...counts,
          advice: JSON.stringify(result.advice),
        });
        const scanId = Number(info.lastInsertRowid);
        const host = this.db.prepare(`
          INSERT OR REPLACE INTO scan_hosts (scan_id, ip, mac, vendor, tplink, randomized_mac, gateway, open_ports, model, position)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        result.hosts.forEach((h, position) => {
          host.run(scanId, h.ip, h.mac, h.vendor, h.tplink ? 1 : 0, h.randomizedMac ? 1 : 0, h.gateway ? 1 : 0, JSON.stringify(h.openPorts), h.model, position);
        });
        const finding = this.db.prepare(`
          INSERT INTO scan_findings (scan_id, position, finding_id, ip, severity, title, evidence, advice)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
        result.findings.forEach((f, position) => {
          finding.run(scanId, position, f.id, f.ip, f.severity, f.title, f.evidence, JSON.stringify(f.advice));
        });
        return scanId;
      });
      return write.immediate();
    });
  }

  private loadScan(row: ScanRow): StoredScan {
    const hosts = this.db.prepare(`SELECT * FROM scan_hosts WHERE scan_id = ? ORDER BY position`).all(row.id) as HostRow[];
    const findings = this.db.prepare(`SELECT * FROM scan_findings WHERE scan_id = ? ORDER BY position`).all(row.id) as FindingRow[];
    return { ...toSummary(row), result: toResult(row, hosts, findings) };
  }

  scan(id: number): StoredScan | undefined {
    return this.guard('read a scan', () => {
      const row = this.db.prepare(`SELECT * FROM scans WHERE id = ?`).get(id) as ScanRow | undefined;
      return row ? this.loadScan(row) : undefined;
    });
  }

  recentScans(query: { targetsKey?: string; site?: string; limit: number }): ScanSummary[] {
    return this.guard('list scans', () => {
      const rows = this.db.prepare(`
        SELECT * FROM scans WHERE (? IS NULL OR targets_key = ?) AND (? IS NULL OR site = ?)
        ORDER BY id DESC LIMIT ?`).all(query.targetsKey ?? null, query.targetsKey ?? null, query.site ?? null, query.site ?? null, query.limit);
      return (rows as ScanRow[]).map(toSummary);
    });
  }

  previousScan(query: { targetsKey: string; beforeId?: number; complete?: boolean }): StoredScan | undefined {
    return this.guard('read a scan', () => {
      const row = this.db.prepare(`
        SELECT * FROM scans WHERE targets_key = ? AND id < ? AND (? = 0 OR partial = 0)
        ORDER BY id DESC LIMIT 1`).get(query.targetsKey, query.beforeId ?? Number.MAX_SAFE_INTEGER, query.complete ? 1 : 0) as ScanRow | undefined;
      return row ? this.loadScan(row) : undefined;
    });
  }

  createDigest(digest: NewDigest): DigestRecord {
    return this.guard('save the digest', () => {
      const info = this.db.prepare(`
        INSERT INTO digests (platform, channel_id, targets, site, schedule_kind, schedule_expr, schedule_label, time_zone, created_by, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        digest.platform, digest.channelId, JSON.stringify(digest.targets), digest.site, digest.schedule.kind,
        digest.schedule.expression, digest.schedule.label, digest.timeZone, digest.createdBy, digest.createdAt.toISOString(),
      );
      const created = this.digest(Number(info.lastInsertRowid));
      if (!created) throw new StoreError(`The history store (${this.location}) lost a digest it had just saved`);
      return created;
    });
  }

  digest(id: number): DigestRecord | undefined {
    return this.guard('read a digest', () => {
      const row = this.db.prepare(`SELECT ${DIGEST_COLUMNS} FROM digests d WHERE d.id = ?`).get(id) as DigestRow | undefined;
      return row ? toDigest(row) : undefined;
    });
  }

  listDigests(filter: { platform?: DigestPlatform; channelId?: string; enabledOnly?: boolean } = {}): DigestRecord[] {
    return this.guard('list digests', () => {
      const rows = this.db.prepare(`
        SELECT ${DIGEST_COLUMNS} FROM digests d
        WHERE (@platform IS NULL OR d.platform = @platform)
          AND (@channelId IS NULL OR d.channel_id = @channelId)
          AND (@enabledOnly = 0 OR d.enabled = 1)
        ORDER BY d.id`).all({
        platform: filter.platform ?? null,
        channelId: filter.channelId ?? null,
        enabledOnly: filter.enabledOnly ? 1 : 0,
      }) as DigestRow[];
      return rows.map(toDigest);
    });
  }

  disableDigest(id: number, reason: string, at: Date): boolean {
    return this.guard('turn the digest off', () => {
      const info = this.db.prepare(`UPDATE digests SET enabled = 0, disabled_reason = ?, disabled_at = ? WHERE id = ? AND enabled = 1`)
        .run(reason, at.toISOString(), id);
      return info.changes === 1;
    });
  }

  claimRun(claim: RunClaim): boolean {
    return this.guard('claim a digest slot', () => {
      // One statement: the insert happens only for an enabled digest, and the primary key
      // (digest_id, slot) lets exactly one of several concurrent claims through.
      const info = this.db.prepare(`
        INSERT INTO digest_runs (digest_id, slot, kind, claimed_by, claimed_at)
        SELECT id, ?, ?, ?, ? FROM digests WHERE id = ? AND enabled = 1
        ON CONFLICT (digest_id, slot) DO NOTHING`).run(claim.slot, claim.kind, claim.claimedBy, claim.at.toISOString(), claim.digestId);
      return info.changes === 1;
    });
  }

  finishRun(digestId: number, slot: string, outcome: RunOutcome): void {
    this.guard('record a digest run', () => {
      this.db.prepare(`UPDATE digest_runs SET status = ?, scan_id = ?, error = ?, finished_at = ? WHERE digest_id = ? AND slot = ?`)
        .run(outcome.status, outcome.scanId ?? null, outcome.error ?? null, outcome.at.toISOString(), digestId, slot);
    });
  }

  releaseRun(digestId: number, slot: string, claimedBy: string): boolean {
    return this.guard('release a digest slot', () => {
      const info = this.db.prepare(`DELETE FROM digest_runs WHERE digest_id = ? AND slot = ? AND claimed_by = ? AND status = 'claimed'`)
        .run(digestId, slot, claimedBy);
      return info.changes === 1;
    });
  }

  runs(digestId: number, limit: number): DigestRun[] {
    return this.guard('list digest runs', () => {
      const rows = this.db.prepare(`SELECT * FROM digest_runs WHERE digest_id = ? ORDER BY claimed_at DESC, slot DESC LIMIT ?`).all(digestId, limit) as RunRow[];
      return rows.map(toRun);
    });
  }

  lastPostedRun(digestId: number): DigestRun | undefined {
    return this.guard('read a digest run', () => {
      const row = this.db.prepare(`
        SELECT * FROM digest_runs WHERE digest_id = ? AND status = 'posted' AND scan_id IS NOT NULL
        ORDER BY finished_at DESC LIMIT 1`).get(digestId) as RunRow | undefined;
      return row ? toRun(row) : undefined;
    });
  }

  prune(before: Date): PruneResult {
    return this.guard('prune old history', () => {
      const cutoff = before.toISOString();
      const prune = this.db.transaction((): PruneResult => {
        // Keep each digest's newest runs: the newest scheduled slot is what stops a restart from
        // posting that slot again, and the newest delivered one is the next digest's baseline.
        const runs = this.db.prepare(`
          DELETE FROM digest_runs AS r
          WHERE r.claimed_at < @cutoff
            AND r.slot != (SELECT MAX(slot) FROM digest_runs x WHERE x.digest_id = r.digest_id AND x.kind != 'manual')
            AND r.rowid != COALESCE((SELECT x.rowid FROM digest_runs x WHERE x.digest_id = r.digest_id AND x.status = 'posted'
                                     ORDER BY x.finished_at DESC LIMIT 1), -1)`).run({ cutoff }).changes;
        const scans = this.db.prepare(`
          DELETE FROM scans WHERE started_at < ?
            AND id NOT IN (SELECT scan_id FROM digest_runs WHERE scan_id IS NOT NULL)`).run(cutoff).changes;
        return { scans, runs };
      });
      return prune.immediate();
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
