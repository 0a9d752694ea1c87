import type { Chunk } from './lines';

/**
 * Streams the records of JSON documents without holding the document: a top-level array
 * (`[ {...}, … ]`, the Log Analytics export), or an object whose `value` or `records` member is the
 * array (Graph pages, Azure Monitor storage export), and several such documents one after the
 * other (concatenated pages). Each record is cut out as bytes and handed over whole.
 *
 * Why not stream-json: measured on a Graph-shaped file it assembled ~16 k records/s (~18 MB/s);
 * cutting records by brace depth and parsing each with JSON.parse is an order of magnitude faster,
 * and a record is always small enough to hold.
 */

/** Receives record number `index` (1-based) as chunk.bytes[start, end). */
export type ElementHandler = (chunk: Chunk, start: number, end: number, index: number) => void;

export interface JsonDocOptions {
  signal?: AbortSignal;
  /** the member names whose array holds the records */
  arrayKeys?: string[];
  maxElementBytes?: number;
}

export type JsonDocOutcome =
  | { kind: 'complete' }
  | { kind: 'cancelled' }
  | { kind: 'broken'; offset: number; reason: string };

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;

const enum Mode {
  Top,
  /** inside a top-level object, before a key or its closing brace */
  Object,
  /** inside the records array, before an element, a comma or the closing bracket */
  Array,
}

/**
 * End (exclusive) of the JSON value that starts at `i`, or -1 when the bytes run out first.
 * Only structure is checked; JSON.parse validates the record itself.
 */
function valueEnd(bytes: Buffer, i: number, length: number): number {
  const first = bytes[i];
  if (first === 0x22) {
    for (let j = i + 1; j < length; j++) {
      const c = bytes[j];
      if (c === 0x5c) j++;
      else if (c === 0x22) return j + 1;
    }
    return -1;
  }
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    let inString = false;
    for (let j = i; j < length; j++) {
      const c = bytes[j]!;
      if (inString) {
        if (c === 0x5c) j++;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) {
        inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  // number, true, false, null
  for (let j = i; j < length; j++) {
    const c = bytes[j]!;
    if (c === 0x2c || c === 0x5d || c === 0x7d || WS[c]) return j;
  }
  return -1;
}

export async function forEachJsonElement(
  chunks: AsyncIterable<Buffer>,
  onElement: ElementHandler,
  options: JsonDocOptions = {},
): Promise<JsonDocOutcome> {
  const arrayKeys = new Set(options.arrayKeys ?? ['value', 'records']);
  const maxElement = options.maxElementBytes ?? 64 * 1024 * 1024;
  let mode = Mode.Top;
  /** where the records array returns to when it closes */
  let arrayParent = Mode.Top;
  let carry: Buffer | null = null;
  let consumed = 0; // bytes of the file before the current buffer, for error offsets
  let index = 0;
  let first = true;

  // carry + next chunk are joined in one reused buffer (fresh 1 MiB buffers per chunk would churn
  // external memory and trigger full garbage collections)
  let work = Buffer.allocUnsafe(0);
  for await (const piece of chunks) {
    if (options.signal?.aborted) return { kind: 'cancelled' };
    let bytes: Buffer = piece;
    if (carry) {
      const needed = carry.length + piece.length;
      if (work.length < needed) work = Buffer.allocUnsafe(Math.max(needed, work.length * 2));
      carry.copy(work, 0);
      piece.copy(work, carry.length);
      bytes = work.subarray(0, needed);
    }
    carry = null;
    if (first) {
      first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        bytes = bytes.subarray(3);
        consumed += 3;
      }
    }
    const length = bytes.length;
    let chunk: Chunk | null = null;
    let i = 0;
    /** the position to resume from when this buffer runs out mid-token */
    let resume = -1;
    const broken = (reason: string): JsonDocOutcome => ({ kind: 'broken', offset: consumed + i, reason });

    scan: while (i < length) {
      const c = bytes[i]!;
      if (WS[c]) {
        i++;
        continue;
      }
      // set where a record starts at i (an array element, or a record on its own at the top)
      let atRecord = false;
      switch (mode) {
        case Mode.Top:
          if (c === 0x5b) {
            mode = Mode.Array;
            arrayParent = Mode.Top;
            i++;
          } else if (c === 0x7b) {
            // A page ({"@odata.context", "value": [...]}) or a record on its own (pretty-printed
            // records one after the other, as `jq '.value[]'` writes them): the first key tells.
            let j = i + 1;
            while (j < length && WS[bytes[j]!]) j++;
            if (j >= length) {
              resume = i;
              break scan;
            }
            if (bytes[j] === 0x7d) {
              i = j + 1;
              break;
            }
            if (bytes[j] !== 0x22) return broken('expected a member name after {');
            const keyEnd = valueEnd(bytes, j, length);
            if (keyEnd < 0) {
              resume = i;
              break scan;
            }
            const key = bytes.toString('utf8', j + 1, keyEnd - 1);
            if (arrayKeys.has(key) || key.startsWith('@odata')) {
              mode = Mode.Object;
              i++;
              break;
            }
            atRecord = true;
          } else {
            return broken(`expected [ or { but found ${JSON.stringify(String.fromCharCode(c))}`);
          }
          break;
        case Mode.Object: {
          if (c === 0x2c) {
            i++;
            break;
          }
          if (c === 0x7d) {
            mode = Mode.Top;
            i++;
            break;
          }
          if (c !== 0x22) return broken(`expected a member name but found ${JSON.stringify(String.fromCharCode(c))}`);
          const keyEnd = valueEnd(bytes, i, length);
          if (keyEnd < 0) {
            resume = i;
            break scan;
          }
          let j = keyEnd;
          while (j < length && WS[bytes[j]!]) j++;
          if (j >= length) {
            resume = i;
            break scan;
          }
          if (bytes[j] !== 0x3a) return broken('expected : after a member name');
          j++;
          while (j < length && WS[bytes[j]!]) j++;
          if (j >= length) {
            resume = i;
            break scan;
          }
          const key = bytes.toString('utf8', i + 1, keyEnd - 1);
          if (arrayKeys.has(key) && bytes[j] === 0x5b) {
            mode = Mode.Array;
            arrayParent = Mode.Object;
            i = j + 1;
            break;
          }
          const end = valueEnd(bytes, j, length);
          if (end < 0) {
            if (length - i > maxElement) return broken(`member "${key}" is larger than ${maxElement} bytes`);
            resume = i;
            break scan;
          }
          i = end;
          break;
        }
        case Mode.Array: {
          if (c === 0x2c) {
            i++;
            break;
          }
          if (c === 0x5d) {
            mode = arrayParent;
            i++;
            break;
          }
          atRecord = true;
          break;
        }
      }
      if (atRecord) {
        const end = valueEnd(bytes, i, length);
        if (end < 0) {
          if (length - i > maxElement) return broken(`record ${index + 1} is larger than ${maxElement} bytes`);
          resume = i;
          break scan;
        }
        // a stray } in the array is a value of no length: cutting it again and again never moved on
        if (end === i) return broken(`expected a record but found ${JSON.stringify(String.fromCharCode(c))}`);
        index++;
        chunk ??= { text: '', bytes };
        onElement(chunk, i, end, index);
        i = end;
      }
    }
    if (resume >= 0) {
      carry = Buffer.from(bytes.subarray(resume));
      consumed += resume;
    } else {
      consumed += length;
    }
  }
  if (carry && carry.length > 0) {
    return { kind: 'broken', offset: consumed, reason: 'the document ends in the middle of a record' };
  }
  if (mode !== Mode.Top) return { kind: 'broken', offset: consumed, reason: 'the document ends before its closing bracket' };
  return { kind: 'complete' };
}
