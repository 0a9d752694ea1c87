/**
 * The SQLite schema as numbered migrations. The database's `user_version` says which have run;
 * a new version only ever appends a migration. Times are ISO-8601 UTC strings (they sort as text).
 */

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'scans with hosts and findings, digests and their runs',
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE scans (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at   TEXT    NOT NULL,
        recorded_at  TEXT    NOT NULL,
        duration_ms  INTEGER NOT NULL,
        targets      TEXT    NOT NULL,  -- JSON array, as planned
        targets_key  TEXT    NOT NULL,  -- sorted, comma-joined
        partial      INTEGER NOT NULL DEFAULT 0,
        requester    TEXT    NOT NULL,
        surface      TEXT,
        site         TEXT,              -- remote site agent, NULL for this process
        host_count   INTEGER NOT NULL,
        tplink_count INTEGER NOT NULL,
        critical     INTEGER NOT NULL,
        high         INTEGER NOT NULL,
        medium       INTEGER NOT NULL,
        low          INTEGER NOT NULL,
        info         INTEGER NOT NULL,
        advice       TEXT    NOT NULL   -- JSON array of the advice items of the result
      );
      CREATE INDEX scans_by_targets ON scans (targets_key, id);
      CREATE INDEX scans_by_time ON scans (started_at);

      CREATE TABLE scan_hosts (
        scan_id        INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        ip             TEXT    NOT NULL,
        mac            TEXT,
        vendor         TEXT,
        tplink         INTEGER NOT NULL,
        randomized_mac INTEGER NOT NULL,
        gateway        INTEGER NOT NULL,
        open_ports     TEXT    NOT NULL,  -- JSON array of numbers
        model          TEXT,
        position       INTEGER NOT NULL,
        PRIMARY KEY (scan_id, ip)
      );

      CREATE TABLE scan_findings (
        scan_id    INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        finding_id TEXT    NOT NULL,
        ip         TEXT    NOT NULL,
        severity   TEXT    NOT NULL,
        title      TEXT    NOT NULL,
        evidence   TEXT    NOT NULL,
        advice     TEXT    NOT NULL,  -- JSON array of advice ids
        PRIMARY KEY (scan_id, position)
      );

      CREATE TABLE digests (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        platform        TEXT    NOT NULL,
        channel_id      TEXT    NOT NULL,
        targets         TEXT    NOT NULL,  -- JSON array
        site            TEXT,
        schedule_kind   TEXT    NOT NULL CHECK (schedule_kind IN ('daily', 'weekly', 'cron')),
        schedule_expr   TEXT    NOT NULL,
        schedule_label  TEXT    NOT NULL,
        time_zone       TEXT    NOT NULL,
        created_by      TEXT    NOT NULL,
        created_at      TEXT    NOT NULL,
        enabled         INTEGER NOT NULL DEFAULT 1,
        disabled_reason TEXT,
        disabled_at     TEXT
      );
      CREATE INDEX digests_by_channel ON digests (platform, channel_id);

      -- One row per slot a process claimed; the primary key is what keeps a slot from being
      -- posted twice, also by two processes on the same database.
      CREATE TABLE digest_runs (
        digest_id   INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
        slot        TEXT    NOT NULL,
        kind        TEXT    NOT NULL CHECK (kind IN ('scheduled', 'late', 'manual')),
        claimed_by  TEXT    NOT NULL,
        claimed_at  TEXT    NOT NULL,
        status      TEXT    NOT NULL DEFAULT 'claimed' CHECK (status IN ('claimed', 'posted', 'failed')),
        scan_id     INTEGER REFERENCES scans (id) ON DELETE SET NULL,
        finished_at TEXT,
        error       TEXT,
        PRIMARY KEY (digest_id, slot)
      );
      CREATE INDEX digest_runs_by_time ON digest_runs (claimed_at);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.reduce((max, migration) => Math.max(max, migration.version), 0);
