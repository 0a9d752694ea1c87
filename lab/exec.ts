import { spawn } from 'node:child_process';
import { endInput } from '../src/child-input';

export interface CommandResult {
  /** null when the process was killed by a signal (e.g. the timeout) */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** wall time from spawn to exit, ms */
  elapsedMs: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** kill the process after this long (default 60 s) */
  timeoutMs?: number;
  input?: string;
}

/** Runs a command inside a network namespace (`ip netns exec`) and captures its output. */
export function runInNamespace(netns: string, command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('ip', ['netns', 'exec', netns, command, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Number(process.hrtime.bigint() - started) / 1e6 });
    });
    endInput(child.stdin, options.input ?? '', reject);
  });
}
