import { Writable } from 'node:stream';
import pino from 'pino';
import { createDiscordAdapter, type DiscordAdapter, type DiscordAdapterOptions } from '../../../src/bot/discord/adapter';
import { messageProblems, type DiscordMessage } from '../../../src/bot/discord/limits';
import { Dispatcher } from '../../../src/commands/dispatch';
import type { ScanJob, ScanProgressInfo, ScanRunner } from '../../../src/commands/scan-coordinator';
import type { Services } from '../../../src/commands/types';
import type { Logger } from '../../../src/log';
import type { ScanResult } from '../../../src/scanner/report-types';
import { testServices } from '../../support/services';
import { discordMessageProblems } from '../../../lab/chat/discord-limits';
import type { DiscordRestCall } from '../../../lab/chat/discord-rest';
import type { DiscordStandIn } from '../../../lab/chat/discord';

/**
 * The bot under test, wired like src/app.ts (config from an env, content, ScanCoordinator,
 * Dispatcher) with the real Discord adapter pointed at the loopback stand-in.
 */

/** Log lines as text, to look for what must never be in them. */
export function memoryLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

/**
 * A runner that scans nothing: it records the job, reports progress, waits for `release` when
 * given, and answers with `result(job)`. Real scans are in scan-lab.test.ts.
 */
export class ScriptedRunner implements ScanRunner {
  readonly jobs: ScanJob[] = [];
  release: Promise<void> | null = null;
  private readonly initialResult: (job: ScanJob) => ScanResult;

  constructor(public result: (job: ScanJob) => ScanResult) {
    this.initialResult = result;
  }

  /** Back to how it was made: no jobs seen, answering at once with the first `result`. */
  reset(): void {
    this.jobs.length = 0;
    this.release = null;
    this.result = this.initialResult;
  }

  async run(job: ScanJob, hooks: { signal: AbortSignal; onProgress: (progress: ScanProgressInfo) => void }): Promise<ScanResult> {
    this.jobs.push(job);
    hooks.onProgress({ phase: 'discovery', addressesTotal: job.addresses.length, hostsFound: 0, hostsInspected: 0 });
    if (this.release) await this.release;
    return this.result(job);
  }
}

export function emptyResult(job: ScanJob): ScanResult {
  return { targets: job.targets, startedAt: new Date().toISOString(), durationMs: 3, hosts: [], findings: [], advice: [] };
}

export interface RunningBot {
  adapter: DiscordAdapter;
  dispatcher: Dispatcher;
  services: Services;
  lines: string[];
}

export async function startBot(
  discord: DiscordStandIn,
  runner: ScanRunner,
  env: NodeJS.ProcessEnv = {},
  options: Partial<Pick<DiscordAdapterOptions, 'progressIntervalMs' | 'stopGraceMs' | 'uploadTempDir'>> = {},
): Promise<RunningBot> {
  const { log, lines } = memoryLogger();
  const fullEnv = { DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl, ...env };
  const services = testServices({ runner, env: fullEnv, log });
  const discordConfig = services.config.discord;
  if (!discordConfig) throw new Error('DISCORD_TOKEN did not switch Discord on');
  const dispatcher = new Dispatcher(services);
  const adapter = createDiscordAdapter({ dispatcher, config: discordConfig, log, progressIntervalMs: 50, ...options });
  await adapter.start();
  return { adapter, dispatcher, services, lines };
}

/** What the bot sent in a REST call, as the renderer's message shape. */
export function sentMessage(call: DiscordRestCall): DiscordMessage {
  const body = (call.body ?? {}) as { content?: string; embeds?: DiscordMessage['embeds'] };
  return {
    ...(body.content ? { content: body.content } : {}),
    embeds: body.embeds ?? [],
    files: call.files.map((f) => ({ name: f.filename, data: f.bytes, contentType: f.contentType })),
  };
}

/** The reply's first edit that carries embeds: the report (progress edits carry only content). */
export async function finalEdit(ix: { nextEdit(): Promise<DiscordRestCall> }): Promise<DiscordRestCall> {
  let edit = await ix.nextEdit();
  while (!(edit.body as { embeds?: unknown[] }).embeds?.length) edit = await ix.nextEdit();
  return edit;
}

/** Both validators (ours and the harness's) agree the call's message is within Discord's limits. */
export function expectWithinLimits(call: DiscordRestCall): void {
  expect(call.status).toBeLessThan(300);
  expect(messageProblems(sentMessage(call))).toEqual([]);
  expect(discordMessageProblems(call.body, call.files.length)).toEqual([]);
}

/** The ephemeral bit (64) of a call's flags (callback data or message body). */
export function flagsOf(call: DiscordRestCall): number {
  const body = (call.body ?? {}) as { flags?: number; data?: { flags?: number } };
  return Number(body.data?.flags ?? body.flags ?? 0);
}

export const EPHEMERAL = 64;

/** The text of a call's embeds as a reader sees it (Discord drops the backslash of an escape). */
export function embedText(call: DiscordRestCall): string {
  const embeds = (call.body as { embeds?: DiscordMessage['embeds'] } | undefined)?.embeds ?? [];
  const parts = embeds.flatMap((e) => [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text]);
  return parts.filter((p): p is string => typeof p === 'string').join('\n').replace(/\\([^A-Za-z0-9\s])/g, '$1');
}
