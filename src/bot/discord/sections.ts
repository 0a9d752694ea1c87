import type { ReportAdvice, ReportFinding, Section } from '../../commands/report';
import { countBySeverity } from '../../commands/format';
import { SEVERITIES, severityRank } from '../../scanner/types';
import { SEVERITY_MARKS, TONE_COLORS } from './colors';
import type { EmbedStream } from './embed-stream';
import { bold, codeBlock, codeSafe, escapeText, link, truncate } from './markdown';

/**
 * One report section → embed text and fields. Sections that cannot show everything in chat (a
 * long host table, many findings) say how much they left out and name the files that hold it;
 * the renderer attaches those files.
 */

/** Findings shown in chat; the rest are counted and left to scan.json. */
export const MAX_FINDINGS_SHOWN = 20;
/** Characters of host table in one embed (a code block ~50 rows tall is plenty to read in chat). */
export const TABLE_BUDGET = 3500;
/** Column cut so a row stays on one line on a laptop-width Discord window. */
const MAX_CELL = 28;

export interface SectionOutcome {
  /** the section left data out */
  truncated: boolean;
  /** attachments that hold what was left out (empty: all attachments marked onlyWhenTruncated) */
  fullDataIn: string[];
  /** attachments the embeds refer to (images) */
  refersTo: string[];
}

const complete: SectionOutcome = { truncated: false, fullDataIn: [], refersTo: [] };

export function renderSection(section: Section, out: EmbedStream, toneColor: number): SectionOutcome {
  if (section.heading) out.begin(escapeText(section.heading), toneColor);
  // A code block must not be split over two embeds: the table starts its own.
  else if (section.kind === 'table') out.begin(undefined, toneColor);
  switch (section.kind) {
    case 'text':
      out.paragraph(escapeText(section.text));
      return complete;
    case 'fields':
      for (const field of section.fields) out.field(escapeText(field.label), escapeText(field.value));
      return complete;
    case 'findings':
      return renderFindings(section.findings, out);
    case 'table':
      return renderTable(section.columns, section.rows, section.fullDataIn ?? [], out);
    case 'advice':
      for (const item of section.items) renderAdvice(item, out);
      return complete;
    case 'image':
      out.image(`attachment://${section.attachment}`, escapeText(section.alt));
      return { truncated: false, fullDataIn: [], refersTo: [section.attachment] };
  }
}

function findingField(finding: ReportFinding): { name: string; value: string } {
  const name = `${SEVERITY_MARKS[finding.severity]} ${finding.severity.toUpperCase()} · ${escapeText(finding.subject)}`;
  const advice = finding.advice.length > 0 ? `\nAdvice: ${finding.advice.map((id) => `\`${codeSafe(id)}\``).join(', ')}` : '';
  const title = bold(truncate(escapeText(finding.title), 300));
  const evidenceRoom = 1024 - title.length - advice.length - 1;
  return { name, value: `${title}\n${truncate(escapeText(finding.evidence), Math.max(evidenceRoom, 0))}${advice}` };
}

function renderFindings(findings: ReportFinding[], out: EmbedStream): SectionOutcome {
  if (findings.length === 0) {
    out.setColor(TONE_COLORS.ok);
    out.paragraph('No findings.');
    return complete;
  }
  const sorted = [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  const top = sorted[0];
  if (top) out.setColor(TONE_COLORS[top.severity]);
  const shown = sorted.slice(0, MAX_FINDINGS_SHOWN);
  for (const finding of shown) {
    const { name, value } = findingField(finding);
    out.field(name, value);
  }
  const hidden = sorted.slice(MAX_FINDINGS_SHOWN);
  if (hidden.length === 0) return complete;
  const counts = countBySeverity(hidden);
  const byLevel = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(', ');
  out.field(`${hidden.length} more findings`, `${byLevel}. All findings are in the attached scan.json.`);
  return { truncated: true, fullDataIn: [], refersTo: [] };
}

function cell(text: string): string {
  const clean = codeSafe(text).replace(/\s+/g, ' ');
  return clean.length > MAX_CELL ? `${clean.slice(0, MAX_CELL - 1)}…` : clean;
}

function tableLines(columns: string[], rows: string[][]): string[] {
  const cells = [columns.map((c) => c.toUpperCase()), ...rows].map((row) => row.map(cell));
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) => row.map((value, i) => (i === row.length - 1 ? value : value.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

function renderTable(columns: string[], rows: string[][], fullDataIn: string[], out: EmbedStream): SectionOutcome {
  if (rows.length === 0) {
    out.paragraph('(none)');
    return complete;
  }
  // Longest prefix of rows whose block (padded to the widest shown row) fits the budget.
  const note = (shown: number): string =>
    escapeText(`Showing ${shown} of ${rows.length} rows. The full list is in the attached ${fullDataIn.length > 0 ? fullDataIn.join(' and ') : 'files'}.`);
  let shown = rows.length;
  let block = codeBlock(tableLines(columns, rows));
  if (block.length > TABLE_BUDGET) {
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (codeBlock(tableLines(columns, rows.slice(0, mid))).length + note(mid).length + 1 <= TABLE_BUDGET) low = mid;
      else high = mid - 1;
    }
    shown = low;
    block = `${codeBlock(tableLines(columns, rows.slice(0, shown)))}\n${note(shown)}`;
  }
  out.paragraph(block);
  return shown < rows.length ? { truncated: true, fullDataIn, refersTo: [] } : complete;
}

function renderAdvice(item: ReportAdvice, out: EmbedStream): void {
  let host = 'the source';
  try {
    host = new URL(item.url).hostname;
  } catch {
    // shown as text by link()
  }
  const more = `\`${codeSafe(item.id)}\` · ${link(`Read more on ${host}`, item.url)}`;
  out.field(escapeText(item.title), `${truncate(escapeText(item.text), 1024 - more.length - 1)}\n${more}`);
}
