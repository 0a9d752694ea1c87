import path from 'node:path';
import os from 'node:os';
import type { ChatAdapter } from '../bot/types';
import { trendPng } from '../charts/trend';
import type { AppConfig } from '../config/env';
import type { Logger } from '../log';
import type { Clock } from '../schedule/clock';
import { RetentionJob } from '../schedule/retention';
import { DigestScheduler } from '../schedule/scheduler';
import { openStore } from '../store/open';
import { ScanRecorder } from '../store/recorder';
import type { Store } from '../store/types';
import type { ChartDrawer } from './digest-chart';
import { DigestJob } from './digest-job';
import type { HistoryServices } from './digest-services';
import type { ScanCoordinator } from './scan-coordinator';
import type { SitesService } from '../sites/types';

/**
 * History and digests for a long-running bot, wired in three steps because the pieces need each
 * other: open the store (its recorder goes into the ScanCoordinator), bind to the coordinator
 * (the digest job scans through it), start with the adapters (digests are posted through them).
 * A DATA_DIR that cannot be used leaves everything else running; the commands say why.
 */

export interface HistoryRuntimeOptions {
  config: AppConfig;
  log: Logger;
  clock?: Clock;
  draw?: ChartDrawer;
  /** how often the scheduler re-reads the store for other processes' changes */
  resyncMs?: number;
}

export class HistoryRuntime {
  readonly store: Store | null;
  readonly problem: string | null;
  readonly recorder: ScanRecorder | null;
  private scheduler: DigestScheduler | null = null;
  private retention: RetentionJob | null = null;
  private stopped = false;

  constructor(private readonly options: HistoryRuntimeOptions) {
    const opening = openStore(options.config.store.dataDir, options.log);
    this.store = opening.ok ? opening.store : null;
    this.problem = opening.ok ? null : opening.problem;
    this.recorder = this.store ? new ScanRecorder(this.store, options.log) : null;
  }

  /** Where the terminal writes chart images: DATA_DIR/charts, or a temp dir without a store. */
  get attachmentsDir(): string {
    return this.store ? path.join(this.options.config.store.dataDir, 'charts') : path.join(os.tmpdir(), 'router-audit-charts');
  }

  /** The services the commands use; creates the digest scheduler (not started yet). */
  bind(scans: ScanCoordinator, sites?: SitesService): HistoryServices {
    const { config, log } = this.options;
    const draw = this.options.draw ?? trendPng;
    if (this.store && this.recorder) {
      const job = new DigestJob({ scans, store: this.store, recorder: this.recorder, log, draw, timeoutMs: config.scan.timeoutMs, spray: { logPaths: config.spray.logPaths, showAccounts: config.spray.showAccounts }, ...(sites ? { sites } : {}) });
      this.scheduler = new DigestScheduler({
        store: this.store,
        executor: job,
        log,
        ...(this.options.clock ? { clock: this.options.clock } : {}),
        ...(this.options.resyncMs !== undefined ? { resyncMs: this.options.resyncMs } : {}),
      });
      this.retention = new RetentionJob({ store: this.store, historyDays: config.store.historyDays, log, ...(this.options.clock ? { clock: this.options.clock } : {}) });
    }
    return { store: this.store, problem: this.problem, digests: this.scheduler, draw, defaultTimeZone: config.store.timeZone };
  }

  /** Loads the digests and starts posting them through these adapters; starts pruning old history. */
  async start(adapters: readonly ChatAdapter[]): Promise<void> {
    if (this.stopped) return;
    this.retention?.start();
    try {
      await this.scheduler?.start(adapters);
    } catch (error) {
      this.options.log.error({ err: error }, 'could not load the digest schedules; digests are off until restart');
    }
  }

  /** Stops the schedules (before the adapters stop); a run still scanning gives its slot back. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.retention?.stop();
    await this.scheduler?.stop();
  }

  /** Closes the store (after the last scan has been recorded). */
  close(): void {
    this.store?.close();
  }
}
