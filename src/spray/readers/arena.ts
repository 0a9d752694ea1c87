/**
 * Memory shared by the file reader and the WebAssembly JSON locator (src/spray/formats/
 * json-locator.ts): files are read straight into a WebAssembly.Memory, so the locator searches
 * the bytes where they landed instead of copying a gigabyte into its own memory first.
 *
 * Layout, fixed (the memory never grows, so views on it stay valid):
 *   [work: the locator's tables, results and line records][scratch][read buffer 0][read buffer 1]…
 * Each area is followed by SLACK bytes: the locator reads 16 bytes at a time and may look a
 * little past a line's end, never past an area's slack.
 */

const PAGE = 65536;

const warned = new Set<string>();

/** A process warning, once per message: degraded speed is worth one line, not one per file. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, { code: 'ROUTER_AUDIT_WASM' });
}
/** the locator's tables, results and line records (see json-locator.ts) */
export const WORK_BYTES = 4 * PAGE;
const SLACK = 4096;

export class WasmArena {
  readonly memory: WebAssembly.Memory;
  /** memory.buffer, kept: the getter is slow enough to show in profiles, and it never changes */
  private readonly buffer: ArrayBuffer;
  /** the whole memory */
  readonly bytes: Buffer;
  /** where the locator copies bytes that were read elsewhere (gzip output, joined lines) */
  readonly scratch: Buffer;
  /** where file reads land */
  readonly readBuffers: Buffer[];

  /** An arena with `reads` read buffers of `bufferBytes` each, and a scratch area as large. */
  constructor(reads: number, bufferBytes: number) {
    const area = bufferBytes + SLACK;
    const pages = Math.ceil((WORK_BYTES + area * (reads + 1)) / PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.buffer = this.memory.buffer;
    this.bytes = Buffer.from(this.buffer);
    this.scratch = this.bytes.subarray(WORK_BYTES, WORK_BYTES + bufferBytes);
    this.readBuffers = [];
    for (let i = 1; i <= reads; i++) this.readBuffers.push(this.bytes.subarray(WORK_BYTES + area * i, WORK_BYTES + area * i + bufferBytes));
  }

  /**
   * An arena, or null when WebAssembly memory cannot be had (a tight `ulimit -v`: V8 reserves
   * address space around each memory). Readers then use plain buffers and the JavaScript
   * extractor; a warning says so once.
   */
  static tryCreate(reads: number, bufferBytes: number): WasmArena | null {
    try {
      return new WasmArena(reads, bufferBytes);
    } catch (error) {
      warnOnce(`router-audit: WebAssembly memory unavailable (${(error as Error).message}); log files are read without the WebAssembly locator, more slowly`);
      return null;
    }
  }

  /** True when the buffer's bytes lie in this arena. */
  holds(bytes: Uint8Array): boolean {
    return bytes.buffer === this.buffer;
  }
}
