import type { Logger } from '../log';
import { analyseSprayLogs, maskReport, type SprayReport } from '../spray';
import { highestSeverity, severityCounts } from './format';
import type { Report } from './report';
import { severityRank } from '../scanner/types';
import { sprayFindings, sprayJson, toReportFinding, sprayView } from './spray-report';

/**
 * "New spray activity" in a digest: the sign-in logs (SPRAY_LOG_PATHS) read again for the events
 * since the previous digest, and what the detectors find in them added to the digest's report.
 */

export interface DigestSprayOptions {
  logPaths: readonly string[];
  /** mask account names (digests to Slack/Discord unless SPRAY_SHOW_ACCOUNTS=1) */
  mask: boolean;
  log: Logger;
  signal: AbortSignal;
}

/** The first digest looks back this far; later ones from the previous digest on. */
export const FIRST_DIGEST_LOOKBACK_MS = 7 * 86_400_000;

export async function sprayActivitySince(since: Date, options: DigestSprayOptions): Promise<SprayReport | null> {
  if (options.logPaths.length === 0) return null;
  try {
    const report = await analyseSprayLogs([...options.logPaths], { since, signal: options.signal, logger: options.log });
    return options.mask ? maskReport(report) : report;
  } catch (error) {
    // The network half of the digest is still worth posting.
    options.log.error({ err: error }, 'digest: could not read the spray logs');
    return null;
  }
}

/** The digest report with a "New password-spray activity" part (or a line saying there is none). */
export function withSprayActivity(report: Report, spray: SprayReport, sinceText: string): Report {
  const view = sprayView(spray, [], false);
  const findings = sprayFindings(view);
  const json = { ...(report.json as Record<string, unknown> | undefined), spray: sprayJson(view) };
  if (findings.length === 0) {
    const line = `No new password-spray activity in the sign-in logs since ${sinceText}.`;
    const first = report.sections[0];
    // A "no change" digest stays one message of two short lines.
    const sections = first?.kind === 'text' && report.sections.length <= 2
      ? [{ ...first, text: `${first.text}\n${line}` }, ...report.sections.slice(1)]
      : [...report.sections, { kind: 'text' as const, text: line }];
    return { ...report, sections, json };
  }
  const highest = highestSeverity(findings);
  const tone = report.highestSeverity && highest && severityRank(report.highestSeverity) < severityRank(highest) ? report.highestSeverity : highest;
  return {
    ...report,
    tone: tone ?? report.tone,
    summary: `${report.summary}; password spray: ${severityCounts(findings)}`,
    sections: [...report.sections, { kind: 'findings', heading: `New password-spray activity since ${sinceText}`, findings: findings.map(toReportFinding) }],
    json,
    ...(tone ? { highestSeverity: tone } : {}),
  };
}
