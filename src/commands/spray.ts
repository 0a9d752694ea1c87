import { analyseSprayLogs, correlateWithScan, FORMAT_HELP, SprayUsageError, type SprayReport } from '../spray';
import type { ScanResult } from '../scanner/report-types';
import { UsageError } from './errors';
import { plural } from './format';
import { parseColumns, parseSince } from './spray-options';
import { sprayReport, sprayView, type SprayView } from './spray-report';
import type { CommandContext, CommandSpec, ParsedInput } from './types';
import { commandPrefix } from './usage';
import { messageReport } from './report';

/**
 * `spray`: password-spray indicators in sign-in logs. The CLI and the terminal name files; chat
 * users cannot name files on the bot's machine (that would let them read any file through the
 * malformed-line samples): chat analyses SPRAY_LOG_PATHS and files the user uploads.
 */

const CHAT_SURFACES = new Set(['slack', 'discord']);

function uploadHint(ctx: CommandContext): string {
  const limit = `${Math.round(ctx.services.config.spray.maxUploadBytes / (1024 * 1024))} MB`;
  return ctx.surface === 'discord'
    ? `To analyse a log file of your own, run /router-audit spray with the file option (up to ${limit}).`
    : `To analyse a log file of your own, reply to this message in its thread with the file (up to ${limit}).`;
}

/** The same command, for the bot to run again on files the user sends in reply. */
function replayInput(input: ParsedInput): string {
  const parts = ['spray'];
  for (const key of ['format', 'since', 'columns'] as const) {
    const value = input.options[key];
    if (typeof value === 'string') parts.push(`--${key}`, JSON.stringify(value));
  }
  return parts.join(' ');
}

function logPathsFor(input: ParsedInput, ctx: CommandContext): string[] {
  const named = (input.args.files as string[] | undefined) ?? [];
  const uploaded = (ctx.files ?? []).map((file) => file.path);
  if (named.length > 0 || uploaded.length > 0) return [...named, ...uploaded];
  return ctx.services.config.spray.logPaths;
}

/** Chat audiences see masked account names unless the operator said otherwise. */
export function masksAccounts(ctx: CommandContext): boolean {
  return (ctx.surface === 'slack' || ctx.surface === 'discord') && !ctx.services.config.spray.showAccounts;
}

/** Uploaded files are read from a temporary directory: report them under the name the user gave. */
function withUploadNames(report: SprayReport, ctx: CommandContext): SprayReport {
  const names = new Map((ctx.files ?? []).map((file) => [file.path, file.name]));
  if (names.size === 0) return report;
  return { ...report, inputs: report.inputs.map((input) => ({ ...input, path: names.get(input.path) ?? input.path })) };
}

export interface SprayRun {
  report: SprayReport;
  startedAt: string;
  durationMs: number;
}

/** Runs the analysis over the logs this request may read; throws UsageError when there are none. */
export async function runSprayAnalysis(input: ParsedInput, ctx: CommandContext, paths = logPathsFor(input, ctx)): Promise<SprayRun> {
  if (paths.length === 0) {
    const how = ctx.surface === 'cli' || ctx.surface === 'terminal'
      ? `name log files (${commandPrefix(ctx.surface)} spray auth.log signins.json.gz) or set SPRAY_LOG_PATHS`
      : 'attach a log file to the command, or ask the bot\'s admin to set SPRAY_LOG_PATHS';
    throw new UsageError(`No sign-in logs to analyse: ${how}.`);
  }
  const started = ctx.services.now();
  const since = typeof input.options.since === 'string' ? parseSince(input.options.since, started) : undefined;
  const columnMap = typeof input.options.columns === 'string' ? parseColumns(input.options.columns) : undefined;
  const format = typeof input.options.format === 'string' ? input.options.format : undefined;
  ctx.progress(`Reading ${plural(paths.length, 'log path')}…`);
  try {
    const report = await analyseSprayLogs(paths, {
      ...(format ? { format } : {}),
      ...(since ? { since } : {}),
      ...(columnMap ? { columnMap } : {}),
      signal: ctx.signal,
      logger: ctx.services.log,
    });
    return { report: withUploadNames(report, ctx), startedAt: started.toISOString(), durationMs: Date.now() - started.getTime() };
  } catch (error) {
    if (error instanceof SprayUsageError) throw new UsageError(error.message);
    throw error;
  }
}

/** The spray result as this audience may see it, joined with a LAN scan when there is one. */
export function viewFor(run: SprayRun, ctx: CommandContext, scan?: ScanResult): SprayView {
  const correlation = scan ? correlateWithScan(run.report, scan, { siteAddresses: ctx.services.config.spray.siteAddresses }) : [];
  return sprayView(run.report, correlation, masksAccounts(ctx));
}

export const SPRAY_OPTIONS = [
  { key: 'format', flags: '--format <format>', description: `log format when detection guesses wrong: ${FORMAT_HELP}` },
  { key: 'since', flags: '--since <when>', description: 'only events after this: a duration (7d, 36h) or a date (2026-11-01)' },
  { key: 'columns', flags: '--columns <map>', description: 'columns of a generic CSV: time=When,account=User,result=Status,ip=Client' },
] as const;

export const sprayCommand: CommandSpec = {
  name: 'spray',
  summary: 'Look for password spray in sign-in logs (Entra ID, Microsoft 365, Windows, sshd, CSV)',
  details:
    'Reads Entra ID sign-in logs (Graph JSON, Log Analytics, portal CSV, NDJSON), Microsoft 365 audit exports, Windows Security ' +
    'events (4624/4625/4771/4776/4740), sshd logs and CSV with a column map, gzip or not, and finds single-source and distributed ' +
    '(low-and-slow) password spray, brute force, enumeration, lockout bursts, and a correct password after a spray. ' +
    'In chat it reads SPRAY_LOG_PATHS or a file you attach; account names are masked there unless SPRAY_SHOW_ACCOUNTS=1.',
  examples: ['spray', 'spray --since 7d', 'spray signins.json.gz auth.log', 'spray export.csv --format generic --columns time=When,account=User,result=Status,ip=Client'],
  // Chat users get no path argument: they must not make the bot read files on its machine.
  args: [{ name: 'files', description: 'log files or directories (default: SPRAY_LOG_PATHS)', variadic: true, surfaces: ['cli', 'terminal'] }],
  options: [
    ...SPRAY_OPTIONS,
    { key: 'json', flags: '--json', description: 'print the result as one JSON document', surfaces: ['cli'] },
    { key: 'failOn', flags: '--fail-on <severity>', description: 'exit with 1 when a finding is this severe or worse (default: critical)', choices: ['critical', 'high', 'medium', 'low', 'info'], surfaces: ['cli'] },
  ],
  access: 'scan',
  files: { description: 'a sign-in log file to analyse (JSON, NDJSON, CSV, syslog; gzip or not)' },
  async run(input, ctx) {
    const inChat = CHAT_SURFACES.has(ctx.surface);
    if (inChat && logPathsFor(input, ctx).length === 0) {
      // Nothing to read yet: ask for a file instead of failing, so the answer can be a reply.
      const hint = uploadHint(ctx);
      return { ...messageReport('Send a sign-in log', `No SPRAY_LOG_PATHS are set for this bot. ${hint}`, 'ok', { ephemeral: false }), awaitsFiles: { input: replayInput(input), hint } };
    }
    const run = await runSprayAnalysis(input, ctx);
    const report = sprayReport(viewFor(run, ctx), ctx.services.content.advice, run);
    if (inChat) {
      const hint = uploadHint(ctx);
      report.sections.push({ kind: 'text', text: hint });
      report.awaitsFiles = { input: replayInput(input), hint };
    }
    return report;
  },
};
