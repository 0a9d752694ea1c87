import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSprayContent } from '../../../src/spray/content';
import { readInput, type ReadResult } from '../../../src/spray/read-input';
import { parseFormatOption } from '../../../src/spray/sniff';
import type { AuthEvent, ColumnMap } from '../../../src/spray/types';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'spray');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

const made: string[] = [];

/** A fresh temporary directory, removed after the test file's last test. */
export function tempDir(prefix = 'ra-spray-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface Read extends ReadResult {
  events: AuthEvent[];
}

/** Reads one file through the real reader and collects the normalised events. */
export async function readEvents(file: string, options: { format?: string; columnMap?: ColumnMap; since?: Date; now?: Date } = {}): Promise<Read> {
  const events: AuthEvent[] = [];
  const result = await readInput(file, {
    content: loadSprayContent(),
    agg: { add: (event) => events.push({ ...event }) },
    format: options.format ? parseFormatOption(options.format) : {},
    columnMap: options.columnMap,
    sinceMs: options.since?.getTime() ?? -Infinity,
    nowMs: options.now?.getTime(),
  });
  return { ...result, events };
}

export function utc(text: string): number {
  return Date.parse(text);
}
