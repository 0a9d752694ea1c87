import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../log';

/**
 * Bolt, the Web API client and the Socket Mode client log through this: their lines land in our
 * JSON log (pino), where secrets are scrubbed, instead of on the console.
 */

const ORDER: readonly LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

/** Bolt's level that matches the pino logger's, so Bolt does not build lines pino would drop. */
export function boltLevelOf(log: Logger): LogLevel {
  switch (log.level) {
    case 'trace':
    case 'debug':
      return LogLevel.DEBUG;
    case 'info':
      return LogLevel.INFO;
    case 'warn':
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}

function format(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return `${part.name}: ${part.message}`;
  try {
    return JSON.stringify(part);
  } catch {
    return String(part);
  }
}

export function boltLogger(log: Logger): BoltLogger {
  let level = boltLevelOf(log);
  let name = 'bolt';
  const write =
    (at: LogLevel, method: 'debug' | 'info' | 'warn' | 'error') =>
    // Bolt's Logger interface takes any[]; we only turn the parts into text.
    (...parts: unknown[]): void => {
      if (ORDER.indexOf(at) < ORDER.indexOf(level)) return;
      log[method]({ component: name }, parts.map(format).join(' '));
    };
  return {
    debug: write(LogLevel.DEBUG, 'debug'),
    info: write(LogLevel.INFO, 'info'),
    warn: write(LogLevel.WARN, 'warn'),
    error: write(LogLevel.ERROR, 'error'),
    setLevel(next) {
      level = next;
    },
    getLevel: () => level,
    setName(next) {
      name = next;
    },
  };
}
