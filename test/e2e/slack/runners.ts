import type { ScanJob, ScanProgressInfo, ScanRunner } from '../../../src/commands/scan-coordinator';
import type { ScanResult } from '../../../src/scanner/report-types';

/**
 * Scan runners for Slack tests that are about the chat side (limits, fallbacks, access): they
 * never touch a network and answer with a given result. Real scans run in the lab (slack-lab.test.ts).
 */

export interface RecordingRunner extends ScanRunner {
  readonly jobs: ScanJob[];
}

/** Answers every job at once with `result` (its targets replaced by the job's). */
export function fixedRunner(result: ScanResult): RecordingRunner {
  const jobs: ScanJob[] = [];
  return {
    jobs,
    async run(job) {
      jobs.push(job);
      return { ...result, targets: job.targets };
    },
  };
}

/**
 * Reports progress once per `tick()` and answers when `release()` is called: lets a test look at
 * the chat while a "scan" is still running.
 */
export interface GatedRunner extends RecordingRunner {
  /** resolves once a job has started */
  started: Promise<void>;
  tick(hostsFound: number): void;
  release(result: ScanResult): void;
}

export function gatedRunner(): GatedRunner {
  const jobs: ScanJob[] = [];
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  let report: ((progress: ScanProgressInfo) => void) | null = null;
  let finish: ((result: ScanResult) => void) | null = null;
  const done = new Promise<ScanResult>((resolve) => {
    finish = resolve;
  });
  return {
    jobs,
    started,
    run(job, hooks) {
      jobs.push(job);
      report = hooks.onProgress;
      markStarted();
      // Stopped (shutdown) before release: hand back an empty partial result, like a real scan.
      const stopped = new Promise<ScanResult>((resolve) => {
        hooks.signal.addEventListener('abort', () => resolve({ targets: job.targets, startedAt: new Date().toISOString(), durationMs: 0, hosts: [], findings: [], advice: [], partial: true }));
      });
      return Promise.race([done, stopped]).then((result) => ({ ...result, targets: job.targets }));
    },
    tick(hostsFound) {
      report?.({ phase: 'discovery', addressesTotal: 254, hostsFound, hostsInspected: 0 });
    },
    release(result) {
      finish?.(result);
    },
  };
}
