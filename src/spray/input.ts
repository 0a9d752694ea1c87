import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { WasmArena } from './readers/arena';

/**
 * Opening one log file as a stream of byte chunks: gzip is recognised by its magic bytes (not
 * the file name), and the first bytes are read ahead so the format can be sniffed without
 * reading the file twice.
 */

export const CHUNK_BYTES = 1 << 20;
const HEAD_BYTES = 64 * 1024;

export interface OpenedInput {
  gzip: boolean;
  /** the first decompressed bytes (up to 64 KiB), for format detection */
  head: Buffer;
  /**
   * every decompressed chunk, the head's included. A chunk's bytes are only valid until the next
   * chunk is requested (buffers are reused): copy what must outlive it.
   */
  chunks: AsyncIterable<Buffer>;
  /** the file's modification time (ms): the reference for syslog year inference */
  mtimeMs: number;
  /** the memory the chunks are read into (plain files; gzip output is not) */
  arena: WasmArena | null;
  close(): void;
}

async function isGzip(path: string): Promise<{ gzip: boolean; mtimeMs: number }> {
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error('not a regular file');
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return { gzip: bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b, mtimeMs: stat.mtimeMs };
  } finally {
    await handle.close();
  }
}

/**
 * Plain files are read with FileHandle.read: measured faster than a ReadStream, whose per-chunk
 * machinery showed up in profiles of the NDJSON fast path. After the first chunk (kept for the
 * head) two buffers take turns, so a multi-GB file does not churn through external memory (which
 * makes V8 run full garbage collections): a chunk is valid until the next one is requested. The
 * three buffers lie in a WasmArena when there is one, where the JSON locator reads them in place.
 */
async function* fileChunks(path: string, closed: { value: boolean }, buffers: Buffer[]): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  const [first, ...ring] = buffers as [Buffer, Buffer, Buffer];
  let turn = 0;
  let position = 0;
  const readInto = async (buffer: Buffer): Promise<Buffer> => {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
    position += bytesRead;
    return bytesRead === CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead);
  };
  // the next chunk is read while the consumer works on this one
  let pending: Promise<Buffer> | null = readInto(first);
  try {
    while (pending) {
      const chunk: Buffer = await pending;
      if (chunk.length === 0 || closed.value) return;
      pending = chunk.length < CHUNK_BYTES ? null : readInto(ring[turn++ % ring.length]!);
      yield chunk;
    }
  } finally {
    if (pending) await pending.catch(() => undefined);
    await handle.close();
  }
}

export async function openInput(path: string): Promise<OpenedInput> {
  const { gzip, mtimeMs } = await isGzip(path);
  const closed = { value: false };
  let iterator: AsyncIterator<Buffer>;
  let destroy: () => void;
  let arena: WasmArena | null = null;
  if (gzip) {
    const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
    const stream = file.pipe(createGunzip({ chunkSize: 64 * 1024 }));
    file.on('error', (error) => stream.destroy(error));
    iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    destroy = () => {
      stream.destroy();
      file.destroy();
    };
  } else {
    arena = WasmArena.tryCreate(3, CHUNK_BYTES);
    const buffers = arena?.readBuffers ?? Array.from({ length: 3 }, () => Buffer.allocUnsafe(CHUNK_BYTES));
    const generator = fileChunks(path, closed, buffers);
    iterator = generator;
    destroy = () => {
      closed.value = true;
      void generator.return(undefined);
    };
  }

  const headChunks: Buffer[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    headChunks.push(next.value);
    headLength += next.value.length;
  }
  const head = Buffer.concat(headChunks, headLength).subarray(0, HEAD_BYTES);

  async function* all(): AsyncGenerator<Buffer> {
    yield* headChunks;
    headChunks.length = 0;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return {
    gzip,
    head,
    chunks: all(),
    mtimeMs,
    arena,
    close: destroy,
  };
}

/** The head as text: UTF-8 BOM dropped. */
export function headText(head: Buffer): string {
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  return head.toString('utf8', start);
}
