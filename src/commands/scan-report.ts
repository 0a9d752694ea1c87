import type { HostRecord, ScanResult } from '../scanner/report-types';
import { compareIp } from '../scanner/targets';
import { formatDuration, highestSeverity, plural, severityCounts, toCsv } from './format';
import type { Report, ReportFinding, Section } from './report';

/** Turns a scan result into the platform-neutral report (used by scan, audit and digests). */

export const HOST_COLUMNS = ['IP', 'MAC', 'Vendor', 'Flags', 'Open ports', 'Model'] as const;

export function hostFlags(host: HostRecord): string {
  const flags: string[] = [];
  if (host.gateway) flags.push('gateway');
  if (host.tplink) flags.push('TP-Link');
  if (host.randomizedMac) flags.push('random MAC');
  if (host.mac === null) flags.push('routed');
  return flags.join(' ');
}

export function hostRow(host: HostRecord): string[] {
  return [
    host.ip,
    host.mac ?? '-',
    host.vendor ?? (host.randomizedMac ? '(randomised)' : '-'),
    hostFlags(host),
    host.openPorts.join(',') || '-',
    host.model ?? '-',
  ];
}

function subjectOf(ip: string, hosts: Map<string, HostRecord>): string {
  const host = hosts.get(ip);
  if (!host) return ip;
  const about = [host.vendor, host.model, host.gateway ? 'gateway' : null].filter(Boolean);
  return about.length > 0 ? `${ip} (${about.join(', ')})` : ip;
}

export function scanSummary(result: ScanResult): string {
  const tplink = result.hosts.filter((h) => h.tplink).length;
  const findings = result.findings.length > 0 ? `findings: ${severityCounts(result.findings)}` : 'no findings';
  const partial = result.partial ? ' (partial: the scan was cut short)' : '';
  return (
    `${result.targets.join(', ')}: ${plural(result.hosts.length, 'host')}, ` +
    `${plural(tplink, 'TP-Link family device')}; ${findings} in ${formatDuration(result.durationMs)}${partial}`
  );
}

export function scanReport(result: ScanResult): Report {
  const hosts = new Map(result.hosts.map((h) => [h.ip, h]));
  const findings: ReportFinding[] = result.findings.map((f) => ({
    severity: f.severity,
    title: f.title,
    subject: subjectOf(f.ip, hosts),
    evidence: f.evidence,
    advice: f.advice,
  }));
  const rows = [...result.hosts].sort((a, b) => compareIp(a.ip, b.ip)).map(hostRow);
  const sections: Section[] = [];
  if (result.partial) {
    sections.push({ kind: 'text', text: 'This scan did not finish (time limit or shutdown): hosts not reached yet are missing below.' });
  }
  sections.push({ kind: 'findings', heading: 'Findings', findings });
  sections.push({ kind: 'table', heading: 'Hosts', columns: [...HOST_COLUMNS], rows, fullDataIn: ['hosts.csv', 'scan.json'] });
  if (result.advice.length > 0) sections.push({ kind: 'advice', heading: 'What to do', items: result.advice });

  const highest = highestSeverity(result.findings);
  return {
    title: `${result.partial ? 'Partial scan' : 'Scan'} of ${result.targets.join(', ')}`,
    tone: highest ?? 'ok',
    summary: scanSummary(result),
    sections,
    attachments: [
      { filename: 'hosts.csv', contentType: 'text/csv', data: toCsv(HOST_COLUMNS, rows), description: 'All hosts found', onlyWhenTruncated: true },
      { filename: 'scan.json', contentType: 'application/json', data: JSON.stringify(result, null, 2), description: 'The full scan result', onlyWhenTruncated: true },
    ],
    outcome: result.partial ? 'partial' : 'ok',
    json: result,
    ...(highest ? { highestSeverity: highest } : {}),
  };
}
