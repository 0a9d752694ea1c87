import { isoTime } from '../findings';
import type { Context, Detection } from './context';
import { isLegacy, plural, sampleLine } from './evidence';
import { isNamed, pairsWhere, spanOf, totalOf } from './pairs';
import { HOUR } from './time-windows';

/** spray-brute-force: many failures on one account from one source. */
export function bruteForce(ctx: Context, out: Detection, flagged: Set<string>): void {
  const t = ctx.content.file.thresholds.bruteForce;
  for (const [source, state] of ctx.agg.sources) {
    if (!isNamed(source)) continue;
    const hits = pairsWhere(source, state, (pair) => {
      if (pair.fails < t.minFailures) return false;
      const averagePerHour = pair.fails / Math.max(1, (pair.lastFail - pair.firstFail) / HOUR);
      return pair.peakHourFails >= t.minPerHour || averagePerHour >= t.minPerHour;
    });
    if (hits.length === 0) continue;
    flagged.add(source);
    hits.sort((a, b) => b.pair.fails - a.pair.fails);
    const attempts = totalOf(hits, (pair) => pair.fails);
    const span = spanOf(hits);
    const detail = hits.slice(0, 5).map((ref) => `${ref.account}: ${ref.pair.fails} failures, peak ${ref.pair.peakHourFails} in one hour`).join('; ');
    out.drafts.push({
      id: 'spray-brute-force',
      ip: source,
      start: span.start,
      end: span.end,
      sourceCounts: new Map([[source, attempts]]),
      accounts: hits.map((ref) => ref.account),
      evidence: `${source} failed ${plural(attempts, 'time')} on ${plural(hits.length, 'account')} between ${isoTime(span.start)} and ${isoTime(span.end)} (${detail}). `
        + `Many attempts on one account is password guessing (or a device retrying a stale password), not a spray.`,
      samples: hits.map((ref) => sampleLine(ctx, ref)),
      families: state.families,
      legacy: isLegacy(ctx, hits),
      vars: { source, account: hits.length === 1 ? hits[0]!.account : `${hits.length} accounts`, accounts: hits.length, attempts },
    });
    out.attackers.push({ source, since: span.start, what: `brute force from ${source}`, targeted: new Set(hits.map((ref) => ref.account)) });
  }
}
