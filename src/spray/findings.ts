import type { SprayContent, SprayFindingId, TemplateVariable } from './content';
import { FAMILY_BIT } from './aggregate';
import { LOG_FAMILIES, type SprayFinding } from './types';

/** Turning a detector's draft into a report finding: title from its template, advice, caps. */


export interface FindingDraft {
  id: SprayFindingId;
  /** the main source */
  ip: string;
  start: number;
  end: number;
  /** every source with its count (failed attempts, or matching events) */
  sourceCounts: Map<string, number>;
  /** every targeted account */
  accounts: Iterable<string>;
  evidence: string;
  samples: string[];
  /** FAMILY_BIT of the logs behind the finding */
  families: number;
  /** the finding involves a legacy (no-MFA) protocol */
  legacy: boolean;
  vars: Partial<Record<TemplateVariable, string | number>>;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function render(template: string, vars: Partial<Record<TemplateVariable, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name as TemplateVariable];
    return value === undefined ? whole : String(value);
  });
}

/** "20 minutes", "3 hours", "2 days": for titles. */
export function duration(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

function adviceFor(draft: FindingDraft, content: SprayContent): string[] {
  const ids = [...content.file.findings[draft.id].advice];
  for (const family of LOG_FAMILIES) {
    if (draft.families & FAMILY_BIT[family]) ids.push(...content.file.adviceIf[family]);
  }
  if (draft.legacy) ids.push(...content.file.adviceIf.legacyAuth);
  return [...new Set(ids)];
}

export function toFinding(draft: FindingDraft, content: SprayContent): SprayFinding {
  const def = content.file.findings[draft.id];
  const max = content.file.report.maxListed;
  const bySize = [...draft.sourceCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const listed = bySize.slice(0, max);
  const accounts = [...new Set(draft.accounts)].sort();
  return {
    id: draft.id,
    severity: def.severity,
    ip: draft.ip,
    title: render(def.title, draft.vars),
    window: { start: isoTime(draft.start), end: isoTime(draft.end) },
    sources: listed.map(([source]) => source),
    sourcesTotal: bySize.length,
    sourceCounts: Object.fromEntries(listed),
    accountsTargeted: accounts.length,
    accounts: accounts.slice(0, max),
    evidence: draft.evidence,
    samples: draft.samples.slice(0, content.file.report.samples),
    advice: adviceFor(draft, content),
  };
}
