import { isAscii } from 'node:buffer';

/**
 * A fast line splitter over byte chunks. Each chunk is decoded once as latin1, so a string
 * index is also a byte index: handlers search the string (V8's fast indexOf) and decode only the
 * few bytes they need as UTF-8. Newlines are found with Buffer#indexOf (memchr speed).
 */

export interface Chunk {
  /** the bytes decoded as latin1 (one char per byte) */
  readonly text: string;
  readonly bytes: Buffer;
  /** true when every byte is < 0x80 (then latin1 text is the UTF-8 text): lets parsers skip checks */
  readonly ascii?: boolean;
  /** the bytes are whole lines, each ending with \n (a window of forEachLine) */
  readonly lines?: boolean;
}

/**
 * A chunk whose text is decoded when first asked for: the WebAssembly NDJSON path reads the bytes
 * and decodes only the values it keeps, so most windows are never decoded whole.
 */
export class BytesChunk implements Chunk {
  private decoded: string | null = null;
  private asciiChecked: boolean | null = null;

  constructor(readonly bytes: Buffer, readonly lines = false) {}

  get text(): string {
    this.decoded ??= this.bytes.toString('latin1');
    return this.decoded;
  }

  get ascii(): boolean {
    // isAscii is native (SIMD): checking a window costs far less than checking each value
    this.asciiChecked ??= isAscii(this.bytes);
    return this.asciiChecked;
  }
}

/** A line is chunk.text[start, end), without its line break. */
export type LineHandler = (chunk: Chunk, start: number, end: number, lineNo: number) => void;

export interface LineOptions {
  signal?: AbortSignal;
  /** a line longer than this is reported and skipped, so one bad file cannot exhaust memory */
  maxLineBytes?: number;
  onOversized?: (lineNo: number) => void;
  /** hand over empty lines too (CSV: a blank line inside a quoted field is data) */
  keepEmpty?: boolean;
}

/** Text of a line as UTF-8 (the latin1 text is only right for ASCII). */
export function utf8Of(chunk: Chunk, start: number, end: number): string {
  return chunk.bytes.toString('utf8', start, end);
}

/** True when text[start, end) has a byte ≥ 0x80, i.e. needs a UTF-8 decode. */
export function hasHighBytes(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) > 127) return true;
  return false;
}

const DEFAULT_MAX_LINE = 64 * 1024 * 1024;

/**
 * Text is decoded per window of about 64 KiB (cut at a newline): V8 keeps strings under 128 KiB in
 * the young generation, so they die cheaply; 1 MiB strings would go to large-object space and
 * keep the full garbage collector busy.
 */
const WINDOW = 64 * 1024;

/**
 * Calls onLine for every line; resolves false when cancelled by the signal. A line cut by a chunk
 * boundary is joined on its own (the chunks themselves are never copied).
 */
export async function forEachLine(chunks: AsyncIterable<Buffer>, onLine: LineHandler, options: LineOptions = {}): Promise<boolean> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  const minLength = options.keepEmpty ? 0 : 1;
  let carry: Buffer[] = [];
  let carryLength = 0;
  let lineNo = 0;
  let skippingOversized = false;
  let bomChecked = false;
  /** where the first line starts: after a UTF-8 byte-order mark, if any */
  const skipBom = (bytes: Buffer): number => {
    bomChecked = true;
    return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  };

  /** every complete line of bytes[0, lastNl] (which ends with a newline) */
  const lines = (bytes: Buffer): void => {
    const chunk = new BytesChunk(bytes, true);
    let start = bomChecked ? 0 : skipBom(bytes);
    for (;;) {
      const nl = bytes.indexOf(10, start);
      if (nl < 0) return;
      lineNo++;
      const end = nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl;
      if (end - start >= minLength) onLine(chunk, start, end, lineNo);
      start = nl + 1;
    }
  };

  for await (const piece of chunks) {
    if (options.signal?.aborted) return false;
    const bytes: Buffer = piece;
    const length = bytes.length;
    let pos = 0;
    if (skippingOversized || carryLength > 0) {
      const nl = bytes.indexOf(10);
      if (nl < 0) {
        if (!skippingOversized) {
          carry.push(Buffer.from(bytes));
          carryLength += length;
          if (carryLength > maxLine) {
            lineNo++;
            options.onOversized?.(lineNo);
            skippingOversized = true;
            carry = [];
            carryLength = 0;
          }
        }
        continue;
      }
      if (skippingOversized) skippingOversized = false;
      else lines(Buffer.concat([...carry, bytes.subarray(0, nl + 1)])); // the line that straddles the boundary
      carry = [];
      carryLength = 0;
      pos = nl + 1;
    }
    while (pos < length) {
      const windowEnd = Math.min(pos + WINDOW, length);
      let lastNl = bytes.lastIndexOf(10, windowEnd - 1);
      if (lastNl < pos) {
        lastNl = bytes.indexOf(10, windowEnd); // one line longer than the window
        if (lastNl < 0) break;
      }
      lines(bytes.subarray(pos, lastNl + 1));
      pos = lastNl + 1;
    }
    if (pos < length) {
      if (length - pos > maxLine) {
        lineNo++;
        options.onOversized?.(lineNo);
        skippingOversized = true;
      } else {
        // a copy: the chunk's buffer is reused for the next read
        carry.push(Buffer.from(bytes.subarray(pos)));
        carryLength += length - pos;
      }
    }
  }
  if (carryLength > 0) {
    const rest = Buffer.concat(carry);
    lineNo++;
    const start = bomChecked ? 0 : skipBom(rest);
    const end = rest[rest.length - 1] === 13 ? rest.length - 1 : rest.length;
    if (end > start) onLine(new BytesChunk(rest), start, end, lineNo);
  }
  return true;
}
