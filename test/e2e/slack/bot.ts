import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Dispatcher } from '../../../src/commands/dispatch';
import type { ScanRunner } from '../../../src/commands/scan-coordinator';
import type { Services } from '../../../src/commands/types';
import { createLogger, type Logger } from '../../../src/log';
import { createSlackAdapter, SLACK_EVENTS_PATH, type SlackAdapter, type SlackAdapterOptions } from '../../../src/bot/slack/adapter';
import { testServices } from '../../support/services';
import { startSlackApi, type SlackApiStandIn } from '../../../lab/chat/slack-api';
import { postEvent } from '../../../lab/chat/slack-events';
import { postSlashCommand, type SlackHttpResult } from '../../../lab/chat/slack-signing';
import type { SlashCommandFields } from '../../../lab/chat/slack-slash-command';
import type { SlackSocketStandIn } from '../../../lab/chat/slack-socket';

/**
 * The Slack adapter wired like src/app.ts does (config from an environment, a real Dispatcher and
 * ScanCoordinator), pointed at the Web API stand-in, listening on 127.0.0.1 with a free port.
 */

export const SIGNING_SECRET = 'e2e-signing-secret-5f0c2a7d91';
export const BOT_TOKEN = 'xoxb-e2e-0000000000-bot-token';
export const APP_TOKEN = 'xapp-1-e2e-000000000-app-token';

export interface BotOptions {
  /** environment on top of the Slack variables (SCAN_*, SLACK_ALLOWED_*) */
  env?: Record<string, string>;
  runner: ScanRunner;
  /** Socket Mode through this stand-in instead of the HTTP receiver */
  socket?: SlackSocketStandIn;
  progressIntervalMs?: number;
  /** more adapter options (file replies: uploadTempDir, fileReplyWindowMs, now) */
  adapter?: Partial<Pick<SlackAdapterOptions, 'uploadTempDir' | 'fileReplyWindowMs' | 'now'>>;
}

export interface RunningBot {
  slack: SlackApiStandIn;
  adapter: SlackAdapter;
  dispatcher: Dispatcher;
  services: Services;
  /** http://127.0.0.1:PORT/slack/events (HTTP mode) */
  eventsUrl: string;
  /** a correctly signed slash command; its response_url points at the stand-in under `id` */
  command(text: string, fields?: Partial<SlashCommandFields> & { id?: string }): Promise<SlackHttpResult & { fields: SlashCommandFields }>;
  /** a correctly signed Events API delivery of `event` (HTTP mode) */
  event(event: Record<string, unknown>): Promise<SlackHttpResult>;
  /** everything logged so far (JSON lines) */
  logText(): Promise<string>;
  close(): Promise<void>;
}

function flush(log: Logger): Promise<void> {
  return new Promise((resolve) => log.flush(() => resolve()));
}

export async function startBot(options: BotOptions): Promise<RunningBot> {
  const slack = await startSlackApi({ tokens: [BOT_TOKEN, APP_TOKEN], ...(options.socket ? { socketModeUrl: options.socket.url } : {}) });
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'ra-slack-e2e-'));
  const logFile = path.join(logDir, 'bot.log');
  // No secrets list on purpose: a secret that shows up in the log was put there by our code or Bolt.
  const log = createLogger({ level: 'debug', file: logFile, secrets: [] });
  const services = testServices({
    runner: options.runner,
    env: {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      ...(options.socket ? { SLACK_APP_TOKEN: APP_TOKEN } : {}),
      ...options.env,
    },
    log,
  });
  const { config, scans } = services;
  if (!config.slack) throw new Error('Slack is not configured');
  const dispatcher = new Dispatcher(services);
  const adapter = createSlackAdapter({
    dispatcher,
    config: { ...config.slack, port: 0 },
    log,
    host: '127.0.0.1',
    progressIntervalMs: options.progressIntervalMs ?? 50,
    drainMs: 5000,
    ...options.adapter,
  });
  await adapter.start();
  const port = adapter.address()?.port;
  const eventsUrl = port ? `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}` : '';
  return {
    slack,
    adapter,
    dispatcher,
    services,
    eventsUrl,
    command(text, { id, ...fields } = {}) {
      // Slack gives up after 3 s; 5 s here keeps a bot that waits for its work before acking from hanging the test.
      return postSlashCommand({ url: eventsUrl, signingSecret: SIGNING_SECRET, timeoutMs: 5000, fields: { text, response_url: slack.responseUrl(id), ...fields } });
    },
    event(event) {
      return postEvent({ url: eventsUrl, signingSecret: SIGNING_SECRET, timeoutMs: 5000, event });
    },
    async logText() {
      await flush(log);
      return readFileSync(logFile, 'utf8');
    },
    async close() {
      await adapter.stop();
      await scans.shutdown();
      await flush(log);
      await slack.close();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
