import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

/**
 * The bot as users start it (`node dist/src/main.js`, terminal adapter), with stdin kept open
 * through a pipe so it runs until it is stopped. Collects stdout (reports) and the JSON log
 * lines on stderr.
 */

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
export const MAIN = path.join(PROJECT_ROOT, 'dist', 'src', 'main.js');

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const running = new Set<BotProcess>();

export class BotProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly name: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [MAIN], { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => { this.stdout += chunk; });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk; });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** The JSON log lines so far (anything else on stderr is skipped). */
  logs(): LogLine[] {
    return this.stderr.split('\n').flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as LogLine;
        return typeof parsed.msg === 'string' ? [parsed] : [];
      } catch {
        return [];
      }
    });
  }

  /** Waits until `check` holds (polling), or fails with what the process printed. */
  async waitFor(what: string, check: (bot: BotProcess) => boolean, timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this)) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited (${this.child.exitCode}) while waiting for ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${what} within ${timeoutMs} ms\nstdout:\n${this.stdout}\nstderr:\n${this.stderr.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGTERM, as a service manager stops it; resolves with how it ended. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** For afterAll: no bot outlives its test file, whatever failed. */
export async function stopAllBots(): Promise<void> {
  await Promise.all([...running].map((bot) => bot.stop()));
}

/** How many times a text occurs. */
export function count(text: string, needle: string | RegExp): number {
  if (typeof needle === 'string') return text.split(needle).length - 1;
  return [...text.matchAll(new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : `${needle.flags}g`))].length;
}
