// Bounded retries with exponential backoff and full jitter. Only transient failures retry,
// and there is always a last attempt: a deterministic failure never loops forever.

import { backoffDelay, sleep } from '../ors/client/backoff.js';
import { ModelError } from './errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 6, baseMs: 1000, maxMs: 60_000 };

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: ModelError;
}

/** Delay before retry `attempt` (1-based): uniform in [0, min(max, base·2^(attempt−1))]. */
export function jitteredDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.round(backoffDelay(attempt, policy) * random());
}

export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  opts: { signal?: AbortSignal; onRetry?: (e: RetryEvent) => void; random?: () => number } = {},
): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(attempt), attempts: attempt };
    } catch (err) {
      if (!(err instanceof ModelError) || !err.retryable || attempt > policy.retries || opts.signal?.aborted) throw err;
      let delayMs = jitteredDelay(attempt, policy, opts.random);
      // Honour Retry-After, but never beyond our own cap.
      if (err.retryAfterMs !== null) delayMs = Math.min(policy.maxMs, Math.max(delayMs, err.retryAfterMs));
      opts.onRetry?.({ attempt, delayMs, error: err });
      await sleep(delayMs, opts.signal);
    }
  }
}
