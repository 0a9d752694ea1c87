import { SEVERITIES } from '../scanner/types';
import { UsageError } from './errors';
import { plural } from './format';
import type { ScanProgressInfo } from './scan-coordinator';
import { scanReport } from './scan-report';
import type { Report } from './report';
import type { ScanResult } from '../scanner/report-types';
import { isSiteToken } from '../sites/types';
import type { CommandContext, CommandSpec, ParsedInput } from './types';

const MAX_TIMEOUT_MS = 60 * 60_000;

export function progressLine(targets: string, progress: ScanProgressInfo): string {
  return (
    `Scanning ${targets}: ${plural(progress.addressesTotal, 'address', 'addresses')}, ` +
    `${plural(progress.hostsFound, 'host')} found, ${progress.hostsInspected} inspected…`
  );
}

/** --timeout: the CLI operator may pick any value; chat users may only shorten the configured limit. */
export function timeoutFrom(input: ParsedInput, ctx: CommandContext): number {
  const configured = ctx.services.config.scan.timeoutMs;
  const text = input.options.timeout;
  if (text === undefined || typeof text === 'boolean') return configured;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new UsageError(`--timeout takes milliseconds between 1 and ${MAX_TIMEOUT_MS}, got "${text}"`);
  }
  return ctx.surface === 'cli' ? value : Math.min(value, configured);
}

export function requesterOf(ctx: CommandContext): string {
  return `${ctx.caller.platform}:${ctx.caller.userId}`;
}

/**
 * Runs a scan for a command and builds its report: locally through the coordinator, or at the
 * site agents when the bot has them. Shared by scan, audit and anything else that scans.
 */
export async function runScanCommand(targets: string[], input: ParsedInput, ctx: CommandContext): Promise<{ result: ScanResult; report: Report }> {
  const timeoutMs = timeoutFrom(input, ctx);
  // With site agents (REDIS_URL) every scan runs at a site: `site:NAME`, `site:*`, or the only one.
  if (ctx.services.sites) {
    const { result, report } = await ctx.services.sites.scan(targets, { requester: requesterOf(ctx), timeoutMs, progress: ctx.progress });
    return { result, report };
  }
  const siteToken = targets.find(isSiteToken);
  if (siteToken) throw new UsageError(`${siteToken}: scans at sites need site agents, and this bot has none (REDIS_URL is not set).`);
  const plan = ctx.services.scans.plan(targets);
  const label = plan.targets.join(', ');
  const { result, joined } = await ctx.services.scans.scan(plan.targets, {
    requester: requesterOf(ctx),
    timeoutMs,
    // Only once accepted: a rate-limited user must not see a progress message flash up and vanish.
    onAccepted: () => ctx.progress(`Scanning ${label}…`),
    onProgress: (progress) => ctx.progress(progressLine(label, progress)),
  });
  const report = scanReport(result);
  if (joined) report.sections.unshift({ kind: 'text', text: 'A scan of these targets was already running; this is its report.' });
  return { result, report };
}

export const scanCommand: CommandSpec = {
  name: 'scan',
  summary: 'Find TP-Link devices and Quad7 backdoor signs on a network',
  details:
    'Finds the live hosts (ARP on the local network, TCP behind a router), names their vendor from the IEEE registry, ' +
    'flags TP-Link and Mercusys devices, and checks the ports and greetings of the Quad7 (CovertNetwork-1658) botnet. ' +
    'Targets must lie inside SCAN_ALLOW; with none, the subnets of the machine the bot runs on are scanned.',
  examples: ['scan 10.20.0.0/24', 'scan 192.168.1.10-50 192.168.7.1', 'scan', 'scan site:berlin 10.20.0.0/24', 'scan site:*'],
  args: [{ name: 'targets', description: 'networks (10.20.0.0/24), addresses, ranges (10.20.0.10-50); site:NAME or site:* with agents', variadic: true }],
  options: [
    { key: 'json', flags: '--json', description: 'print the result as one JSON document', surfaces: ['cli'] },
    {
      key: 'failOn',
      flags: '--fail-on <severity>',
      description: 'exit with 1 when a finding is this severe or worse (default: critical)',
      choices: SEVERITIES,
      surfaces: ['cli'],
    },
    { key: 'timeout', flags: '--timeout <ms>', description: 'stop after this many milliseconds and report what was found' },
  ],
  access: 'scan',
  async run(input, ctx) {
    const targets = (input.args.targets as string[] | undefined) ?? [];
    return (await runScanCommand(targets, input, ctx)).report;
  },
};
