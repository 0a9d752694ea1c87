import { RedisConnection, type RedisClient } from 'bullmq';
import type { Logger } from '../log';
import { clientOptions, explainRedisError, type RedisTarget } from './redis-url';

/**
 * One non-blocking Redis connection (through BullMQ's driver layer, so the bot and agents use
 * whatever client BullMQ uses). Opening it checks the credentials: a wrong password or a missing
 * ACL permission ends the wait with a clear message; "nothing listening" keeps retrying (Redis
 * may simply not be up yet) unless a deadline is given. Later errors are logged, and the driver
 * reconnects by itself.
 */

export class RedisStartError extends Error {
  override name = 'RedisStartError';
}

export interface OpenOptions {
  log: Logger;
  /** give up after this long when Redis stays unreachable (default: keep trying) */
  waitMs?: number;
  /** connection name shown by CLIENT LIST */
  name?: string;
}

export interface RedisLink {
  client: RedisClient;
  connection: RedisConnection;
  close(): Promise<void>;
}

export async function openRedis(target: RedisTarget, options: OpenOptions): Promise<RedisLink> {
  const { log } = options;
  const connection = new RedisConnection({ ...clientOptions(target), ...(options.name ? { connectionName: options.name } : {}) }, { blocking: false });
  let lastLogged = 0;
  let starting = true;
  let fail: ((error: Error) => void) | undefined;
  const onError = (error: unknown): void => {
    const problem = explainRedisError(error, target.display);
    if (starting && problem.fatal) {
      fail?.(new RedisStartError(problem.message));
      return;
    }
    // A restarting Redis produces an error per retry: one line every 10 s is enough.
    if (Date.now() - lastLogged > 10_000) {
      lastLogged = Date.now();
      log.warn({ redis: target.display, problem: problem.kind }, problem.message);
    }
  };
  connection.on('error', onError);

  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const timer = options.waitMs !== undefined
    ? setTimeout(() => fail?.(new RedisStartError(`Cannot reach Redis at ${target.display} within ${Math.round((options.waitMs ?? 0) / 1000)} s (REDIS_URL).`)), options.waitMs)
    : undefined;
  try {
    const client = await Promise.race([connection.client, failed]);
    starting = false;
    return {
      client,
      connection,
      async close() {
        await connection.close().catch(() => connection.close(true)).catch(() => undefined);
      },
    };
  } catch (error) {
    starting = false;
    await connection.close(true).catch(() => undefined);
    throw error instanceof RedisStartError ? error : new RedisStartError(explainRedisError(error, target.display).message);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Rejects after `ms` with `message`: Redis calls wait for a reconnect, a chat user should not. */
export function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
