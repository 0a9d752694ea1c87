import dotenv from 'dotenv';
import { createApp, type App } from './app';
import { createDiscordAdapter } from './bot/discord/adapter';
import { createSlackAdapter } from './bot/slack/adapter';
import { startTerminal, terminalChatAdapter } from './bot/terminal/adapter';
import type { ChatAdapter } from './bot/types';
import { ConfigError } from './config/env';
import { ContentError } from './content/load';
import { RedisStartError } from './sites/connection';

/**
 * `npm start`: runs the bot on every platform configured in the environment (Slack, Discord, both),
 * or on the terminal when none is. Stops cleanly on SIGINT/SIGTERM.
 */

interface Started {
  adapters: ChatAdapter[];
  /** resolves when the terminal's input ends; null for chat deployments, which run until stopped */
  done: Promise<void> | null;
}

/** Slack and Discord when configured; the terminal when neither is. A platform that fails to start is logged. */
async function startAdapters(app: App): Promise<Started> {
  const adapters: ChatAdapter[] = [];
  const chat: Array<{ name: string; create: () => ChatAdapter }> = [];
  if (app.config.slack) {
    const config = app.config.slack;
    chat.push({ name: 'Slack', create: () => createSlackAdapter({ dispatcher: app.dispatcher, config, log: app.log }) });
  }
  if (app.config.discord) {
    const config = app.config.discord;
    chat.push({ name: 'Discord', create: () => createDiscordAdapter({ dispatcher: app.dispatcher, config, log: app.log }) });
  }
  for (const platform of chat) {
    const adapter = platform.create();
    try {
      await adapter.start();
      adapters.push(adapter);
      app.log.info({ platform: adapter.platform }, `${platform.name} is connected`);
    } catch (error) {
      app.log.error({ err: error, platform: adapter.platform }, `${platform.name} did not start`);
      process.stderr.write(`router-audit: ${platform.name} did not start: ${(error as Error).message}\n`);
    }
  }
  if (chat.length > 0) {
    if (adapters.length === 0) throw new StartupError('no chat platform could start; see the messages above');
    await app.history?.start(adapters);
    return { adapters, done: null };
  }

  const terminal = startTerminal(
    app.dispatcher,
    { input: process.stdin, output: process.stdout, errors: process.stderr },
    app.log,
    app.history ? { attachmentsDir: app.history.attachmentsDir } : {},
  );
  adapters.push(terminalChatAdapter(terminal));
  // Digests are posted through the adapters that run: load their schedules once those are up.
  await app.history?.start(adapters);
  return { adapters, done: terminal.finished };
}

class StartupError extends Error {}

/**
 * With REDIS_URL, wrong credentials stop startup with a clear message. Redis merely not up yet
 * does not: the bot starts, says so, and connects when Redis comes.
 */
async function checkRedis(app: App): Promise<void> {
  const sites = app.sites;
  if (!sites) return;
  const verdict = await Promise.race([
    sites.verify().then(() => 'ok' as const, (error: unknown) => error as Error),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 10_000).unref()),
  ]);
  if (verdict instanceof RedisStartError) {
    process.stderr.write(`router-audit: ${verdict.message}\n`);
    process.exit(2);
  }
  if (verdict === 'pending') app.log.warn({ redis: sites.hub.target.display }, 'Redis is not reachable yet; site scans fail until it is');
  else if (verdict === 'ok') app.log.info({ redis: sites.hub.target.display }, 'connected to the site agents\' Redis');
}

export async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  let app: App;
  try {
    const chatConfigured = Boolean(process.env.SLACK_BOT_TOKEN || process.env.DISCORD_TOKEN);
    // On the terminal, info logs would interleave with the prompt; chat deployments log info.
    app = createApp({ defaultLogLevel: chatConfigured ? 'info' : 'warn', history: true });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ContentError) {
      process.stderr.write(`router-audit: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  if (app.sites) await checkRedis(app);
  let started: Started;
  try {
    started = await startAdapters(app);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    process.stderr.write(`router-audit: ${error.message}\n`);
    await app.shutdown();
    process.exit(1);
  }
  const { adapters, done } = started;
  let stopping = false;
  const shutdown = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    app.log.info({ reason }, 'shutting down');
    // Schedules first: no digest may start posting through an adapter that is going away.
    await app.history?.stop();
    // Cancel running scans while the adapters drain their commands, so the partial reports
    // still reach their channels before the sockets close.
    await Promise.all([
      app.services.scans.shutdown(),
      ...adapters.map(async (adapter) => {
        try {
          await adapter.stop();
        } catch (error) {
          app.log.warn({ err: error, adapter: adapter.platform }, 'adapter did not stop cleanly');
        }
      }),
    ]);
    await app.shutdown();
    app.log.flush();
  };
  process.once('SIGINT', () => void shutdown('SIGINT').then(() => process.exit(0)));
  process.once('SIGTERM', () => void shutdown('SIGTERM').then(() => process.exit(0)));
  process.on('unhandledRejection', (reason) => app.log.error({ err: reason }, 'unhandled promise rejection'));

  if (done) {
    await done;
    await shutdown('end of input');
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`router-audit: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
