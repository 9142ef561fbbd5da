import type { RetryPolicy } from '../workflows/definition.ts';

const DEFAULT_DELAY_MS = 1000;
const MAX_DELAY_MS = 5 * 60_000;

/**
 * Wait before attempt `failedAttempts + 1`: the policy's delay, doubled per attempt for exponential
 * backoff, with "equal jitter" (half fixed, half random) so many failing runs do not retry in step.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  failedAttempts: number,
  random: () => number = Math.random,
): number {
  const base = policy.delayMs ?? DEFAULT_DELAY_MS;
  const raw = policy.backoff === 'fixed' ? base : base * 2 ** Math.max(0, failedAttempts - 1);
  const capped = Math.min(raw, MAX_DELAY_MS);
  return Math.round(capped / 2 + (capped / 2) * random());
}

/** Resolves after `ms`, or rejects as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
