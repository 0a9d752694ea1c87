import type { Logger } from '../log';
import type { PruneResult, Store } from '../store/types';
import { systemClock, type Clock, type TimerHandle } from './clock';

/** Deletes history older than HISTORY_DAYS: once at start, then every few hours. */

const DAY_MS = 24 * 60 * 60_000;
export const PRUNE_EVERY_MS = 6 * 60 * 60_000;

export class RetentionJob {
  private timer: TimerHandle | null = null;
  private readonly clock: Clock;

  constructor(private readonly options: { store: Store; historyDays: number; log: Logger; clock?: Clock; everyMs?: number }) {
    this.clock = options.clock ?? systemClock();
  }

  /** Prunes now; returns what went, or null when the store failed (logged). */
  pruneNow(): PruneResult | null {
    const cutoff = new Date(this.clock.now().getTime() - this.options.historyDays * DAY_MS);
    try {
      const result = this.options.store.prune(cutoff);
      if (result.scans > 0 || result.runs > 0) this.options.log.info({ ...result, before: cutoff.toISOString() }, 'pruned old history');
      return result;
    } catch (error) {
      this.options.log.error({ err: error }, 'could not prune old history');
      return null;
    }
  }

  start(): void {
    this.pruneNow();
    const again = (): void => {
      this.timer = this.clock.setTimer(this.options.everyMs ?? PRUNE_EVERY_MS, () => {
        this.pruneNow();
        again();
      });
    };
    again();
  }

  stop(): void {
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = null;
  }
}
