import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * JSON logs (pino) with secrets redacted twice over: by field name, and by value — any known
 * secret or token-shaped string is cut out of messages too, because libraries put tokens in
 * error texts and URLs.
 */

const REDACTED_PATHS = [
  'token', 'botToken', 'appToken', 'signingSecret', 'password', 'authorization', 'secret',
  '*.token', '*.botToken', '*.appToken', '*.signingSecret', '*.password', '*.authorization', '*.secret',
  'headers.authorization', '*.headers.authorization', 'config.slack', 'config.discord',
];

/** Slack tokens (xoxb-, xapp-, …), Discord bot tokens, Redis URLs with a password. */
const TOKEN_SHAPES = [
  /xox[abposr]-[A-Za-z0-9-]{8,}/g,
  /xapp-[A-Za-z0-9-]{8,}/g,
  /[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g,
  /(rediss?:\/\/[^:@/\s]*:)[^@\s]+@/g,
];

export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let clean = text;
  for (const secret of secrets) clean = clean.split(secret).join('[redacted]');
  for (const shape of TOKEN_SHAPES) {
    clean = clean.replace(shape, (match, redisPrefix?: string) =>
      typeof redisPrefix === 'string' && match.startsWith('redis') ? `${redisPrefix}[redacted]@` : '[redacted]');
  }
  return clean;
}

function scrubDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrubSecrets(value.message, secrets), stack: value.stack && scrubSecrets(value.stack, secrets) };
  }
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubDeep(item, secrets, depth + 1);
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** file path; default stderr (stdout belongs to reports) */
  file?: string;
  secrets?: readonly string[];
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? [];
  const destination = options.file ? pino.destination({ dest: options.file, sync: false, mkdir: true }) : pino.destination(2);
  return pino(
    {
      name: options.name ?? 'router-audit',
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => scrubDeep(arg, secrets)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** For tests and library defaults: a logger that writes nowhere. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
