import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { percentile, runsOptions, stats, writeSection } from '../../../bench/report';
import { newTempDir } from '../../support/temp-dir';

describe('benchmark report helpers', () => {
  it('percentile is nearest-rank: always a value that was measured', () => {
    const samples = Array.from({ length: 200 }, (_, i) => 200 - i); // 200 … 1, unsorted on purpose
    expect(percentile(samples, 50)).toBe(100);
    expect(percentile(samples, 99)).toBe(198);
    expect(percentile(samples, 100)).toBe(200);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 99)).toBeNaN();
    expect(stats([3, 1, 2]).medianMs).toBe(2);
  });

  it('runsOptions reads --runs and --no-write and refuses anything else', () => {
    expect(runsOptions([], 9)).toEqual({ runs: 9, write: true });
    expect(runsOptions(['--runs', '3', '--no-write'], 9)).toEqual({ runs: 3, write: false });
    expect(() => runsOptions(['--runs', '0'], 9)).toThrow(/positive whole number/);
    expect(() => runsOptions(['--runs', 'many'], 9)).toThrow(/positive whole number/);
    expect(() => runsOptions(['--fast'], 9)).toThrow(/unknown option --fast/);
  });

  it('writeSection replaces its own section and leaves the others as they were', () => {
    const file = path.join(newTempDir('ra-bench-report-'), 'BENCHMARKS.md');
    writeFileSync(file, '# Benchmarks\n\nintro\n\n## Scan\n\nold scan\n\n## Spray\n\nspray text\n');
    writeSection('Scan', 'new scan', file);
    writeSection('Chat', 'chat text', file);
    expect(readFileSync(file, 'utf8')).toBe('# Benchmarks\n\nintro\n\n## Scan\n\nnew scan\n\n## Spray\n\nspray text\n\n## Chat\n\nchat text\n');
  });
});
