import type { Report, ReportAdvice, ReportFinding, Section, Tone } from '../../commands/report';

/**
 * Plain-text rendering for the CLI and the terminal adapter: an nmap-like host table, findings by
 * severity with evidence, advice with links. ANSI colour only when asked (a TTY).
 */

export interface TextStyle {
  color: boolean;
  width: number;
}

const COLORS: Record<Tone, string> = {
  critical: '\x1b[1;97;41m',
  high: '\x1b[1;31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[37m',
  ok: '\x1b[32m',
  neutral: '',
  error: '\x1b[1;31m',
};

function paint(text: string, tone: Tone, style: TextStyle): string {
  const code = COLORS[tone];
  return style.color && code ? `${code}${text}\x1b[0m` : text;
}

function bold(text: string, style: TextStyle): string {
  return style.color ? `\x1b[1m${text}\x1b[0m` : text;
}

/** Strips control characters from text that came off the network (banners, titles) before it hits a terminal. */
export function safeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '?');
}

export function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  for (const paragraph of safeText(text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      if (line && (indent + line + ' ' + word).length > width) {
        lines.push(indent + line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(indent + line);
  }
  return lines.join('\n');
}

function renderTable(columns: string[], rows: string[][]): string {
  const widths = columns.map((column, i) => Math.max(column.length, ...rows.map((row) => safeText(row[i] ?? '').length)));
  const format = (cells: string[]): string =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [format(columns.map((c) => c.toUpperCase())), ...rows.map((row) => format(row.map(safeText)))].map((line) => `  ${line}`).join('\n');
}

function renderFindings(findings: ReportFinding[], style: TextStyle): string {
  if (findings.length === 0) return '  No findings.';
  const label = Math.max(...findings.map((f) => f.severity.length));
  return findings
    .map((finding) => {
      const head = `  ${paint(finding.severity.toUpperCase().padEnd(label), finding.severity, style)}  ${safeText(finding.subject)}`;
      const pad = ' '.repeat(label + 4);
      return [
        head,
        wrap(bold(finding.title, style), style.width, pad),
        wrap(finding.evidence, style.width, pad),
        finding.advice.length > 0 ? wrap(`advice: ${finding.advice.join(', ')}`, style.width, pad) : '',
      ].filter(Boolean).join('\n');
    })
    .join('\n\n');
}

function renderAdvice(items: ReportAdvice[], style: TextStyle): string {
  return items
    .map((item) => [`  ${bold(item.id, style)}: ${item.title}`, wrap(item.text, style.width, '      '), `      ${item.url}`].join('\n'))
    .join('\n\n');
}

function renderSection(section: Section, style: TextStyle): string {
  const heading = section.heading ? `${bold(section.heading.toUpperCase(), style)}\n` : '';
  switch (section.kind) {
    case 'text':
      return heading + wrap(section.text, style.width, section.heading ? '  ' : '');
    case 'fields': {
      const label = Math.max(...section.fields.map((f) => f.label.length));
      // Long labels (usage lines) read better with the value on its own indented line.
      if (label > 28) return heading + section.fields.map((f) => `  ${f.label}\n${wrap(f.value, style.width, '      ')}`).join('\n');
      // A hanging indent keeps every line of a value in the value column.
      const indent = ' '.repeat(label + 4);
      return heading + section.fields.map((f) => `  ${f.label.padEnd(label)}  ${wrap(f.value, style.width, indent).slice(indent.length)}`).join('\n');
    }
    case 'table':
      return heading + (section.rows.length > 0 ? renderTable(section.columns, section.rows) : '  (none)');
    case 'findings':
      return heading + renderFindings(section.findings, style);
    case 'advice':
      return heading + renderAdvice(section.items, style);
    case 'image':
      return `${heading}  ${section.alt} (see ${section.attachment})`;
  }
}

export function renderText(report: Report, style: TextStyle = { color: false, width: 100 }): string {
  const title = paint(report.title, report.tone === 'neutral' ? 'neutral' : report.tone, style);
  const parts = [bold(title, style)];
  const first = report.sections[0];
  // A message report's summary is the first line of its text: say it once.
  const summaryRepeated = first?.kind === 'text' && !first.heading && first.text.startsWith(report.summary);
  if (report.summary && report.summary !== report.title && !summaryRepeated) parts.push(wrap(report.summary, style.width, ''));
  for (const section of report.sections) parts.push(renderSection(section, style));
  return `${parts.join('\n\n')}\n`;
}
