/**
 * Calls fn at most once per interval: the first call at once, then the latest value at the end of
 * each interval. Progress updates edit one chat message; platforms rate-limit edits.
 */
export interface Throttled<T> {
  (value: T): void;
  /** drops any pending call (the final report replaces the progress message) */
  cancel(): void;
}

export function throttle<T>(fn: (value: T) => void, intervalMs: number): Throttled<T> {
  let last = 0;
  let pending: { value: T } | null = null;
  let timer: NodeJS.Timeout | null = null;
  const fire = (value: T): void => {
    last = Date.now();
    fn(value);
  };
  const throttled = ((value: T) => {
    const wait = last + intervalMs - Date.now();
    if (wait <= 0 && !timer) {
      fire(value);
      return;
    }
    pending = { value };
    if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        if (pending) {
          const next = pending.value;
          pending = null;
          fire(next);
        }
      }, Math.max(wait, 0));
    }
  }) as Throttled<T>;
  throttled.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return throttled;
}
