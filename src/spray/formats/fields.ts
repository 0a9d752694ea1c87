import type { CsvRow } from '../readers/csv';
import type { Chunk } from '../readers/lines';
import { normaliseWord } from '../content';
import type { AuthEvent } from '../types';
import type { WasmArena } from '../readers/arena';
import { JsonLocator, type LocatorField } from './json-locator';

/**
 * Field access shared by the record shapes: dotted paths into parsed JSON, tolerant CSV header
 * matching, and the NDJSON fast path that pulls only the needed fields out of the raw line.
 */

/** A record mapped to an event; a string is why it is malformed; null = not a sign-in record. */
export type MapOutcome = AuthEvent | string | null;

export type Fields<F extends string> = Record<F, unknown>;

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** First present value among dotted paths ('' = the record itself). */
export function compileGetter(paths: string[]): (record: unknown) => unknown {
  const split = paths.map((p) => (p === '' ? [] : p.split('.')));
  return (record) => {
    for (const parts of split) {
      let value: unknown = record;
      for (const part of parts) {
        if (value === null || typeof value !== 'object') {
          value = undefined;
          break;
        }
        value = (value as Record<string, unknown>)[part];
      }
      if (present(value)) return value;
    }
    return undefined;
  };
}

/** Reads every field of a record by its path list. */
export function objectExtractor<F extends string>(paths: Record<F, string[]>): (record: unknown) => Fields<F> {
  const getters = (Object.keys(paths) as F[]).map((name) => [name, compileGetter(paths[name])] as const);
  return (record) => {
    const fields = {} as Fields<F>;
    for (const [name, get] of getters) fields[name] = get(record);
    return fields;
  };
}

/** Header names compare as lower-case letters and digits only: "IP address" = "ipaddress". */
export const normaliseHeader = normaliseWord;

/** Column index of each field (first alias present in the header), -1 when absent. */
export function mapHeader<F extends string>(header: string[], aliases: Record<F, string[]>): Record<F, number> {
  const position = new Map<string, number>();
  header.forEach((name, index) => {
    const key = normaliseHeader(name);
    if (!position.has(key)) position.set(key, index);
  });
  const result = {} as Record<F, number>;
  for (const field of Object.keys(aliases) as F[]) {
    result[field] = -1;
    for (const alias of aliases[field]) {
      const index = position.get(normaliseHeader(alias));
      if (index !== undefined) {
        result[field] = index;
        break;
      }
    }
  }
  return result;
}

export function rowExtractor<F extends string>(columns: Record<F, number>): (row: CsvRow) => Fields<F> {
  const entries = (Object.keys(columns) as F[]).map((name) => [name, columns[name]] as const);
  return (row) => {
    const fields = {} as Fields<F>;
    for (const [name, index] of entries) fields[name] = index >= 0 ? row.get(index) : undefined;
    return fields;
  };
}

// ---------------------------------------------------------------------------------------------
// NDJSON fast path

const MIN_FAST_KEY = 5;
const WS = new Uint8Array(256); // latin1 text: every char code is < 256, no out-of-bounds reads
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;

/** Why the fast path gave up on a line: the line then goes through JSON.parse. */
const GIVE_UP = Symbol('give up');

/**
 * The primitive value after a key. `doubled`: the JSON sits inside a CSV field, every quote written
 * twice ("" for "): strings open and close with "".
 */
function primitiveAt(line: string, bytes: Buffer, base: number, keyEnd: number, doubled: boolean, plain: boolean): unknown {
  const end = line.length;
  let i = keyEnd;
  let c = line.charCodeAt(i);
  if (c !== 58) {
    while (i < end && WS[line.charCodeAt(i)] === 1) i++;
    if (line.charCodeAt(i) !== 58) return GIVE_UP; // ':'
  }
  i++;
  c = line.charCodeAt(i);
  if (WS[c] === 1) {
    while (i < end && WS[line.charCodeAt(i)] === 1) i++;
    c = line.charCodeAt(i);
  }
  if (c === 34) {
    if (doubled) {
      if (line.charCodeAt(i + 1) !== 34) return GIVE_UP;
      i++;
    }
    if (plain) {
      // ASCII line without a backslash: the closing quote ends the value, nothing to decode
      const close = line.indexOf('"', i + 1);
      if (close < 0 || (doubled && line.charCodeAt(close + 1) !== 34)) return GIVE_UP;
      return line.slice(i + 1, close);
    }
    // one pass to the closing quote, watching for escapes and non-ASCII bytes
    let high = false;
    let close = i + 1;
    for (; close < end; close++) {
      const d = line.charCodeAt(close);
      if (d === 34) break;
      if (d === 92) return GIVE_UP; // an escape: let JSON.parse decode it
      if (d > 127) high = true;
    }
    if (close >= end || (doubled && line.charCodeAt(close + 1) !== 34)) return GIVE_UP;
    if (high) return bytes.toString('utf8', base + i + 1, base + close);
    return line.slice(i + 1, close);
  }
  if ((c >= 48 && c <= 57) || c === 45) {
    // integers (result codes, epoch times) without a detour through a string
    let n = 0;
    let j = c === 45 ? i + 1 : i;
    let integer = j < end;
    for (; j < end; j++) {
      const d = line.charCodeAt(j);
      if (d >= 48 && d <= 57) {
        n = n * 10 + (d - 48);
      } else {
        integer = d !== 46 && d !== 101 && d !== 69;
        break;
      }
    }
    if (integer && j > i && n <= Number.MAX_SAFE_INTEGER) return c === 45 ? -n : n;
    for (; j < end; j++) {
      const d = line.charCodeAt(j);
      if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
    }
    const parsed = Number(line.slice(i, j));
    return Number.isNaN(parsed) ? GIVE_UP : parsed;
  }
  if (c === 110 && line.startsWith('null', i)) return null;
  if (c === 116 && line.startsWith('true', i)) return true;
  if (c === 102 && line.startsWith('false', i)) return false;
  return GIVE_UP; // an object or array: not a field the fast path reads
}

export interface FastExtractor<F extends string> {
  /** the fields of one line, or null when the line needs a full parse */
  extract(chunk: Chunk, start: number, end: number): Fields<F> | null;
}

export interface FastPlanOptions<F extends string> {
  /** without these the line goes to JSON.parse */
  required: F[];
  /** the JSON is the text of a CSV field with its quotes still doubled */
  doubledQuotes?: boolean;
  /** fields read only when another field is absent (e.g. a status word only without a code) */
  onlyWithout?: Partial<Record<F, F>>;
  /** the memory the input is read into, for the WebAssembly locator */
  arena?: WasmArena | null;
  /**
   * timestamp fields: when the locator has read one as an ISO 8601 time, the field is its epoch
   * ms (a number parseTime takes as it is) instead of the text, which then is never made
   */
  times?: F[];
}

/**
 * Finds each field by the last segment of its paths (`"userPrincipalName":`); its spellings are
 * tried in path order and the first with a value other than null or "" wins, as with the parsed
 * object. Only primitive values without escapes are read; anything else (and a line that is not
 * a `{…}` object) falls back to JSON.parse. Keys shorter than five characters are too ambiguous to
 * search for. The caller checks the fast result against a full parse on sample lines, so a shape
 * where a leaf key also occurs nested elsewhere is caught and the fast path switched off.
 *
 * Plain lines (ASCII values without escapes) are searched by the WebAssembly locator; the
 * JavaScript search below takes the rest (non-ASCII values) and quoted-CSV JSON.
 */
interface PlannedField<F extends string> {
  name: F;
  /** index in the locator's field list */
  index: number;
  /** a timestamp (FastPlanOptions.times) */
  time: boolean;
  keys: string[];
  needles: string[];
  required: boolean;
  onlyWithout: F | undefined;
  /** where the field was found on the last line (for the search order) */
  seenAt: number;
}

export function fastExtractor<F extends string>(paths: Record<F, string[]>, options: FastPlanOptions<F>): FastExtractor<F> {
  const names = Object.keys(paths) as F[];
  const doubled = options.doubledQuotes === true;
  let plan: Array<PlannedField<F>> = names.map((name, index) => {
    const keys = [...new Set(paths[name].map((p) => p.split('.').pop() ?? '').filter((leaf) => leaf.length >= MIN_FAST_KEY))];
    return {
      name,
      index,
      keys,
      // without the opening quote: V8 searches much faster for a needle that starts with a rarer
      // character than '"'; the quote before it is checked after a hit
      needles: keys.map((leaf) => (doubled ? `${leaf}""` : `${leaf}"`)),
      required: options.required.includes(name),
      onlyWithout: options.onlyWithout?.[name],
      time: options.times?.includes(name) === true,
      seenAt: 0,
    };
  });
  const locatorFields: LocatorField[] = plan.map((field) => {
    const unless = field.onlyWithout === undefined ? -1 : names.indexOf(field.onlyWithout);
    return unless < 0 ? { keys: field.keys } : { keys: field.keys, unless };
  });
  const locator = doubled ? null : JsonLocator.create(locatorFields, options.arena);
  const dependentsLast = (list: Array<PlannedField<F>>): Array<PlannedField<F>> =>
    [...list].sort((a, b) => (a.onlyWithout ? 1 : 0) - (b.onlyWithout ? 1 : 0) || a.seenAt - b.seenAt);
  plan = dependentsLast(plan);
  // one object reused for every line: the caller consumes it before the next extract
  const fields = {} as Fields<F>;
  for (const field of plan) fields[field.name] = undefined;

  /** First occurrence of needle at or after `from` that is a key (preceded by a quote), else -1. */
  const find = (line: string, needle: string, from: number): number => {
    let at = line.indexOf(needle, from);
    while (at > 0 && (line.charCodeAt(at - 1) !== 34 || (doubled && line.charCodeAt(at - 2) !== 34))) at = line.indexOf(needle, at + 1);
    return at;
  };

  // fields without a key the search can use stay undefined; the locator's answer skips them
  const searchable = plan.filter((field) => field.keys.length > 0);

  /** The fields as the locator found them; null when a required one is missing. */
  const located = (found: JsonLocator): Fields<F> | null => {
    for (const field of searchable) {
      if (field.time) {
        const time = found.time(field.index);
        if (!Number.isNaN(time)) {
          fields[field.name] = time;
          continue;
        }
      }
      const value = found.value(field.index);
      if (value === undefined && field.required) return null;
      fields[field.name] = value;
    }
    return fields;
  };

  return {
    extract(chunk, start, end) {
      if (locator?.locate(chunk, start, end)) return located(locator);
      const full = chunk.text;
      if (full.charCodeAt(start) !== 123) return null;
      let last = end - 1;
      while (last > start && WS[full.charCodeAt(last)] === 1) last--;
      if (full.charCodeAt(last) !== 125) return null;
      // a slice bounds every search to this line (a miss would otherwise scan the whole chunk)
      const line = full.slice(start, end);
      const plain = chunk.ascii === true && line.indexOf('\\') < 0;
      // Fields are searched in the order the previous line had them, each from where the previous
      // one was found: records of one export share their key order, so the line is scanned about
      // once instead of once per field. A miss retries from the start, so order never loses a key.
      let from = 1;
      let ordered = true;
      for (const field of plan) {
        let value: unknown = undefined;
        if (field.onlyWithout === undefined || fields[field.onlyWithout] === undefined) {
          for (const needle of field.needles) {
            let at = find(line, needle, from);
            if (at < 0 && from > 1) at = find(line, needle, 1);
            if (at < 0) continue;
            const found = primitiveAt(line, chunk.bytes, start, at + needle.length, doubled, plain);
            if (found === GIVE_UP) return null;
            if (found !== null && found !== '') {
              value = found;
              if (at < from) ordered = false;
              else from = at + needle.length;
              field.seenAt = at;
              break;
            }
          }
        }
        if (value === undefined && field.required) return null;
        fields[field.name] = value;
      }
      if (!ordered) plan = dependentsLast(plan);
      return fields;
    },
  };
}

/** Two events are the same (for the fast path's self-check). */
export function sameEvent(a: MapOutcome, b: MapOutcome): boolean {
  if (a === null || b === null || typeof a === 'string' || typeof b === 'string') return a === b || (typeof a === 'string' && typeof b === 'string');
  return a.time === b.time && a.account === b.account && a.ip === b.ip && a.result === b.result && a.app === b.app
    && a.code === b.code && (a.workstation ?? null) === (b.workstation ?? null) && a.lockoutNotice === b.lockoutNotice;
}

/** A field value as text ('' when absent); numbers as JSON writes them. */
export function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}
