/** "10:42" today, "3 Mar 10:42" on another day, in the bot's time zone (TZ, default UTC). */
export function formatClock(ms: number, now: number, timeZone: string): string {
  const zone = safeZone(timeZone);
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: 'short', day: 'numeric' });
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
  const sameDay = day.format(ms) === day.format(now);
  if (sameDay) return time;
  const short = new Intl.DateTimeFormat('en-GB', { timeZone: zone, month: 'short', day: 'numeric' }).format(ms);
  return `${short} ${time}`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 days ago". */
export function formatAgo(ms: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

function safeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}
