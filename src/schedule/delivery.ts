import { ChannelGoneError } from '../bot/types';
import { sleep, type Clock } from './clock';

/**
 * Posting a digest with retries: a platform hiccup (5xx, network, rate limit the library gave up
 * on) is retried with exponential backoff; a channel that is gone is not retried at all.
 */

export interface RetryPolicy {
  /** tries in all, the first included */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 2000, maxDelayMs: 60_000 };

/** The wait before try number `attempt` + 1 (attempt counts from 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

export interface RetryHooks {
  clock: Clock;
  signal?: AbortSignal;
  /** told before each wait */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export async function postWithRetry(post: () => Promise<void>, policy: RetryPolicy, hooks: RetryHooks): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await post();
      return;
    } catch (error) {
      if (error instanceof ChannelGoneError || attempt >= policy.attempts || hooks.signal?.aborted) throw error;
      const delay = backoffDelay(policy, attempt);
      hooks.onRetry?.(error, attempt, delay);
      await sleep(hooks.clock, delay, hooks.signal);
    }
  }
}
