/**
 * Time as the scheduler sees it. The real clock in production; tests pass a clock they move by
 * hand, so a daily schedule, a DST change or a missed slot takes no real time to test.
 */

export type TimerHandle = { readonly id: number };

export interface Clock {
  now(): Date;
  /** calls `fn` once after `ms` milliseconds */
  setTimer(ms: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Resolves after `ms` on this clock; rejects with the signal's reason when it is aborted first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimer(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** setTimeout's delay is a signed 32-bit number of milliseconds; longer waits are split. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function systemClock(): Clock {
  let next = 0;
  const timers = new Map<number, NodeJS.Timeout>();
  return {
    now: () => new Date(),
    setTimer(ms, fn) {
      const id = ++next;
      const timer = setTimeout(() => {
        timers.delete(id);
        fn();
      }, Math.min(Math.max(0, ms), MAX_TIMER_MS));
      // Schedules alone must not keep a finished process alive (the adapters do that).
      timer.unref();
      timers.set(id, timer);
      return { id };
    },
    clearTimer(handle) {
      const timer = timers.get(handle.id);
      if (timer) clearTimeout(timer);
      timers.delete(handle.id);
    },
  };
}
