// Exponential backoff with full jitter: attempt n (0-based) waits a uniform random time in
// [0, min(cap, base * 2^n)] ("full jitter"), so keepers that failed together do not retry
// together.

export interface BackoffPolicy {
  base_ms: number;
  cap_ms: number;
}

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.cap_ms, policy.base_ms * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * exp);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `fn` until it succeeds or `retries` more attempts failed, waiting with backoff between; `retryable` decides which errors to retry. */
export async function withBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  opts: BackoffPolicy & { retries: number; retryable?: (e: unknown) => boolean; onRetry?: (e: unknown, attempt: number, delay: number) => void },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= opts.retries || (opts.retryable && !opts.retryable(e))) throw e;
      const delay = backoffDelay(attempt, opts);
      opts.onRetry?.(e, attempt, delay);
      await sleep(delay);
    }
  }
}
