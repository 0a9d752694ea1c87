import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../paths';
import { WasmArena, WORK_BYTES, warnOnce } from '../readers/arena';
import type { Chunk } from '../readers/lines';

/**
 * The WebAssembly half of the NDJSON fast path (source and method: wasm/json-fields.ts): finds
 * the values of a few keys in one JSON line, 16 bytes at a time. String#indexOf pays a fixed cost
 * per call and restarts its search machinery for every key; on full Graph sign-in records that
 * was most of the reading time. It answers only for plain values (ASCII strings without escapes,
 * integers, true, false); for anything else it is "unsure" and the JavaScript extractor takes
 * the line.
 */

export const WASM_PATH = path.join(PROJECT_ROOT, 'wasm', 'json-fields.wasm');

interface LocatorExports {
  keysAt(): number;
  keysBytes(): number;
  maxFields(): number;
  resultsAt(): number;
  resultBytes(): number;
  workBytes(): number;
  lineHeaderBytes(): number;
  valuesEnd(): number;
  prepare(): number;
  locate(start: number, end: number): number;
  locateLines(start: number, end: number, out: number, outEnd: number, values: number, valuesEnd: number): number;
}

const enum Kind {
  Absent = 0,
  String = 1,
  Number = 2,
  True = 3,
  False = 4,
}

/** One field for the locator: its key spellings in path order, without quotes. */
export interface LocatorField {
  keys: string[];
  /** index (in the same list) of a field whose presence makes this one unneeded */
  unless?: number;
}

let compiled: WebAssembly.Module | null = null;

function wasmModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(WASM_PATH));
  return compiled;
}

/** A locator without an input's arena copies chunks of up to this size into its own. */
const OWN_SCRATCH_BYTES = 1 << 20;

/** Keys the table takes: one length byte holds the key and its closing quote. */
const MIN_KEY = 1;
const MAX_KEY = 254;

// The work area's layout beyond the module's own tables (arena.ts reserves WORK_BYTES for it).
const LINES_AT = 64 * 1024;
const VALUES_AT = 192 * 1024;
const VALUES_END = WORK_BYTES;

/**
 * One instance per input. It works in the input's WasmArena, so it searches the bytes where the
 * file was read into; without one (gzip, tests) it has an arena of its own and copies chunks in.
 * For a chunk of whole lines (a window of forEachLine) it locates every line in one call and
 * keeps their records, with the string values copied side by side, so a window's text is never
 * decoded: only its values are, in one piece. Fields are named by their index in the list given
 * to create().
 */
export class JsonLocator {
  private readonly exports: LocatorExports;
  private readonly arena: WasmArena;
  private readonly ints: Int32Array;
  private readonly doubles: Float64Array;
  private readonly resultBytes: number;
  private readonly lineBytes: number;
  private readonly lineHeader: number;
  /** the chunk (read elsewhere) whose bytes are in the scratch area */
  private copied: Chunk | null = null;
  /** byte offset of the current line's first result slot */
  private current = 0;
  /** the text string positions refer to, and what to subtract from them first */
  private text: string | null = null;
  private textChunk: Chunk | null = null;
  private textBase = 0;
  // the line records of the chunk located whole: where they are, how many, the next one
  private linesChunk: Chunk | null = null;
  private lineCount = 0;
  private nextLine = 0;
  private linesBase = 0;
  private linesValues: string | null = null;

  /**
   * null when the keys do not fit the module's tables (too many, too short or long, not ASCII),
   * or when the module cannot run here (its file missing, no WebAssembly memory: warned once);
   * the JavaScript extractor then reads every line.
   */
  static create(fields: LocatorField[], arena?: WasmArena | null): JsonLocator | null {
    let locator: JsonLocator;
    try {
      const own = arena ?? WasmArena.tryCreate(0, OWN_SCRATCH_BYTES);
      if (!own) return null;
      locator = new JsonLocator(own, fields.length);
    } catch (error) {
      warnOnce(`router-audit: ${WASM_PATH} cannot run (${(error as Error).message}); log files are read without it, more slowly`);
      return null;
    }
    return locator.load(fields) ? locator : null;
  }

  private constructor(arena: WasmArena, fieldCount: number) {
    this.arena = arena;
    this.exports = new WebAssembly.Instance(wasmModule(), { env: { memory: arena.memory } }).exports as unknown as LocatorExports;
    if (this.exports.workBytes() > LINES_AT) throw new Error('json-fields.wasm needs more memory than the arena gives it');
    this.ints = new Int32Array(arena.memory.buffer);
    this.doubles = new Float64Array(arena.memory.buffer);
    this.resultBytes = this.exports.resultBytes();
    this.lineHeader = this.exports.lineHeaderBytes();
    this.lineBytes = this.lineHeader + fieldCount * this.resultBytes;
  }

  /** Writes the key table and lets the module index it. */
  private load(fields: LocatorField[]): boolean {
    const exports = this.exports;
    if (fields.length > exports.maxFields()) return false;
    const usable = (key: string): boolean => key.length >= MIN_KEY && key.length <= MAX_KEY && /^[\x20-\x7e]+$/.test(key);
    if (!fields.every((field) => field.keys.every(usable))) return false;
    const size = 1 + fields.reduce((sum, field) => sum + 2 + field.keys.reduce((n, key) => n + 2 + key.length, 0), 0);
    if (size > exports.keysBytes()) return false;
    const bytes = this.arena.bytes;
    let p = exports.keysAt();
    bytes[p++] = fields.length;
    for (const field of fields) {
      bytes[p++] = field.unless === undefined ? 0 : field.unless + 1;
      bytes[p++] = field.keys.length;
      for (const key of field.keys) {
        bytes[p++] = key.length + 1;
        p += bytes.write(key, p, 'latin1');
        bytes[p++] = 34; // the closing quote
      }
    }
    return exports.prepare() !== 0;
  }

  /** Where the chunk's bytes are in memory (copied into the scratch area when read elsewhere); -1: too big. */
  private baseOf(chunk: Chunk): number {
    const bytes = chunk.bytes;
    if (this.arena.holds(bytes)) return bytes.byteOffset;
    const scratch = this.arena.scratch;
    if (chunk !== this.copied) {
      if (bytes.length > scratch.length) return -1;
      scratch.set(bytes);
      this.copied = chunk;
    }
    return scratch.byteOffset;
  }

  /** Finds the fields in chunk.bytes[start, end); false: unsure, use the JavaScript extractor. */
  locate(chunk: Chunk, start: number, end: number): boolean {
    if (chunk.lines === true) {
      const found = this.fromLines(chunk, start, end);
      if (found !== undefined) return found;
    }
    const base = this.baseOf(chunk);
    if (base < 0) return false;
    this.current = this.exports.resultsAt();
    this.text = null;
    this.textChunk = chunk;
    this.textBase = base;
    return this.exports.locate(base + start, base + end) !== 0;
  }

  /**
   * The line's record from the chunk's line records, locating the chunk's lines from `start` on
   * first when needed; undefined when this line has none (the caller locates it alone).
   */
  private fromLines(chunk: Chunk, start: number, end: number): boolean | undefined {
    const ints = this.ints;
    if (chunk !== this.linesChunk || this.nextLine >= this.lineCount) {
      if (chunk === this.linesChunk && this.lineCount === 0) return undefined; // its lines did not fit
      const base = this.baseOf(chunk);
      if (base < 0) return undefined;
      this.linesChunk = chunk;
      this.lineCount = this.exports.locateLines(base + start, base + chunk.bytes.length, LINES_AT, VALUES_AT, VALUES_AT, VALUES_END);
      this.nextLine = 0;
      this.linesValues = null;
      this.linesBase = base;
    }
    const base = this.linesBase;
    let record = (LINES_AT + this.nextLine * this.lineBytes) >> 2;
    while (this.nextLine < this.lineCount && ints[record]! < base + start) {
      this.nextLine++;
      record += this.lineBytes >> 2;
    }
    if (this.nextLine >= this.lineCount || ints[record] !== base + start || ints[record + 1] !== base + end) return undefined;
    this.nextLine++;
    this.current = (record << 2) + this.lineHeader;
    this.linesValues ??= this.arena.bytes.toString('latin1', VALUES_AT, this.exports.valuesEnd());
    this.text = this.linesValues;
    return ints[record + 2] !== 0;
  }

  /**
   * A string field's value read as an ISO 8601 time (epoch ms, as parseIsoTime reads it), or NaN
   * when it is none or outside 1973-2286, where a number of ms could be mistaken for seconds.
   */
  time(field: number): number {
    const slot = (this.current + field * this.resultBytes) >> 2;
    return this.ints[slot] === Kind.String ? this.doubles[(slot >> 1) + 2]! : NaN;
  }

  /** A field's value after a locate() that found the line: string, number, boolean or undefined. */
  value(field: number): string | number | boolean | undefined {
    const slot = (this.current + field * this.resultBytes) >> 2;
    switch (this.ints[slot] as Kind) {
      case Kind.String:
        // a located chunk's values were decoded side by side; a single line's are slices of its
        // chunk's text (decoded once for all its lines): a decode per value would cost more
        if (this.text !== null) return this.text.slice(this.ints[slot + 1]!, this.ints[slot + 2]!);
        return this.textChunk!.text.slice(this.ints[slot + 1]! - this.textBase, this.ints[slot + 2]! - this.textBase);
      case Kind.Number:
        return this.doubles[(slot >> 1) + 2];
      case Kind.True:
        return true;
      case Kind.False:
        return false;
      default:
        return undefined;
    }
  }
}
