import type { RedisOptions } from 'bullmq';

/**
 * REDIS_URL → connection options, a display form without the password, and clear messages for
 * the failures people actually hit (wrong password, missing ACL permission, nothing listening).
 *
 * Accepted: redis://[user[:password]@]host[:port][/db], rediss://… (TLS) and
 * unix://[user[:password]@]localhost/path/to/redis.sock.
 */

export class RedisUrlError extends Error {
  override name = 'RedisUrlError';
}

export interface RedisTarget {
  options: RedisOptions;
  /** the URL without its password, safe for logs and messages */
  display: string;
  password: string | undefined;
}

const EXPECTED = 'expected redis://user:password@host:6379, rediss://… for TLS, or unix://user:password@localhost/path/to/redis.sock';

export function parseRedisUrl(text: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new RedisUrlError(`REDIS_URL is not a URL (${EXPECTED})`);
  }
  const username = decodeURIComponent(url.username) || undefined;
  const password = decodeURIComponent(url.password) || undefined;
  const auth = { ...(username ? { username } : {}), ...(password ? { password } : {}) };
  const who = username ? `${username}${password ? ':***' : ''}@` : password ? ':***@' : '';

  if (url.protocol === 'unix:') {
    if (!url.pathname || url.pathname === '/') throw new RedisUrlError(`REDIS_URL has no socket path (${EXPECTED})`);
    return { options: { path: url.pathname, ...auth }, display: `unix://${who}${url.hostname || 'localhost'}${url.pathname}`, password };
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RedisUrlError(`REDIS_URL has the scheme "${url.protocol}" (${EXPECTED})`);
  }
  if (!url.hostname) throw new RedisUrlError(`REDIS_URL has no host (${EXPECTED})`);
  const port = url.port ? Number(url.port) : 6379;
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new RedisUrlError(`REDIS_URL: "${dbText}" is not a database number`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const tls = url.protocol === 'rediss:' ? { tls: { servername: host } } : {};
  return {
    options: { host, port, db, ...auth, ...tls },
    display: `${url.protocol}//${who}${url.host}${db ? `/${db}` : ''}`,
    password,
  };
}

/**
 * Reconnect quickly at first (a restarting Redis is back within a second or two), then back off
 * to 5 s. BullMQ's own default waits at least 1 s between tries.
 */
export function reconnectDelay(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 6), 5000);
}

/** Connection options for every client of ours (shared, worker, events): the URL's plus the reconnect policy. */
export function clientOptions(target: RedisTarget): RedisOptions {
  return { ...target.options, retryStrategy: reconnectDelay };
}

export type RedisProblemKind = 'credentials' | 'permission' | 'unreachable' | 'tls' | 'other';

export interface RedisProblem {
  kind: RedisProblemKind;
  /** fatal at start: retrying cannot fix it */
  fatal: boolean;
  message: string;
}

/** Classifies a connection error and says what to do about it, naming REDIS_URL but never its password. */
export function explainRedisError(error: unknown, display: string): RedisProblem {
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (/^WRONGPASS|invalid username-password|invalid password/i.test(text)) {
    return { kind: 'credentials', fatal: true, message: `Redis at ${display} refused the user name or password in REDIS_URL (${firstLine(text)}). Check the ACL user and its password.` };
  }
  if (/^NOAUTH/i.test(text)) {
    return { kind: 'credentials', fatal: true, message: `Redis at ${display} requires a password: put the ACL user and password in REDIS_URL (redis://user:password@host:6379).` };
  }
  if (/^NOPERM/i.test(text)) {
    return { kind: 'permission', fatal: true, message: `The Redis user in REDIS_URL lacks a permission (${firstLine(text)}). It needs ~router-audit:* +@all -@dangerous +info +client|setname (see the README, "Deployment").` };
  }
  if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === 'EAI_AGAIN') {
    return { kind: 'unreachable', fatal: false, message: `Cannot reach Redis at ${display} (${String(code)}); retrying.` };
  }
  if (/certificate|SSL|TLS|self.signed|wrong version number/i.test(text)) {
    return { kind: 'tls', fatal: true, message: `TLS to Redis at ${display} failed (${firstLine(text)}). For a private CA set NODE_EXTRA_CA_CERTS to its PEM file.` };
  }
  return { kind: 'other', fatal: false, message: `Redis at ${display}: ${firstLine(text)}` };
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).slice(0, 200);
}
