import type { Aggregator, PairState } from '../aggregate';
import type { SprayContent } from '../content';
import type { FindingDraft } from '../findings';

/** The types the detectors share: what they read, and what they hand on to each other. */

export interface Context {
  agg: Aggregator;
  content: SprayContent;
}

/** A pair as the detectors see it. */
export interface PairRef {
  source: string;
  account: string;
  pair: PairState;
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
