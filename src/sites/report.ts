import { formatDuration, highestSeverity, plural, severityCounts, toCsv } from '../commands/format';
import { messageReport, type Report, type ReportFinding, type Section } from '../commands/report';
import { HOST_COLUMNS, hostRow, scanReport, scanSummary } from '../commands/scan-report';
import { compareIp } from '../scanner/targets';
import type { AdviceItem, HostRecord, ScanResult } from '../scanner/report-types';
import type { SiteError } from './errors';

/**
 * Reports of scans that ran at sites: one site looks like any scan report with the site named;
 * a fan-out (`site:*`) is one combined report with a section per site, failed sites included.
 */

export interface SiteOutcome {
  site: string;
  result?: ScanResult;
  /** why this site has no result */
  error?: SiteError;
}

/** Every site's result in one ScanResult (hosts and findings keep their `site`); digests and history store this. */
export function mergeResults(outcomes: readonly SiteOutcome[], now: () => Date = () => new Date()): ScanResult {
  const results = outcomes.flatMap((o) => (o.result ? [{ site: o.site, result: o.result }] : []));
  const advice = new Map<string, AdviceItem>();
  for (const { result } of results) for (const item of result.advice) advice.set(item.id, item);
  const merged: ScanResult = {
    targets: results.flatMap(({ site, result }) => (result.targets.length > 0 ? result.targets.map((t) => `${site}:${t}`) : [`${site}:`])),
    startedAt: results.map((r) => r.result.startedAt).sort()[0] ?? now().toISOString(),
    durationMs: Math.max(0, ...results.map((r) => r.result.durationMs)),
    hosts: results.flatMap((r) => r.result.hosts),
    findings: results.flatMap((r) => r.result.findings),
    advice: [...advice.values()],
  };
  if (outcomes.some((o) => !o.result || o.result.partial)) merged.partial = true;
  return merged;
}

export function siteFailureReport(error: SiteError): Report {
  const title = error.kind === 'refused' ? `Refused at ${error.site}`
    : error.kind === 'no-agent' ? `No agent for ${error.site}`
    : error.kind === 'unknown-site' ? `Unknown site ${error.site}`
    : error.kind === 'queue-down' ? 'Job queue unreachable'
    : error.kind === 'choose-site' ? 'Which site?'
    : `Scan at ${error.site} failed`;
  const outcome = error.kind === 'refused' ? 'refused' : error.kind === 'choose-site' || error.kind === 'unknown-site' ? 'usage' : 'error';
  // Refusals and "which site?" go to the asker; a site that failed is news for the channel.
  return messageReport(title, error.message, outcome, { ephemeral: outcome !== 'error' });
}

export function singleSiteReport(site: string, result: ScanResult): Report {
  const report = scanReport(result);
  const where = result.targets.length > 0 ? result.targets.join(', ') : 'its own networks';
  report.title = `${result.partial ? 'Partial scan' : 'Scan'} at ${site}: ${where}`;
  report.summary = `${site}: ${scanSummary(result)}`;
  return report;
}

function subjectOf(ip: string, hosts: Map<string, HostRecord>): string {
  const host = hosts.get(ip);
  const about = host ? [host.vendor, host.model, host.gateway ? 'gateway' : null].filter(Boolean) : [];
  return about.length > 0 ? `${ip} (${about.join(', ')})` : ip;
}

export function combinedReport(outcomes: readonly SiteOutcome[], now: () => Date = () => new Date()): Report {
  const merged = mergeResults(outcomes, now);
  const sections: Section[] = [];
  const csvRows: string[][] = [];
  const summaries: string[] = [];
  for (const outcome of outcomes) {
    const { site, result } = outcome;
    if (!result) {
      const text = outcome.error?.message ?? 'no result';
      sections.push({ kind: 'text', heading: site, text });
      summaries.push(`${site}: ${outcome.error?.kind === 'no-agent' ? 'no agent' : outcome.error?.kind === 'refused' ? 'refused' : 'failed'}`);
      continue;
    }
    const hosts = new Map(result.hosts.map((h) => [h.ip, h]));
    const rows = [...result.hosts].sort((a, b) => compareIp(a.ip, b.ip)).map(hostRow);
    csvRows.push(...rows.map((row) => [site, ...row]));
    sections.push({ kind: 'text', heading: site, text: scanSummary(result) + (result.partial ? ' Hosts not reached before the scan stopped are missing.' : '') });
    if (result.findings.length > 0) {
      const findings: ReportFinding[] = result.findings.map((f) => ({ severity: f.severity, title: f.title, subject: `${site} ${subjectOf(f.ip, hosts)}`, evidence: f.evidence, advice: f.advice }));
      sections.push({ kind: 'findings', heading: `${site}: findings`, findings });
    }
    sections.push({ kind: 'table', heading: `${site}: hosts`, columns: [...HOST_COLUMNS], rows, fullDataIn: ['hosts.csv', 'scan.json'] });
    const tplink = result.hosts.filter((h) => h.tplink).length;
    summaries.push(`${site}: ${plural(result.hosts.length, 'host')}, ${tplink} TP-Link, ${result.findings.length > 0 ? severityCounts(result.findings) : 'no findings'}`);
  }
  if (merged.advice.length > 0) sections.push({ kind: 'advice', heading: 'What to do', items: merged.advice });

  const answered = outcomes.filter((o) => o.result).length;
  const highest = highestSeverity(merged.findings);
  const names = outcomes.map((o) => o.site).join(', ');
  return {
    title: `Scan of ${plural(outcomes.length, 'site')}: ${names}`,
    tone: answered === 0 ? 'error' : highest ?? 'ok',
    summary: `${summaries.join('; ')} (${formatDuration(merged.durationMs)})`,
    sections,
    attachments: [
      { filename: 'hosts.csv', contentType: 'text/csv', data: toCsv(['Site', ...HOST_COLUMNS], csvRows), description: 'All hosts of every site', onlyWhenTruncated: true },
      { filename: 'scan.json', contentType: 'application/json', data: JSON.stringify(merged, null, 2), description: 'The full combined result', onlyWhenTruncated: true },
    ],
    outcome: answered === 0 ? 'error' : answered < outcomes.length || merged.partial ? 'partial' : 'ok',
    ephemeral: false,
    json: { ...merged, sites: outcomes.map((o) => ({ site: o.site, ok: Boolean(o.result), ...(o.error ? { error: o.error.message } : {}) })) },
    ...(highest ? { highestSeverity: highest } : {}),
  };
}
