import type { ScanResult } from '../scanner/report-types';
import type { DigestRecord } from '../store/types';
import { isUnchanged, type ScanDiff } from './digest-diff';
import { formatTime } from './digest-time';
import { highestSeverity, plural } from './format';
import type { Attachment, Report, ReportFinding, Section } from './report';
import { HOST_COLUMNS, hostRow, scanReport, scanSummary } from './scan-report';

/**
 * A digest as a platform-neutral report: what changed since the previous digest, or one line
 * saying nothing did. Each adapter renders it like any other report.
 */

export interface DigestBaseline {
  result: ScanResult;
  /** when the compared scan ran (ISO) */
  at: string;
}

export interface DigestReportInput {
  digest: DigestRecord;
  result: ScanResult;
  baseline: DigestBaseline | null;
  diff: ScanDiff | null;
  /** the slot it was due at; null for `digest now` */
  slot: Date | null;
  late: boolean;
  chart?: { filename: string; png: Buffer; alt: string };
}

/** "2 new devices (1 TP-Link), 1 gone, 1 changed; findings: 1 opened, 2 resolved" */
export function diffSummary(diff: ScanDiff): string {
  const devices: string[] = [];
  if (diff.newHosts.length > 0) {
    const tplink = diff.newHosts.filter((h) => h.tplink).length;
    devices.push(`${plural(diff.newHosts.length, 'new device')}${tplink > 0 ? ` (${tplink} TP-Link)` : ''}`);
  }
  if (diff.goneHosts.length > 0) devices.push(`${diff.goneHosts.length} gone`);
  if (diff.changedHosts.length > 0) devices.push(`${diff.changedHosts.length} changed`);
  const newlyTplink = diff.newTplink.filter((h) => !diff.newHosts.includes(h)).length;
  if (newlyTplink > 0) devices.push(`${plural(newlyTplink, 'device')} now seen as TP-Link`);
  const findings: string[] = [];
  if (diff.openedFindings.length > 0) findings.push(`${diff.openedFindings.length} opened`);
  if (diff.resolvedFindings.length > 0) findings.push(`${diff.resolvedFindings.length} resolved`);
  const text = [devices.join(', '), findings.length > 0 ? `findings: ${findings.join(', ')}` : ''].filter(Boolean).join('; ');
  return text || 'no change';
}

function subjectOf(ip: string, result: ScanResult, fallback?: ScanResult): string {
  const host = result.hosts.find((h) => h.ip === ip) ?? fallback?.hosts.find((h) => h.ip === ip);
  const about = [host?.vendor, host?.model].filter(Boolean);
  return about.length > 0 ? `${ip} (${about.join(', ')})` : ip;
}

function changeSections(diff: ScanDiff, input: DigestReportInput): Section[] {
  const sections: Section[] = [];
  if (diff.newTplink.length > 0) {
    sections.push({
      kind: 'text',
      heading: 'New TP-Link family devices',
      text: diff.newTplink.map((h) => subjectOf(h.ip, input.result)).join('\n'),
    });
  }
  if (diff.newHosts.length > 0) sections.push({ kind: 'table', heading: 'New devices', columns: [...HOST_COLUMNS], rows: diff.newHosts.map(hostRow) });
  if (diff.goneHosts.length > 0) sections.push({ kind: 'table', heading: 'Devices gone', columns: [...HOST_COLUMNS], rows: diff.goneHosts.map(hostRow) });
  if (diff.changedHosts.length > 0) {
    sections.push({
      kind: 'table',
      heading: 'Devices that changed',
      columns: ['IP', 'Vendor', 'What changed'],
      rows: diff.changedHosts.map((c) => [c.ip, c.after.vendor ?? c.before.vendor ?? '-', c.changes.join('; ')]),
    });
  }
  if (diff.openedFindings.length > 0) {
    const findings: ReportFinding[] = diff.openedFindings.map((f) => ({
      severity: f.severity, title: f.title, subject: subjectOf(f.ip, input.result), evidence: f.evidence, advice: f.advice,
    }));
    sections.push({ kind: 'findings', heading: 'New findings', findings });
  }
  if (diff.resolvedFindings.length > 0) {
    sections.push({
      kind: 'table',
      heading: 'Resolved findings',
      columns: ['Severity', 'Host', 'Finding'],
      rows: diff.resolvedFindings.map((f) => [f.severity, subjectOf(f.ip, input.result, input.baseline?.result), f.title]),
    });
  }
  return sections;
}

export function digestReport(input: DigestReportInput): Report {
  const { digest, result, baseline, diff } = input;
  const zone = digest.timeZone;
  const targets = result.targets.join(', ');
  const title = `Digest #${digest.id}${input.late ? ' (late)' : ''}: ${targets}`;
  const lateNote = input.late && input.slot
    ? `Late: due ${formatTime(input.slot, zone)}, when the bot was not running.`
    : null;
  const partialNote = result.partial ? 'This scan did not finish: devices it did not reach are not called gone.' : null;
  const attachments: Attachment[] = [];
  const chartSection: Section[] = [];
  if (input.chart) {
    attachments.push({ filename: input.chart.filename, contentType: 'image/png', data: input.chart.png, description: input.chart.alt });
    chartSection.push({ kind: 'image', heading: 'Trend', attachment: input.chart.filename, alt: input.chart.alt });
  }
  const json = { digest: digest.id, slot: input.slot?.toISOString() ?? null, late: input.late, since: baseline?.at ?? null, changes: diff, scan: result };
  const common = { attachments, outcome: result.partial ? ('partial' as const) : ('ok' as const), json };

  if (!baseline || !diff) {
    // Nothing to compare with: the first digest shows where things stand.
    const full = scanReport(result);
    const summary = `First digest: ${scanSummary(result)}`;
    return {
      ...full,
      title,
      summary,
      sections: [
        { kind: 'text', text: [summary, lateNote, partialNote].filter(Boolean).join('\n') },
        ...full.sections.filter((s) => s.kind !== 'advice'),
        ...chartSection,
      ],
      attachments: [...full.attachments, ...attachments],
      json,
    };
  }

  if (isUnchanged(diff)) {
    const line = `No change since ${formatTime(baseline.at, zone)}.${input.late ? ` (${lateNote})` : ''}`;
    return { title, tone: 'ok', summary: line, sections: [{ kind: 'text', text: line }, ...chartSection], ...common };
  }

  const summary = `${targets}: ${diffSummary(diff)} since ${formatTime(baseline.at, zone)}`;
  const notes = [summary, lateNote, partialNote].filter(Boolean).join('\n');
  const highest = highestSeverity(diff.openedFindings);
  return {
    title,
    tone: highest ?? 'neutral',
    summary,
    sections: [
      { kind: 'text', text: notes },
      ...changeSections(diff, input),
      { kind: 'text', heading: 'Now', text: scanSummary(result) },
      ...chartSection,
    ],
    ...common,
    ...(highest ? { highestSeverity: highest } : {}),
  };
}
