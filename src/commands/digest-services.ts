import type { Report } from './report';
import type { ChartDrawer } from './digest-chart';
import type { DigestRecord, Store } from '../store/types';
import { StoreError } from '../store/types';
import { messageReport } from './report';

/** What the history and digest commands get from the app (Services.history). */

/** The part of the scheduler the commands use. */
export interface DigestControl {
  add(digest: DigestRecord): void;
  remove(id: number): void;
  nextSlotOf(digest: DigestRecord): Date | null;
  runNow(digest: DigestRecord, options: { signal: AbortSignal; progress?: (text: string) => void }): Promise<Report>;
}

export interface HistoryServices {
  /** null when DATA_DIR could not be used; `problem` says why */
  store: Store | null;
  problem: string | null;
  /** null where digests are not scheduled (the one-shot CLI) */
  digests: DigestControl | null;
  draw?: ChartDrawer;
  /** default zone for new digests: TZ, else UTC */
  defaultTimeZone: string;
}

/** The answer when history is off: the reason, naming DATA_DIR. */
export function historyOffReport(problem: string | null): Report {
  return messageReport(
    'History and digests are off',
    `${problem ?? 'No history store is configured in this process.'}\nScans still work; history and digests come back when DATA_DIR is usable and the bot restarts.`,
    'error',
  );
}

/** A store failure while the bot runs, as a report (the caller logs it). */
export function storeFailureReport(error: StoreError): Report {
  return messageReport('History store error', `${error.message}\nCheck DATA_DIR; the details are in the bot's log.`, 'error');
}
