/**
 * A Bolt / @slack/web-api Logger that records lines instead of printing them, so e2e output stays
 * readable and tests can assert on what the libraries said (a 401 reason, a rate-limit retry).
 *
 *   const logger = recordingSlackLogger();
 *   new App({ ..., logger });                       // also reaches the WebClient and Socket Mode client
 *   expect(logger.lines.some((l) => l.level === 'warn' && /rate limit/i.test(l.text))).toBe(true);
 *
 * Set RA_E2E_LOG=1 to also print the lines (debugging a failing test).
 */
import { LogLevel, type Logger } from '@slack/bolt';

export interface LogLine {
  level: LogLevel;
  name: string;
  text: string;
}

export interface RecordingSlackLogger extends Logger {
  readonly lines: LogLine[];
  /** Lines whose text matches. */
  matching(pattern: RegExp): LogLine[];
}

const ORDER: LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

export function recordingSlackLogger(initialLevel: LogLevel = LogLevel.DEBUG): RecordingSlackLogger {
  let level = initialLevel;
  let name = 'slack';
  const lines: LogLine[] = [];
  const echo = process.env.RA_E2E_LOG === '1';
  // The Logger interface takes `any[]`; formatting them as text is all we do with them.
  const write =
    (at: LogLevel) =>
    (...msg: unknown[]): void => {
      if (ORDER.indexOf(at) < ORDER.indexOf(level)) return;
      const text = msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : safeJson(m))).join(' ');
      lines.push({ level: at, name, text });
      if (echo) process.stderr.write(`[${at}] ${name} ${text}\n`);
    };
  return {
    lines,
    matching: (pattern) => lines.filter((l) => pattern.test(l.text)),
    debug: write(LogLevel.DEBUG),
    info: write(LogLevel.INFO),
    warn: write(LogLevel.WARN),
    error: write(LogLevel.ERROR),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
