import type { RedisClient } from 'bullmq';
import type { Logger } from '../log';
import { openRedis, withDeadline, type RedisLink } from './connection';
import { SiteDirectory } from './directory';
import { SiteError } from './errors';
import type { RedisTarget } from './redis-url';

/**
 * The bot's link to Redis. Created synchronously (createApp is), connecting in the background;
 * `verify()` lets startup fail with a clear message on bad credentials, and every user-facing call
 * waits a bounded time, so a chat user hears "the queue is unreachable" instead of silence.
 */
export class SiteHub {
  private opened: Promise<RedisLink> | undefined;
  private directoryInstance: SiteDirectory | undefined;

  constructor(readonly target: RedisTarget, private readonly log: Logger, private readonly deadlineMs = 5000) {}

  /** Connects on first use: a process that never asks a site (the agent command) never connects as the bot. */
  private get link(): Promise<RedisLink> {
    if (!this.opened) {
      this.opened = openRedis(this.target, { log: this.log, name: 'router-audit-bot' });
      this.opened.catch((error: unknown) => this.log.error({ err: error }, 'Redis connection failed'));
    }
    return this.opened;
  }

  /** Resolves once connected; rejects with RedisStartError on wrong credentials or permissions. */
  async verify(): Promise<void> {
    await this.link;
  }

  async client(): Promise<RedisClient> {
    try {
      return (await withDeadline(this.link, this.deadlineMs, 'timeout')).client;
    } catch (error) {
      throw new SiteError('queue-down', null, (error as Error).message === 'timeout'
        ? 'The job queue (Redis) is not reachable right now, so no site can be asked to scan. The bot keeps reconnecting; try again in a moment.'
        : `The job queue (Redis) is not usable: ${(error as Error).message}`);
    }
  }

  async directory(): Promise<SiteDirectory> {
    this.directoryInstance ??= new SiteDirectory(await this.client());
    return this.directoryInstance;
  }

  /** A Redis call a user waits on: bounded, and "queue down" when it is not answered in time. */
  async bounded<T>(call: (directory: SiteDirectory) => Promise<T>): Promise<T> {
    const directory = await this.directory();
    try {
      return await withDeadline(call(directory), this.deadlineMs, 'timeout');
    } catch (error) {
      if ((error as Error).message === 'timeout') {
        throw new SiteError('queue-down', null, 'The job queue (Redis) is not answering right now (restarting?). The bot reconnects by itself; try again in a moment.');
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    const link = await this.opened.catch(() => undefined);
    await link?.close();
  }
}
