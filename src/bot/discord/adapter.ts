import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Events, GatewayIntentBits, MessageFlags, RESTEvents, Routes, type Interaction } from 'discord.js';
import type { Dispatcher } from '../../commands/dispatch';
import type { Report } from '../../commands/report';
import type { AppConfig } from '../../config/env';
import type { Logger } from '../../log';
import { discordAccess, openAccessWarnings } from '../shared/access';
import { ChannelGoneError, type ChatAdapter } from '../types';
import { COMMAND_NAME } from './command-data';
import { describeDiscordError, discordCode, isChannelGone } from './errors';
import { handleInteraction, type InteractionDeps } from './interaction';
import { NO_MENTIONS, channelMessageRequest } from './payload';
import { renderReport } from './render';

/**
 * The Discord front end: a discord.js gateway client (intent Guilds only: slash commands need no
 * privileged intents) that answers `/router-audit` interactions through the dispatcher, and posts
 * digests to channels over REST. `config.apiUrl` (DISCORD_API_URL) points REST, and through
 * GET /gateway/bot the gateway, somewhere else: tests use a loopback stand-in.
 */

export interface DiscordAdapterOptions {
  dispatcher: Dispatcher;
  config: NonNullable<AppConfig['discord']>;
  log: Logger;
  /** minimum time between two progress edits of a reply; default 2000 ms */
  progressIntervalMs?: number;
  /** how long stop() lets running commands finish before it disconnects; default 5000 ms */
  stopGraceMs?: number;
  /** how long start() waits for the gateway's READY; default 30 s */
  readyTimeoutMs?: number;
  /** where files users attach are kept while their command runs; default the OS temp dir */
  uploadTempDir?: string;
}

export interface DiscordAdapter extends ChatAdapter {
  readonly platform: 'discord';
  /** the discord.js client (for tests and diagnostics) */
  readonly client: Client;
}

export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { dispatcher, config } = options;
  const log = options.log.child({ platform: 'discord' });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: NO_MENTIONS,
    ...(config.apiUrl ? { rest: { api: config.apiUrl } } : {}),
  });
  // post() may run before start() (a digest at startup); login() sets the same token again.
  client.rest.setToken(config.token);

  const running = new Set<Promise<void>>();
  const stopSignal = new AbortController();
  let stopping = false;

  async function post(channelId: string, report: Report): Promise<void> {
    try {
      for (const message of renderReport(report)) {
        await client.rest.post(Routes.channelMessages(channelId), channelMessageRequest(message));
      }
    } catch (error) {
      if (isChannelGone(error)) {
        throw new ChannelGoneError(`Discord channel ${channelId} is gone or the bot cannot see it (Discord code ${String(discordCode(error))})`);
      }
      throw error;
    }
  }

  const deps: InteractionDeps = {
    dispatcher,
    authorize: discordAccess({ allowedRoles: config.allowedRoles, allowedChannels: config.allowedChannels }),
    log,
    progressIntervalMs: options.progressIntervalMs ?? 2000,
    signal: stopSignal.signal,
    postToChannel: post,
    uploads: { maxBytes: dispatcher.services.config.spray.maxUploadBytes, ...(options.uploadTempDir ? { tempRoot: options.uploadTempDir } : {}) },
  };

  function onInteraction(interaction: Interaction): void {
    if (!interaction.isChatInputCommand() || interaction.commandName !== COMMAND_NAME) return;
    if (stopping) {
      interaction
        .reply({ content: 'The bot is restarting. Try again in a minute.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
        .catch((error: unknown) => log.warn(describeDiscordError(error), 'discord: could not answer during shutdown'));
      return;
    }
    const task: Promise<void> = handleInteraction(interaction, deps)
      .catch((error: unknown) => log.error({ ...describeDiscordError(error), user: interaction.user.id }, 'discord: interaction failed'))
      .finally(() => running.delete(task));
    running.add(task);
  }

  client.on(Events.InteractionCreate, onInteraction);
  client.on(Events.Error, (error) => log.error(describeDiscordError(error), 'discord: client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord: warning'));
  client.on(Events.ShardDisconnect, (event) => log.warn({ code: event.code }, 'discord: gateway disconnected'));
  client.on(Events.ShardReconnecting, () => log.info('discord: reconnecting to the gateway'));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    log.warn({ route: info.route, method: info.method, retryAfterMs: info.retryAfter, global: info.global, scope: info.scope }, 'discord: rate limited; waiting before the retry'),
  );

  return {
    platform: 'discord',
    client,

    async start() {
      const lists = { DISCORD_ALLOWED_ROLES: config.allowedRoles, DISCORD_ALLOWED_CHANNELS: config.allowedChannels };
      for (const warning of openAccessWarnings('Discord', lists)) log.warn(warning);
      const waiting = new AbortController();
      const ready = once(client, Events.ClientReady, { signal: waiting.signal });
      const timeout = delay(options.readyTimeoutMs ?? 30_000, null, { signal: waiting.signal }).then(() => {
        throw new Error(`Discord: no READY from the gateway within ${options.readyTimeoutMs ?? 30_000} ms`);
      });
      try {
        await client.login(config.token);
        await Promise.race([ready, timeout]);
      } catch (error) {
        await client.destroy().catch(() => undefined);
        throw new Error(`Discord login failed: ${describeDiscordError(error).message}`);
      } finally {
        waiting.abort();
        ready.catch(() => undefined);
        timeout.catch(() => undefined);
      }
      log.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'discord: connected to the gateway');
    },

    async stop() {
      stopping = true;
      const grace = new AbortController();
      await Promise.race([Promise.allSettled([...running]), delay(options.stopGraceMs ?? 5000, null, { signal: grace.signal }).catch(() => undefined)]);
      grace.abort();
      stopSignal.abort();
      await client.destroy();
      log.info({ stillRunning: running.size }, 'discord: disconnected');
    },

    post,
  };
}
