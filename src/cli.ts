import os from 'node:os';
import dotenv from 'dotenv';
import { createApp, type App } from './app';
import { renderText } from './bot/terminal/render';
import { ConfigError } from './config/env';
import { ContentError } from './content/load';
import type { Report } from './commands/report';
import { severityRank, isSeverity, type Severity } from './scanner/types';

/**
 * `router-audit …` on the command line: the same commands and reports as chat, printed as text or
 * one JSON document. Exit codes: 0 nothing reached --fail-on, 1 something did, 2 usage error or
 * refused target, 3 internal error.
 */

export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3 } as const;

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

function version(): string {
  return (require('../../package.json') as { version: string }).version;
}

export function exitCodeFor(report: Report, failOn: Severity): number {
  switch (report.outcome) {
    case 'usage':
    case 'refused':
    case 'denied':
      return EXIT.usage;
    case 'error':
      return EXIT.internal;
    default:
      return report.highestSeverity !== undefined && severityRank(report.highestSeverity) <= severityRank(failOn) ? EXIT.findings : EXIT.ok;
  }
}

/** A progress line that rewrites itself, only on a terminal (never mixed into piped output). */
function progressWriter(stderr: CliIo['stderr']): { update: (text: string) => void; clear: () => void } {
  if (!stderr.isTTY) return { update: () => undefined, clear: () => undefined };
  let shown = false;
  return {
    update(text) {
      stderr.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    clear() {
      if (shown) stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

export async function runCli(argv: readonly string[], io: CliIo, appFactory: () => App = () => createApp({ env: io.env, defaultLogLevel: 'error' })): Promise<number> {
  const tokens = argv.slice(2);
  if (tokens[0] === '--version' || tokens[0] === '-V') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  let app: App;
  try {
    app = appFactory();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ContentError) {
      io.stderr.write(`router-audit: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  const parsed = app.dispatcher.parse(tokens.length === 0 ? ['help'] : tokens, 'cli');
  const options = parsed.kind === 'command' ? parsed.input.options : {};
  const json = options.json === true;
  const failOnText = typeof options.failOn === 'string' ? options.failOn : 'critical';
  const failOn: Severity = isSeverity(failOnText) ? failOnText : 'critical';

  const progress = progressWriter(io.stderr);
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  // `router-audit agent` runs as a service: SIGTERM (systemd, docker stop) stops it cleanly too.
  process.once('SIGTERM', interrupt);
  let report: Report;
  try {
    report = await app.dispatcher.dispatch({
      surface: 'cli',
      caller: { platform: 'cli', userId: os.userInfo().username },
      input: tokens.length === 0 ? ['help'] : tokens,
      progress: progress.update,
      signal: controller.signal,
    });
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
    progress.clear();
    await app.shutdown();
  }

  const code = exitCodeFor(report, failOn);
  if (json) {
    const document = report.outcome === 'ok' || report.outcome === 'partial'
      ? report.json ?? { title: report.title, summary: report.summary }
      : { error: { kind: report.outcome, message: report.sections.map((s) => (s.kind === 'text' ? s.text : '')).join('\n').trim(), ...(report.reference ? { reference: report.reference } : {}) } };
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    if (code === EXIT.usage || code === EXIT.internal) io.stderr.write(renderText(report));
    return code;
  }
  const style = { color: Boolean(io.stdout.isTTY) && !io.env.NO_COLOR, width: Math.min(io.stdout.columns ?? 100, 120) };
  const target = code === EXIT.usage || code === EXIT.internal ? io.stderr : io.stdout;
  target.write(renderText(report, style));
  return code;
}

export async function main(argv: readonly string[]): Promise<number> {
  dotenv.config({ quiet: true });
  try {
    return await runCli(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
  } catch (error) {
    process.stderr.write(`router-audit: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.internal;
  }
}

