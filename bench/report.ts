import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';

/** Summary statistics of repeated timings (ms). */
export interface Stats {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const middle = Math.floor(n / 2);
  const median = n === 0 ? NaN : n % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { runs: n, medianMs: median, minMs: sorted[0] ?? NaN, maxMs: sorted[n - 1] ?? NaN };
}

/** `--runs N` (default `defaultRuns`) and `--no-write`: the options the lab benchmarks share. */
export function runsOptions(args: readonly string[], defaultRuns: number): { runs: number; write: boolean } {
  let runs = defaultRuns;
  let write = true;
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else if (args[i] === '--no-write') write = false;
    else throw new Error(`unknown option ${args[i]} (use --runs N, --no-write)`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive whole number');
  return { runs, write };
}

/** The p-th percentile (0–100) of samples, nearest rank: a value that was actually measured. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const BENCHMARKS_FILE = path.join(PROJECT_ROOT, 'BENCHMARKS.md');

/**
 * Replaces one "## <title>" section of BENCHMARKS.md (up to the next "## " heading), or appends
 * it; every benchmark owns its own section and leaves the others alone.
 */
export function writeSection(title: string, body: string, file = BENCHMARKS_FILE): void {
  const heading = `## ${title}`;
  const section = `${heading}\n\n${body.trim()}\n`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nRun with `npm run bench -- <name>` (as root: the benchmarks build lab networks in namespaces).\n';
  const lines = current.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start === -1) {
    writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  let end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  if (end === -1) end = lines.length;
  const before = lines.slice(0, start).join('\n').trimEnd();
  const after = lines.slice(end).join('\n').trim();
  writeFileSync(file, `${before}\n\n${section}${after ? `\n${after}\n` : ''}`);
}
