import { isoTime } from '../findings';
import type { Context, Detection } from './context';
import { plural, sampleLine } from './evidence';
import { isNamed, pairsWhere, spanOf, totalOf } from './pairs';

/** spray-enumeration: one source trying many accounts that do not exist or are disabled. */
export function enumeration(ctx: Context, out: Detection): void {
  const t = ctx.content.file.thresholds.enumeration;
  for (const [source, state] of ctx.agg.sources) {
    if (!isNamed(source) || state.pairs.size < t.minAccounts) continue;
    const hits = pairsWhere(source, state, (pair) => pair.enumeration > 0);
    if (hits.length < t.minAccounts) continue;
    const span = spanOf(hits);
    const attempts = totalOf(hits, (pair) => pair.enumeration);
    out.drafts.push({
      id: 'spray-enumeration',
      ip: source,
      start: span.start,
      end: span.end,
      sourceCounts: new Map([[source, attempts]]),
      accounts: hits.map((ref) => ref.account),
      evidence: `${source} tried ${plural(hits.length, 'account')} that do not exist or are disabled (${plural(attempts, 'attempt')}) between ${isoTime(span.start)} and ${isoTime(span.end)}: `
        + 'someone is guessing which accounts exist, usually from a list of likely names, before or during a spray.',
      samples: hits.sort((a, b) => a.pair.firstSeen - b.pair.firstSeen).map((ref) => sampleLine(ctx, ref)),
      families: state.families,
      legacy: false,
      vars: { source, accounts: hits.length, attempts },
    });
  }
}
