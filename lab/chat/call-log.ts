/**
 * CallLog: an append-only record of what a stand-in server saw, with "wait for it" helpers.
 *
 * Every stand-in (Slack Web API, Socket Mode, Discord REST and gateway) keeps one of these. Tests
 * read it two ways:
 *
 *   log.all((c) => c.method === 'chat.postMessage')          // everything so far, in arrival order
 *   await log.next((c) => c.method === 'chat.update')          // the first one not handed out yet
 *
 * `next()` looks at past entries as well as future ones, so there is no race between the bot
 * making a call and the test starting to wait for it. Each entry is handed out by `next()` at most
 * once, which makes `await next(isUpdate); await next(isUpdate)` return the first and the second
 * update. `all()` never consumes anything.
 *
 * Waiting is bounded (default 5 s) so a missing call fails the test with a message that lists what
 * did arrive, instead of hanging until Jest's global timeout. The bound is a failure guard, not a
 * timing assertion.
 */

export const DEFAULT_WAIT_MS = 5000;

export interface WaitOptions {
  /** How long to wait before failing; default 5000 ms. */
  timeoutMs?: number;
}

type Waiter<T> = {
  match: (entry: T) => boolean;
  resolve: (entry: T) => void;
  reject: (error: Error) => void;
};

export class CallLog<T> {
  private readonly entries: T[] = [];
  private readonly handedOut = new Set<number>();
  private waiters: Waiter<T>[] = [];
  /** Woken on every push; used by atLeast() to re-check its count. */
  private arrivalListeners: Array<() => void> = [];
  /** Set by closeWaiters(): waiting after that fails at once. */
  private closedReason: string | undefined;

  /**
   * @param describe one short line per entry, used in timeout messages
   *   ("waited 5000 ms for chat.update; saw: auth.test, chat.postMessage").
   */
  constructor(
    private readonly name: string,
    private readonly describe: (entry: T) => string,
  ) {}

  /** Appends an entry and wakes the first waiter it matches (oldest waiter first). */
  push(entry: T): void {
    const index = this.entries.push(entry) - 1;
    const waiter = this.waiters.find((w) => w.match(entry));
    if (waiter) {
      this.handedOut.add(index);
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(entry);
    }
    const listeners = this.arrivalListeners;
    this.arrivalListeners = [];
    for (const wake of listeners) wake();
  }

  /** All entries so far (optionally filtered), oldest first. Does not consume. */
  all(filter: (entry: T) => boolean = () => true): T[] {
    return this.entries.filter(filter);
  }

  /** Number of entries so far (optionally filtered). */
  count(filter: (entry: T) => boolean = () => true): number {
    return this.all(filter).length;
  }

  /**
   * The first entry matching `filter` that no earlier `next()` returned: an existing one at once,
   * otherwise the next one to arrive. Rejects after `timeoutMs` with a list of what was seen.
   */
  next(filter: (entry: T) => boolean, what: string, { timeoutMs = DEFAULT_WAIT_MS }: WaitOptions = {}): Promise<T> {
    const index = this.entries.findIndex((entry, i) => !this.handedOut.has(i) && filter(entry));
    if (index >= 0) {
      this.handedOut.add(index);
      return Promise.resolve(this.entries[index] as T);
    }
    if (this.closedReason !== undefined) {
      return Promise.reject(new Error(`${this.name}: ${this.closedReason} (waiting for ${what})`));
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.name}: waited ${timeoutMs} ms for ${what}; saw: ${this.summary()}`));
      }, timeoutMs);
      const waiter: Waiter<T> = {
        match: filter,
        resolve: (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves once `n` entries match `filter` (counting consumed ones too); returns them. */
  async atLeast(n: number, filter: (entry: T) => boolean, what: string, options: WaitOptions = {}): Promise<T[]> {
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_WAIT_MS);
    // Re-check on every arrival rather than on a clock.
    while (this.count(filter) < n) {
      const left = deadline - Date.now();
      if (this.closedReason !== undefined) {
        throw new Error(`${this.name}: ${this.closedReason} (waiting for ${n} × ${what})`);
      }
      if (left <= 0) {
        throw new Error(`${this.name}: waited for ${n} × ${what}, got ${this.count(filter)}; saw: ${this.summary()}`);
      }
      await this.arrival(left);
    }
    return this.all(filter).slice(0, n);
  }

  /** Forgets every entry (and what was handed out). Pending waiters keep waiting. */
  clear(): void {
    this.entries.length = 0;
    this.handedOut.clear();
  }

  /**
   * Fails every pending `next()` at once (the stand-in calls this when it closes), so no waiter
   * outlives its server and no timer keeps Jest alive.
   */
  closeWaiters(reason: string): void {
    this.closedReason = reason;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(new Error(`${this.name}: ${reason}; saw: ${this.summary()}`));
    const listeners = this.arrivalListeners;
    this.arrivalListeners = [];
    for (const wake of listeners) wake();
  }

  /** Short description of everything recorded, for failure messages. */
  summary(): string {
    if (this.entries.length === 0) return '(nothing)';
    return this.entries.map(this.describe).join(', ');
  }

  /** Resolves on the next push, or after `ms`; never rejects. */
  private arrival(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.arrivalListeners = this.arrivalListeners.filter((l) => l !== wake);
        resolve();
      }, ms);
      this.arrivalListeners.push(wake);
    });
  }
}
