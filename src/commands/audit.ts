import { TargetError } from '../scanner/targets';
import type { ScanResult } from '../scanner/report-types';
import { highestSeverity, formatDuration } from './format';
import type { Report, Section } from './report';
import { runScanCommand } from './scan';
import { adviceItems, sprayFindings, spraySections, sprayJson, spraySummary } from './spray-report';
import { runSprayAnalysis, SPRAY_OPTIONS, viewFor, type SprayRun } from './spray';
import type { CommandContext, CommandSpec, ParsedInput } from './types';

/**
 * `/router-audit` with nothing after it: the full audit. The scan of the default networks and,
 * when SPRAY_LOG_PATHS is set, the password-spray check of the logs, joined in one report: a
 * spraying address that is a device on the LAN, or sign-ins from a router with Quad7 signs.
 */

type ScanHalf = { result: ScanResult; report: Report } | { refused: TargetError };

/** With logs to read, a network that may not be scanned still leaves half an audit to give. */
async function scanHalf(input: ParsedInput, ctx: CommandContext): Promise<ScanHalf> {
  try {
    return await runScanCommand([], input, ctx);
  } catch (error) {
    if (error instanceof TargetError) return { refused: error };
    throw error;
  }
}

function combinedReport(scan: ScanHalf, spray: SprayRun, ctx: CommandContext): Report {
  const scanned = 'refused' in scan ? null : scan;
  const view = viewFor(spray, ctx, scanned?.result);
  const spraying = sprayFindings(view);

  const sections: Section[] = scanned
    ? scanned.report.sections.filter((section) => section.kind !== 'advice')
    : [{ kind: 'text', heading: 'Network scan', text: `Not scanned: ${'refused' in scan ? scan.refused.message : ''}` }];
  sections.push(...spraySections(view));
  const scanAdvice = scanned?.result.advice ?? [];
  const sprayAdvice = adviceItems(spraying.flatMap((f) => f.advice), ctx.services.content.advice);
  const advice = [...scanAdvice, ...sprayAdvice.filter((item) => !scanAdvice.some((known) => known.id === item.id))];
  if (advice.length > 0) sections.push({ kind: 'advice', heading: 'What to do', items: advice });

  const highest = highestSeverity([...(scanned?.result.findings ?? []), ...spraying]);
  const sprayData = sprayJson(view);
  // The scan's JSON contract with `spray` added, as the issue specifies.
  const json = { ...(scanned?.result ?? {}), spray: sprayData, advice };
  const durationMs = Math.max(scanned?.result.durationMs ?? 0, spray.durationMs);
  return {
    title: `Audit${scanned ? ` of ${scanned.result.targets.join(', ')}` : ''} and the sign-in logs`,
    tone: highest ?? 'ok',
    summary: `${scanned ? scanned.report.summary : 'Network not scanned'}. Logs: ${spraySummary(view)} (${formatDuration(durationMs)})`,
    sections,
    attachments: [
      ...(scanned?.report.attachments ?? []),
      { filename: 'spray.json', contentType: 'application/json', data: JSON.stringify(sprayData, null, 2), onlyWhenTruncated: true },
    ],
    outcome: scanned?.result.partial || spray.report.partial ? 'partial' : 'ok',
    json,
    ...(highest ? { highestSeverity: highest } : {}),
  };
}

export const auditCommand: CommandSpec = {
  name: 'audit',
  summary: 'Full audit: scan the default networks for TP-Link devices and Quad7 signs, and the spray logs',
  details:
    'What /router-audit alone runs: a scan of the networks of the machine the bot runs on (inside SCAN_ALLOW) and, when ' +
    'SPRAY_LOG_PATHS is set, the password-spray check of those logs, with the two joined: a spray source that is a device ' +
    'on your LAN, or sign-ins from a router that shows Quad7 signs.',
  examples: [''],
  args: [],
  options: [
    { key: 'timeout', flags: '--timeout <ms>', description: 'stop the scan after this many milliseconds and report what was found' },
    ...SPRAY_OPTIONS.filter((option) => option.key === 'since'),
    { key: 'json', flags: '--json', description: 'print the result as one JSON document', surfaces: ['cli'] },
    { key: 'failOn', flags: '--fail-on <severity>', description: 'exit with 1 when a finding is this severe or worse (default: critical)', choices: ['critical', 'high', 'medium', 'low', 'info'], surfaces: ['cli'] },
  ],
  access: 'scan',
  async run(input, ctx) {
    const logPaths = ctx.services.config.spray.logPaths;
    if (logPaths.length === 0) {
      const { report } = await runScanCommand([], input, ctx);
      report.title = `Audit: ${report.title}`;
      return report;
    }
    const [scan, spray] = await Promise.all([scanHalf(input, ctx), runSprayAnalysis(input, ctx, logPaths)]);
    return combinedReport(scan, spray, ctx);
  },
};
