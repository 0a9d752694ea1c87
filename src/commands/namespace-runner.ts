import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { z } from 'zod';
import { endInput } from '../child-input';
import { PROJECT_ROOT } from '../paths';
import type { ScanResult } from '../scanner/report-types';
import type { ScanJob, ScanProgressInfo, ScanRunner } from './scan-coordinator';

/**
 * Runs each scan in a child process inside a named network namespace (`SCAN_NETNS`): for hosts
 * whose LAN interface lives in a namespace, and for the test suite, whose labs are namespaces the
 * Jest process itself cannot enter. The child re-checks the targets against its own SCAN_ALLOW.
 */

const progressSchema = z.object({ phase: z.string(), addressesTotal: z.number(), hostsFound: z.number(), hostsInspected: z.number() });
const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), progress: progressSchema }),
  z.object({ type: z.literal('result'), result: z.custom<ScanResult>((value) => typeof value === 'object' && value !== null && 'hosts' in value) }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

export interface NamespaceRunnerOptions {
  namespace: string;
  /** environment for the worker (SCAN_ALLOW etc.); defaults to this process's */
  env?: NodeJS.ProcessEnv;
  /** how long a stopped worker may take to hand back its partial result */
  graceMs?: number;
}

export const WORKER_SCRIPT = path.join(PROJECT_ROOT, 'dist', 'src', 'scanner', 'worker.js');

export class NamespaceScanRunner implements ScanRunner {
  constructor(private readonly options: NamespaceRunnerOptions) {}

  run(job: ScanJob, hooks: { signal: AbortSignal; onProgress: (progress: ScanProgressInfo) => void }): Promise<ScanResult> {
    const child = spawn('ip', ['netns', 'exec', this.options.namespace, process.execPath, WORKER_SCRIPT], {
      env: this.options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    // a worker that never starts (the namespace is gone) is reported by its exit, below
    endInput(child.stdin, JSON.stringify(job));

    return new Promise<ScanResult>((resolve, reject) => {
      let settled = false;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        hooks.signal.removeEventListener('abort', onAbort);
        action();
      };
      const onAbort = (): void => {
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), this.options.graceMs ?? 5000).unref();
      };
      hooks.signal.addEventListener('abort', onAbort);

      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        let message: z.infer<typeof messageSchema>;
        try {
          message = messageSchema.parse(JSON.parse(line));
        } catch {
          return; // not ours (a library printing to stdout): ignore rather than fail the scan
        }
        if (message.type === 'progress') hooks.onProgress(message.progress);
        else if (message.type === 'result') settle(() => resolve(message.result));
        else settle(() => reject(new Error(`scan worker in ${this.options.namespace}: ${message.message}`)));
      });
      child.on('error', (error) => settle(() => reject(error)));
      child.on('close', (code, signal) => {
        settle(() => reject(new Error(`scan worker in ${this.options.namespace} ended (${signal ?? `exit ${code}`}) without a result: ${stderr.trim()}`)));
      });
    });
  }
}
