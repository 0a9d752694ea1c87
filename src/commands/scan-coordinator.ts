import os from 'node:os';
import type { Logger } from '../log';
import type { ScanResult } from '../scanner/report-types';
import { interfaceSubnets, planTargets, type TargetPlan, type TargetPolicy } from '../scanner/targets';

/**
 * Every scan from every front end goes through here: targets are checked against the allowlist,
 * a scan already running for the same targets is joined instead of started twice, and each
 * requester is rate-limited.
 */

export interface ScanProgressInfo {
  phase: string;
  addressesTotal: number;
  hostsFound: number;
  hostsInspected: number;
}

export interface ScanJob {
  targets: string[];
  addresses: string[];
  timeoutMs: number;
  /** the site whose agent runs it (queue runner); absent: wherever the runner scans */
  site?: string;
}

/** Runs one planned scan: in this process, or (later) on a remote site agent. */
export interface ScanRunner {
  run(job: ScanJob, hooks: { signal: AbortSignal; onProgress: (progress: ScanProgressInfo) => void }): Promise<ScanResult>;
}

export class RateLimitError extends Error {
  override name = 'RateLimitError';
}

export interface CoordinatorOptions {
  runner: ScanRunner;
  policy: TargetPolicy;
  timeoutMs: number;
  rateLimit: number;
  rateWindowMs: number;
  log: Logger;
  now?: () => number;
  /** this machine's interfaces; injectable so tests never look at the host's own network */
  interfaces?: () => ReturnType<typeof os.networkInterfaces>;
  /** told about every finished scan (the history store); must not throw */
  recorder?: ScanRecorderHook;
}

export interface ScanRecorderHook {
  record(result: ScanResult, meta: { requester: string; site?: string | null }): void;
}

export interface ScanRequestOptions {
  /** rate-limit key, e.g. "slack:U123" */
  requester: string;
  onProgress?: (progress: ScanProgressInfo) => void;
  /** called once the request is accepted (allowlist and rate limit passed), before any result */
  onAccepted?: (how: 'started' | 'joined') => void;
  timeoutMs?: number;
  /** not counted against a rate limit: scheduled digests, which a user set up once */
  unlimited?: boolean;
  /** scan at this site (its agent); no targets then means the site's own networks, not this machine's */
  site?: string;
}

export interface ScanOutcome {
  result: ScanResult;
  /** true when this request joined a scan somebody else had started */
  joined: boolean;
}

interface RunningScan {
  promise: Promise<ScanResult>;
  listeners: Set<(progress: ScanProgressInfo) => void>;
  controller: AbortController;
}

export class ScanCoordinator {
  private readonly running = new Map<string, RunningScan>();
  private readonly history = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: CoordinatorOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Targets as given, or the subnets of this machine's interfaces when none are. Throws TargetError. */
  plan(specs: readonly string[]): TargetPlan {
    const chosen = specs.length > 0 ? specs : interfaceSubnets((this.options.interfaces ?? os.networkInterfaces)());
    return planTargets(chosen, this.options.policy);
  }

  get activeScans(): number {
    return this.running.size;
  }

  async scan(specs: readonly string[], request: ScanRequestOptions): Promise<ScanOutcome> {
    const plan = request.site !== undefined && specs.length === 0 ? { targets: [], addresses: [] } : this.plan(specs);
    const key = (request.site !== undefined ? `site:${request.site} ` : '') + [...plan.targets].sort().join(',');
    const existing = this.running.get(key);
    if (existing) {
      if (request.onProgress) existing.listeners.add(request.onProgress);
      request.onAccepted?.('joined');
      this.options.log.info({ targets: plan.targets, requester: request.requester }, 'joined a scan already running');
      try {
        return { result: await existing.promise, joined: true };
      } finally {
        if (request.onProgress) existing.listeners.delete(request.onProgress);
      }
    }
    if (!request.unlimited) this.takeRateToken(request.requester);
    request.onAccepted?.('started');
    return { result: await this.start(key, plan, request), joined: false };
  }

  /** Counts one request against the requester's rate limit (a `site:*` fan-out counts once); throws RateLimitError. */
  takeRateToken(requester: string): void {
    const { rateLimit, rateWindowMs } = this.options;
    const now = this.now();
    const recent = (this.history.get(requester) ?? []).filter((time) => now - time < rateWindowMs);
    if (recent.length >= rateLimit) {
      const waitMs = rateWindowMs - (now - (recent[0] ?? now));
      this.options.log.warn({ requester, limit: rateLimit }, 'scan refused by rate limit');
      throw new RateLimitError(
        `You started ${recent.length} scans in the last ${formatMinutes(rateWindowMs)}; the limit is ${rateLimit} (SCAN_RATE_LIMIT). ` +
          `Try again in ${formatMinutes(waitMs)}.`,
      );
    }
    recent.push(now);
    this.history.set(requester, recent);
    this.forgetIdleRequesters(now);
  }

  /** Keeps the rate-limit memory bounded in a bot that meets many users over months. */
  private forgetIdleRequesters(now: number): void {
    if (this.history.size <= 1000) return;
    for (const [requester, times] of this.history) {
      if (times.every((time) => now - time >= this.options.rateWindowMs)) this.history.delete(requester);
    }
  }

  private start(key: string, plan: TargetPlan, request: ScanRequestOptions): Promise<ScanResult> {
    const controller = new AbortController();
    const listeners = new Set<(progress: ScanProgressInfo) => void>();
    if (request.onProgress) listeners.add(request.onProgress);
    const job: ScanJob = {
      targets: plan.targets,
      addresses: plan.addresses,
      timeoutMs: request.timeoutMs ?? this.options.timeoutMs,
      ...(request.site !== undefined ? { site: request.site } : {}),
    };
    this.options.log.info({ targets: plan.targets, addresses: plan.addresses.length, requester: request.requester }, 'scan started');
    const promise = this.options.runner
      .run(job, {
        signal: controller.signal,
        onProgress: (progress) => {
          for (const listener of listeners) {
            try {
              listener(progress);
            } catch (error) {
              this.options.log.warn({ err: error }, 'progress listener failed');
            }
          }
        },
      })
      .then((result) => {
        this.options.log.info(
          { targets: plan.targets, hosts: result.hosts.length, findings: result.findings.length, durationMs: result.durationMs, partial: result.partial === true },
          'scan finished',
        );
        try {
          this.options.recorder?.record(result, { requester: request.requester, site: request.site ?? null });
        } catch (error) {
          this.options.log.error({ err: error }, 'scan recorder failed');
        }
        return result;
      })
      .finally(() => this.running.delete(key));
    this.running.set(key, { promise, listeners, controller });
    return promise;
  }

  /** Stops every running scan (they return partial results) and waits for them to settle. */
  async shutdown(): Promise<void> {
    const scans = [...this.running.values()];
    for (const scan of scans) scan.controller.abort();
    await Promise.allSettled(scans.map((scan) => scan.promise));
  }
}

function formatMinutes(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
