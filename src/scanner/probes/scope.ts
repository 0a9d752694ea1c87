/**
 * One host's probes share a scope: every socket and timer they open is registered here, so an
 * abort releases all of them at once and nothing outlives the probe (no leaked handles).
 */
export class ProbeScope {
  private readonly releases = new Set<() => void>();
  private isAborted = false;

  get aborted(): boolean {
    return this.isAborted;
  }

  /**
   * Registers what to do when the scope is aborted (destroy a socket, settle a promise).
   * Returns the function that drops the registration once the resource is released normally.
   * On an already aborted scope the release runs at once.
   */
  track(release: () => void): () => void {
    if (this.isAborted) {
      release();
      return () => undefined;
    }
    this.releases.add(release);
    return () => {
      this.releases.delete(release);
    };
  }

  /** setTimeout that an abort clears too; returns the cancel function. */
  timer(ms: number, fire: () => void): () => void {
    if (this.isAborted) return () => undefined;
    const handle = setTimeout(() => {
      this.releases.delete(cancel);
      fire();
    }, ms);
    const cancel = (): void => {
      clearTimeout(handle);
      this.releases.delete(cancel);
    };
    this.releases.add(cancel);
    return cancel;
  }

  abort(): void {
    if (this.isAborted) return;
    this.isAborted = true;
    const pending = [...this.releases];
    this.releases.clear();
    for (const release of pending) release();
  }
}

/*
 * A scan probes dozens of hosts at once with one AbortSignal. One 'abort' listener per host would
 * trip Node's "possible EventTarget memory leak" warning past 10, so each signal gets a single
 * listener that fans out to the scopes currently interested in it.
 */
interface SharedListener {
  subscribers: Set<() => void>;
  detach: () => void;
}

const listeners = new WeakMap<AbortSignal, SharedListener>();

/** Calls onAbortFn when signal aborts (at once if it already has); returns the unsubscribe function. */
export function onAbort(signal: AbortSignal | undefined, onAbortFn: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    onAbortFn();
    return () => undefined;
  }
  let shared = listeners.get(signal);
  if (!shared) {
    const subscribers = new Set<() => void>();
    const dispatch = (): void => {
      listeners.delete(signal);
      for (const fn of [...subscribers]) fn();
    };
    signal.addEventListener('abort', dispatch, { once: true });
    shared = { subscribers, detach: () => signal.removeEventListener('abort', dispatch) };
    listeners.set(signal, shared);
  }
  const current = shared;
  current.subscribers.add(onAbortFn);
  return () => {
    current.subscribers.delete(onAbortFn);
    if (current.subscribers.size === 0 && listeners.get(signal) === current) {
      listeners.delete(signal);
      current.detach();
    }
  };
}
