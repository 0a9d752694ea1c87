import type { PairState, SourceState } from '../aggregate';
import type { Context, PairRef } from './context';

/** Walking the aggregated pairs, and the spans and counts the detectors take from them. */

/**
 * A source a per-source rule may judge: not "-", where the events that named neither an IP nor a
 * workstation land (many machines, not one source).
 */
export function isNamed(source: string): boolean {
  return source !== '-';
}

/** The pairs of one source that `keep` accepts. */
export function pairsWhere(source: string, state: SourceState, keep: (pair: PairState) => boolean): PairRef[] {
  const refs: PairRef[] = [];
  for (const [account, pair] of state.pairs) if (keep(pair)) refs.push({ source, account, pair });
  return refs;
}

/** Sum of one count over the pairs. */
export function totalOf(refs: PairRef[], count: (pair: PairState) => number): number {
  return refs.reduce((sum, ref) => sum + count(ref.pair), 0);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** From the first to the last failure of the pairs (first and last event for a pair without failures). */
export function spanOf(refs: PairRef[]): { start: number; end: number } {
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

/** Failures per source (at least 1 for each pair). */
export function countsBySource(refs: PairRef[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ref of refs) counts.set(ref.source, (counts.get(ref.source) ?? 0) + Math.max(ref.pair.fails, 1));
  return counts;
}

/** FAMILY_BIT of the logs that mentioned any of the sources. */
export function familiesOf(ctx: Context, sources: Iterable<string>): number {
  let bits = 0;
  for (const source of sources) bits |= ctx.agg.sources.get(source)?.families ?? 0;
  return bits;
}
