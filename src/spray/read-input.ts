import { FAMILY_BIT } from './aggregate';
import type { SprayContent } from './content';
import { entraBuilder, entraFast, entraObjectMapper, type EntraField } from './formats/entra';
import { mapHeader, rowExtractor, sameEvent, text, type FastExtractor, type Fields, type MapOutcome } from './formats/fields';
import { genericColumns, genericRowMapper } from './formats/generic';
import { m365CsvMapper, m365ObjectMapper } from './formats/m365';
import { JournaldSshdReader, journaldFast, SshdMessages, SyslogSshdReader, type JournaldField, type SshdSink } from './formats/sshd';
import { windowsBuilder, windowsFast, windowsObjectMapper } from './formats/windows';
import { headText, openInput, type OpenedInput } from './input';
import { MalformedLog } from './malformed';
import type { WasmArena } from './readers/arena';
import { forEachCsvRow, guessDelimiter, type CsvRow, type RowHandler } from './readers/csv';
import { forEachJsonElement } from './readers/json-doc';
import { BytesChunk, forEachLine, hasHighBytes, utf8Of, type Chunk } from './readers/lines';
import { familyOfRecord, sniffContainer, type Container, type FormatChoice } from './sniff';
import type { AuthEvent, ColumnMap, InputSummary, LogFamily } from './types';

/**
 * Reading one input end to end: open (gzip by magic bytes), tell the format, stream its records
 * through the right mapper into the aggregator. Nothing here throws for bad data: a bad record
 * is counted and sampled, an unreadable file gets an `error` in its summary.
 */

/** Where events go (the Aggregator; tests collect them). */
export interface EventSink {
  add(event: AuthEvent, familyBit: number): void;
}

export interface ReadOptions {
  content: SprayContent;
  agg: EventSink;
  format: FormatChoice;
  columnMap?: ColumnMap;
  sinceMs: number;
  /** reference time for syslog year inference; default the file's modification time */
  nowMs?: number;
  signal?: AbortSignal;
}

export interface ReadResult {
  summary: InputSummary;
  cancelled: boolean;
}

/** Stops reading one input (no known shape): becomes the input's `error`. */
class StopInput extends Error {}

/** How many unrecognisable records before the input is given up as not a sign-in log. */
const MAX_UNDETECTED = 100;
/** The fast path is checked against a full parse on the first lines and every Nth after. */
const FAST_CHECK_FIRST = 64;
const FAST_CHECK_EVERY = 1024;

/** Whether the fast path's nth use is checked against the full parse. */
function checkedUse(n: number): boolean {
  return n <= FAST_CHECK_FIRST || n % FAST_CHECK_EVERY === 0;
}

class InputRun implements SshdSink {
  readonly malformedLog: MalformedLog;
  family: LogFamily | null = null;
  familyBit = 0;
  constructor(readonly summary: InputSummary, private readonly options: ReadOptions) {
    const report = options.content.file.report;
    this.malformedLog = new MalformedLog(report.malformedSamples, report.malformedSampleChars);
  }

  setFamily(family: LogFamily): void {
    this.family = family;
    this.familyBit = FAMILY_BIT[family];
  }

  event(event: AuthEvent): void {
    if (event.time < this.options.sinceMs) {
      this.summary.skipped++;
      return;
    }
    this.summary.events++;
    this.options.agg.add(event, this.familyBit);
  }

  skip(): void {
    this.summary.skipped++;
  }

  malformed(lineNo: number, reason: string, text?: string): void {
    this.malformedLog.add(lineNo, reason, text);
  }

  take(outcome: MapOutcome, lineNo: number, text: () => string): void {
    if (outcome === null) this.summary.skipped++;
    else if (typeof outcome === 'string') this.malformedLog.add(lineNo, outcome, text());
    else this.event(outcome);
  }

  /** take() for a CSV row, without allocating a closure per row */
  takeRow(outcome: MapOutcome, lineNo: number, row: CsvRow): void {
    if (outcome === null) this.summary.skipped++;
    else if (typeof outcome === 'string') this.malformedLog.add(lineNo, outcome, row.text());
    else this.event(outcome);
  }

  /** take() for a line of a chunk, without allocating a closure per line */
  takeLine(outcome: MapOutcome, lineNo: number, chunk: Chunk, start: number, end: number): void {
    if (outcome === null) this.summary.skipped++;
    else if (typeof outcome === 'string') this.malformedLog.add(lineNo, outcome, utf8Of(chunk, start, end));
    else this.event(outcome);
  }
}

/** Parsed JSON records → events, for whichever family the first records show. */
class RecordRouter {
  private mapper: ((record: unknown) => MapOutcome) | null = null;
  journald: JournaldSshdReader | null = null;
  journaldFast: FastExtractor<JournaldField> | null = null;
  messages: SshdMessages | null = null;
  fast: FastExtractor<string> | null = null;
  build: ((fields: Fields<string>) => MapOutcome) | null = null;
  private undetected = 0;

  constructor(private readonly run: InputRun, private readonly content: SprayContent, forced: LogFamily | undefined, private readonly arena: WasmArena | null) {
    if (forced === 'generic') throw new StopInput('the generic format is a CSV with a column map, but this input is JSON');
    if (forced) this.use(forced === 'sshd' ? 'journald' : forced);
  }

  get family(): LogFamily | null {
    return this.run.family;
  }

  private use(kind: LogFamily | 'journald'): void {
    const content = this.content;
    switch (kind) {
      case 'journald':
        this.run.setFamily('sshd');
        this.messages = new SshdMessages(content, this.run);
        this.journald = new JournaldSshdReader(content, this.messages, this.run);
        this.journaldFast = journaldFast(content, this.arena);
        return;
      case 'entra':
        this.run.setFamily('entra');
        this.mapper = entraObjectMapper(content);
        this.fast = entraFast(content, this.arena) as FastExtractor<string>;
        this.build = entraBuilder(content) as (fields: Fields<string>) => MapOutcome;
        return;
      case 'windows':
        this.run.setFamily('windows');
        this.mapper = windowsObjectMapper(content);
        this.fast = windowsFast(content, this.arena) as FastExtractor<string>;
        this.build = windowsBuilder(content) as (fields: Fields<string>) => MapOutcome;
        return;
      case 'm365':
        this.run.setFamily('m365');
        this.mapper = m365ObjectMapper(content);
        return;
      default:
        throw new StopInput(`${kind} logs are not JSON records`);
    }
  }

  /** Full parse path: the mapped outcome, or undefined when journald handled it itself. */
  map(record: unknown, lineNo: number): MapOutcome | undefined {
    if (!this.mapper && !this.journald) {
      const kind = familyOfRecord(record);
      if (kind === null) {
        this.undetected++;
        if (this.undetected >= MAX_UNDETECTED) {
          const keys = record && typeof record === 'object' ? Object.keys(record).slice(0, 12).join(', ') : typeof record;
          throw new StopInput(`no known sign-in log shape in the first ${MAX_UNDETECTED} records (first keys: ${keys}); use --format`);
        }
        return 'not a sign-in record of a known shape';
      }
      this.use(kind);
    }
    if (this.journald) {
      this.journald.record(record, lineNo);
      return undefined;
    }
    return this.mapper!(record);
  }

  finish(): void {
    this.messages?.flush();
  }
}

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** A one-line Graph page ({"value": [...]}) inside NDJSON: its records. */
function pageRecords(record: unknown): unknown[] | null {
  if (!record || typeof record !== 'object' || Array.isArray(record)) return null;
  const object = record as Record<string, unknown>;
  for (const key of ['value', 'records']) {
    const list = object[key];
    if (Array.isArray(list) && familyOfRecord(record) === null) return list;
  }
  return null;
}

const NO_FAST = Symbol('no fast path');

/**
 * The fast path for one input: fields straight from the record's text, no JSON.parse. It is
 * checked against the full parse on the first records and every Nth after; on a disagreement it
 * switches itself off for the rest of the input (and the disagreeing record takes the full result).
 */
class FastPath {
  private enabled = true;
  private uses = 0;

  constructor(private readonly router: RecordRouter, private readonly summary: InputSummary) {}

  run(
    chunk: Chunk, start: number, end: number, lineNo: number,
    full: (chunk: Chunk, start: number, end: number, lineNo: number) => MapOutcome | undefined,
  ): MapOutcome | undefined | typeof NO_FAST {
    const fast = this.router.fast;
    if (!this.enabled || !fast) return NO_FAST;
    const fields = fast.extract(chunk, start, end);
    if (!fields) return NO_FAST;
    const outcome = this.router.build!(fields);
    this.uses++;
    if (checkedUse(this.uses)) {
      const checked = full(chunk, start, end, lineNo);
      if (checked !== undefined && !sameEvent(outcome, checked)) {
        // the shape has a needed key somewhere else too (or another quirk): trust JSON.parse from here on
        this.enabled = false;
        this.summary.fastPath = false;
        return checked;
      }
    }
    return outcome;
  }

  finish(): void {
    if (this.router.fast && this.summary.fastPath === undefined) this.summary.fastPath = true;
  }
}

/**
 * The fast path for journald records, which sshd's message reader consumes as they come (it
 * pairs messages), so it is checked on fields rather than events: on the first records and every
 * Nth, the fields from the text must be those of the parsed record, or it switches itself off.
 */
class JournaldFastPath {
  private enabled = true;
  private uses = 0;

  constructor(private readonly router: RecordRouter, private readonly summary: InputSummary) {}

  /** true when the record was handled */
  run(chunk: Chunk, start: number, end: number, lineNo: number): boolean {
    const fast = this.router.journaldFast;
    const reader = this.router.journald;
    if (!this.enabled || !fast || !reader) return false;
    const fields = fast.extract(chunk, start, end);
    if (!fields) return false;
    this.uses++;
    if (checkedUse(this.uses)) {
      const parsed = parseJson(utf8Of(chunk, start, end));
      const expected = 'value' in parsed ? reader.fieldsOf(parsed.value) : null;
      const same = expected !== null && (Object.keys(expected) as JournaldField[]).every((name) => text(fields[name]) === text(expected[name]));
      if (!same) {
        this.enabled = false;
        this.summary.fastPath = false;
        return false;
      }
    }
    reader.fields(fields, lineNo);
    return true;
  }

  finish(): void {
    if (this.router.journaldFast && this.summary.fastPath === undefined) this.summary.fastPath = true;
  }
}

async function readNdjson(input: OpenedInput, run: InputRun, options: ReadOptions): Promise<boolean> {
  const router = new RecordRouter(run, options.content, options.format.family, input.arena);
  const fastPath = new FastPath(router, run.summary);
  const handleParsed = (record: unknown, lineNo: number, text: () => string): MapOutcome | undefined => {
    const page = pageRecords(record);
    if (page) {
      for (const item of page) {
        const outcome = router.map(item, lineNo);
        if (outcome !== undefined) run.take(outcome, lineNo, text);
      }
      return undefined;
    }
    return router.map(record, lineNo);
  };
  const full = (chunk: Chunk, start: number, end: number, lineNo: number): MapOutcome | undefined => {
    const text = utf8Of(chunk, start, end);
    const parsed = parseJson(text);
    if ('error' in parsed) return `not valid JSON (${parsed.error})`;
    return handleParsed(parsed.value, lineNo, () => text);
  };
  const journaldPath = new JournaldFastPath(router, run.summary);
  const completed = await forEachLine(input.chunks, (chunk, start, end, lineNo) => {
    if (router.journald && journaldPath.run(chunk, start, end, lineNo)) return;
    let outcome = fastPath.run(chunk, start, end, lineNo, full);
    if (outcome === NO_FAST) outcome = full(chunk, start, end, lineNo);
    if (outcome !== undefined) run.takeLine(outcome, lineNo, chunk, start, end);
  }, {
    signal: options.signal,
    onOversized: (lineNo) => run.malformed(lineNo, 'line longer than 64 MiB; skipped'),
  });
  router.finish();
  fastPath.finish();
  journaldPath.finish();
  return completed;
}

async function readJsonDocument(input: OpenedInput, run: InputRun, options: ReadOptions): Promise<boolean> {
  const router = new RecordRouter(run, options.content, options.format.family, input.arena);
  const fastPath = new FastPath(router, run.summary);
  const full = (chunk: Chunk, start: number, end: number, index: number): MapOutcome | undefined => {
    const parsed = parseJson(utf8Of(chunk, start, end));
    if ('error' in parsed) return `record is not valid JSON (${parsed.error})`;
    return router.map(parsed.value, index);
  };
  const outcome = await forEachJsonElement(input.chunks, (chunk, start, end, index) => {
    // the record on its own, as latin1 text (index = byte index) for the fast path
    const bytes = chunk.bytes.subarray(start, end);
    const record = new BytesChunk(bytes);
    let mapped = fastPath.run(record, 0, bytes.length, index, full);
    if (mapped === NO_FAST) mapped = full(record, 0, bytes.length, index);
    if (mapped !== undefined) run.takeLine(mapped, index, record, 0, bytes.length);
  }, { signal: options.signal });
  router.finish();
  fastPath.finish();
  if (outcome.kind === 'broken') {
    run.malformed(0, `JSON structure broken at byte ${outcome.offset} (${outcome.reason}); the rest of the file was skipped`);
  }
  return outcome.kind !== 'cancelled';
}

type EntraCsvField = EntraField;

function csvHandler(header: string[], run: InputRun, options: ReadOptions): RowHandler | string {
  const { content, format, columnMap } = options;
  const forced = format.family;
  const wantGeneric = forced === 'generic' || (forced === undefined && columnMap !== undefined);
  if (wantGeneric) {
    if (!columnMap) return 'the generic CSV format needs a column map ({ time, account, result, ip?, app? })';
    const columns = genericColumns(header, columnMap);
    if (typeof columns === 'string') return columns;
    run.setFamily('generic');
    const map = genericRowMapper(content, columns);
    return (row, lineNo) => run.takeRow(map(row), lineNo, row);
  }
  const m365Columns = mapHeader(header, content.file.fields.m365.csv);
  if (forced === 'm365' || (forced === undefined && m365Columns.auditData >= 0)) {
    if (m365Columns.auditData < 0) return `no AuditData column in the header (${header.slice(0, 20).join(', ')})`;
    run.setFamily('m365');
    const map = m365CsvMapper(content, m365Columns);
    return (row, lineNo) => run.takeRow(map(row), lineNo, row);
  }
  const entraColumns = mapHeader<EntraCsvField>(header, content.file.fields.entra.csv);
  const entraLike = entraColumns.time >= 0 && entraColumns.account >= 0 && (entraColumns.code >= 0 || entraColumns.status >= 0);
  if (forced === 'entra' || (forced === undefined && entraLike)) {
    if (!entraLike) return `the header lacks the sign-in time, user name or result columns (${header.slice(0, 20).join(', ')})`;
    run.setFamily('entra');
    const extract = rowExtractor(entraColumns);
    const build = entraBuilder(content);
    return (row, lineNo) => run.takeRow(build(extract(row)), lineNo, row);
  }
  if (forced) return `${forced} logs are not read from CSV`;
  return `CSV header not recognised (${header.slice(0, 12).join(', ')}${header.length > 12 ? ', …' : ''}); `
    + 'give a column map for a generic CSV';
}

async function readCsv(input: OpenedInput, run: InputRun, options: ReadOptions): Promise<boolean> {
  const firstLine = headText(input.head).split('\n', 1)[0] ?? '';
  const outcome = await forEachCsvRow(input.chunks, (header) => csvHandler(header, run, options), {
    delimiter: guessDelimiter(firstLine),
    signal: options.signal,
    onBadRow: (lineNo, reason) => run.malformed(lineNo, `bad CSV row (${reason})`),
  });
  if (outcome.kind === 'rejected') throw new StopInput(outcome.reason);
  return outcome.kind !== 'cancelled';
}

async function readSyslog(input: OpenedInput, run: InputRun, options: ReadOptions): Promise<boolean> {
  if (options.format.family && options.format.family !== 'sshd') throw new StopInput(`${options.format.family} logs are not syslog lines`);
  run.setFamily('sshd');
  const messages = new SshdMessages(options.content, run);
  const reader = new SyslogSshdReader(messages, options.nowMs ?? input.mtimeMs, run);
  const completed = await forEachLine(input.chunks, (chunk, start, end, lineNo) => {
    const line = hasHighBytes(chunk.text, start, end) ? utf8Of(chunk, start, end) : chunk.text.slice(start, end);
    reader.line(line, lineNo);
  }, {
    signal: options.signal,
    onOversized: (lineNo) => run.malformed(lineNo, 'line longer than 64 MiB; skipped'),
  });
  messages.flush();
  return completed;
}

function containerLabel(family: LogFamily | null, container: Container): string {
  if (family === 'sshd' && container === 'ndjson') return 'journald';
  return container;
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message;
}

export async function readInput(path: string, options: ReadOptions): Promise<ReadResult> {
  const summary: InputSummary = { path, format: 'unknown', gzip: false, events: 0, skipped: 0, malformed: 0, samples: [] };
  const run = new InputRun(summary, options);
  let input: OpenedInput;
  try {
    input = await openInput(path);
  } catch (error) {
    summary.error = describeOpenError(error);
    return { summary, cancelled: false };
  }
  summary.gzip = input.gzip;
  let cancelled = false;
  let container: Container | undefined = options.format.container;
  try {
    if (container === undefined) {
      const sniffed = sniffContainer(headText(input.head));
      if (typeof sniffed !== 'string') throw new StopInput(sniffed.error);
      container = sniffed;
    }
    const read = container === 'ndjson' ? readNdjson : container === 'json' ? readJsonDocument : container === 'csv' ? readCsv : readSyslog;
    cancelled = !(await read(input, run, options));
  } catch (error) {
    if (error instanceof StopInput) summary.error = error.message;
    else summary.error = `read failed: ${(error as Error).message}`;
  } finally {
    input.close();
  }
  summary.format = container ? `${run.family ?? 'unknown'}/${containerLabel(run.family, container)}` : 'unknown';
  summary.malformed = run.malformedLog.count;
  summary.samples = run.malformedLog.samples;
  return { summary, cancelled };
}
