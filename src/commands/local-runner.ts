import type { Content } from '../content/load';
import type { ScanResult } from '../scanner/report-types';
import { runScan } from '../scanner/scan';
import type { ScanJob, ScanProgressInfo, ScanRunner } from './scan-coordinator';

/** Runs scans in this process (the default; a queue runner sends them to site agents instead). */
export class LocalScanRunner implements ScanRunner {
  constructor(private readonly content: Content) {}

  run(job: ScanJob, hooks: { signal: AbortSignal; onProgress: (progress: ScanProgressInfo) => void }): Promise<ScanResult> {
    return runScan(
      { targets: job.targets, addresses: job.addresses },
      { content: this.content, signal: hooks.signal, timeoutMs: job.timeoutMs, onProgress: hooks.onProgress },
    );
  }
}
