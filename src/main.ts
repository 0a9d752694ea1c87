import dotenv from 'dotenv';
import { createApp, type App } from './app';
import { startTerminal, terminalChatAdapter } from './bot/terminal/adapter';
import { ConfigError } from './config/env';
import { ContentError } from './content/load';
import { RedisStartError } from './sites/connection';

/**
 * `npm start`: runs the bot on every platform configured in the environment (Slack, Discord, both),
 * or on the terminal when none is. Stops cleanly on SIGINT/SIGTERM.
 */

interface Running {
  name: string;
  stop(): Promise<void> | void;
}

async function start(app: App): Promise<{ running: Running[]; done: Promise<void> | null }> {
  const running: Running[] = [];
  const terminal = startTerminal(
    app.dispatcher,
    { input: process.stdin, output: process.stdout, errors: process.stderr },
    app.log,
    app.history ? { attachmentsDir: app.history.attachmentsDir } : {},
  );
  running.push({ name: 'terminal', stop: () => terminal.stop() });
  // Digests are posted through the adapters that run: load their schedules once those are up.
  await app.history?.start([terminalChatAdapter(terminal)]);
  return { running, done: terminal.finished };
}

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
  const { running, done } = await start(app);
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    // Schedules first: no digest may start posting through an adapter that is going away.
    await app.history?.stop();
    for (const adapter of running) {
      try {
        await adapter.stop();
      } catch (error) {
        app.log.warn({ err: error, adapter: adapter.name }, 'adapter did not stop cleanly');
      }
    }
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
