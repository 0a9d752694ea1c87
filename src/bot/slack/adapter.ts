import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver, webApi, type RespondFn, type SlashCommand } from '@slack/bolt';
import type { Dispatcher } from '../../commands/dispatch';
import { newReference } from '../../commands/dispatch';
import { messageReport, type Report } from '../../commands/report';
import type { AppConfig } from '../../config/env';
import type { Logger } from '../../log';
import { openAccessWarnings, slackAccess } from '../shared/access';
import { ChannelGoneError, type ChatAdapter } from '../types';
import { boltLevelOf, boltLogger } from './bolt-logger';
import { DeliveryError, postMessages, uploadAttachments } from './deliver';
import { channelGone, describeError, slackErrorCode } from './errors';
import { fileReplyOf } from './file-reply';
import { PendingFileRequests, RecentKeys } from './pending-files';
import { renderNote, renderReport } from './render';
import { CommandReply } from './reply';
import { answerFileReply, expiredText, slackFileHosts, type ThreadFilesDeps } from './thread-files';

/**
 * The bot in Slack, on the real Bolt App: Socket Mode when an app token is set, otherwise Bolt's
 * HTTP receiver at /slack/events (Bolt checks every request's signature and age). A slash command
 * is acked at once, then dispatched; its reply is handled by CommandReply. A report that asks for
 * files (spray with nothing to read) opens its thread for its requester's reply: the `message`
 * event of that reply (Events API, same endpoint or socket) is answered by answerFileReply.
 */

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackAdapterOptions {
  dispatcher: Dispatcher;
  config: NonNullable<AppConfig['slack']>;
  log: Logger;
  /** HTTP mode: the address to listen on; all interfaces when absent (Slack must reach it) */
  host?: string;
  /** minimum time between two edits of a progress message (Slack allows about one a second) */
  progressIntervalMs?: number;
  /** how long stop() waits for commands still answering */
  drainMs?: number;
  /** how long a report that asked for files takes its requester's reply; default 15 minutes */
  fileReplyWindowMs?: number;
  /** where files users send are kept while their command runs; default the OS temp dir */
  uploadTempDir?: string;
  /** the clock of the file-reply window (tests) */
  now?: () => number;
}

export interface SlackAdapter extends ChatAdapter {
  readonly platform: 'slack';
  /** the HTTP receiver's port once started; null in Socket Mode or when not listening */
  address(): { port: number } | null;
}

const DEFAULT_PROGRESS_INTERVAL_MS = 1500;
const DEFAULT_DRAIN_MS = 15_000;

export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { config, dispatcher } = options;
  const log = options.log.child({ platform: 'slack' });
  const logger = boltLogger(log);
  const logLevel = boltLevelOf(log);
  const clientOptions: webApi.WebClientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // 429s wait out Retry-After inside the client; network errors and 5xx are retried for minutes, not half an hour.
    retryConfig: webApi.retryPolicies.fiveRetriesInFiveMinutes,
  };
  const socket = config.appToken
    ? new SocketModeReceiver({ appToken: config.appToken, logger, logLevel, installerOptions: { clientOptions } })
    : null;
  const http = socket
    ? null
    : new HTTPReceiver({ signingSecret: config.signingSecret, endpoints: SLACK_EVENTS_PATH, port: config.port, logger, logLevel });
  const app = new App({
    token: config.botToken,
    receiver: (socket ?? http) as HTTPReceiver | SocketModeReceiver,
    logger,
    logLevel,
    clientOptions,
    // auth.test runs in start(), where a bad token is an error we can report, not a stray rejection.
    deferInitialization: true,
  });
  const authorize = slackAccess({ allowedUsers: config.allowedUsers, allowedChannels: config.allowedChannels });
  const stopping = new AbortController();
  const inflight = new Set<Promise<void>>();
  const pending = new PendingFileRequests({ ...(options.fileReplyWindowMs !== undefined ? { windowMs: options.fileReplyWindowMs } : {}), ...(options.now ? { now: options.now } : {}) });
  // Slack retries an event it believes was lost; each reply is answered once.
  const seenReplies = new RecentKeys();
  const progressIntervalMs = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  const uploads = { maxBytes: dispatcher.services.config.spray.maxUploadBytes, ...(options.uploadTempDir ? { tempRoot: options.uploadTempDir } : {}) };
  const trustedHost = slackFileHosts(config.apiUrl);
  let server: { address(): AddressInfo | string | null } | null = null;
  let started = false;
  let stopped = false;

  function address(): { port: number } | null {
    const bound = server?.address();
    return bound && typeof bound === 'object' ? { port: bound.port } : null;
  }

  async function answer(command: SlashCommand, respond: RespondFn, client: webApi.WebClient): Promise<void> {
    const reply = new CommandReply({
      client,
      respond,
      channelId: command.channel_id,
      log,
      progressIntervalMs,
    });
    let report: Report;
    try {
      report = await dispatcher.dispatch({
        surface: 'slack',
        caller: { platform: 'slack', userId: command.user_id, channelId: command.channel_id, displayName: command.user_name },
        input: command.text ?? '',
        progress: reply.progress,
        signal: stopping.signal,
        authorize,
      });
    } catch (error) {
      // The dispatcher turns command failures into reports; this is the last line of defence.
      const reference = newReference();
      log.error({ err: error, reference }, 'slash command failed');
      report = messageReport('Something went wrong', `The command failed. The details are in the bot's log under reference ${reference}.`, 'error', { reference });
    }
    const ts = await reply.finish(report);
    if (ts && report.awaitsFiles) {
      // The report is a message of ours in the channel: its thread takes the requester's files.
      pending.remember({ channel: command.channel_id, threadTs: ts, user: command.user_id, input: report.awaitsFiles.input });
      log.debug({ channel: command.channel_id, user: command.user_id, windowMs: pending.window }, 'waiting for a file reply in the report\'s thread');
      await joinForReplies(client, command.channel_id);
    }
  }

  /**
   * Slack sends message events only from conversations the bot is in, and chat:write.public lets it
   * post in public channels it never joined: join, so the reply reaches it. Already a member, a
   * private channel or a DM: Slack says so and nothing changes.
   */
  async function joinForReplies(client: webApi.WebClient, channel: string): Promise<void> {
    try {
      await client.conversations.join({ channel });
    } catch (error) {
      log.debug({ channel, code: slackErrorCode(error) }, 'did not join the channel for file replies');
    }
  }

  function track(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) => log.error({ err: error }, 'slack reply failed')).finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  }

  /** A message event: a file reply in the thread of a report that asked for files, or nothing to do. */
  function onMessage(event: unknown, client: webApi.WebClient): void {
    const reply = fileReplyOf(event);
    if (!reply) return;
    const found = pending.lookup(reply.channel, reply.threadTs);
    if (!found) return;
    if (found.request.user !== reply.user) {
      log.debug({ channel: reply.channel, user: reply.user }, 'file reply from someone other than the requester; ignored');
      return;
    }
    if (!seenReplies.firstTime(`${reply.channel}/${reply.ts}`)) return;
    const say = (text: string): Promise<void> =>
      client.chat
        .postMessage({ channel: reply.channel, thread_ts: reply.threadTs, ...renderNote(text) })
        .then(() => undefined, (error: unknown) => log.warn({ channel: reply.channel, ...describeError(error) }, 'could not answer a file reply'));
    if (found.state === 'expired') {
      pending.forget(reply.channel, reply.threadTs);
      log.info({ channel: reply.channel, user: reply.user }, 'file reply after its window closed');
      track(say(expiredText(pending.window)));
      return;
    }
    if (stopped) {
      track(say('router-audit is shutting down; send the file again in a minute.'));
      return;
    }
    const deps: ThreadFilesDeps = {
      client,
      dispatcher,
      authorize,
      log,
      botToken: config.botToken,
      uploads,
      pending,
      progressIntervalMs,
      signal: stopping.signal,
      trustedHost,
    };
    track(answerFileReply(reply, found.request, deps));
  }

  // Any command name: the app only receives the commands its manifest declares, whatever they are called.
  app.command(/.*/, async ({ command, ack, respond, client }) => {
    // Slack gives us 3 seconds: ack before anything else, the answer comes later.
    try {
      await ack();
    } catch (error) {
      log.warn({ ...describeError(error) }, 'slash command ack failed');
    }
    if (stopped) {
      await respond({ response_type: 'ephemeral', text: 'router-audit is shutting down; try again in a minute.' }).catch((error: unknown) => {
        log.debug({ ...describeError(error) }, 'could not tell a late command that the bot is stopping');
      });
      return;
    }
    const task = answer(command, respond, client)
      .catch((error: unknown) => log.error({ err: error }, 'slash command reply failed'))
      .finally(() => inflight.delete(task));
    inflight.add(task);
  });

  // Bolt acks Events API requests itself, at once; the work runs after.
  app.event('message', async ({ event, client }) => {
    onMessage(event, client);
  });

  app.error(async (error) => {
    log.warn({ ...describeError(error) }, 'Slack app error');
  });

  return {
    platform: 'slack',

    async start() {
      for (const warning of openAccessWarnings('Slack', { SLACK_ALLOWED_USERS: config.allowedUsers, SLACK_ALLOWED_CHANNELS: config.allowedChannels })) {
        log.warn(warning);
      }
      try {
        await app.init();
      } catch (error) {
        throw new Error(`Slack: the bot token was not accepted (auth.test: ${slackErrorCode(error)}). Check SLACK_BOT_TOKEN.`);
      }
      if (socket) {
        await app.start();
        log.info('Slack: connected in Socket Mode');
      } else {
        server = await app.start({ port: config.port, ...(options.host ? { host: options.host } : {}) });
        log.info({ port: address()?.port, path: SLACK_EVENTS_PATH }, 'Slack: listening for slash commands over HTTP');
      }
      started = true;
    },

    address,

    async stop() {
      if (stopped) return;
      stopped = true;
      if (started) {
        try {
          // Bolt's SocketModeReceiver.stop() does not wait for the socket to close; this does.
          if (socket) await socket.client.disconnect();
          await app.stop();
        } catch (error) {
          log.warn({ ...describeError(error) }, 'Slack receiver did not stop cleanly');
        }
      }
      server = null;
      stopping.abort();
      if (inflight.size > 0) {
        log.info({ commands: inflight.size }, 'Slack: waiting for commands still answering');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.drainMs ?? DEFAULT_DRAIN_MS);
        });
        await Promise.race([Promise.allSettled([...inflight]), timeout]);
        clearTimeout(timer);
      }
    },

    async post(channelId, report) {
      const rendered = renderReport(report);
      try {
        await postMessages({ client: app.client, channel: channelId, log }, rendered.messages);
      } catch (error) {
        const cause = error instanceof DeliveryError ? error.cause : error;
        if (channelGone(cause)) throw new ChannelGoneError(`Slack channel ${channelId} is gone or closed to the bot (${slackErrorCode(cause)})`);
        throw error;
      }
      try {
        await uploadAttachments(app.client, channelId, rendered.uploads, report.title);
      } catch (error) {
        log.warn({ channel: channelId, ...describeError(error) }, 'files.uploadV2 failed for a posted report');
      }
    },
  };
}
