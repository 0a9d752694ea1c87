import type { Aggregator } from './aggregate';
import type { SprayContent } from './content';
import type { FindingDraft } from './findings';
import { bruteForce } from './detectors/brute-force';
import type { Context, Detection } from './detectors/context';
import { distributed } from './detectors/distributed';
import { enumeration } from './detectors/enumeration';
import { lockoutBursts } from './detectors/lockout-burst';
import { singleSource } from './detectors/single-source';
import { successAfterSpray } from './detectors/success-after-spray';

/**
 * The detectors (one module each in detectors/). They read the per-pair records the aggregator
 * kept and return finding drafts. Per-source rules follow the published logic (Sentinel, Splunk,
 * Sigma); the distributed rule is the cross-source view those rules lack (Quad7 keeps every IP
 * under them).
 */

export type { AttackSource, Detection } from './detectors/context';

/** All detectors, in the order their findings depend on each other. */
export function detect(agg: Aggregator, content: SprayContent): FindingDraft[] {
  const ctx: Context = { agg, content };
  const out: Detection = { drafts: [], attackers: [] };
  // sources a per-source rule fired on; the distributed rule leaves them out
  const flagged = new Set<string>();
  singleSource(ctx, out, flagged);
  bruteForce(ctx, out, flagged);
  distributed(ctx, out, flagged);
  enumeration(ctx, out);
  lockoutBursts(ctx, out);
  // reads the attackers all of the above found
  successAfterSpray(ctx, out);
  return out.drafts;
}
