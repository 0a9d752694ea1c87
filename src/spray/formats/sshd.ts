import type { SprayContent } from '../content';
import { normaliseAccount, normaliseIp, parseIsoTime } from '../normalise';
import type { AuthEvent, AuthResult } from '../types';
import type { WasmArena } from '../readers/arena';
import { fastExtractor, objectExtractor, text, type FastExtractor, type Fields } from './fields';

/**
 * Linux sshd: syslog lines from auth.log / secure (BSD `Mon DD HH:MM:SS`, RFC 3339, RFC 5424
 * prefixes) and `journalctl -o json` records. The message patterns live in spray.yaml.
 */

export interface SshdSink {
  event(event: AuthEvent): void;
  /** a line that is valid but not a sign-in attempt (other programs, other sshd messages) */
  skip(): void;
  malformed(lineNo: number, reason: string, text?: string): void;
}

interface CompiledMessage {
  code: string;
  result: AuthResult;
  pattern: RegExp;
  held: boolean;
}

interface Held {
  event: AuthEvent;
}

/** A connection's "Invalid user" waits for its "Failed password for invalid user" (same attempt). */
const MAX_HELD = 10_000;

/** Turns sshd messages into events; one instance per input (it holds per-PID state). */
export class SshdMessages {
  private readonly messages: CompiledMessage[];
  private readonly programs: Set<string>;
  private readonly held = new Map<string, Held>();

  constructor(content: SprayContent, private readonly sink: SshdSink) {
    this.messages = content.file.sshd.messages.map((m) => ({ code: m.code, result: m.result, pattern: new RegExp(m.pattern), held: m.heldPerPid === true }));
    this.programs = new Set(content.file.sshd.programs);
  }

  isSshd(program: string): boolean {
    return this.programs.has(program);
  }

  /** One sshd message at `time` from process `pid` (null when unknown). */
  message(time: number, pid: string | null, message: string, lineNo: number): void {
    const key = pid ?? '';
    for (const m of this.messages) {
      const match = m.pattern.exec(message);
      if (!match) continue;
      const user = match.groups?.user ?? '';
      const account = normaliseAccount(user);
      if (account === null) {
        this.sink.skip(); // sshd logs an empty user name for some probes: nothing to attribute
        return;
      }
      const event: AuthEvent = { time, account, ip: normaliseIp(match.groups?.ip), result: m.result, app: 'ssh', code: m.code };
      if (m.held && pid !== null) {
        this.release(key);
        this.held.set(key, { event });
        if (this.held.size > MAX_HELD) {
          const oldest = this.held.keys().next().value as string;
          this.release(oldest);
        }
        return;
      }
      const pending = this.held.get(key);
      if (pending) {
        this.held.delete(key);
        // the failure line is the same attempt as the held "Invalid user" line: count it once
        if (pending.event.account !== event.account || event.result !== 'unknown_account') this.sink.event(pending.event);
      }
      this.sink.event(event);
      return;
    }
    // Not an attempt; if it closes a connection whose "Invalid user" is held, that probe counts now.
    if (pid !== null && this.held.has(key)) this.release(key);
    else this.sink.skip();
    void lineNo;
  }

  private release(key: string): void {
    const pending = this.held.get(key);
    if (!pending) return;
    this.held.delete(key);
    this.sink.event(pending.event);
  }

  /** End of input: every held probe counts. */
  flush(): void {
    for (const key of [...this.held.keys()]) this.release(key);
  }
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const BSD = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\S+) ([^\s[:]+)(?:\[(\d+)\])?: ?(.*)$/;
const RFC3339 = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?) (\S+) ([^\s[:]+)(?:\[(\d+)\])?: ?(.*)$/;
const RFC5424 = /^<\d{1,3}>1 (\S+) (\S+) (\S+) (\S+) \S+ (?:-|\[.*?\]) ?(.*)$/;

/** Line prefixes that look like syslog, for format detection. */
export function looksLikeSyslog(line: string): boolean {
  return BSD.test(line) || RFC3339.test(line) || RFC5424.test(line);
}

/**
 * BSD syslog has no year. The first line gets the latest year that does not put it after the
 * reference time (the file's modification time, or the caller's `now`); afterwards the year
 * moves on when the month wraps (Dec → Jan).
 */
export class YearInference {
  private year = -1;
  private lastMonth = -1;

  constructor(private readonly referenceMs: number) {}

  timeOf(month: number, day: number, h: number, m: number, s: number): number {
    if (this.year < 0) {
      const reference = new Date(this.referenceMs);
      this.year = reference.getUTCFullYear();
      if (Date.UTC(this.year, month, day, h, m, s) > this.referenceMs + 86_400_000) this.year--;
    } else if (month < this.lastMonth - 6) {
      this.year++;
    } else if (month > this.lastMonth + 6) {
      // one late line from before the new year: its own year, the state stays
      return Date.UTC(this.year - 1, month, day, h, m, s);
    }
    this.lastMonth = month;
    return Date.UTC(this.year, month, day, h, m, s);
  }
}

/** Reads auth.log / secure lines (one instance per input). */
export class SyslogSshdReader {
  private readonly years: YearInference;

  constructor(private readonly messages: SshdMessages, referenceMs: number, private readonly sink: SshdSink) {
    this.years = new YearInference(referenceMs);
  }

  line(line: string, lineNo: number): void {
    let time: number;
    let program: string;
    let pid: string | null;
    let message: string;
    const bsd = BSD.exec(line);
    if (bsd) {
      const month = MONTHS[bsd[1]!];
      if (month === undefined) {
        this.sink.malformed(lineNo, `unknown month ${bsd[1]}`, line);
        return;
      }
      time = this.years.timeOf(month, Number(bsd[2]), Number(bsd[3]), Number(bsd[4]), Number(bsd[5]));
      [program, pid, message] = [bsd[7]!, bsd[8] ?? null, bsd[9]!];
    } else {
      const rfc = RFC3339.exec(line);
      const r5424 = rfc ? null : RFC5424.exec(line);
      if (rfc) {
        time = parseIsoTime(rfc[1]!);
        [program, pid, message] = [rfc[3]!, rfc[4] ?? null, rfc[5]!];
      } else if (r5424) {
        time = parseIsoTime(r5424[1]!);
        [program, pid, message] = [r5424[3]!, r5424[4] === '-' ? null : r5424[4]!, r5424[5]!];
      } else {
        this.sink.malformed(lineNo, 'not a syslog line', line);
        return;
      }
      if (Number.isNaN(time)) {
        this.sink.malformed(lineNo, 'bad timestamp', line);
        return;
      }
    }
    if (!this.messages.isSshd(program)) {
      this.sink.skip();
      return;
    }
    this.messages.message(time, pid, message, lineNo);
  }
}

/** Reads `journalctl -o json` records (MESSAGE, __REALTIME_TIMESTAMP in µs). */
export type JournaldField = 'message' | 'timeMicros' | 'identifier' | 'pid';

/** `journalctl -o json` records, from the parsed record or from the NDJSON fast path's fields. */
export class JournaldSshdReader {
  private readonly extract: (record: unknown) => Fields<JournaldField>;

  constructor(content: SprayContent, private readonly messages: SshdMessages, private readonly sink: SshdSink) {
    this.extract = objectExtractor<JournaldField>(content.file.fields.journald);
  }

  /** The fields of a parsed record, as the fast path reads them (for its self-check). */
  fieldsOf(record: unknown): Fields<JournaldField> {
    return this.extract(record);
  }

  record(record: unknown, lineNo: number): void {
    this.fields(this.extract(record), lineNo);
  }

  fields(fields: Fields<JournaldField>, lineNo: number): void {
    if (!this.messages.isSshd(text(fields.identifier))) {
      this.sink.skip();
      return;
    }
    const micros = Number(text(fields.timeMicros));
    if (!Number.isFinite(micros) || micros <= 0) {
      this.sink.malformed(lineNo, 'no valid __REALTIME_TIMESTAMP');
      return;
    }
    let message = fields.message;
    // journald writes a message that is not valid UTF-8 as an array of bytes
    if (Array.isArray(message)) message = Buffer.from(message.filter((b): b is number => typeof b === 'number')).toString('utf8');
    const pid = text(fields.pid);
    this.messages.message(Math.floor(micros / 1000), pid === '' ? null : pid, text(message), lineNo);
  }
}

/** The NDJSON fast path for journald records: their four fields without JSON.parse. */
export function journaldFast(content: SprayContent, arena: WasmArena | null = null): FastExtractor<JournaldField> {
  // all four required: `_PID` is too short for the fast path's key search, so a record without
  // SYSLOG_PID goes to JSON.parse rather than lose its pid (which pairs sshd's messages)
  return fastExtractor<JournaldField>(content.file.fields.journald, { required: ['message', 'timeMicros', 'identifier', 'pid'], arena });
}
