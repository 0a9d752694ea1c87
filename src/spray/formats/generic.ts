import { normaliseCode, normaliseWord, type SprayContent } from '../content';
import { normaliseAccount, normaliseIp, parseTime } from '../normalise';
import type { AuthResult, ColumnMap } from '../types';
import type { CsvRow } from '../readers/csv';
import { normaliseHeader, text, type MapOutcome } from './fields';

/**
 * A CSV with any header, read through a column map the caller gives ({ time, account, result,
 * ip?, app? } = column names). The result column may hold an Entra code, a Windows status, an
 * M365 LogonError or a word (success, failed, locked…), all from spray.yaml.
 */

export function classifyResult(value: string, content: SprayContent): AuthResult | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return content.entraCodes.get(trimmed)
    ?? content.windowsCodes.get(normaliseCode(trimmed))
    ?? content.words.get(normaliseWord(trimmed))
    ?? content.m365LogonErrors.get(trimmed.toLowerCase());
}

/** Column indexes for the map, or a message naming what is missing and what the header has. */
export function genericColumns(header: string[], map: ColumnMap): Record<keyof ColumnMap, number> | string {
  const exact = new Map<string, number>();
  const loose = new Map<string, number>();
  header.forEach((name, index) => {
    if (!exact.has(name.trim())) exact.set(name.trim(), index);
    const key = normaliseHeader(name);
    if (!loose.has(key)) loose.set(key, index);
  });
  const find = (name: string | undefined): number => {
    if (name === undefined) return -1;
    return exact.get(name.trim()) ?? loose.get(normaliseHeader(name)) ?? -1;
  };
  const columns = { time: find(map.time), account: find(map.account), result: find(map.result), ip: find(map.ip), app: find(map.app) };
  const missing = (['time', 'account', 'result', 'ip', 'app'] as const)
    .filter((field) => map[field] !== undefined && columns[field] < 0)
    .map((field) => `${field} → "${map[field]}"`);
  if (missing.length > 0) {
    return `column map names columns the header does not have (${missing.join(', ')}); the header has: ${header.slice(0, 40).join(', ')}`;
  }
  return columns;
}

export function genericRowMapper(content: SprayContent, columns: Record<keyof ColumnMap, number>): (row: CsvRow) => MapOutcome {
  const cell = (row: CsvRow, index: number): string => (index >= 0 ? text(row.get(index)) : '');
  return (row) => {
    const time = parseTime(cell(row, columns.time));
    if (Number.isNaN(time)) return `no valid time in column ${columns.time + 1}`;
    const account = normaliseAccount(cell(row, columns.account));
    if (account === null) return `no account in column ${columns.account + 1}`;
    const raw = cell(row, columns.result).trim();
    const result = classifyResult(raw, content);
    if (result === undefined) return `result "${raw.slice(0, 40)}" is not a known code or word`;
    const app = cell(row, columns.app).trim();
    return { time, account, ip: normaliseIp(cell(row, columns.ip)), result, app: app === '' ? null : app, code: raw };
  };
}
