/** Dates as people in the digest's time zone read them. */

function parts(date: Date, timeZone: string, options: Intl.DateTimeFormatOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', ...options }).formatToParts(date)) out[part.type] = part.value;
  return out;
}

/** "Mon 23 Nov 2026, 08:00 CET" (seconds only when they are not zero). */
export function formatTime(date: Date | string, timeZone: string): string {
  const when = typeof date === 'string' ? new Date(date) : date;
  const withSeconds = when.getUTCSeconds() !== 0;
  const p = parts(when, timeZone, {
    weekday: 'short', day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}), timeZoneName: 'short',
  });
  const time = `${p.hour}:${p.minute}${withSeconds ? `:${p.second}` : ''}`;
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${time} ${p.timeZoneName}`;
}

/** "23 Nov 08:00": short, for chart axes and tables. */
export function formatShort(date: Date | string, timeZone: string): string {
  const when = typeof date === 'string' ? new Date(date) : date;
  const withSeconds = when.getUTCSeconds() !== 0;
  const p = parts(when, timeZone, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}) });
  return `${p.day} ${p.month} ${p.hour}:${p.minute}${withSeconds ? `:${p.second}` : ''}`;
}
