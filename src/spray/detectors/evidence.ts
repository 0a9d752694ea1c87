import type { PairState, Pattern } from '../aggregate';
import { isoTime } from '../findings';
import type { Context, PairRef } from './context';

/** How findings describe pairs: failure patterns, sample lines, code breakdowns, counted words. */

export function patternOf(ctx: Context, pair: PairState): Pattern | null {
  return pair.pattern >= 0 ? ctx.agg.patterns.list[pair.pattern] ?? null : null;
}

/** "bad_password 50126" */
function resultAndCode(pattern: Pattern): string {
  return `${pattern.result}${pattern.code === null ? '' : ` ${pattern.code}`}`;
}

function describePattern(pattern: Pattern | null): string {
  if (!pattern) return 'failure';
  const app = pattern.app === null ? '' : ` (${pattern.app})`;
  return `${resultAndCode(pattern)}${app}`;
}

export function sampleLine(ctx: Context, ref: PairRef): string {
  const { pair } = ref;
  const when = Number.isFinite(pair.firstFail) ? pair.firstFail : pair.firstSeen;
  const attempts = pair.fails === 1 ? '1 failed attempt' : `${pair.fails} failed attempts`;
  const until = pair.fails > 1 && pair.lastFail > pair.firstFail ? ` until ${isoTime(pair.lastFail)}` : '';
  return `${isoTime(when)} ${ref.account} from ${ref.source}: ${describePattern(patternOf(ctx, pair))}, ${attempts}${until}`;
}

/** Any of the pairs failed over a legacy (no-MFA) protocol. */
export function isLegacy(ctx: Context, refs: Iterable<PairRef>): boolean {
  for (const ref of refs) {
    const app = patternOf(ctx, ref.pair)?.app;
    if (app && ctx.content.legacyApp(app)) return true;
  }
  return false;
}

/** Codes behind a set of pairs: "50126 ×40, 50053 ×3". */
export function codeBreakdown(ctx: Context, refs: PairRef[]): string {
  const counts = new Map<string, number>();
  for (const { pair } of refs) {
    const pattern = patternOf(ctx, pair);
    const key = pattern ? resultAndCode(pattern) : 'failure';
    counts.set(key, (counts.get(key) ?? 0) + pair.fails);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([key, n]) => `${key} ×${n}`).join(', ');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
