import type { ScanResult } from '../scanner/report-types';
import type { Severity } from '../scanner/types';

/**
 * What the bot keeps between restarts: scans (with hosts and findings), digests and the slots
 * they have run. Nothing outside src/store knows how it is kept; the embedded SQLite store is one
 * implementation, a server database could be another.
 */

export type SeverityCounts = Record<Severity, number>;

/** Who asked for a scan and where; `site` is for scans that ran on a remote site agent (later). */
export interface ScanMeta {
  /** rate-limit key of the requester, e.g. "slack:U123", "digest:3" */
  requester: string;
  /** front end or origin: slack, discord, terminal, cli, digest */
  surface: string | null;
  site: string | null;
}

export interface ScanSummary {
  id: number;
  startedAt: string;
  durationMs: number;
  targets: string[];
  /** the targets sorted and joined: scans of the same networks share it */
  targetsKey: string;
  partial: boolean;
  requester: string;
  surface: string | null;
  site: string | null;
  hosts: number;
  tplink: number;
  findings: SeverityCounts;
}

export interface StoredScan extends ScanSummary {
  result: ScanResult;
}

export type DigestPlatform = 'slack' | 'discord' | 'terminal';
export type ScheduleKind = 'daily' | 'weekly' | 'cron';

export interface DigestSchedule {
  kind: ScheduleKind;
  /** a cron pattern (5 fields, or 6 with seconds first) that croner understands */
  expression: string;
  /** how the user wrote it, for lists: "daily 08:00", "weekly mon 08:00", "cron 0 8 * * 1-5" */
  label: string;
}

export interface NewDigest {
  platform: DigestPlatform;
  /** channel or DM id on that platform; "terminal" for the terminal */
  channelId: string;
  targets: string[];
  site: string | null;
  schedule: DigestSchedule;
  timeZone: string;
  /** "slack:U123" */
  createdBy: string;
  createdAt: Date;
}

export interface DigestRecord extends Omit<NewDigest, 'createdAt'> {
  id: number;
  createdAt: string;
  enabled: boolean;
  disabledReason: string | null;
  /** the latest scheduled slot any process has claimed (ISO), null before the first */
  lastSlot: string | null;
  /** when a digest of it was last delivered (ISO) */
  lastPostedAt: string | null;
}

/** scheduled: at its time; late: a slot missed while the bot was down; manual: `digest now` */
export type RunKind = 'scheduled' | 'late' | 'manual';
export type RunStatus = 'claimed' | 'posted' | 'failed';

export interface RunClaim {
  digestId: number;
  /** ISO instant of the slot; manual runs use "manual:<ISO>:<random>" */
  slot: string;
  kind: RunKind;
  /** which process: "host:pid" */
  claimedBy: string;
  at: Date;
}

export interface DigestRun {
  digestId: number;
  slot: string;
  kind: RunKind;
  claimedBy: string;
  claimedAt: string;
  status: RunStatus;
  scanId: number | null;
  finishedAt: string | null;
  error: string | null;
}

export interface RunOutcome {
  status: 'posted' | 'failed';
  scanId?: number | null;
  error?: string;
  at: Date;
}

export interface PruneResult {
  scans: number;
  runs: number;
}

export interface Store {
  /** where the data lives, for messages ("DATA_DIR=./data") */
  readonly location: string;

  /** Writes a scan with its hosts and findings in one transaction; returns its id. */
  recordScan(result: ScanResult, meta: ScanMeta): number;
  scan(id: number): StoredScan | undefined;
  /** newest first */
  recentScans(query: { targetsKey?: string; site?: string; limit: number }): ScanSummary[];
  /** the newest scan of the same targets before `beforeId` (complete scans only when asked) */
  previousScan(query: { targetsKey: string; beforeId?: number; complete?: boolean }): StoredScan | undefined;

  createDigest(digest: NewDigest): DigestRecord;
  digest(id: number): DigestRecord | undefined;
  /** oldest first */
  listDigests(filter?: { platform?: DigestPlatform; channelId?: string; enabledOnly?: boolean }): DigestRecord[];
  /** false when there is no such enabled digest */
  disableDigest(id: number, reason: string, at: Date): boolean;

  /**
   * Claims a slot of an enabled digest for this process. The database decides: of two processes
   * claiming the same slot, exactly one gets true. False also when the digest is off or gone.
   */
  claimRun(claim: RunClaim): boolean;
  finishRun(digestId: number, slot: string, outcome: RunOutcome): void;
  /** Gives back a claim that was not delivered (shutdown mid-run), so a later start posts it late. */
  releaseRun(digestId: number, slot: string, claimedBy: string): boolean;
  /** newest first */
  runs(digestId: number, limit: number): DigestRun[];
  /** the newest delivered run that has a scan: what the next digest compares against */
  lastPostedRun(digestId: number): DigestRun | undefined;

  /** Deletes scans older than `before`, and old runs except each digest's newest. */
  prune(before: Date): PruneResult;
  close(): void;
}

/** The store failed while the bot was running (disk full, file removed, …). */
export class StoreError extends Error {
  override name = 'StoreError';
}

/** How a scan's targets are keyed: order-independent. */
export function targetsKeyOf(targets: readonly string[]): string {
  return [...targets].sort().join(',');
}
