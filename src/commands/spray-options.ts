import type { ColumnMap } from '../spray';
import { UsageError } from './errors';

/** The spray command's option values: --since and --columns. */

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** "7d", "36h", "90m", "2w" back from now, or a date ("2026-11-01", "2026-11-01T08:00Z"). */
export function parseSince(text: string, now: Date): Date {
  const relative = /^(\d{1,5})\s*([mhdw])$/i.exec(text.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * (UNIT_MS[(relative[2] ?? 'd').toLowerCase()] ?? 0));
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) {
    const date = new Date(text.trim());
    if (!Number.isNaN(date.getTime())) {
      if (date.getTime() > now.getTime()) throw new UsageError(`--since ${text} is in the future`);
      return date;
    }
  }
  throw new UsageError(`--since takes a duration back from now (7d, 36h, 90m, 2w) or a date (2026-11-01, 2026-11-01T08:00Z), got "${text}"`);
}

const COLUMN_KEYS = ['time', 'account', 'result', 'ip', 'app'] as const;

/** "time=When,account=User,result=Status,ip=Client" → a column map for a generic CSV. */
export function parseColumns(text: string): ColumnMap {
  const map: Partial<Record<(typeof COLUMN_KEYS)[number], string>> = {};
  for (const pair of text.split(',')) {
    const [key, ...rest] = pair.split('=');
    const name = rest.join('=').trim();
    const field = (key ?? '').trim().toLowerCase() as (typeof COLUMN_KEYS)[number];
    if (!COLUMN_KEYS.includes(field) || name === '') {
      throw new UsageError(`--columns takes field=Column pairs for ${COLUMN_KEYS.join(', ')} (time, account and result required), e.g. time=When,account=User,result=Status,ip=Client; got "${pair}"`);
    }
    map[field] = name;
  }
  if (!map.time || !map.account || !map.result) throw new UsageError('--columns needs at least time=…, account=… and result=…');
  return { time: map.time, account: map.account, result: map.result, ...(map.ip ? { ip: map.ip } : {}), ...(map.app ? { app: map.app } : {}) };
}
