import type { Attachment, ReportAdvice, ReportFinding, Section } from '../../commands/report';
import { plural, severityCounts } from '../../commands/format';
import { safeText } from '../terminal/render';
import { severityRank } from '../../scanner/types';
import { context, fieldsSection, section, type Block } from './blocks';
import { CHAT_BUDGET, SLACK_LIMITS } from './limits';
import { SEVERITY_MARKER } from './markers';
import { bold, clip, code, escapeText, link, splitLines } from './mrkdwn';

/** One report section as Block Kit, within the per-section limits and the chat budget. */

export interface RenderedSection {
  blocks: Block[];
  /**
   * Set when part of the section was left out of chat: the attachments that hold the full data
   * (an empty list means "the report's full-data attachments").
   */
  cut: { fullDataIn: string[] } | null;
}

/** Room for the fences and the heading line around a code block inside one section text. */
const CODE_BLOCK_ROOM = 200;

function headingLine(heading: string | undefined): string {
  return heading ? `${bold(escapeText(heading))}\n` : '';
}

/** Names of the full-data attachments, for "the rest is in …" notes. */
function fullDataNames(attachments: readonly Attachment[], wanted?: readonly string[]): string[] {
  const present = new Set(attachments.map((a) => a.filename));
  const names = wanted && wanted.length > 0 ? wanted : attachments.filter((a) => a.onlyWhenTruncated).map((a) => a.filename);
  return names.filter((name) => present.has(name));
}

function restNote(names: readonly string[]): string {
  return names.length > 0 ? `The full list is attached: ${names.map((n) => code(n)).join(', ')}.` : 'The rest did not fit in Slack.';
}

function renderText(heading: string | undefined, text: string): Block[] {
  const pieces = splitLines(escapeText(text), SLACK_LIMITS.sectionText - 200);
  if (pieces.length === 0) return heading ? [section(bold(escapeText(heading)) || ' ')] : [];
  return pieces.map((piece, i) => section(i === 0 ? `${headingLine(heading)}${piece}` : piece));
}

/** Characters of one field, and of all fields in one section, so no single block outgrows a message. */
const FIELD_CHARS = 1000;
const FIELDS_SECTION_CHARS = SLACK_LIMITS.sectionText;

function renderFields(heading: string | undefined, fields: Array<{ label: string; value: string }>): Block[] {
  const texts = fields.map((f) => clip(`${bold(escapeText(f.label))}\n${escapeText(f.value)}`, FIELD_CHARS) || ' ');
  const blocks: Block[] = [];
  let chunk: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (chunk.length === 0) return;
    blocks.push(fieldsSection(chunk, blocks.length === 0 && heading ? bold(escapeText(heading)) : undefined));
    chunk = [];
    size = 0;
  };
  for (const text of texts) {
    if (chunk.length >= SLACK_LIMITS.sectionFields || size + text.length > FIELDS_SECTION_CHARS) flush();
    chunk.push(text);
    size += text.length;
  }
  flush();
  if (blocks.length === 0 && heading) blocks.push(section(`${bold(escapeText(heading))}\n(none)`));
  return blocks;
}

/** A table cell as one short line: no control characters, no backticks (they would end the code block). */
function cell(value: string): string {
  const clean = safeText(value).replace(/\s+/g, ' ').replace(/`/g, "'").trim();
  return clean.length > CHAT_BUDGET.tableCell ? `${clean.slice(0, CHAT_BUDGET.tableCell - 1)}…` : clean;
}

function renderTable(
  table: Extract<Section, { kind: 'table' }>,
  attachments: readonly Attachment[],
): RenderedSection {
  const shown = table.rows.slice(0, CHAT_BUDGET.tableRows);
  const cut = shown.length < table.rows.length;
  const title = table.heading ? `${table.heading} (${cut ? `${shown.length} of ${table.rows.length}` : table.rows.length})` : undefined;
  if (shown.length === 0) return { blocks: [section(`${headingLine(title)}(none)`)], cut: null };

  const grid = [table.columns.map((c) => cell(c.toUpperCase())), ...shown.map((row) => table.columns.map((_, i) => cell(row[i] ?? '')))];
  const widths = table.columns.map((_, i) => Math.max(...grid.map((row) => row[i]?.length ?? 0)));
  const lines = grid.map((row) => escapeText(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()));
  const [head, ...body] = lines;

  const blocks: Block[] = [];
  let chunk: string[] = [];
  const flush = (): void => {
    if (chunk.length === 0) return;
    const prefix = blocks.length === 0 ? headingLine(title) : '';
    blocks.push(section(`${prefix}\`\`\`\n${[head, ...chunk].join('\n')}\n\`\`\``));
    chunk = [];
  };
  let size = (head?.length ?? 0) + CODE_BLOCK_ROOM;
  for (const line of body) {
    if (size + line.length + 1 > SLACK_LIMITS.sectionText) {
      flush();
      size = (head?.length ?? 0) + CODE_BLOCK_ROOM;
    }
    chunk.push(line);
    size += line.length + 1;
  }
  flush();
  if (!cut) return { blocks, cut: null };
  const names = fullDataNames(attachments, table.fullDataIn);
  blocks.push(context(`Showing the first ${shown.length} of ${table.rows.length} rows. ${restNote(names)}`));
  return { blocks, cut: { fullDataIn: table.fullDataIn ?? [] } };
}

function findingText(finding: ReportFinding): string {
  const evidence = clip(escapeText(finding.evidence.replace(/\s*\n\s*/g, ' ↵ ')), CHAT_BUDGET.evidenceChars);
  const lines = [
    `${SEVERITY_MARKER[finding.severity]} ${bold(finding.severity.toUpperCase())} · ${escapeText(finding.subject)}`,
    bold(escapeText(finding.title)) || escapeText(finding.title),
    `Evidence: ${evidence}`,
  ];
  if (finding.advice.length > 0) lines.push(`Advice: ${finding.advice.map((id) => code(id)).join(', ')}`);
  return clip(lines.join('\n'), SLACK_LIMITS.sectionText - 200);
}

/** Packs paragraphs into as few sections as the text limit allows (at most `perSection` each). */
function packParagraphs(heading: string | undefined, paragraphs: string[], perSection: number): Block[] {
  const blocks: Block[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (current.length === 0) return;
    const prefix = blocks.length === 0 ? headingLine(heading) : '';
    blocks.push(section(`${prefix}${current.join('\n\n')}`));
    current = [];
    size = 0;
  };
  for (const paragraph of paragraphs) {
    if (current.length >= perSection || size + paragraph.length + 2 > SLACK_LIMITS.sectionText - 200) flush();
    current.push(paragraph);
    size += paragraph.length + 2;
  }
  flush();
  return blocks;
}

function renderFindings(
  heading: string | undefined,
  findings: ReportFinding[],
  attachments: readonly Attachment[],
): RenderedSection {
  if (findings.length === 0) return { blocks: [section(`${headingLine(heading)}✅ No findings.`)], cut: null };
  const sorted = [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  const shown = sorted.slice(0, CHAT_BUDGET.findings);
  const rest = sorted.slice(shown.length);
  const blocks = packParagraphs(heading, shown.map(findingText), 4);
  if (rest.length === 0) return { blocks, cut: null };
  const names = fullDataNames(attachments);
  const where = names.length > 0 ? `, listed in ${names.map((n) => code(n)).join(', ')}` : '';
  blocks.push(context(`…and ${plural(rest.length, 'more finding')} (${severityCounts(rest)})${where}.`));
  return { blocks, cut: { fullDataIn: [] } };
}

function adviceText(item: ReportAdvice): string {
  return clip(`*${link(item.url, item.title)}*  ${code(item.id)}\n${escapeText(item.text)}`, 1500);
}

export function renderSection(item: Section, attachments: readonly Attachment[]): RenderedSection {
  switch (item.kind) {
    case 'text':
      return { blocks: renderText(item.heading, item.text), cut: null };
    case 'fields':
      return { blocks: renderFields(item.heading, item.fields), cut: null };
    case 'table':
      return renderTable(item, attachments);
    case 'findings':
      return renderFindings(item.heading, item.findings, attachments);
    case 'advice':
      return { blocks: packParagraphs(item.heading, item.items.map(adviceText), 4), cut: null };
    case 'image':
      return { blocks: [context(`🖼️ ${escapeText(item.alt)} (attached as ${code(item.attachment)})`)], cut: null };
  }
}
