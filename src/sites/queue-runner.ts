import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { ScanJob, ScanProgressInfo, ScanRunner } from '../commands/scan-coordinator';
import type { Logger } from '../log';
import type { ScanResult } from '../scanner/report-types';
import { withDeadline } from './connection';
import { MISSED_HEARTBEATS, type SiteStatus } from './directory';
import type { SiteHub } from './hub';
import { REASON_TAGS, SiteError, STALLED_TOO_OFTEN } from './errors';
import { KEY_PREFIX, cancelKey, queueNameOf } from './names';
import { clientOptions } from './redis-url';
import { parseJobProgress, parseJobResult, PROTOCOL_VERSION, scanJobSchema, type JobResultPayload } from './protocol';

/**
 * The bot's scan runner when REDIS_URL is set: it enqueues, the site's agent scans. Nothing here
 * touches the network being scanned. A site without a live agent is answered at once; a job whose
 * agent dies is retried by BullMQ's stalled-job handling when another agent of the site is alive,
 * and failed with a message naming the site when none is.
 *
 * Events (progress, completed, failed) come from BullMQ's QueueEvents; a watchdog also polls the
 * job, so an event missed while Redis restarted cannot leave a scan waiting forever.
 */

export const JOB_ATTEMPTS = 2;

export interface QueueRunnerOptions {
  /** the shared connection (queues, directory); each site's QueueEvents opens its own blocking one */
  hub: SiteHub;
  log: Logger;
  clock: (ms: number) => string;
  /** watchdog period (default 1000 ms) */
  pollMs?: number;
  /** a job no agent has started after this long is given up (default 10 min) */
  startDeadlineMs?: number;
  /** after a cancel, how long the agent may take to hand back its partial result (default 5 s) */
  graceMs?: number;
  /** Redis calls a user waits on give up after this (default 5 s) */
  redisDeadlineMs?: number;
}

interface Waiter {
  resolve: (payload: JobResultPayload) => void;
  reject: (error: Error) => void;
  progress: (progress: ScanProgressInfo) => void;
}

interface Channel {
  queue: Queue;
  events: QueueEvents;
  ready: Promise<void>;
  waiters: Map<string, Waiter>;
  idle: NodeJS.Timeout | undefined;
}

const IDLE_CLOSE_MS = 60_000;

export class QueueScanRunner implements ScanRunner {
  private readonly channels = new Map<string, Channel>();
  private closed = false;

  constructor(private readonly options: QueueRunnerOptions) {}

  async run(job: ScanJob, hooks: { signal: AbortSignal; onProgress: (progress: ScanProgressInfo) => void }): Promise<ScanResult> {
    const site = job.site ?? (await this.onlySite());
    await this.requireLiveAgent(site);
    const channel = await this.channel(site);
    try {
      await withDeadline(channel.ready, this.deadline, this.queueDownMessage());
      const payload = await this.enqueueAndWait(site, channel, job, hooks);
      return tagged(payload, site);
    } finally {
      this.release(site, channel);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const channels = [...this.channels.values()];
    this.channels.clear();
    await Promise.allSettled(channels.map((channel) => closeChannel(channel)));
  }

  private get deadline(): number {
    return this.options.redisDeadlineMs ?? 5000;
  }

  private queueDownMessage(): string {
    return 'The job queue (Redis) is not reachable right now, so no site can be asked to scan. The bot keeps reconnecting; try again in a moment.';
  }

  private sites(): Promise<SiteStatus[]> {
    return this.options.hub.bounded((directory) => directory.sites());
  }

  /** A scan without a site: fine when there is exactly one. */
  private async onlySite(): Promise<string> {
    const sites = await this.sites();
    if (sites.length === 1 && sites[0]) return sites[0].site;
    const names = sites.map((s) => s.site).join(', ');
    throw new SiteError('choose-site', null, sites.length === 0
      ? 'No site agent has registered yet. Start one inside the network to scan: router-audit agent --site NAME'
      : `This bot scans through ${sites.length} sites (${names}): name one, e.g. scan site:${sites[0]?.site ?? 'NAME'} 10.20.0.0/24, or site:* for all.`);
  }

  private async requireLiveAgent(site: string): Promise<SiteStatus> {
    const sites = await this.sites();
    const status = sites.find((s) => s.site === site);
    if (!status) {
      const known = sites.map((s) => s.site).join(', ');
      throw new SiteError('unknown-site', site, `No agent has ever registered for site ${site}.${known ? ` Known sites: ${known}.` : ''} Start one there with: router-audit agent --site ${site}`);
    }
    if (!status.live) throw this.noAgent(status);
    return status;
  }

  private noAgent(status: SiteStatus, during?: string): SiteError {
    const since = this.options.clock(status.lastSeen);
    return new SiteError('no-agent', status.site, `No agent for ${status.site} since ${since}${during ? ` (${during})` : ''}. Start or restart its agent (router-audit agent --site ${status.site}) and try again.`);
  }

  private async channel(site: string): Promise<Channel> {
    const client = await this.options.hub.client();
    const existing = this.channels.get(site);
    if (existing) {
      if (existing.idle) clearTimeout(existing.idle);
      existing.idle = undefined;
      return existing;
    }
    const { log } = this.options;
    const queue = new Queue(queueNameOf(site), { connection: client, prefix: KEY_PREFIX });
    const events = new QueueEvents(queueNameOf(site), { connection: clientOptions(this.options.hub.target), prefix: KEY_PREFIX });
    queue.on('error', (error) => log.warn({ err: error, site }, 'queue error'));
    events.on('error', (error) => log.debug({ err: error, site }, 'queue events error'));
    const waiters = new Map<string, Waiter>();
    events.on('progress', ({ jobId, data }) => {
      const progress = parseJobProgress(data);
      if (progress) waiters.get(jobId)?.progress(progress);
    });
    events.on('completed', ({ jobId, returnvalue }) => {
      const waiter = waiters.get(jobId);
      if (!waiter) return;
      try {
        waiter.resolve(parseJobResult(returnvalue));
      } catch (error) {
        waiter.reject(new SiteError('failed', site, `The ${site} agent sent a result the bot cannot accept: ${(error as Error).message}`));
      }
    });
    events.on('stalled', ({ jobId }) => {
      // BullMQ found the job's lock expired: its agent died, and the job goes back to the queue.
      waiters.get(jobId)?.progress({ phase: 'retrying', addressesTotal: 0, hostsFound: 0, hostsInspected: 0 });
    });
    events.on('failed', ({ jobId, failedReason }) => {
      waiters.get(jobId)?.reject(failure(site, failedReason, undefined));
    });
    const channel: Channel = { queue, events, waiters, idle: undefined, ready: Promise.all([queue.waitUntilReady(), events.waitUntilReady()]).then(() => undefined) };
    channel.ready.catch(() => undefined);
    this.channels.set(site, channel);
    return channel;
  }

  private release(site: string, channel: Channel): void {
    if (channel.waiters.size > 0 || this.closed) return;
    channel.idle = setTimeout(() => {
      if (channel.waiters.size === 0 && this.channels.get(site) === channel) {
        this.channels.delete(site);
        void closeChannel(channel);
      }
    }, IDLE_CLOSE_MS);
    channel.idle.unref();
  }

  private async enqueueAndWait(site: string, channel: Channel, job: ScanJob, hooks: { signal: AbortSignal; onProgress: (progress: ScanProgressInfo) => void }): Promise<JobResultPayload> {
    const { log } = this.options;
    const jobId = randomUUID();
    const now = Date.now();
    const startDeadlineMs = this.options.startDeadlineMs ?? 10 * 60_000;
    const client = await this.options.hub.client();
    const payload = scanJobSchema.parse({
      v: PROTOCOL_VERSION,
      site,
      targets: job.targets,
      timeoutMs: job.timeoutMs,
      requestedBy: 'router-audit bot',
      requestedAt: now,
      expiresAt: now + startDeadlineMs + job.timeoutMs,
    });

    return new Promise<JobResultPayload>((resolve, reject) => {
      let settled = false;
      let watchdog: NodeJS.Timeout | undefined;
      let graceTimer: NodeJS.Timeout | undefined;
      let retryNoted = false;
      const finish = (action: () => void): void => {
        if (settled) return;
        settled = true;
        channel.waiters.delete(jobId);
        if (watchdog) clearInterval(watchdog);
        if (graceTimer) clearTimeout(graceTimer);
        hooks.signal.removeEventListener('abort', onAbort);
        action();
      };
      const onAbort = (): void => {
        // Ask the agent to stop and hand back what it has; give up waiting after the grace period.
        void client.set(cancelKey(jobId), '1', { PX: 3600_000 }).catch(() => undefined);
        graceTimer = setTimeout(() => finish(() => reject(new SiteError('failed', site, `The ${site} scan was stopped before its agent answered.`))), this.options.graceMs ?? 5000);
      };
      channel.waiters.set(jobId, {
        resolve: (result) => finish(() => resolve(result)),
        reject: (error) => finish(() => reject(error)),
        progress: (progress) => {
          if (!settled) hooks.onProgress(progress);
        },
      });
      hooks.signal.addEventListener('abort', onAbort, { once: true });

      // An agent counts as gone only when it stays gone for a whole heartbeat window: right after
      // a Redis restart every alive key may have lapsed while the agents were reconnecting.
      let goneSince: number | null = null;
      const confirmedDead = (alive: boolean, status: SiteStatus | undefined): boolean => {
        if (alive) {
          goneSince = null;
          return false;
        }
        const now = Date.now();
        goneSince ??= now;
        const window = Math.max(2 * (this.options.pollMs ?? 1000), ...(status?.agents.map((a) => a.record.heartbeatMs * MISSED_HEARTBEATS) ?? [0]));
        return now - goneSince >= window;
      };
      const check = async (): Promise<void> => {
        const current = (await channel.queue.getJob(jobId)) as Job | undefined;
        if (settled) return;
        if (!current) {
          finish(() => reject(new SiteError('failed', site, `The ${site} scan job disappeared from the queue (Redis restarted without persistence?). Try again.`)));
          return;
        }
        const state = await current.getState();
        if (settled) return;
        if (state === 'completed') {
          const waiter = channel.waiters.get(jobId);
          try {
            waiter?.resolve(parseJobResult(current.returnvalue));
          } catch (error) {
            waiter?.reject(new SiteError('failed', site, `The ${site} agent sent a result the bot cannot accept: ${(error as Error).message}`));
          }
          return;
        }
        if (state === 'failed') {
          channel.waiters.get(jobId)?.reject(failure(site, current.failedReason, current.attemptsStarted));
          return;
        }
        const status = (await this.sites()).find((s) => s.site === site);
        if (settled) return;
        if (state === 'active') {
          const owner = current.processedBy;
          const ownerAlive = owner ? status?.agents.some((a) => a.live && a.record.name === owner) === true : true;
          if (!confirmedDead(ownerAlive, status)) return;
          if (status?.live) {
            // Another agent of the site is alive: BullMQ's stalled check hands it the job.
            if (!retryNoted) {
              retryNoted = true;
              log.warn({ site, job: jobId, agent: owner }, 'agent stopped mid-scan; waiting for the retry');
              hooks.onProgress({ phase: 'retrying', addressesTotal: 0, hostsFound: 0, hostsInspected: 0 });
            }
            return;
          }
          await this.abandon(channel, jobId);
          finish(() => reject(status ? this.noAgent(status, `its agent ${owner ?? ''} stopped mid-scan`.replace('  ', ' ')) : new SiteError('no-agent', site, `The ${site} agent stopped mid-scan.`)));
          return;
        }
        // waiting, delayed, prioritized: someone has to be there to take it
        if (confirmedDead(status?.live === true, status)) {
          await this.abandon(channel, jobId);
          finish(() => reject(status ? this.noAgent(status, current.stalledCounter > 0 ? 'its agent stopped mid-scan' : undefined) : new SiteError('no-agent', site, `No agent for ${site}.`)));
          return;
        }
        if (Date.now() - now > startDeadlineMs) {
          await this.abandon(channel, jobId);
          finish(() => reject(new SiteError('failed', site, `The ${site} agent did not start the scan within ${Math.round(startDeadlineMs / 60_000)} min (busy with other scans?).`)));
        }
      };
      watchdog = setInterval(() => {
        check().catch((error: unknown) => log.debug({ err: error, site }, 'job watchdog check failed (Redis away?)'));
      }, this.options.pollMs ?? 1000);

      channel.queue
        .add('scan', payload, {
          jobId,
          attempts: JOB_ATTEMPTS,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: { age: 3600, count: 1000 },
          removeOnFail: { age: 7 * 86400, count: 1000 },
        })
        .then(() => {
          log.info({ site, job: jobId, targets: job.targets }, 'scan job queued');
          if (!settled) hooks.onProgress({ phase: 'queued', addressesTotal: 0, hostsFound: 0, hostsInspected: 0 });
        })
        .catch((error: unknown) => finish(() => reject(new SiteError('queue-down', site, `Could not queue the ${site} scan: ${(error as Error).message}`))));
    });
  }

  /** Nobody will take the job: take it out (a waiting one), and tell any later agent to drop it. */
  private async abandon(channel: Channel, jobId: string): Promise<void> {
    const client = await this.options.hub.client();
    await client.set(cancelKey(jobId), '1', { PX: 24 * 3600_000 }).catch(() => undefined);
    await channel.queue.remove(jobId).catch(() => undefined);
  }
}

function failure(site: string, reason: string | undefined, tries: number | undefined): SiteError {
  const text = reason ?? 'no reason given';
  if (text.startsWith(REASON_TAGS.refused)) return new SiteError('refused', site, `The ${site} agent refused: ${text.slice(REASON_TAGS.refused.length)}`);
  for (const tag of [REASON_TAGS.invalid, REASON_TAGS.expired, REASON_TAGS.cancelled]) {
    if (text.startsWith(tag)) return new SiteError('failed', site, `The ${site} agent dropped the scan: ${text.slice(tag.length)}`);
  }
  if (text.includes(STALLED_TOO_OFTEN)) {
    return new SiteError('failed', site, `The ${site} scan failed after ${JOB_ATTEMPTS} tries: its agent stopped mid-scan each time.`);
  }
  const attempts = tries ?? JOB_ATTEMPTS;
  return new SiteError('failed', site, `The ${site} scan failed after ${attempts} ${attempts === 1 ? 'try' : 'tries'}: ${text}`);
}

/** The site on every host and finding, so merged and stored results still say where they came from. */
function tagged(payload: JobResultPayload, site: string): ScanResult {
  const { result } = payload;
  return {
    ...result,
    hosts: result.hosts.map((host) => ({ ...host, site })),
    findings: result.findings.map((finding) => ({ ...finding, site })),
  };
}

async function closeChannel(channel: Channel): Promise<void> {
  if (channel.idle) clearTimeout(channel.idle);
  await Promise.allSettled([channel.events.close(), channel.queue.close()]);
}
