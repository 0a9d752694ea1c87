import type { Severity } from '../scanner/types';

/** What a sign-in attempt came to, in every log shape. */
export const AUTH_RESULTS = [
  'success',
  'bad_password',
  'unknown_account',
  'locked',
  'disabled',
  /** the password was right; MFA or a policy stopped the sign-in */
  'mfa_required_password_ok',
  /** the password was right but has expired or must be changed */
  'expired',
  'other_failure',
] as const;
export type AuthResult = (typeof AUTH_RESULTS)[number];

/** The log families the readers understand. */
export const LOG_FAMILIES = ['entra', 'm365', 'windows', 'sshd', 'generic'] as const;
export type LogFamily = (typeof LOG_FAMILIES)[number];

/** One sign-in attempt, normalised. */
export interface AuthEvent {
  /** ms since the epoch */
  time: number;
  /** lower case; Windows accounts without their DOMAIN\ prefix */
  account: string;
  /** IPv4/IPv6 text, IPv4-mapped IPv6 unwrapped; null when the log has none ("-") */
  ip: string | null;
  result: AuthResult;
  /** client app / protocol (clientAppUsed, "kerberos", "ssh"), null when unknown */
  app: string | null;
  /** the result code as logged (50126, 0xc000006a, failed-password), null when none */
  code: string | null;
  /** Windows: the workstation name, used as the source when there is no IP (4776, 4740) */
  workstation?: string | null;
  /** a lockout notice (Windows 4740), not a sign-in attempt: counts for lockouts only */
  lockoutNotice?: boolean;
}

/** Column names for a CSV with no known header: which column holds what. */
export interface ColumnMap {
  time: string;
  account: string;
  result: string;
  ip?: string;
  app?: string;
}

export interface MalformedSample {
  /** 1-based line number for line formats; record number for JSON documents and CSV */
  line: number;
  reason: string;
  /** the start of the offending text, truncated */
  text?: string;
}

export interface InputSummary {
  path: string;
  /** "family/container", e.g. entra/ndjson, m365/csv, sshd/syslog; "unknown" when not recognised */
  format: string;
  gzip: boolean;
  /** events used in the analysis */
  events: number;
  /** records that are not sign-in attempts (other audit operations, other programs) or were before --since */
  skipped: number;
  malformed: number;
  samples: MalformedSample[];
  /** why the input could not be read at all (missing file, unknown format); the run goes on */
  error?: string;
  /** NDJSON only: false when the field fast path was turned off because it disagreed with a full parse */
  fastPath?: boolean;
}

export interface SprayWindow {
  start: string;
  end: string;
}

/** A spray finding. Shares id, severity, ip, title, evidence and advice with the scanner's findings. */
export interface SprayFinding {
  id: string;
  severity: Severity;
  /** the main source: the single source, or the busiest source of a cluster */
  ip: string;
  title: string;
  window: SprayWindow;
  /** listed sources, busiest first (at most report.maxListed); sourcesTotal has the full count */
  sources: string[];
  sourcesTotal: number;
  /** failed attempts (or, for success findings, matching events) per listed source */
  sourceCounts: Record<string, number>;
  accountsTargeted: number;
  /** account names (unmasked; see maskAccount for chat), at most report.maxListed */
  accounts: string[];
  evidence: string;
  /** a few events behind the finding, as one line each */
  samples: string[];
  advice: string[];
}

export interface SprayReport {
  /** events analysed (after --since) */
  events: number;
  malformed: number;
  inputs: InputSummary[];
  findings: SprayFinding[];
  /** the analysed time span, null when no events */
  span: SprayWindow | null;
  /** distinct (source, account) pairs held in memory: the engine's memory bound */
  pairs: number;
  /** true when the run was cancelled: results are incomplete */
  partial?: boolean;
  /** not serialised: per-source sign-in totals for correlateWithScan */
  [SOURCE_INDEX]?: SourceIndex;
}

/** One source's totals, for correlation with a LAN scan. */
export interface SourceTotals {
  failures: number;
  /** password-right results (success, MFA-blocked, expired) */
  passwordRight: number;
  successes: number;
  accounts: number;
  /** a few of the accounts with a password-right result */
  sampleAccounts: string[];
  first: number;
  last: number;
  /** ids of the attack findings (spray, brute force, enumeration, lockouts) that name this source */
  attacks: string[];
}
/**
 * Kept beside a report (not in its JSON) for correlation with a LAN scan. Totals are computed on
 * demand from the engine's per-pair state, which the report keeps alive while it is referenced.
 */
export interface SourceIndex {
  get(source: string): SourceTotals | undefined;
  /** every source that an attack finding names (complete, not capped like finding.sources) */
  attacked(): Iterable<string>;
}
export const SOURCE_INDEX: unique symbol = Symbol('spray.sourceIndex');
