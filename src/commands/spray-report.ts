import type { AdviceEntry } from '../content/schema';
import { maskReport, type SprayFinding, type SprayReport } from '../spray';
import { formatDuration, highestSeverity, plural, severityCounts } from './format';
import type { Report, ReportAdvice, ReportFinding, Section } from './report';
import { severityRank } from '../scanner/types';

/**
 * A spray analysis as the platform-neutral report (and the spray half of the full audit). Account
 * names are masked for chat unless SPRAY_SHOW_ACCOUNTS=1; the CLI and the terminal show them.
 */

export interface SprayView {
  /** the report as this audience may see it (masked for chat) */
  spray: SprayReport;
  /** findings joining the logs with a LAN scan (already in the audience's masking) */
  correlation: SprayFinding[];
}

export function sprayView(spray: SprayReport, correlation: SprayFinding[], mask: boolean): SprayView {
  if (!mask) return { spray, correlation };
  const masked = maskReport({ ...spray, findings: [...correlation, ...spray.findings] });
  return { spray: { ...masked, findings: masked.findings.slice(correlation.length) }, correlation: masked.findings.slice(0, correlation.length) };
}

const MAX_LISTED_ACCOUNTS = 8;

function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

/** "from 203.0.113.7 and 41 more sources against 57 accounts, 2026-11-01 08:00 – 11-04 17:30 UTC" */
export function sprayFindingSubject(finding: SprayFinding): string {
  const more = finding.sourcesTotal > 1 ? ` and ${plural(finding.sourcesTotal - 1, 'more source')}` : '';
  const accounts = finding.accountsTargeted > 0 ? ` against ${plural(finding.accountsTargeted, 'account')}` : '';
  return `from ${finding.ip}${more}${accounts}, ${shortTime(finding.window.start)} – ${shortTime(finding.window.end)}`;
}

export function sprayFindingEvidence(finding: SprayFinding): string {
  const lines = [finding.evidence];
  if (finding.accounts.length > 0) {
    const shown = finding.accounts.slice(0, MAX_LISTED_ACCOUNTS);
    const rest = finding.accountsTargeted - shown.length;
    lines.push(`Accounts: ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`);
  }
  if (finding.sources.length > 1) {
    lines.push(`Sources: ${finding.sources.slice(0, 6).map((ip) => `${ip} (${finding.sourceCounts[ip] ?? 0})`).join(', ')}${finding.sourcesTotal > 6 ? ', …' : ''}`);
  }
  for (const sample of finding.samples.slice(0, 3)) lines.push(`e.g. ${sample}`);
  return lines.join('\n');
}

export function toReportFinding(finding: SprayFinding): ReportFinding {
  return { severity: finding.severity, title: finding.title, subject: sprayFindingSubject(finding), evidence: sprayFindingEvidence(finding), advice: finding.advice };
}

export function sprayFindings(view: SprayView): SprayFinding[] {
  return [...view.correlation, ...view.spray.findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}

export function spraySummary(view: SprayView): string {
  const { spray } = view;
  const findings = sprayFindings(view);
  const files = plural(spray.inputs.length, 'log file');
  const malformed = spray.malformed > 0 ? ` (${spray.malformed.toLocaleString('en-US')} malformed, skipped)` : '';
  const verdict = findings.length > 0 ? `findings: ${severityCounts(findings)}` : 'no sign of password spray';
  return `${spray.events.toLocaleString('en-US')} sign-in events from ${files}${malformed}; ${verdict}${spray.partial ? ' (partial: the analysis was stopped)' : ''}`;
}

/** The sections of the spray half: findings, inputs, malformed samples. */
export function spraySections(view: SprayView): Section[] {
  const { spray } = view;
  const sections: Section[] = [];
  if (spray.partial) sections.push({ kind: 'text', text: 'The analysis was stopped before it read every file: the results below are incomplete.' });
  sections.push({ kind: 'findings', heading: 'Password spray', findings: sprayFindings(view).map(toReportFinding) });
  sections.push({
    kind: 'table',
    heading: 'Logs read',
    columns: ['File', 'Format', 'Events', 'Skipped', 'Malformed', 'Problem'],
    rows: spray.inputs.map((input) => [
      input.path,
      `${input.format}${input.gzip ? ' (gzip)' : ''}`,
      input.events.toLocaleString('en-US'),
      input.skipped.toLocaleString('en-US'),
      input.malformed.toLocaleString('en-US'),
      input.error ?? '-',
    ]),
    fullDataIn: ['spray.json'],
  });
  const samples = spray.inputs.flatMap((input) => input.samples.map((sample) => `${input.path}:${sample.line}: ${sample.reason}${sample.text ? ` — ${sample.text}` : ''}`));
  if (samples.length > 0) sections.push({ kind: 'text', heading: 'Malformed lines (a sample)', text: samples.slice(0, 6).join('\n') });
  return sections;
}

/** The JSON the issue specifies under `spray`, with the correlation findings among the findings. */
export function sprayJson(view: SprayView): SprayReport {
  return { ...view.spray, findings: sprayFindings(view) };
}

export function adviceItems(ids: Iterable<string>, catalog: readonly AdviceEntry[]): ReportAdvice[] {
  const byId = new Map(catalog.map((item) => [item.id, item]));
  return [...new Set(ids)].flatMap((id) => {
    const item = byId.get(id);
    return item ? [{ id: item.id, title: item.title, text: item.text, url: item.url }] : [];
  });
}

export function sprayReport(view: SprayView, catalog: readonly AdviceEntry[], meta: { startedAt: string; durationMs: number }): Report {
  const findings = sprayFindings(view);
  const advice = adviceItems(findings.flatMap((f) => f.advice), catalog);
  const sections = spraySections(view);
  if (advice.length > 0) sections.push({ kind: 'advice', heading: 'What to do', items: advice });
  const highest = highestSeverity(findings);
  const json = { startedAt: meta.startedAt, durationMs: meta.durationMs, spray: sprayJson(view), advice };
  return {
    title: 'Password-spray check of the sign-in logs',
    tone: highest ?? 'ok',
    summary: `${spraySummary(view)} in ${formatDuration(meta.durationMs)}`,
    sections,
    attachments: [{ filename: 'spray.json', contentType: 'application/json', data: JSON.stringify(json, null, 2), description: 'The full analysis', onlyWhenTruncated: true }],
    outcome: view.spray.partial ? 'partial' : 'ok',
    json,
    ...(highest ? { highestSeverity: highest } : {}),
  };
}
