import { loadConfig } from '../config/env';
import { loadContent } from '../content/load';
import { runScan } from './scan';
import { planTargets, TargetError } from './targets';

/**
 * A scan in a child process (see src/commands/namespace-runner.ts): reads one job as JSON on stdin,
 * writes NDJSON progress and one result on stdout. The targets are checked again against this
 * process's own SCAN_ALLOW: whoever sent the job cannot widen what may be scanned here.
 * SIGTERM stops the scan and still hands back the partial result.
 */

interface Job {
  targets: string[];
  timeoutMs?: number;
}

function emit(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

async function main(): Promise<void> {
  const job = JSON.parse(await readStdin()) as Job;
  if (!Array.isArray(job.targets) || !job.targets.every((t) => typeof t === 'string')) {
    emit({ type: 'error', message: 'job without a list of targets' });
    return;
  }
  const config = loadConfig();
  const plan = planTargets(job.targets, { allow: config.scan.allow, maxHosts: config.scan.maxHosts });
  const controller = new AbortController();
  process.once('SIGTERM', () => controller.abort());
  const result = await runScan(plan, {
    content: loadContent(),
    signal: controller.signal,
    timeoutMs: job.timeoutMs ?? config.scan.timeoutMs,
    onProgress: (progress) => emit({ type: 'progress', progress }),
  });
  emit({ type: 'result', result });
}

main().catch((error: unknown) => {
  emit({ type: 'error', message: error instanceof TargetError || error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
