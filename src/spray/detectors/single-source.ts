import { duration, isoTime } from '../findings';
import type { Context, Detection, PairRef } from './context';
import { codeBreakdown, isLegacy, plural, sampleLine } from './evidence';
import { isNamed, median, spanOf, totalOf } from './pairs';
import { densestWindow, failurePoints, MINUTE } from './time-windows';

/** spray-single-source: one IP failing on many distinct accounts, few attempts each, within a window. */
export function singleSource(ctx: Context, out: Detection, flagged: Set<string>): void {
  const t = ctx.content.file.thresholds.singleSource;
  const smallest = Math.min(...t.windows.map((w) => w.minAccounts));
  for (const [source, state] of ctx.agg.sources) {
    if (!isNamed(source) || state.pairs.size < smallest) continue;
    const failing: PairRef[] = [];
    let succeeding = 0;
    for (const [account, pair] of state.pairs) {
      if (pair.passwordRight > 0) succeeding++;
      if (pair.fails > 0 && !pair.typoCorrected && !pair.knownBefore) failing.push({ source, account, pair });
    }
    if (failing.length < smallest) continue;
    // Only nonexistent or disabled accounts: that is enumeration, reported as such.
    if (failing.every((ref) => ref.pair.enumeration >= ref.pair.fails)) continue;
    // A shared egress (office NAT) fails on accounts too, but mostly it signs people in.
    if (failing.length <= succeeding * t.minFailingToSucceedingRatio) continue;
    const points = failurePoints(failing);
    let fired: { minutes: number; threshold: number; distinct: number; start: number; end: number } | null = null;
    for (const window of t.windows) {
      const best = densestWindow(points, window.minutes * MINUTE, failing.length);
      if (best.distinct >= window.minAccounts) {
        fired = { minutes: window.minutes, threshold: window.minAccounts, ...best };
        break;
      }
    }
    if (!fired) continue;
    flagged.add(source);
    const attempts = totalOf(failing, (pair) => pair.fails);
    const medianAttempts = median(failing.map((ref) => ref.pair.fails));
    const span = spanOf(failing);
    const guessing = medianAttempts > t.maxMedianAttemptsPerAccount
      ? ` The median of ${medianAttempts} attempts per account is more than a spray's few: this source also guesses several passwords per account.`
      : ` Median ${medianAttempts} attempt${medianAttempts === 1 ? '' : 's'} per account: one password tried across many accounts.`;
    const evidence = `${source} failed on ${plural(failing.length, 'account')} (${plural(attempts, 'attempt')}: ${codeBreakdown(ctx, failing)}) `
      + `between ${isoTime(span.start)} and ${isoTime(span.end)}; ${fired.distinct} distinct accounts within ${duration(fired.minutes * MINUTE)} `
      + `(${isoTime(fired.start)} to ${isoTime(fired.end)}), at or above the threshold of ${fired.threshold}.`
      + guessing
      + (succeeding > 0
        ? ` It also got the password right for ${plural(succeeding, 'account')}; a success-after-spray finding names each one it had attacked.`
        : ' It got no password right.');
    out.drafts.push({
      id: 'spray-single-source',
      ip: source,
      start: span.start,
      end: span.end,
      sourceCounts: new Map([[source, attempts]]),
      accounts: failing.map((ref) => ref.account),
      evidence,
      samples: failing.sort((a, b) => a.pair.firstFail - b.pair.firstFail).map((ref) => sampleLine(ctx, ref)),
      families: state.families,
      legacy: isLegacy(ctx, failing),
      vars: { source, accounts: failing.length, attempts, window: duration(fired.minutes * MINUTE) },
    });
    out.attackers.push({ source, since: span.start, what: `password spray from ${source}`, targeted: new Set(failing.map((ref) => ref.account)) });
  }
}
