import { looksLikeSyslog } from './formats/sshd';
import { LOG_FAMILIES, type LogFamily } from './types';

/**
 * Telling formats apart from content: the container from the first bytes, the family from the
 * first record (JSON) or the header (CSV). `--format` can name either or both.
 */

export const CONTAINERS = ['ndjson', 'json', 'csv', 'syslog'] as const;
export type Container = (typeof CONTAINERS)[number];

export interface FormatChoice {
  family?: LogFamily;
  container?: Container;
}

/** Thrown for a --format or column map the engine cannot use: a usage error, nothing was read. */
export class SprayUsageError extends Error {
  override name = 'SprayUsageError';
}

const ALIASES: Record<string, FormatChoice> = {
  journald: { family: 'sshd', container: 'ndjson' },
  'journalctl': { family: 'sshd', container: 'ndjson' },
  'auth.log': { family: 'sshd', container: 'syslog' },
  syslog: { family: 'sshd', container: 'syslog' },
  jsonl: { container: 'ndjson' },
  purview: { family: 'm365' },
  signinlogs: { family: 'entra' },
  winlogbeat: { family: 'windows' },
  evtx: { family: 'windows' },
};

/** The formats `--format` accepts, for usage messages. */
export const FORMAT_HELP = `family (${LOG_FAMILIES.join(', ')}), container (${CONTAINERS.join(', ')}), or family/container (e.g. entra/csv); also journald`;

/** Parses a --format value: `entra`, `ndjson`, `entra/csv`, `sshd/journald`, `journald`. */
export function parseFormatOption(value: string): FormatChoice {
  const choice: FormatChoice = {};
  for (const part of value.trim().toLowerCase().split('/')) {
    if (part === '') continue;
    const alias = ALIASES[part];
    if (alias) {
      Object.assign(choice, alias);
    } else if ((LOG_FAMILIES as readonly string[]).includes(part)) {
      choice.family = part as LogFamily;
    } else if ((CONTAINERS as readonly string[]).includes(part)) {
      choice.container = part as Container;
    } else {
      throw new SprayUsageError(`unknown log format "${value}": expected a ${FORMAT_HELP}`);
    }
  }
  if (choice.family === 'sshd' && choice.container === 'csv') throw new SprayUsageError('sshd logs are syslog lines or journald JSON, not CSV');
  if (choice.family === 'generic' && choice.container && choice.container !== 'csv') throw new SprayUsageError('the generic format is a CSV with a column map');
  return choice;
}

/** The container from the first bytes of the (decompressed) file, or why it is not a log. */
export function sniffContainer(head: string): Container | { error: string } {
  const trimmed = head.replace(/^[\s\u0000]+/, '');
  if (trimmed === '') return { error: 'the file is empty' };
  const first = trimmed[0];
  if (first === '[') return 'json';
  if (first === '{') {
    // NDJSON when the first line is a whole record; a page on one line is still a JSON document
    const newline = trimmed.indexOf('\n');
    const firstLine = newline < 0 ? trimmed.trimEnd() : trimmed.slice(0, newline);
    const value = parsed(firstLine);
    if (value === null) return 'json';
    return Array.isArray(value.value) || Array.isArray(value.records) ? 'json' : 'ndjson';
  }
  const lines = trimmed.split('\n', 6).map((line) => line.replace(/\r$/, '')).filter((line) => line !== '');
  const complete = head.length < 64 * 1024 ? lines : lines.slice(0, -1);
  if (complete.some((line) => looksLikeSyslog(line))) return 'syslog';
  const header = lines[0] ?? '';
  if (/[,;\t]/.test(header)) return 'csv';
  return { error: 'not a log format this tool reads (JSON, NDJSON, CSV or syslog lines)' };
}

function parsed(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function has(record: Record<string, unknown>, key: string): boolean {
  return record[key] !== undefined;
}

function child(record: Record<string, unknown>, key: string): Record<string, unknown> | null {
  const value = record[key];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The family (or journald) of one parsed record, null when it is no known shape. */
export function familyOfRecord(value: unknown): LogFamily | 'journald' | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (has(record, '__REALTIME_TIMESTAMP') && has(record, 'MESSAGE')) return 'journald';
  if (has(record, 'winlog') || child(child(record, 'Event') ?? {}, 'System') || child(record, 'System')
    || (has(record, 'EventID') && (has(record, 'TargetUserName') || has(record, 'Channel') || has(record, 'EventTime')))) {
    return 'windows';
  }
  if (has(record, 'Operation') && (has(record, 'CreationTime') || has(record, 'Workload') || has(record, 'RecordType'))) return 'm365';
  const properties = child(record, 'properties');
  if (has(record, 'userPrincipalName') || has(record, 'UserPrincipalName') || (properties && has(properties, 'userPrincipalName'))) return 'entra';
  return null;
}
