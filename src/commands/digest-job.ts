import type { Logger } from '../log';
import type { ScanResult } from '../scanner/report-types';
import { TargetError } from '../scanner/targets';
import type { BuildRequest, DigestBuild, DigestExecutor } from '../schedule/scheduler';
import type { ScanRecorder } from '../store/recorder';
import { targetsKeyOf, type DigestRecord, type Store } from '../store/types';
import { trendChart, type ChartDrawer } from './digest-chart';
import { diffScans } from './digest-diff';
import { digestReport, type DigestBaseline } from './digest-report';
import { FIRST_DIGEST_LOOKBACK_MS, sprayActivitySince, withSprayActivity } from './digest-spray';
import { formatTime } from './digest-time';
import type { Report } from './report';
import { newReference } from './dispatch';
import { messageReport } from './report';
import { progressLine } from './scan';
import type { ScanCoordinator } from './scan-coordinator';
import type { SitesService } from '../sites/types';

/**
 * One digest run: scan the digest's targets through the coordinator (same allowlist as everyone,
 * no per-user rate limit), compare with the scan of the previous delivered digest, and make the
 * report; weekly digests get the trend chart. Failures become a short report for the channel.
 */

export interface DigestJobDeps {
  scans: ScanCoordinator;
  /** site agents (REDIS_URL): digests of `site:` targets scan there */
  sites?: SitesService;
  /** the scan time limit (SCAN_TIMEOUT_MS) for scans at sites */
  timeoutMs: number;
  /** sign-in logs to check for new spray activity (SPRAY_LOG_PATHS) */
  spray?: { logPaths: readonly string[]; showAccounts: boolean };
  store: Store;
  recorder: ScanRecorder;
  log: Logger;
  draw?: ChartDrawer;
}

export class DigestJob implements DigestExecutor {
  constructor(private readonly deps: DigestJobDeps) {}

  async build(digest: DigestRecord, request: BuildRequest): Promise<DigestBuild> {
    let result: ScanResult;
    try {
      result = await this.scan(digest, request);
    } catch (error) {
      if (request.signal.aborted) throw error;
      return this.failure(digest, error);
    }
    // A combined result of several sites is new: record it so the next digest can compare with it.
    if (this.deps.recorder.idOf(result) === undefined && this.deps.sites) this.deps.recorder.record(result, { requester: `digest:${digest.id}`, site: digest.site });
    const scanId = this.deps.recorder.idOf(result) ?? null;
    const baseline = this.baselineFor(digest, result, scanId);
    const diff = baseline ? diffScans(baseline.result, result) : null;
    const chart = digest.schedule.kind === 'weekly'
      ? await trendChart(
        { store: this.deps.store, draw: this.deps.draw, log: this.deps.log },
        { targetsKey: targetsKeyOf(result.targets), timeZone: digest.timeZone, filename: `digest-${digest.id}-trend.png`, title: `Trend of ${result.targets.join(', ')}` },
      )
      : undefined;
    let report = digestReport({ digest, result, baseline, diff, slot: request.slot, late: request.late, ...(chart ? { chart } : {}) });
    report = await this.addSprayActivity(report, digest, baseline, result, request);
    return { report, scanId };
  }

  private async scan(digest: DigestRecord, request: BuildRequest): Promise<ScanResult> {
    const label = digest.targets.join(', ');
    const requester = `digest:${digest.id}`;
    const { sites } = this.deps;
    const scanning = sites
      ? sites.scan(digest.targets, { requester, unlimited: true, timeoutMs: this.deps.timeoutMs, progress: (text) => request.progress?.(text) })
      : this.deps.scans.scan(digest.targets, {
          requester,
          unlimited: true,
          ...(request.progress ? { onProgress: (p) => request.progress?.(progressLine(label, p)) } : {}),
        });
    // The coordinator's scan cannot be cancelled per request; stop waiting for it on shutdown.
    const aborted = new Promise<never>((_, reject) => {
      if (request.signal.aborted) reject(request.signal.reason);
      request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
    });
    scanning.catch(() => undefined);
    aborted.catch(() => undefined);
    return (await Promise.race([scanning, aborted])).result;
  }

  private async addSprayActivity(report: Report, digest: DigestRecord, baseline: DigestBaseline | null, result: ScanResult, request: BuildRequest): Promise<Report> {
    const logPaths = this.deps.spray?.logPaths ?? [];
    if (logPaths.length === 0) return report;
    const since = baseline ? new Date(baseline.at) : new Date(new Date(result.startedAt).getTime() - FIRST_DIGEST_LOOKBACK_MS);
    const chat = digest.platform === 'slack' || digest.platform === 'discord';
    const spray = await sprayActivitySince(since, { logPaths, mask: chat && !this.deps.spray?.showAccounts, log: this.deps.log, signal: request.signal });
    return spray ? withSprayActivity(report, spray, formatTime(since, digest.timeZone)) : report;
  }

  /** The scan the previous delivered digest was made from; else the previous complete scan of the same targets. */
  private baselineFor(digest: DigestRecord, result: ScanResult, scanId: number | null): DigestBaseline | null {
    const { store, log } = this.deps;
    try {
      const run = store.lastPostedRun(digest.id);
      const previous = run?.scanId != null && run.scanId !== scanId ? store.scan(run.scanId) : undefined;
      if (previous) return { result: previous.result, at: previous.startedAt };
      const earlier = store.previousScan({ targetsKey: targetsKeyOf(result.targets), ...(scanId !== null ? { beforeId: scanId } : {}), complete: true });
      return earlier ? { result: earlier.result, at: earlier.startedAt } : null;
    } catch (error) {
      log.error({ err: error, digest: digest.id }, 'could not read the previous scan; sending the digest without a comparison');
      return null;
    }
  }

  private failure(digest: DigestRecord, error: unknown): DigestBuild {
    const title = `Digest #${digest.id} could not run`;
    if (error instanceof TargetError) {
      this.deps.log.warn({ digest: digest.id, target: error.target, kind: error.kind }, 'digest target refused');
      return { report: messageReport(title, `${error.message} (digest of ${digest.targets.join(', ')})`, 'refused', { ephemeral: false }), scanId: null, error: error.message };
    }
    const reference = newReference();
    this.deps.log.error({ err: error, digest: digest.id, reference }, 'digest scan failed');
    return {
      report: messageReport(title, `The scan of ${digest.targets.join(', ')} failed. The details are in the bot's log under reference ${reference}.`, 'error', { ephemeral: false, reference }),
      scanId: null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
