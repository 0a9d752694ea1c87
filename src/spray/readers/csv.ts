import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';

/**
 * CSV rows, streamed through csv-parse. A broken row (an unclosed quote, say) is skipped and
 * reported; it does not stop the file.
 */

/** Called once with the header; returns the row handler, or a reason to give up on the file. */
export type HeaderHandler = (header: string[]) => RowHandler | string;
export type RowHandler = (row: string[], lineNo: number) => void;

export interface CsvOptions {
  delimiter: string;
  signal?: AbortSignal;
  onBadRow: (lineNo: number, reason: string, raw: string | undefined) => void;
}

export type CsvOutcome = { kind: 'complete' } | { kind: 'cancelled' } | { kind: 'rejected'; reason: string };

/** The delimiter of a header line: the most frequent of , ; tab outside quotes. */
export function guessDelimiter(headerLine: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = ',';
  for (const [delimiter, n] of counts) if (n > (counts.get(best) ?? 0)) best = delimiter;
  return best;
}

export async function forEachCsvRow(chunks: AsyncIterable<Buffer>, onHeader: HeaderHandler, options: CsvOptions): Promise<CsvOutcome> {
  const parser = parse({
    delimiter: options.delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: 16 * 1024 * 1024,
  });
  parser.on('skip', (error: CsvError) => {
    options.onBadRow(parser.info.lines, error.message, undefined);
  });
  // csv-parse may keep a view of a chunk past the next read, and the reader reuses its buffers
  async function* copies(): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) yield Buffer.from(chunk);
  }
  const source = Readable.from(copies(), { objectMode: false });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let onRow: RowHandler | null = null;
  try {
    for await (const row of parser as AsyncIterable<string[]>) {
      if (options.signal?.aborted) return { kind: 'cancelled' };
      if (!onRow) {
        const handler = onHeader(row);
        if (typeof handler === 'string') return { kind: 'rejected', reason: handler };
        onRow = handler;
        continue;
      }
      onRow(row, parser.info.lines);
    }
  } finally {
    source.destroy();
    parser.destroy();
  }
  return { kind: 'complete' };
}
