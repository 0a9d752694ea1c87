import { setMaxListeners } from 'node:events';
import type { Content } from '../content/load';
import { adviceFor, assessHost, compareFindings, type Assessment } from './assess';
import { compareIp } from './targets';
import { discoverHosts, type DiscoveryOptions } from './discovery';
import { createLimiter } from './limiter';
import { inspectHost } from './probes';
import type { Finding, HostRecord, ScanResult } from './report-types';
import type { DiscoveredHost } from './types';

/**
 * The scan pipeline: discovery → probes → assessment, streamed. Each host is probed the moment
 * discovery reports it, so a LAN's quick answers are done while discovery still waits for late
 * ARP replies. A timeout or abort ends it early with what is known (`partial: true`).
 */

/** What to scan; produced by the targets module (allowlist and size checks already passed). */
export interface ScanRequest {
  targets: string[];
  addresses: string[];
}

export interface ScanProgress {
  phase: 'discovery' | 'probing' | 'done';
  addressesTotal: number;
  hostsFound: number;
  hostsInspected: number;
}

export interface ScanOptions {
  content: Content;
  signal?: AbortSignal;
  /** stop after this long and return what is done, marked partial */
  timeoutMs?: number;
  /** throttled (see progressIntervalMs); the final 'done' report always comes */
  onProgress?: (progress: ScanProgress) => void;
  /** at most one progress report per this many ms (default 250) */
  progressIntervalMs?: number;
  /** hosts probed at once (default 64) */
  probeConcurrency?: number;
  discovery?: Partial<DiscoveryOptions>;
  log?: (message: string) => void;
}

export const SCAN_DEFAULTS = {
  progressIntervalMs: 250,
  probeConcurrency: 64,
} as const;

/** Calls `report` at most once per interval; the latest state is delivered at the end of it. */
function throttle(intervalMs: number, report: ((progress: ScanProgress) => void) | undefined) {
  let lastSent = 0;
  let pending: ScanProgress | null = null;
  let timer: NodeJS.Timeout | null = null;
  const send = (progress: ScanProgress): void => {
    lastSent = Date.now();
    pending = null;
    try {
      report?.(progress);
    } catch {
      // A failing progress listener must not break the scan.
    }
  };
  return {
    update(progress: ScanProgress): void {
      if (!report) return;
      const wait = lastSent + intervalMs - Date.now();
      if (wait <= 0 && !timer) {
        send(progress);
        return;
      }
      pending = progress;
      timer ??= setTimeout(() => {
        timer = null;
        if (pending) send(pending);
      }, Math.max(0, wait));
    },
    /** the last word: cancels anything pending and sends this now */
    finish(progress: ScanProgress): void {
      if (timer) clearTimeout(timer);
      timer = null;
      if (report) send(progress);
    },
  };
}

/** An AbortSignal that fires on the caller's signal or after timeoutMs, whichever is first. */
function scanSignal(signal: AbortSignal | undefined, timeoutMs: number | undefined): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  // Every probe and sweep listens on this one signal: hundreds of listeners are expected.
  setMaxListeners(0, controller.signal);
  const abort = (): void => controller.abort();
  if (signal?.aborted) controller.abort();
  signal?.addEventListener('abort', abort, { once: true });
  const timer = timeoutMs !== undefined && timeoutMs > 0 ? setTimeout(abort, timeoutMs) : undefined;
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    },
  };
}

export async function runScan(request: ScanRequest, options: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const { content } = options;
  const log = options.log ?? (() => undefined);
  const { signal, dispose } = scanSignal(options.signal, options.timeoutMs);
  const progress = throttle(options.progressIntervalMs ?? SCAN_DEFAULTS.progressIntervalMs, options.onProgress);
  const limiter = createLimiter(options.probeConcurrency ?? SCAN_DEFAULTS.probeConcurrency);

  // Assessed as soon as probed: the vendor registry loads and the rules run while discovery is
  // still listening for late ARP answers, not after it.
  const assessed = new Map<string, Assessment>();
  const discovered = new Map<string, DiscoveredHost>();
  let phase: ScanProgress['phase'] = 'discovery';
  const state = (): ScanProgress => ({
    phase, addressesTotal: request.addresses.length, hostsFound: discovered.size, hostsInspected: assessed.size,
  });
  progress.update(state());

  const inspections: Array<Promise<void>> = [];
  const onHost = (host: DiscoveredHost): void => {
    if (discovered.has(host.ip)) return;
    discovered.set(host.ip, host);
    progress.update(state());
    inspections.push(limiter.run(async () => {
      if (signal.aborted) return;
      try {
        const result = await inspectHost(host, { plan: content.probes, signal });
        // A probe cut short by the abort is incomplete: such a host is reported from discovery only.
        if (!signal.aborted) assessed.set(host.ip, assessHost(result, content));
      } catch (error) {
        log(`scan: probing ${host.ip} failed: ${(error as Error).message}`);
      }
      progress.update(state());
    }));
  };

  try {
    await discoverHosts(request.addresses, {
      reachabilityPorts: content.probes.reachabilityPorts,
      tcpTimeoutMs: content.probes.timeouts.connectMs,
      log,
      ...options.discovery,
      signal,
    }, onHost);
    phase = 'probing';
    progress.update(state());
    await Promise.all(inspections);
  } finally {
    dispose();
  }

  const partial = signal.aborted;
  const hosts: HostRecord[] = [];
  const findings: Finding[] = [];
  for (const host of discovered.values()) {
    // Found but not (fully) probed because the scan was cut short: still worth listing with its
    // MAC and vendor, just without port findings.
    const assessment = assessed.get(host.ip) ?? assessHost({ ...host, ports: [], hints: {} }, content);
    hosts.push(assessment.record);
    findings.push(...assessment.findings);
  }
  hosts.sort((a, b) => compareIp(a.ip, b.ip));
  findings.sort(compareFindings);

  phase = 'done';
  progress.finish(state());
  const result: ScanResult = {
    targets: [...request.targets],
    startedAt,
    durationMs: Date.now() - started,
    hosts,
    findings,
    advice: adviceFor(findings, content),
  };
  if (partial) result.partial = true;
  return result;
}
