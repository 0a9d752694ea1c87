import type { PairState } from '../aggregate';
import type { Context, Detection } from './context';
import { isNamed } from './pairs';
import { DAY, MINUTE } from './time-windows';

/** A distributed-spray cluster, as the search for its fresh source needs it. */
export interface Cluster {
  targeted: Set<string>;
  span: { start: number; end: number };
  /** the cluster's client app, when clusterBy has the app */
  app: string | undefined;
  /** the cluster's sources */
  sources: Map<string, number>;
}

/**
 * The spray's one attempt that worked: a password-right result that MFA or policy stopped, on a
 * cluster account, from a source with no other history than that and cluster failures. (A full
 * success from a new address is ordinary; a stopped one that never completes is not.) Adds the
 * source as an attacker, for spray-success-after-spray to report.
 */
export function freshPasswordRight(ctx: Context, out: Detection, cluster: Cluster): void {
  const { targeted, span } = cluster;
  const slack = ctx.content.file.thresholds.successAfterSpray.slackMinutes * MINUTE;
  for (const [source, state] of ctx.agg.sources) {
    if (!isNamed(source) || cluster.sources.has(source)) continue;
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
      what: `a fresh source during the distributed spray${cluster.app ? ` on "${cluster.app}"` : ''}`,
      targeted: new Set([account]),
    });
  }
}
