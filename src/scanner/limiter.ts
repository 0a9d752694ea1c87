/**
 * At most `limit` tasks at once; the rest wait their turn in order. Used to bound open sockets
 * (TCP discovery) and hosts probed in parallel (the scan pipeline).
 */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** tasks running now */
  readonly active: number;
  /** tasks waiting for a slot */
  readonly pending: number;
}

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limiter: limit must be a positive integer, got ${limit}`);
  let active = 0;
  const queue: Array<() => void> = [];

  const release = (): void => {
    active -= 1;
    const next = queue.shift();
    if (next) next();
  };

  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = (): void => {
          active += 1;
          let result: Promise<T>;
          try {
            result = task();
          } catch (error) {
            result = Promise.reject(error);
          }
          result.then(resolve, reject).finally(release);
        };
        if (active < limit) start();
        else queue.push(start);
      });
    },
    get active() { return active; },
    get pending() { return queue.length; },
  };
}
