import { isIP } from 'node:net';
import { z } from 'zod';
import { parseRedisUrl } from '../sites/redis-url';
import { DEFAULT_ALLOW, DEFAULT_MAX_HOSTS, TargetError, parseAllowList, type Cidr } from '../scanner/targets';

/**
 * Every environment variable the bot reads, validated once at startup. `.env.example` documents
 * each one; a bad value stops startup with a message naming the variable.
 */

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const idList = z
  .string()
  .optional()
  .transform((text) => {
    if (text === undefined || text.trim() === '') return null;
    const ids = text.split(',').map((id) => id.trim()).filter(Boolean);
    return ids.includes('*') ? '*' : ids;
  });

const positiveInt = (fallback: number) =>
  z.string().optional().transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) {
      ctx.addIssue({ code: 'custom', message: `must be a positive whole number, got "${text}"` });
      return z.NEVER;
    }
    return value;
  });

const flag = z.string().optional().transform((text) => text !== undefined && /^(1|true|yes|on)$/i.test(text.trim()));
const optionalText = z.string().optional().transform((text) => (text && text.trim() !== '' ? text.trim() : undefined));
const optionalUrl = optionalText.pipe(z.url().optional());

const envSchema = z.object({
  SCAN_ALLOW: z.string().optional(),
  SCAN_MAX_HOSTS: positiveInt(DEFAULT_MAX_HOSTS),
  SCAN_TIMEOUT_MS: positiveInt(120_000),
  SCAN_RATE_LIMIT: positiveInt(6),
  SCAN_RATE_WINDOW_MS: positiveInt(10 * 60_000),
  SCAN_NETNS: optionalText.pipe(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a network namespace name').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  LOG_FILE: optionalText,

  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalUrl,
  SLACK_ALLOWED_USERS: idList,
  SLACK_ALLOWED_CHANNELS: idList,
  PORT: positiveInt(3000),

  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText,
  DISCORD_GUILD_ID: optionalText,
  DISCORD_API_URL: optionalUrl,
  DISCORD_ALLOWED_ROLES: idList,
  DISCORD_ALLOWED_CHANNELS: idList,

  SPRAY_LOG_PATHS: optionalText,
  SPRAY_SHOW_ACCOUNTS: flag,
  SPRAY_MAX_UPLOAD_MB: positiveInt(200),
  SITE_PUBLIC_IPS: z.string().optional().transform((text, ctx) => {
    const ips = (text ?? '').split(',').map((ip) => ip.trim()).filter(Boolean);
    const bad = ips.filter((ip) => isIP(ip) === 0);
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `must be IP addresses separated by commas; not an address: ${bad.join(', ')}` });
      return z.NEVER;
    }
    return ips;
  }),

  DATA_DIR: optionalText,
  HISTORY_DAYS: positiveInt(90),
  TZ: optionalText,

  REDIS_URL: optionalText,
  AGENT_SITE: optionalText,
  AGENT_NAME: optionalText.pipe(z.string().regex(/^[A-Za-z0-9_.@-]{1,100}$/, 'letters, digits and . _ - @ only').optional()),
  AGENT_CONCURRENCY: positiveInt(4),
  AGENT_HEARTBEAT_MS: positiveInt(5000),
});

/** Every variable the bot reads (`.env.example` must document each one; a test checks). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

export type AccessList = string[] | '*' | null;

export interface AppConfig {
  scan: { allow: Cidr[]; maxHosts: number; timeoutMs: number; rateLimit: number; rateWindowMs: number; netns: string | undefined };
  log: { level: string | undefined; file: string | undefined };
  slack: {
    botToken: string;
    signingSecret: string;
    appToken: string | undefined;
    apiUrl: string | undefined;
    port: number;
    allowedUsers: AccessList;
    allowedChannels: AccessList;
  } | null;
  discord: {
    token: string;
    applicationId: string | undefined;
    guildId: string | undefined;
    apiUrl: string | undefined;
    allowedRoles: AccessList;
    allowedChannels: AccessList;
  } | null;
  spray: { logPaths: string[]; showAccounts: boolean; maxUploadBytes: number; siteAddresses: string[] };
  store: { dataDir: string; historyDays: number; timeZone: string };
  redisUrl: string | undefined;
  /** `router-audit agent` (a site's scanner agent) */
  agent: { site: string | undefined; name: string | undefined; concurrency: number; heartbeatMs: number };
}

function problemsOf(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid configuration:\n${problemsOf(parsed.error)}`);
  const e = parsed.data;

  let allow: Cidr[];
  try {
    allow = parseAllowList(e.SCAN_ALLOW);
  } catch (error) {
    const detail = error instanceof TargetError ? error.message : String(error);
    throw new ConfigError(`Invalid configuration:\nSCAN_ALLOW: ${detail} (default: ${DEFAULT_ALLOW.join(',')})`);
  }

  const problems: string[] = [];
  // Half a platform configuration is almost always a mistake: say so instead of silently skipping it.
  if (Boolean(e.SLACK_BOT_TOKEN) !== Boolean(e.SLACK_SIGNING_SECRET)) {
    problems.push('SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET: set both to turn Slack on, or neither');
  }
  if (e.SLACK_APP_TOKEN && !e.SLACK_BOT_TOKEN) problems.push('SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not');
  if (e.DISCORD_APPLICATION_ID && !e.DISCORD_TOKEN) problems.push('DISCORD_APPLICATION_ID is set but DISCORD_TOKEN is not');
  if (e.REDIS_URL) {
    try {
      parseRedisUrl(e.REDIS_URL);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);

  return {
    scan: {
      allow,
      maxHosts: e.SCAN_MAX_HOSTS,
      timeoutMs: e.SCAN_TIMEOUT_MS,
      rateLimit: e.SCAN_RATE_LIMIT,
      rateWindowMs: e.SCAN_RATE_WINDOW_MS,
      netns: e.SCAN_NETNS,
    },
    log: { level: e.LOG_LEVEL, file: e.LOG_FILE },
    slack: e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL,
          port: e.PORT,
          allowedUsers: e.SLACK_ALLOWED_USERS,
          allowedChannels: e.SLACK_ALLOWED_CHANNELS,
        }
      : null,
    discord: e.DISCORD_TOKEN
      ? {
          token: e.DISCORD_TOKEN,
          applicationId: e.DISCORD_APPLICATION_ID,
          guildId: e.DISCORD_GUILD_ID,
          apiUrl: e.DISCORD_API_URL,
          allowedRoles: e.DISCORD_ALLOWED_ROLES,
          allowedChannels: e.DISCORD_ALLOWED_CHANNELS,
        }
      : null,
    spray: {
      logPaths: (e.SPRAY_LOG_PATHS ?? '').split(',').map((p) => p.trim()).filter(Boolean),
      showAccounts: e.SPRAY_SHOW_ACCOUNTS,
      maxUploadBytes: e.SPRAY_MAX_UPLOAD_MB * 1024 * 1024,
      siteAddresses: e.SITE_PUBLIC_IPS,
    },
    store: { dataDir: e.DATA_DIR ?? './data', historyDays: e.HISTORY_DAYS, timeZone: e.TZ ?? 'UTC' },
    redisUrl: e.REDIS_URL,
    agent: { site: e.AGENT_SITE, name: e.AGENT_NAME, concurrency: e.AGENT_CONCURRENCY, heartbeatMs: e.AGENT_HEARTBEAT_MS },
  };
}

/** Every secret value in the configuration, so the logger can scrub them from any text. */
export function secretsOf(config: AppConfig): string[] {
  const redisPassword = config.redisUrl ? redisPasswordOf(config.redisUrl) : undefined;
  return [config.slack?.botToken, config.slack?.signingSecret, config.slack?.appToken, config.discord?.token, config.redisUrl, redisPassword]
    .filter((value): value is string => typeof value === 'string' && value.length >= 8);
}

/** The password inside REDIS_URL, so it is scrubbed from logs on its own too. */
function redisPasswordOf(url: string): string | undefined {
  try {
    return parseRedisUrl(url).password;
  } catch {
    return undefined;
  }
}
