import type { Finding, HostRecord, ScanResult } from '../scanner/report-types';
import { SEVERITIES, type Severity } from '../scanner/types';
import type {
  DigestPlatform, DigestRecord, DigestRun, RunKind, RunStatus, ScanSummary, ScheduleKind, SeverityCounts,
} from './types';

/** Row shapes of the SQLite tables and their mapping to the store's records. */

export interface ScanRow {
  id: number;
  started_at: string;
  duration_ms: number;
  targets: string;
  targets_key: string;
  partial: number;
  requester: string;
  surface: string | null;
  site: string | null;
  host_count: number;
  tplink_count: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  advice: string;
}

export interface HostRow {
  ip: string;
  mac: string | null;
  vendor: string | null;
  tplink: number;
  randomized_mac: number;
  gateway: number;
  open_ports: string;
  model: string | null;
}

export interface FindingRow {
  finding_id: string;
  ip: string;
  severity: string;
  title: string;
  evidence: string;
  advice: string;
}

export interface DigestRow {
  id: number;
  platform: string;
  channel_id: string;
  targets: string;
  site: string | null;
  schedule_kind: string;
  schedule_expr: string;
  schedule_label: string;
  time_zone: string;
  created_by: string;
  created_at: string;
  enabled: number;
  disabled_reason: string | null;
  last_slot: string | null;
  last_posted_at: string | null;
}

export interface RunRow {
  digest_id: number;
  slot: string;
  kind: string;
  claimed_by: string;
  claimed_at: string;
  status: string;
  scan_id: number | null;
  finished_at: string | null;
  error: string | null;
}

function jsonArray<T>(text: string): T[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? (value as T[]) : [];
}

export function severityCounts(findings: readonly { severity: Severity }[]): SeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

export function toSummary(row: ScanRow): ScanSummary {
  return {
    id: row.id,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    targets: jsonArray<string>(row.targets),
    targetsKey: row.targets_key,
    partial: row.partial === 1,
    requester: row.requester,
    surface: row.surface,
    site: row.site,
    hosts: row.host_count,
    tplink: row.tplink_count,
    findings: { critical: row.critical, high: row.high, medium: row.medium, low: row.low, info: row.info },
  };
}

export function toHost(row: HostRow): HostRecord {
  return {
    ip: row.ip,
    mac: row.mac,
    vendor: row.vendor,
    tplink: row.tplink === 1,
    randomizedMac: row.randomized_mac === 1,
    gateway: row.gateway === 1,
    openPorts: jsonArray<number>(row.open_ports),
    model: row.model,
  };
}

export function toFinding(row: FindingRow): Finding {
  return {
    id: row.finding_id,
    severity: row.severity as Severity,
    ip: row.ip,
    title: row.title,
    evidence: row.evidence,
    advice: jsonArray<string>(row.advice),
  };
}

export function toResult(row: ScanRow, hosts: HostRow[], findings: FindingRow[]): ScanResult {
  return {
    targets: jsonArray<string>(row.targets),
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    hosts: hosts.map(toHost),
    findings: findings.map(toFinding),
    advice: jsonArray(row.advice),
    ...(row.partial === 1 ? { partial: true } : {}),
  };
}

export function toDigest(row: DigestRow): DigestRecord {
  return {
    id: row.id,
    platform: row.platform as DigestPlatform,
    channelId: row.channel_id,
    targets: jsonArray<string>(row.targets),
    site: row.site,
    schedule: { kind: row.schedule_kind as ScheduleKind, expression: row.schedule_expr, label: row.schedule_label },
    timeZone: row.time_zone,
    createdBy: row.created_by,
    createdAt: row.created_at,
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    lastSlot: row.last_slot,
    lastPostedAt: row.last_posted_at,
  };
}

export function toRun(row: RunRow): DigestRun {
  return {
    digestId: row.digest_id,
    slot: row.slot,
    kind: row.kind as RunKind,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
    status: row.status as RunStatus,
    scanId: row.scan_id,
    finishedAt: row.finished_at,
    error: row.error,
  };
}
