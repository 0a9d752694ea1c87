import type { SprayContent } from './content';
import { type Aggregator, type PairState, type Pattern, type SourceState } from './aggregate';
import { duration, isoTime, type FindingDraft } from './findings';

/**
 * The detectors. They read the per-pair records the aggregator kept and return finding drafts.
 * Per-source rules follow the published logic (Sentinel, Splunk, Sigma); the distributed rule
 * is the cross-source view those rules lack (Quad7 keeps every IP under them).
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

interface Context {
  agg: Aggregator;
  content: SprayContent;
}

/** A pair as the detectors see it. */
interface PairRef {
  source: string;
  account: string;
  pair: PairState;
}

function pairsOf(source: SourceState): Iterable<[string, PairState]> {
  return source.pairs;
}

function patternOf(ctx: Context, pair: PairState): Pattern | null {
  return pair.pattern >= 0 ? ctx.agg.patterns.list[pair.pattern] ?? null : null;
}

function describePattern(pattern: Pattern | null): string {
  if (!pattern) return 'failure';
  const code = pattern.code === null ? '' : ` ${pattern.code}`;
  const app = pattern.app === null ? '' : ` (${pattern.app})`;
  return `${pattern.result}${code}${app}`;
}

function sampleLine(ctx: Context, ref: PairRef): string {
  const { pair } = ref;
  const when = Number.isFinite(pair.firstFail) ? pair.firstFail : pair.firstSeen;
  const attempts = pair.fails === 1 ? '1 failed attempt' : `${pair.fails} failed attempts`;
  const until = pair.fails > 1 && pair.lastFail > pair.firstFail ? ` until ${isoTime(pair.lastFail)}` : '';
  return `${isoTime(when)} ${ref.account} from ${ref.source}: ${describePattern(patternOf(ctx, pair))}, ${attempts}${until}`;
}

function isLegacy(ctx: Context, refs: Iterable<PairRef>): boolean {
  for (const ref of refs) {
    const app = patternOf(ctx, ref.pair)?.app;
    if (app && ctx.content.legacyApp(app)) return true;
  }
  return false;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Codes behind a set of pairs: "50126 ×40, 50053 ×3". */
function codeBreakdown(ctx: Context, refs: PairRef[]): string {
  const counts = new Map<string, number>();
  for (const { pair } of refs) {
    const pattern = patternOf(ctx, pair);
    const key = pattern ? `${pattern.result}${pattern.code === null ? '' : ` ${pattern.code}`}` : 'failure';
    counts.set(key, (counts.get(key) ?? 0) + pair.fails);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([key, n]) => `${key} ×${n}`).join(', ');
}

/** Adds delta to counts[key] and returns the new count. */
function bump(counts: Int32Array, key: number, delta: number): number {
  const value = (counts[key] ?? 0) + delta;
  counts[key] = value;
  return value;
}

interface TimedKey {
  time: number;
  key: number;
}

/**
 * Densest sliding window: the most distinct keys within `width` ms, and where. Points must be
 * sorted by time. Sliding (not fixed bins) so a burst on a bin edge is not split in two.
 */
function densestWindow(points: TimedKey[], width: number, keyCount: number): { distinct: number; start: number; end: number } {
  const inWindow = new Int32Array(keyCount);
  let distinct = 0;
  let best = { distinct: 0, start: 0, end: 0 };
  let left = 0;
  for (let right = 0; right < points.length; right++) {
    const p = points[right]!;
    if (bump(inWindow, p.key, 1) === 1) distinct++;
    while (p.time - points[left]!.time > width) {
      if (bump(inWindow, points[left]!.key, -1) === 0) distinct--;
      left++;
    }
    if (distinct > best.distinct) best = { distinct, start: points[left]!.time, end: p.time };
  }
  return best;
}

/** Each failing pair contributes its first and last failure as sample points. */
function failurePoints(refs: PairRef[]): TimedKey[] {
  const points: TimedKey[] = [];
  refs.forEach((ref, key) => {
    points.push({ time: ref.pair.firstFail, key });
    if (ref.pair.lastFail !== ref.pair.firstFail) points.push({ time: ref.pair.lastFail, key });
  });
  return points.sort((a, b) => a.time - b.time);
}

function spanOf(refs: PairRef[]): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const { pair } of refs) {
    const first = Number.isFinite(pair.firstFail) ? pair.firstFail : pair.firstSeen;
    const last = Number.isFinite(pair.lastFail) ? pair.lastFail : pair.lastSeen;
    if (first < start) start = first;
    if (last > end) end = last;
  }
  return { start, end };
}

function countsBySource(refs: PairRef[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ref of refs) counts.set(ref.source, (counts.get(ref.source) ?? 0) + Math.max(ref.pair.fails, 1));
  return counts;
}

function familiesOf(ctx: Context, sources: Iterable<string>): number {
  let bits = 0;
  for (const source of sources) bits |= ctx.agg.sources.get(source)?.families ?? 0;
  return bits;
}

/** A source whose accounts a success or password-right result would put at risk. */
export interface AttackSource {
  source: string;
  /** failures start here (minus the slack, successes from then on count) */
  since: number;
  /** what the source did, for the evidence */
  what: string;
  /** accounts the attack (the source, or its cluster) targeted */
  targeted: Set<string>;
}

export interface Detection {
  drafts: FindingDraft[];
  attackers: AttackSource[];
}

// ---------------------------------------------------------------------------------------------

/** One IP failing on many distinct accounts, few attempts each, within a window. */
function singleSource(ctx: Context, out: Detection, flagged: Set<string>): void {
  const t = ctx.content.file.thresholds.singleSource;
  const smallest = Math.min(...t.windows.map((w) => w.minAccounts));
  for (const [source, state] of ctx.agg.sources) {
    if (source === '-' || state.pairs.size < smallest) continue;
    const failing: PairRef[] = [];
    let succeeding = 0;
    for (const [account, pair] of pairsOf(state)) {
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
    const attempts = failing.reduce((sum, ref) => sum + ref.pair.fails, 0);
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

/** Many failures on one account from one source. */
function bruteForce(ctx: Context, out: Detection, flagged: Set<string>): void {
  const t = ctx.content.file.thresholds.bruteForce;
  for (const [source, state] of ctx.agg.sources) {
    if (source === '-') continue;
    const hits: PairRef[] = [];
    for (const [account, pair] of pairsOf(state)) {
      if (pair.fails < t.minFailures) continue;
      const averagePerHour = pair.fails / Math.max(1, (pair.lastFail - pair.firstFail) / HOUR);
      if (pair.peakHourFails >= t.minPerHour || averagePerHour >= t.minPerHour) hits.push({ source, account, pair });
    }
    if (hits.length === 0) continue;
    flagged.add(source);
    hits.sort((a, b) => b.pair.fails - a.pair.fails);
    const attempts = hits.reduce((sum, ref) => sum + ref.pair.fails, 0);
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

/** One source trying many accounts that do not exist or are disabled. */
function enumeration(ctx: Context, out: Detection): void {
  const t = ctx.content.file.thresholds.enumeration;
  for (const [source, state] of ctx.agg.sources) {
    if (source === '-' || state.pairs.size < t.minAccounts) continue;
    const hits: PairRef[] = [];
    for (const [account, pair] of pairsOf(state)) if (pair.enumeration > 0) hits.push({ source, account, pair });
    if (hits.length < t.minAccounts) continue;
    const span = spanOf(hits);
    const attempts = hits.reduce((sum, ref) => sum + ref.pair.enumeration, 0);
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

/**
 * Many sources, each with few attempts, failing on the same accounts with the same pattern:
 * the Quad7 shape, invisible to every per-IP threshold.
 */
function distributed(ctx: Context, out: Detection, flagged: Set<string>): void {
  const t = ctx.content.file.thresholds.distributed;
  // 1. cold pairs of candidate sources, grouped by pattern key, then by account
  const groups = new Map<string, Map<string, PairRef[]>>();
  let candidates = 0;
  for (const [source, state] of ctx.agg.sources) {
    if (source === '-' || flagged.has(source)) continue;
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
      const pattern = patternOf(ctx, pair);
      const key = t.clusterBy.map((field) => (pattern ? pattern[field] ?? '' : '')).join('\u0000');
      let byAccount = groups.get(key);
      if (!byAccount) groups.set(key, (byAccount = new Map()));
      let refs = byAccount.get(account);
      if (!refs) byAccount.set(account, (refs = []));
      refs.push({ source, account, pair });
    }
  }
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
    const patternLabel = t.clusterBy.length === 0
      ? 'any failure'
      : t.clusterBy.map((field, i) => `${field} "${key.split('\u0000')[i] || 'unknown'}"`).join(', ');
    const attempts = clusterRefs.reduce((sum, ref) => sum + ref.pair.fails, 0);
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
    freshPasswordRight(ctx, out, targeted, span, key, sourceCounts);
  }
}

/**
 * The spray's one attempt that worked: a password-right result that MFA or policy stopped, on a
 * cluster account, from a source with no other history than that and cluster failures. (A full
 * success from a new address is ordinary; a stopped one that never completes is not.)
 */
function freshPasswordRight(
  ctx: Context, out: Detection, targeted: Set<string>, span: { start: number; end: number }, patternKey: string, cluster: Map<string, number>,
): void {
  const slack = ctx.content.file.thresholds.successAfterSpray.slackMinutes * MINUTE;
  const appIndex = ctx.content.file.thresholds.distributed.clusterBy.indexOf('app');
  const clusterApp = appIndex >= 0 ? patternKey.split('\u0000')[appIndex] : undefined;
  for (const [source, state] of ctx.agg.sources) {
    if (source === '-' || cluster.has(source)) continue;
    let hit: [string, PairState] | null = null;
    let clean = true;
    for (const [account, pair] of state.pairs) {
      if (pair.successes > 0 || (pair.fails > 0 && !targeted.has(account))) {
        clean = false;
        break;
      }
      if (targeted.has(account) && pair.passwordRight > 0 && pair.fails === 0) hit = [account, pair];
    }
    if (!clean || !hit) continue;
    const [account, pair] = hit;
    if (pair.lastOk < span.start - slack || pair.firstOk > span.end + DAY) continue;
    out.attackers.push({
      source,
      since: span.start,
      what: `a fresh source during the distributed spray${clusterApp ? ` on "${clusterApp}"` : ''}`,
      targeted: new Set([account]),
    });
  }
}

/** A password-right result for an account an attacking source (or its cluster) targeted. */
function successAfterSpray(ctx: Context, out: Detection): void {
  const slack = ctx.content.file.thresholds.successAfterSpray.slackMinutes * MINUTE;
  const seen = new Set<string>();
  for (const attacker of out.attackers) {
    const state = ctx.agg.sources.get(attacker.source);
    if (!state) continue;
    for (const [account, pair] of state.pairs) {
      if (pair.passwordRight === 0 || pair.lastOk < attacker.since - slack) continue;
      const key = `${attacker.source}\u0000${account}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const useFirst = pair.firstOk >= attacker.since - slack;
      const when = useFirst ? pair.firstOk : pair.lastOk;
      const result = useFirst ? pair.firstOkResult : pair.lastOkResult;
      const wasTarget = attacker.targeted.has(account) || pair.fails > 0;
      const how = result === 'success'
        ? 'signed in successfully'
        : result === 'expired' ? 'got "password expired" (the password was right)' : 'got past the password; MFA or Conditional Access stopped it';
      out.drafts.push({
        id: 'spray-success-after-spray',
        ip: attacker.source,
        start: when,
        end: pair.lastOk,
        sourceCounts: new Map([[attacker.source, pair.passwordRight]]),
        accounts: [account],
        evidence: `${account} ${how} from ${attacker.source} at ${isoTime(when)}, during ${attacker.what} that began ${isoTime(attacker.since)}`
          + `${wasTarget ? ' and targeted this account' : ''}. `
          + `${plural(pair.passwordRight, 'password-right result')} and ${plural(pair.fails, 'failure')} for this account from this source. `
          + 'Treat the password as known to the attacker: reset it and revoke sessions.',
        samples: [`${isoTime(when)} ${account} from ${attacker.source}: ${result}`],
        families: state.families,
        legacy: false,
        vars: { account, result, source: attacker.source, when: isoTime(when) },
      });
    }
  }
}

/** Many different accounts locked out within a short window. */
function lockoutBursts(ctx: Context, out: Detection): void {
  const t = ctx.content.file.thresholds.lockoutBurst;
  const accountIds = new Map<string, number>();
  const accountNames: string[] = [];
  const points: Array<TimedKey & { source: string }> = [];
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
  const inWindow = new Int32Array(accountNames.length);
  let distinct = 0;
  let left = 0;
  const bursts: Array<{ start: number; end: number }> = [];
  for (let right = 0; right < points.length; right++) {
    const p = points[right]!;
    if (bump(inWindow, p.key, 1) === 1) distinct++;
    while (p.time - points[left]!.time > width) {
      if (bump(inWindow, points[left]!.key, -1) === 0) distinct--;
      left++;
    }
    if (distinct < t.minAccounts) continue;
    const start = points[left]!.time;
    const current = bursts[bursts.length - 1];
    if (current && start <= current.end) current.end = p.time;
    else bursts.push({ start, end: p.time });
  }
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

/** All detectors, in the order their findings depend on each other. */
export function detect(agg: Aggregator, content: SprayContent): FindingDraft[] {
  const ctx: Context = { agg, content };
  const out: Detection = { drafts: [], attackers: [] };
  const flagged = new Set<string>();
  singleSource(ctx, out, flagged);
  bruteForce(ctx, out, flagged);
  distributed(ctx, out, flagged);
  enumeration(ctx, out);
  lockoutBursts(ctx, out);
  successAfterSpray(ctx, out);
  return out.drafts;
}
