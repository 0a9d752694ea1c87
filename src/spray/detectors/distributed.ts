import type { Pattern } from '../aggregate';
import type { SprayFile } from '../content';
import { isoTime } from '../findings';
import type { Context, Detection, PairRef } from './context';
import { codeBreakdown, isLegacy, patternOf, plural, sampleLine } from './evidence';
import { freshPasswordRight } from './fresh-source';
import { countsBySource, familiesOf, isNamed, median, spanOf, totalOf } from './pairs';
import { DAY } from './time-windows';

type Thresholds = SprayFile['thresholds']['distributed'];

/** Joins the clusterBy fields of a pattern into one map key. */
const KEY_SEPARATOR = '\u0000';

function clusterKey(t: Thresholds, pattern: Pattern | null): string {
  return t.clusterBy.map((field) => (pattern ? pattern[field] ?? '' : '')).join(KEY_SEPARATOR);
}

/**
 * 1. The cold pairs of candidate sources, grouped by pattern key, then by account.
 * Candidates have no successful sign-in and few failures a day; sources a per-source rule already
 * flagged are left to that rule.
 */
function coldPairsByPattern(ctx: Context, t: Thresholds, flagged: Set<string>): { groups: Map<string, Map<string, PairRef[]>>; candidates: number } {
  const groups = new Map<string, Map<string, PairRef[]>>();
  let candidates = 0;
  for (const [source, state] of ctx.agg.sources) {
    if (!isNamed(source) || flagged.has(source)) continue;
    let fails = 0;
    let first = Infinity;
    let last = -Infinity;
    let signedIn = false;
    for (const pair of state.pairs.values()) {
      if (pair.successes > 0) {
        signedIn = true;
        break;
      }
      fails += pair.fails;
      if (pair.firstFail < first) first = pair.firstFail;
      if (pair.lastFail > last) last = pair.lastFail;
    }
    if (signedIn || fails === 0) continue;
    if (fails / Math.max(1, (last - first) / DAY) > t.maxFailuresPerSourcePerDay) continue;
    candidates++;
    for (const [account, pair] of state.pairs) {
      if (pair.fails === 0 || pair.fails > t.maxAttemptsPerPair || pair.typoCorrected || pair.knownBefore) continue;
      const key = clusterKey(t, patternOf(ctx, pair));
      let byAccount = groups.get(key);
      if (!byAccount) groups.set(key, (byAccount = new Map()));
      let refs = byAccount.get(account);
      if (!refs) byAccount.set(account, (refs = []));
      refs.push({ source, account, pair });
    }
  }
  return { groups, candidates };
}

/**
 * spray-distributed: many sources, each with few attempts, failing on the same accounts with the
 * same pattern: the Quad7 shape, invisible to every per-IP threshold.
 */
export function distributed(ctx: Context, out: Detection, flagged: Set<string>): void {
  const t = ctx.content.file.thresholds.distributed;
  const { groups, candidates } = coldPairsByPattern(ctx, t, flagged);
  // 2. per pattern: keep the accounts revisited from enough different sources
  for (const [key, byAccount] of groups) {
    const clusterRefs: PairRef[] = [];
    const accounts: string[] = [];
    const sourcesPerAccount: number[] = [];
    for (const [account, refs] of byAccount) {
      if (refs.length < t.minSourcesPerAccount) continue;
      accounts.push(account);
      sourcesPerAccount.push(refs.length);
      clusterRefs.push(...refs);
    }
    const sourceCounts = countsBySource(clusterRefs);
    if (accounts.length < t.minAccounts || sourceCounts.size < t.minSources) continue;
    let otherSources = 0;
    for (const refs of byAccount.values()) {
      if (refs.length >= t.minSourcesPerAccount) continue;
      for (const ref of refs) if (!sourceCounts.has(ref.source)) otherSources++;
    }
    const span = spanOf(clusterRefs);
    const busiest = [...sourceCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    const keyFields = key.split(KEY_SEPARATOR);
    const patternLabel = t.clusterBy.length === 0
      ? 'any failure'
      : t.clusterBy.map((field, i) => `${field} "${keyFields[i] || 'unknown'}"`).join(', ');
    const attempts = totalOf(clusterRefs, (pair) => pair.fails);
    const maxPerSource = Math.max(...sourceCounts.values());
    const evidence = `Cluster formed from ${candidates} candidate sources (no successful sign-in, at most ${t.maxFailuresPerSourcePerDay} failures a day each), `
      + `keeping their "cold" pairs (at most ${t.maxAttemptsPerPair} failures on an account, no earlier password-right result there, no typo fix) `
      + `with the same ${patternLabel}, and the accounts that at least ${t.minSourcesPerAccount} different sources failed on. `
      + `Result: ${plural(sourceCounts.size, 'source')} against ${plural(accounts.length, 'account')} between ${isoTime(span.start)} and ${isoTime(span.end)} `
      + `(${plural(attempts, 'failed attempt')}: ${codeBreakdown(ctx, clusterRefs)}; median ${median(sourcesPerAccount)} sources per account; `
      + `no source made more than ${maxPerSource} of them, so no per-IP rule fires).`
      + (otherSources > 0 ? ` ${plural(otherSources, 'more source')} show the same pattern on accounts hit only once; they are not counted.` : '');
    out.drafts.push({
      id: 'spray-distributed',
      ip: busiest,
      start: span.start,
      end: span.end,
      sourceCounts,
      accounts,
      evidence,
      samples: clusterRefs.sort((a, b) => a.pair.firstFail - b.pair.firstFail).map((ref) => sampleLine(ctx, ref)),
      families: familiesOf(ctx, sourceCounts.keys()),
      legacy: isLegacy(ctx, clusterRefs),
      vars: { sources: sourceCounts.size, accounts: accounts.length, attempts, app: patternLabel, source: busiest },
    });
    const targeted = new Set(accounts);
    for (const source of sourceCounts.keys()) {
      out.attackers.push({ source, since: span.start, what: `distributed spray (${sourceCounts.size} sources, ${patternLabel})`, targeted });
    }
    const appIndex = t.clusterBy.indexOf('app');
    freshPasswordRight(ctx, out, { targeted, span, app: appIndex >= 0 ? keyFields[appIndex] : undefined, sources: sourceCounts });
  }
}
