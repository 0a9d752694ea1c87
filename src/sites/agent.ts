import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Content } from '../content/load';
import type { Logger } from '../log';
import type { ScanResult } from '../scanner/report-types';
import { runScan, type ScanProgress, type ScanRequest } from '../scanner/scan';
import { interfaceSubnets, isCovered, parseTarget, planTargets, TargetError, type TargetPlan, type TargetPolicy } from '../scanner/targets';
import { openRedis, type RedisLink } from './connection';
import { SiteDirectory, type AgentRecord } from './directory';
import { REASON_TAGS } from './errors';
import { KEY_PREFIX, cancelKey, queueNameOf } from './names';
import { boundResult, parseScanJob, ProtocolError, type JobProgressPayload, type JobResultPayload, type ScanJobPayload } from './protocol';
import { clientOptions, type RedisTarget } from './redis-url';

/**
 * The scanner agent of one site (`router-audit agent --site berlin`): registers, heartbeats, and
 * runs its site's scan jobs with the real scanner. Its own SCAN_ALLOW is the fence: every job is
 * validated and its targets planned against this process's policy, whatever the bot asked for.
 */

export type ScanFunction = (
  request: ScanRequest,
  options: { signal: AbortSignal; timeoutMs: number; onProgress: (progress: ScanProgress) => void },
) => Promise<ScanResult>;

export interface AgentOptions {
  site: string;
  name: string;
  redis: RedisTarget;
  policy: TargetPolicy;
  /** the longest scan this agent runs, whatever a job asks (SCAN_TIMEOUT_MS) */
  maxTimeoutMs: number;
  concurrency: number;
  heartbeatMs: number;
  version: string;
  log: Logger;
  content?: Content;
  /** the scanner; tests of the queue plumbing may pass a stand-in, the product always uses runScan */
  scan?: ScanFunction;
  /** this machine's interfaces, for jobs without targets */
  interfaces?: () => ReturnType<typeof os.networkInterfaces>;
  /** give up at start when Redis stays unreachable this long (default: keep trying) */
  connectWaitMs?: number;
}

/** How long a job's lock lasts without renewal: a killed agent's job is retried after about this. */
export function lockDurationFor(heartbeatMs: number): number {
  return Math.max(1000, heartbeatMs * 4);
}

export class SiteAgent {
  private link: RedisLink | undefined;
  private worker: Worker | undefined;
  private directory: SiteDirectory | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly running = new Map<string, AbortController>();
  private readonly instance = randomBytes(6).toString('hex');
  private readonly startedAt = Date.now();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: AgentOptions) {}

  /** Connects (a bad password throws RedisStartError), registers and starts taking jobs. */
  async start(): Promise<void> {
    const { options } = this;
    this.link = await openRedis(options.redis, { log: options.log, name: `router-audit-agent:${options.site}/${options.name}`, ...(options.connectWaitMs !== undefined ? { waitMs: options.connectWaitMs } : {}) });
    this.directory = new SiteDirectory(this.link.client);
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), options.heartbeatMs);

    const lockDuration = lockDurationFor(options.heartbeatMs);
    this.worker = new Worker(queueNameOf(options.site), (job, _token, signal) => this.process(job, signal), {
      connection: clientOptions(options.redis),
      prefix: KEY_PREFIX,
      name: options.name,
      concurrency: options.concurrency,
      lockDuration,
      // Stalled jobs (their agent died) go back to the queue once, then fail: "2 tries".
      stalledInterval: lockDuration,
      maxStalledCount: 1,
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 86400, count: 1000 },
    });
    this.worker.on('error', (error) => options.log.warn({ err: error }, 'agent queue error'));
    this.worker.on('failed', (job, error) => options.log.warn({ job: job?.id, reason: error.message }, 'scan job failed'));
    await this.worker.waitUntilReady();
    options.log.info({ site: options.site, agent: options.name, version: options.version, allow: options.policy.allow.map((c) => c.spec), redis: options.redis.display }, 'agent ready');
  }

  /** Stops taking jobs; running scans stop and hand back what they have (partial). */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const controller of this.running.values()) controller.abort();
    await this.worker?.close().catch((error: unknown) => this.options.log.warn({ err: error }, 'agent worker did not close cleanly'));
    await this.directory?.stopped({ ...this.record(), stoppedAt: Date.now() }).catch(() => undefined);
    await this.link?.close();
    this.options.log.info({ site: this.options.site, agent: this.options.name }, 'agent stopped');
  }

  private record(): AgentRecord {
    const { options } = this;
    return {
      site: options.site,
      name: options.name,
      instance: this.instance,
      hostname: os.hostname(),
      pid: process.pid,
      version: options.version,
      startedAt: this.startedAt,
      lastSeen: Date.now(),
      heartbeatMs: options.heartbeatMs,
      concurrency: options.concurrency,
      running: this.running.size,
      allow: options.policy.allow.map((cidr) => cidr.spec),
    };
  }

  private async beat(): Promise<void> {
    try {
      await this.directory?.heartbeat(this.record());
    } catch (error) {
      this.options.log.warn({ err: error }, 'heartbeat failed (Redis unreachable?)');
    }
  }

  /** Targets as planned by this agent's own policy; refusals become unrecoverable job failures. */
  plan(job: ScanJobPayload): TargetPlan {
    const { policy } = this.options;
    try {
      if (job.targets.length > 0) return planTargets(job.targets, policy);
      // No targets: this machine's networks, those inside its allowlist only.
      const own = interfaceSubnets((this.options.interfaces ?? os.networkInterfaces)())
        .filter((spec) => isCovered(parseTarget(spec), policy.allow));
      if (own.length === 0) {
        throw new TargetError('none', `None of this agent's networks lies inside its SCAN_ALLOW (${policy.allow.map((c) => c.spec).join(',')}); name a target.`);
      }
      return planTargets(own, policy);
    } catch (error) {
      if (error instanceof TargetError) {
        // The planner speaks of "this bot"; here it is the agent that refuses.
        throw new UnrecoverableError(REASON_TAGS.refused + error.message.replace('this bot may scan', `the ${this.options.site} agent may scan`));
      }
      throw error;
    }
  }

  private async process(job: Job, signal?: AbortSignal): Promise<JobResultPayload> {
    const { options } = this;
    let payload: ScanJobPayload;
    try {
      payload = parseScanJob(job.data);
    } catch (error) {
      options.log.warn({ job: job.id, problem: (error as Error).message }, 'refused an invalid job');
      throw new UnrecoverableError(REASON_TAGS.invalid + (error instanceof ProtocolError ? error.message : 'invalid job'));
    }
    if (payload.site !== options.site) {
      throw new UnrecoverableError(`${REASON_TAGS.invalid}a job for site ${payload.site} reached the agent of ${options.site}`);
    }
    if (Date.now() > payload.expiresAt || (job.id && (await this.cancelled(job.id)))) {
      throw new UnrecoverableError(`${REASON_TAGS.expired}nobody waits for this scan any more`);
    }
    const plan = this.plan(payload);
    const agent = options.name;
    const report = (progress: Omit<JobProgressPayload, 'agent'>): void => {
      job.updateProgress({ agent, ...progress }).catch((error: unknown) => options.log.debug({ err: error }, 'progress update failed'));
    };
    report({ phase: 'accepted', addressesTotal: plan.addresses.length, hostsFound: 0, hostsInspected: 0 });
    options.log.info({ job: job.id, targets: plan.targets, addresses: plan.addresses.length, requestedBy: payload.requestedBy, attempt: job.attemptsStarted }, 'scan started');

    const controller = new AbortController();
    const abort = (): void => controller.abort();
    signal?.addEventListener('abort', abort, { once: true });
    const key = job.id ?? `${Date.now()}`;
    this.running.set(key, controller);
    const watch = setInterval(() => {
      if (job.id) void this.cancelled(job.id).then((yes) => yes && controller.abort());
    }, Math.max(200, Math.floor(options.heartbeatMs / 2)));
    try {
      const scan = options.scan ?? this.realScan();
      const result = await scan(plan, {
        signal: controller.signal,
        timeoutMs: Math.min(payload.timeoutMs, options.maxTimeoutMs),
        onProgress: (progress) => report(progress),
      });
      const bounded = boundResult(options.site, agent, result);
      if (bounded.droppedHosts) options.log.warn({ job: job.id, dropped: bounded.droppedHosts }, 'result too large: host rows dropped');
      options.log.info({ job: job.id, hosts: result.hosts.length, findings: result.findings.length, durationMs: result.durationMs, partial: result.partial === true }, 'scan finished');
      return bounded;
    } finally {
      clearInterval(watch);
      signal?.removeEventListener('abort', abort);
      this.running.delete(key);
    }
  }

  private realScan(): ScanFunction {
    const content = this.options.content;
    if (!content) throw new Error('agent: no detection content loaded');
    return (request, options) => runScan(request, { content, ...options });
  }

  private async cancelled(jobId: string): Promise<boolean> {
    try {
      return (await this.link?.client.get(cancelKey(jobId))) != null;
    } catch {
      return false;
    }
  }
}
