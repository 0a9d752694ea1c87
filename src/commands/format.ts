import { SEVERITIES, type Severity } from '../scanner/types';

/** Small text helpers shared by the report builders. */

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function countBySeverity(items: ReadonlyArray<{ severity: Severity }>): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const item of items) counts[item.severity] += 1;
  return counts;
}

/** "1 critical, 2 medium" — only the severities that occur; "none" when empty. */
export function severityCounts(items: ReadonlyArray<{ severity: Severity }>): string {
  const counts = countBySeverity(items);
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export function highestSeverity(items: ReadonlyArray<{ severity: Severity }>): Severity | undefined {
  return SEVERITIES.find((s) => items.some((item) => item.severity === s));
}

/**
 * CSV with RFC 4180 quoting. Cells that a spreadsheet would run as a formula are prefixed with a
 * quote: device names and banners come from the network and may be hostile.
 */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const cell = (value: string): string => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [columns, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
