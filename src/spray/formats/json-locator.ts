import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../paths';
import { WasmArena, WORK_BYTES } from '../readers/arena';
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
  prepare(): number;
  locate(start: number, end: number): number;
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

/**
 * One instance per input. It works in the input's WasmArena, so it searches the bytes where the
 * file was read into; without one (gzip, tests) it has an arena of its own and copies chunks in.
 * Fields are named by their index in the list given to create().
 */
export class JsonLocator {
  private readonly exports: LocatorExports;
  private readonly arena: WasmArena;
  private readonly ints: Int32Array;
  private readonly doubles: Float64Array;
  private readonly results: number;
  private readonly resultBytes: number;
  /** the chunk (read elsewhere) whose bytes are in the scratch area */
  private copied: Chunk | null = null;
  /** the chunk of the last locate() and where its bytes are in memory */
  private chunk: Chunk | null = null;
  private base = 0;

  /** null when the keys do not fit the module's tables (too many, too short or long, not ASCII). */
  static create(fields: LocatorField[], arena?: WasmArena | null): JsonLocator | null {
    const locator = new JsonLocator(arena ?? new WasmArena(0, OWN_SCRATCH_BYTES));
    return locator.load(fields) ? locator : null;
  }

  private constructor(arena: WasmArena) {
    this.arena = arena;
    this.exports = new WebAssembly.Instance(wasmModule(), { env: { memory: arena.memory } }).exports as unknown as LocatorExports;
    if (this.exports.workBytes() > WORK_BYTES) throw new Error('json-fields.wasm needs more memory than the arena gives it');
    this.ints = new Int32Array(arena.memory.buffer);
    this.doubles = new Float64Array(arena.memory.buffer);
    this.results = this.exports.resultsAt();
    this.resultBytes = this.exports.resultBytes();
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

  /** Finds the fields in chunk.bytes[start, end); false: unsure, use the JavaScript extractor. */
  locate(chunk: Chunk, start: number, end: number): boolean {
    const bytes = chunk.bytes;
    let base: number;
    if (this.arena.holds(bytes)) {
      base = bytes.byteOffset;
    } else {
      const scratch = this.arena.scratch;
      if (chunk !== this.copied) {
        if (bytes.length > scratch.length) return false;
        scratch.set(bytes);
        this.copied = chunk;
      }
      base = scratch.byteOffset;
    }
    this.chunk = chunk;
    this.base = base;
    return this.exports.locate(base + start, base + end) !== 0;
  }

  /**
   * A string field's value read as an ISO 8601 time (epoch ms, as parseIsoTime reads it), or NaN
   * when it is none or outside 1973-2286, where a number of ms could be mistaken for seconds.
   */
  time(field: number): number {
    const slot = (this.results + field * this.resultBytes) >> 2;
    return this.ints[slot] === Kind.String ? this.doubles[(slot >> 1) + 2]! : NaN;
  }

  /** A field's value after a locate() that found the line: string, number, boolean or undefined. */
  value(field: number): string | number | boolean | undefined {
    const slot = (this.results + field * this.resultBytes) >> 2;
    switch (this.ints[slot] as Kind) {
      case Kind.String:
        // a slice of the chunk's text, which is decoded once for all its lines: decoding each
        // line's values on their own costs a call into Node per line, more than the whole chunk
        return this.chunk!.text.slice(this.ints[slot + 1]! - this.base, this.ints[slot + 2]! - this.base);
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
