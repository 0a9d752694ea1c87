import type { PairRef } from './context';

/** Time units and the sliding windows the detectors count distinct accounts in. */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface TimedKey {
  time: number;
  key: number;
}

/** Adds delta to counts[key] and returns the new count. */
function bump(counts: Int32Array, key: number, delta: number): number {
  const value = (counts[key] ?? 0) + delta;
  counts[key] = value;
  return value;
}

/**
 * Slides a window of `width` ms over points sorted by time (keys 0 … keyCount-1) and calls
 * `visit` at each point with the number of distinct keys in the window that ends there, and that
 * window's first and last time. Sliding (not fixed bins) so a burst on a bin edge is not split in two.
 */
export function slideWindow(
  points: readonly TimedKey[], width: number, keyCount: number, visit: (distinct: number, start: number, end: number) => void,
): void {
  const inWindow = new Int32Array(keyCount);
  let distinct = 0;
  let left = 0;
  for (let right = 0; right < points.length; right++) {
    const p = points[right]!;
    if (bump(inWindow, p.key, 1) === 1) distinct++;
    while (p.time - points[left]!.time > width) {
      if (bump(inWindow, points[left]!.key, -1) === 0) distinct--;
      left++;
    }
    visit(distinct, points[left]!.time, p.time);
  }
}

/** Densest sliding window: the most distinct keys within `width` ms, and where. Points sorted by time. */
export function densestWindow(points: readonly TimedKey[], width: number, keyCount: number): { distinct: number; start: number; end: number } {
  let best = { distinct: 0, start: 0, end: 0 };
  slideWindow(points, width, keyCount, (distinct, start, end) => {
    if (distinct > best.distinct) best = { distinct, start, end };
  });
  return best;
}

/** Each failing pair contributes its first and last failure as sample points (key = its index in refs). */
export function failurePoints(refs: PairRef[]): TimedKey[] {
  const points: TimedKey[] = [];
  refs.forEach((ref, key) => {
    points.push({ time: ref.pair.firstFail, key });
    if (ref.pair.lastFail !== ref.pair.firstFail) points.push({ time: ref.pair.lastFail, key });
  });
  return points.sort((a, b) => a.time - b.time);
}
