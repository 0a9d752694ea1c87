import type { Aggregator } from './aggregate';
import type { SprayContent } from './content';
import { isoTime, toFinding, type FindingDraft } from './findings';
import { severityRank } from '../scanner/types';
import { SOURCE_INDEX, type InputSummary, type SourceIndex, type SourceTotals, type SprayReport } from './types';

/** The one place a SprayReport is put together. */

const ATTACK_FINDINGS = new Set(['spray-single-source', 'spray-distributed', 'spray-brute-force', 'spray-enumeration', 'spray-lockout-burst']);

function sourceIndex(agg: Aggregator, drafts: FindingDraft[]): SourceIndex {
  const attacks = new Map<string, string[]>();
  for (const draft of drafts) {
    if (!ATTACK_FINDINGS.has(draft.id)) continue;
    for (const source of draft.sourceCounts.keys()) {
      const ids = attacks.get(source) ?? [];
      if (!ids.includes(draft.id)) ids.push(draft.id);
      attacks.set(source, ids);
    }
  }
  return {
    attacked: () => attacks.keys(),
    get(source: string): SourceTotals | undefined {
      const state = agg.sources.get(source);
      if (!state) return undefined;
      let failures = 0;
      let passwordRight = 0;
      let successes = 0;
      let first = Infinity;
      let last = -Infinity;
      const sampleAccounts: string[] = [];
      for (const [account, pair] of state.pairs) {
        failures += pair.fails + pair.other;
        passwordRight += pair.passwordRight;
        successes += pair.successes;
        if (pair.passwordRight > 0 && sampleAccounts.length < 3) sampleAccounts.push(account);
        if (pair.firstSeen < first) first = pair.firstSeen;
        if (pair.lastSeen > last) last = pair.lastSeen;
      }
      return { failures, passwordRight, successes, accounts: state.pairs.size, sampleAccounts, first, last, attacks: attacks.get(source) ?? [] };
    },
  };
}

export function buildSprayReport(
  inputs: InputSummary[], agg: Aggregator, drafts: FindingDraft[], content: SprayContent, partial: boolean,
): SprayReport {
  const findings = drafts
    .map((draft) => toFinding(draft, content))
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.window.start.localeCompare(b.window.start) || a.ip.localeCompare(b.ip));
  const report: SprayReport = {
    events: inputs.reduce((sum, input) => sum + input.events, 0),
    malformed: inputs.reduce((sum, input) => sum + input.malformed, 0),
    inputs,
    findings,
    span: agg.events > 0 ? { start: isoTime(agg.minTime), end: isoTime(agg.maxTime) } : null,
    pairs: agg.pairCount,
  };
  if (partial) report.partial = true;
  Object.defineProperty(report, SOURCE_INDEX, { value: sourceIndex(agg, drafts), enumerable: false });
  return report;
}
