import type { Logger } from '../log';
import type { ScanResult } from '../scanner/report-types';
import type { Store } from './types';

/**
 * The ScanCoordinator's hook: every finished scan, from any front end or a digest, is written to
 * the store. A store failure is logged and never fails the scan. The id each result got is kept
 * (by object, weakly) so a digest can link its run to the scan it just caused.
 */
export class ScanRecorder {
  private readonly ids = new WeakMap<ScanResult, number>();

  constructor(private readonly store: Store, private readonly log: Logger) {}

  record(result: ScanResult, meta: { requester: string; site?: string | null }): void {
    const surface = meta.requester.includes(':') ? (meta.requester.split(':')[0] ?? null) : null;
    try {
      const id = this.store.recordScan(result, { requester: meta.requester, surface, site: meta.site ?? null });
      this.ids.set(result, id);
    } catch (error) {
      this.log.error({ err: error, targets: result.targets }, 'could not save the scan to the history store');
    }
  }

  /** The store id of a result this recorder saved, if it did. */
  idOf(result: ScanResult): number | undefined {
    return this.ids.get(result);
  }
}
