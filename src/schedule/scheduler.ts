import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { ChannelGoneError, type ChatAdapter } from '../bot/types';
import type { Report } from '../commands/report';
import type { Logger } from '../log';
import type { DigestPlatform, DigestRecord, RunKind, Store } from '../store/types';
import { MAX_TIMER_MS, systemClock, type Clock, type TimerHandle } from './clock';
import { latestSlot, nextSlot } from './cron';
import { DEFAULT_RETRY, postWithRetry, type RetryPolicy } from './delivery';

/**
 * Runs digests at their slots. Schedules live in the store, never only here: at start every
 * enabled digest is loaded and armed again, and the latest slot that passed while no process was
 * running is posted once, marked late. Before anything is scanned the slot is claimed in the
 * database, so a slot is posted at most once however many processes share the store.
 */

export interface DigestBuild {
  report: Report;
  /** the stored scan the digest was made from, when there was one */
  scanId: number | null;
  /** set when the digest could not be made (the report then says so) */
  error?: string;
}

export interface BuildRequest {
  /** null for `digest now` */
  slot: Date | null;
  late: boolean;
  signal: AbortSignal;
  progress?: (text: string) => void;
}

/** Makes the report of one digest run: scans, compares with the previous run, charts. */
export interface DigestExecutor {
  build(digest: DigestRecord, request: BuildRequest): Promise<DigestBuild>;
}

export interface SchedulerOptions {
  store: Store;
  executor: DigestExecutor;
  log: Logger;
  clock?: Clock;
  /** who claims slots, "host:pid" by default */
  instanceId?: string;
  retry?: RetryPolicy;
  /** how often the store is read again for digests created or turned off by another process */
  resyncMs?: number;
}

interface Armed {
  digest: DigestRecord;
  slot: Date;
  timer: TimerHandle;
}

export class DigestScheduler {
  private readonly clock: Clock;
  private readonly log: Logger;
  readonly instanceId: string;
  private readonly armed = new Map<number, Armed>();
  private readonly busy = new Set<number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly controller = new AbortController();
  private adapters = new Map<DigestPlatform, ChatAdapter>();
  private resyncTimer: TimerHandle | null = null;
  private started = false;
  private stopping = false;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock();
    this.log = options.log.child({ component: 'digests' });
    this.instanceId = options.instanceId ?? `${os.hostname()}:${process.pid}`;
  }

  /** Platforms this process can post to. Digests of other platforms wait for a process that can. */
  get platforms(): DigestPlatform[] {
    return [...this.adapters.keys()];
  }

  /** Loads the digests, posts missed slots (late) and arms the next ones. */
  async start(adapters: readonly ChatAdapter[]): Promise<void> {
    this.adapters = new Map(adapters.map((adapter) => [adapter.platform, adapter]));
    this.started = true;
    const digests = this.options.store.listDigests({ enabledOnly: true });
    const waiting = digests.filter((d) => !this.adapters.has(d.platform));
    if (waiting.length > 0) {
      this.log.warn({ digests: waiting.map((d) => `${d.id}:${d.platform}`) }, 'digests for platforms not configured in this process wait until one is');
    }
    for (const digest of digests) this.load(digest, { catchUp: true });
    this.log.info({ armed: this.armed.size, instance: this.instanceId }, 'digest schedules loaded');
    this.scheduleResync();
  }

  /** Arms a digest that was just created. */
  add(digest: DigestRecord): void {
    if (this.started && !this.stopping) this.load(digest, { catchUp: false });
  }

  /** Disarms a digest (turned off). */
  remove(id: number): void {
    const armed = this.armed.get(id);
    if (armed) this.clock.clearTimer(armed.timer);
    this.armed.delete(id);
  }

  /** The next slot this process will run for a digest, or computed from its schedule. */
  nextSlotOf(digest: DigestRecord): Date | null {
    return this.armed.get(digest.id)?.slot ?? nextSlot(digest.schedule, digest.timeZone, this.clock.now());
  }

  /** Runs a digest now for `digest now`: the report goes back to whoever asked. */
  async runNow(digest: DigestRecord, options: { signal: AbortSignal; progress?: (text: string) => void }): Promise<Report> {
    const now = this.clock.now();
    // Unique even for two runs in the same millisecond: a manual run is never refused.
    const slot = `manual:${now.toISOString()}:${randomBytes(3).toString('hex')}`;
    this.options.store.claimRun({ digestId: digest.id, slot, kind: 'manual', claimedBy: this.instanceId, at: now });
    const build = await this.options.executor.build(digest, { slot: null, late: false, signal: options.signal, ...(options.progress ? { progress: options.progress } : {}) });
    this.options.store.finishRun(digest.id, slot, {
      status: build.error ? 'failed' : 'posted',
      scanId: build.scanId,
      ...(build.error ? { error: build.error } : {}),
      at: this.clock.now(),
    });
    return build.report;
  }

  /** Resolves when no digest run is in progress. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops the timers; a run still scanning gives its slot back so the next start posts it late. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.resyncTimer) this.clock.clearTimer(this.resyncTimer);
    for (const id of [...this.armed.keys()]) this.remove(id);
    this.controller.abort(new Error('the bot is shutting down'));
    await this.idle();
  }

  private load(digest: DigestRecord, options: { catchUp: boolean }): void {
    if (!digest.enabled || !this.adapters.has(digest.platform) || this.armed.has(digest.id)) return;
    const now = this.clock.now();
    if (options.catchUp) {
      const missed = latestSlot(digest.schedule, digest.timeZone, now);
      if (missed && missed.getTime() > Date.parse(digest.createdAt) && (digest.lastSlot === null || missed.toISOString() > digest.lastSlot)) {
        this.log.info({ digest: digest.id, slot: missed.toISOString() }, 'posting a digest slot missed while the bot was down');
        this.launch(digest, missed, 'late');
      }
    }
    this.arm(digest, now);
  }

  private arm(digest: DigestRecord, after: Date): void {
    const slot = nextSlot(digest.schedule, digest.timeZone, after);
    if (!slot) {
      this.log.info({ digest: digest.id }, 'digest schedule has no further slots');
      return;
    }
    this.setTimerFor(digest, slot);
  }

  private setTimerFor(digest: DigestRecord, slot: Date): void {
    const wait = Math.min(slot.getTime() - this.clock.now().getTime(), MAX_TIMER_MS);
    const timer = this.clock.setTimer(wait, () => this.onTimer(digest.id, slot));
    this.armed.set(digest.id, { digest, slot, timer });
  }

  private onTimer(id: number, slot: Date): void {
    const armed = this.armed.get(id);
    if (!armed || armed.slot.getTime() !== slot.getTime() || this.stopping) return;
    // Long waits are split, and timers may fire a hair early: wait the rest.
    if (this.clock.now().getTime() < slot.getTime()) {
      this.setTimerFor(armed.digest, slot);
      return;
    }
    let digest: DigestRecord | undefined;
    try {
      // Read it again: another process (or a channel that went away) may have turned it off.
      digest = this.options.store.digest(id);
    } catch (error) {
      this.log.error({ err: error, digest: id }, 'could not read the digest from the store; trying at its next slot');
      digest = armed.digest;
    }
    if (!digest || !digest.enabled) {
      this.log.info({ digest: id }, 'digest is off; not running it');
      this.remove(id);
      return;
    }
    this.launch(digest, slot, 'scheduled');
    this.arm(digest, slot);
  }

  private launch(digest: DigestRecord, slot: Date, kind: RunKind): void {
    const run = this.runSlot(digest, slot, kind).catch((error: unknown) => {
      this.log.error({ err: error, digest: digest.id, slot: slot.toISOString() }, 'digest run failed');
    });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private async runSlot(digest: DigestRecord, slot: Date, kind: RunKind): Promise<void> {
    const { store } = this.options;
    const slotText = slot.toISOString();
    const log = this.log.child({ digest: digest.id, slot: slotText, kind });
    if (this.busy.has(digest.id)) {
      log.warn('the previous run of this digest is still going; skipping this slot');
      return;
    }
    if (!store.claimRun({ digestId: digest.id, slot: slotText, kind, claimedBy: this.instanceId, at: this.clock.now() })) {
      log.info('slot already claimed (by another process, or the digest is off)');
      return;
    }
    this.busy.add(digest.id);
    try {
      let build: DigestBuild;
      try {
        build = await this.options.executor.build(digest, { slot, late: kind === 'late', signal: this.controller.signal });
      } catch (error) {
        if (this.stopping) {
          store.releaseRun(digest.id, slotText, this.instanceId);
          log.info('shutting down mid-run: slot given back, the next start posts it late');
          return;
        }
        // Executors turn failures into reports; this is the last line of defence.
        store.finishRun(digest.id, slotText, { status: 'failed', error: error instanceof Error ? error.message : String(error), at: this.clock.now() });
        throw error;
      }
      if (this.stopping) {
        store.releaseRun(digest.id, slotText, this.instanceId);
        log.info('shutting down before posting: slot given back, the next start posts it late');
        return;
      }
      await this.deliver(digest, slotText, build, log);
    } finally {
      this.busy.delete(digest.id);
    }
  }

  private async deliver(digest: DigestRecord, slot: string, build: DigestBuild, log: Logger): Promise<void> {
    const { store } = this.options;
    const adapter = this.adapters.get(digest.platform);
    if (!adapter) {
      store.finishRun(digest.id, slot, { status: 'failed', scanId: build.scanId, error: `${digest.platform} is not configured`, at: this.clock.now() });
      return;
    }
    try {
      await postWithRetry(() => adapter.post(digest.channelId, build.report), this.options.retry ?? DEFAULT_RETRY, {
        clock: this.clock,
        onRetry: (error, attempt, delayMs) => log.warn({ err: error, attempt, delayMs }, 'posting the digest failed; retrying'),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      store.finishRun(digest.id, slot, { status: 'failed', scanId: build.scanId, error: message, at: this.clock.now() });
      if (error instanceof ChannelGoneError) {
        store.disableDigest(digest.id, `channel gone: ${message}`, this.clock.now());
        this.remove(digest.id);
        log.warn({ channel: digest.channelId, platform: digest.platform, reason: message }, 'digest channel is gone; digest turned off');
        return;
      }
      log.error({ err: error, channel: digest.channelId, platform: digest.platform }, 'could not post the digest; giving up on this slot');
      return;
    }
    store.finishRun(digest.id, slot, {
      status: build.error ? 'failed' : 'posted',
      scanId: build.scanId,
      ...(build.error ? { error: build.error } : {}),
      at: this.clock.now(),
    });
    log.info({ channel: digest.channelId, platform: digest.platform, scan: build.scanId }, 'digest posted');
  }

  private scheduleResync(): void {
    const every = this.options.resyncMs ?? 60_000;
    if (every <= 0 || this.stopping) return;
    this.resyncTimer = this.clock.setTimer(every, () => {
      this.resync();
      this.scheduleResync();
    });
  }

  /** Picks up digests created or turned off by another process sharing the store. */
  resync(): void {
    if (this.stopping) return;
    let digests: DigestRecord[];
    try {
      digests = this.options.store.listDigests({ enabledOnly: true });
    } catch (error) {
      this.log.error({ err: error }, 'could not re-read the digests from the store');
      return;
    }
    const enabled = new Set(digests.map((d) => d.id));
    for (const id of [...this.armed.keys()]) if (!enabled.has(id)) this.remove(id);
    for (const digest of digests) this.load(digest, { catchUp: false });
  }
}
