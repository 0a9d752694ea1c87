import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Aggregator } from './aggregate';
import { loadSprayContent } from './content';
import { detect } from './detect';
import { readInput } from './read-input';
import { buildSprayReport } from './report';
import { parseFormatOption, SprayUsageError, type FormatChoice } from './sniff';
import type { ColumnMap, InputSummary, SprayReport } from './types';

/** The engine's entry point: log files in, a SprayReport out. */

export interface AnalyseOptions {
  /** --format: a family, a container or both ("entra", "ndjson", "entra/csv", "journald"); default: detected per file */
  format?: string;
  /** events before this are skipped */
  since?: Date;
  /** columns of a generic CSV */
  columnMap?: ColumnMap;
  /** cancels the run; the report then has partial: true */
  signal?: AbortSignal;
  /** reference time for syslog lines without a year (default: each file's modification time) */
  now?: Date;
  /** content directory (tests); default the project's content/ */
  contentDir?: string;
  /** receives one line per input that could not be read fully (pino-compatible) */
  logger?: { warn(details: object, message: string): void };
}

function validateColumnMap(map: ColumnMap | undefined): void {
  if (map === undefined) return;
  const missing = (['time', 'account', 'result'] as const).filter((field) => typeof map[field] !== 'string' || map[field].trim() === '');
  if (missing.length > 0) throw new SprayUsageError(`the column map needs ${missing.join(', ')} (column names of the CSV header)`);
}

/** Files named on the command line; a directory stands for the regular files in it (not recursive). */
async function expandPaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    let isDirectory = false;
    try {
      isDirectory = (await stat(p)).isDirectory();
    } catch {
      // a missing path is reported by its input summary
    }
    if (!isDirectory) {
      files.push(p);
      continue;
    }
    const entries = await readdir(p, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isFile() && !entry.name.startsWith('.')) files.push(path.join(p, entry.name));
    }
  }
  return files;
}

/**
 * Reads every file (streamed, gzip or not, format detected per file unless `format` is given),
 * runs the detectors over all of them together and returns the report. Bad data never throws:
 * it is counted per input. Throws SprayUsageError only for an unusable `format` or `columnMap`.
 */
export async function analyseSprayLogs(paths: string[], options: AnalyseOptions = {}): Promise<SprayReport> {
  const format: FormatChoice = options.format ? parseFormatOption(options.format) : {};
  validateColumnMap(options.columnMap);
  const content = loadSprayContent(options.contentDir);
  const agg = new Aggregator(content);
  const sinceMs = options.since ? options.since.getTime() : -Infinity;
  if (Number.isNaN(sinceMs)) throw new SprayUsageError('since is not a valid date');
  const inputs: InputSummary[] = [];
  let partial = false;
  for (const file of await expandPaths(paths)) {
    if (options.signal?.aborted) {
      partial = true;
      break;
    }
    const { summary, cancelled } = await readInput(file, {
      content,
      agg,
      format,
      columnMap: options.columnMap,
      sinceMs,
      nowMs: options.now?.getTime(),
      signal: options.signal,
    });
    inputs.push(summary);
    if (summary.error || summary.malformed > 0) {
      options.logger?.warn({ path: file, format: summary.format, error: summary.error, malformed: summary.malformed }, 'spray log input had problems');
    }
    if (cancelled) {
      partial = true;
      break;
    }
  }
  const drafts = detect(agg, content);
  return buildSprayReport(inputs, agg, drafts, content, partial);
}
