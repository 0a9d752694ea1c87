import { duration, isoTime } from '../findings';
import type { Context, Detection } from './context';
import { plural } from './evidence';
import { familiesOf } from './pairs';
import { MINUTE, slideWindow, type TimedKey } from './time-windows';

/** spray-lockout-burst: many different accounts locked out within a short window. */
export function lockoutBursts(ctx: Context, out: Detection): void {
  const t = ctx.content.file.thresholds.lockoutBurst;
  const accountIds = new Map<string, number>();
  const accountNames: string[] = [];
  const points: Array<TimedKey & { source: string }> = [];
  // every source, "-" too: a lockout counts whoever caused it
  for (const [source, state] of ctx.agg.sources) {
    for (const [account, pair] of state.pairs) {
      if (pair.locks === 0) continue;
      let id = accountIds.get(account);
      if (id === undefined) {
        id = accountNames.length;
        accountIds.set(account, id);
        accountNames.push(account);
      }
      points.push({ time: pair.firstLock, key: id, source });
      if (pair.lastLock !== pair.firstLock) points.push({ time: pair.lastLock, key: id, source });
    }
  }
  if (accountNames.length < t.minAccounts) return;
  points.sort((a, b) => a.time - b.time);
  const width = t.windowMinutes * MINUTE;
  // overlapping windows that reach the threshold merge into one burst
  const bursts: Array<{ start: number; end: number }> = [];
  slideWindow(points, width, accountNames.length, (distinct, start, end) => {
    if (distinct < t.minAccounts) return;
    const current = bursts[bursts.length - 1];
    if (current && start <= current.end) current.end = end;
    else bursts.push({ start, end });
  });
  for (const burst of bursts) {
    const inBurst = points.filter((p) => p.time >= burst.start && p.time <= burst.end);
    const accounts = [...new Set(inBurst.map((p) => accountNames[p.key]!))];
    const sourceCounts = new Map<string, number>();
    for (const p of inBurst) sourceCounts.set(p.source, (sourceCounts.get(p.source) ?? 0) + 1);
    const busiest = [...sourceCounts].sort((a, b) => b[1] - a[1])[0]![0];
    const known = [...sourceCounts.keys()].filter((s) => s !== '-');
    out.drafts.push({
      id: 'spray-lockout-burst',
      ip: busiest,
      start: burst.start,
      end: burst.end,
      sourceCounts,
      accounts,
      evidence: `${plural(accounts.length, 'account')} were locked out between ${isoTime(burst.start)} and ${isoTime(burst.end)} `
        + `(threshold: ${t.minAccounts} within ${duration(width)}); lockout events came from ${known.length > 0 ? known.slice(0, 5).join(', ') : 'sources the logs do not name'}. `
        + 'Lockouts of many accounts at once come from a spray or brute force that is fast enough to trip the lockout threshold.',
      samples: inBurst.slice(0, 10).map((p) => `${isoTime(p.time)} ${accountNames[p.key]} locked (source ${p.source})`),
      families: familiesOf(ctx, sourceCounts.keys()),
      legacy: false,
      vars: { accounts: accounts.length, window: duration(Math.max(burst.end - burst.start, MINUTE)), source: busiest },
    });
  }
}
