import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createLab, type Lab } from '../../lab/builder';
import { runInNamespace, type CommandResult, type RunOptions } from '../../lab/exec';
import { listNamespaces } from '../../lab/netns';
import type { LabTopology } from '../../lab/topology';

/**
 * Jest helpers for tests that run inside a lab (network namespaces). They need root and iproute2;
 * without them the suite is skipped and the reason printed (the only skip the project allows).
 */

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/** Compiled code that tests run inside namespaces (jest's globalSetup builds it). */
export const DIST = path.join(PROJECT_ROOT, 'dist');

function whyNoLab(): string | null {
  if (process.platform !== 'linux') return `lab tests need Linux network namespaces (this is ${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'lab tests need root to create network namespaces (run `sudo npm test`; CI runs as root)';
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `lab tests need iproute2 (\`ip netns\`): ${probe.error?.message ?? probe.stderr.trim()}`;
  return null;
}

/** null when lab tests can run here, otherwise why not. */
export const labSkipReason: string | null = whyNoLab();

/** A describe block that runs only where a lab can be built; elsewhere it is skipped, saying why. */
export function describeLab(name: string, fn: () => void): void {
  if (labSkipReason === null) {
    describe(name, fn);
    return;
  }
  process.stderr.write(`\n[lab] skipping "${name}": ${labSkipReason}\n`);
  describe.skip(`${name} (skipped: ${labSkipReason})`, fn);
}

/**
 * A namespace prefix unique to this test file and this process, e.g. "t3fa91k2x-"; `tag` (a few
 * letters) tells apart several labs of one file.
 */
export function labPrefixFor(testFile: string, tag = ''): string {
  const fileHash = createHash('sha1').update(path.relative(PROJECT_ROOT, testFile)).digest('hex').slice(0, 4);
  return `t${fileHash}${process.pid.toString(36)}${tag}-`;
}

export interface LabHandle {
  /** the running lab (available inside tests, after beforeAll) */
  readonly lab: Lab;
}

/**
 * Builds the topology once for the surrounding describe block (beforeAll) and always tears it
 * down (afterAll), then checks that no namespace of it is left. Call inside describeLab.
 */
export function withLab(topology: LabTopology, testFile: string): LabHandle {
  const prefix = labPrefixFor(testFile);
  let current: Lab | undefined;
  beforeAll(async () => {
    current = await createLab(topology, { prefix });
  }, 120_000);
  afterAll(async () => {
    await current?.destroy();
    const left = (await listNamespaces()).filter((name) => name.startsWith(prefix));
    expect(left).toEqual([]);
  }, 60_000);
  return {
    get lab(): Lab {
      if (!current) throw new Error('the lab is not up (beforeAll failed or has not run)');
      return current;
    },
  };
}

/** Runs a command in the lab's scanner namespace. */
export function runInScanner(lab: Lab, command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> {
  return runInNamespace(lab.scannerNamespace, command, args, { cwd: PROJECT_ROOT, ...options });
}

/**
 * Runs a compiled script of this project (path relative to dist/, e.g. "lab/drivers/scan.js")
 * with Node in the scanner namespace, passing `input` as one JSON argument, and parses the JSON
 * it prints. Fails with the script's stderr when it exits non-zero or prints no JSON.
 */
export async function runDriverInScanner<T>(lab: Lab, script: string, input: unknown, options?: RunOptions): Promise<T> {
  const result = await runInScanner(lab, process.execPath, [path.join(DIST, script), JSON.stringify(input)], options);
  if (result.code !== 0) throw new Error(`${script} exited with ${result.code ?? result.signal}: ${result.stderr.trim()}`);
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`${script} printed no JSON: ${result.stdout.slice(0, 500)} ${result.stderr.slice(0, 500)}`);
  }
}

/** Every address of a /24 except network and broadcast, e.g. hostsOf24('10.77.0') → .1 … .254. */
export function addressesOf24(base: string): string[] {
  return Array.from({ length: 254 }, (_, i) => `${base}.${i + 1}`);
}
