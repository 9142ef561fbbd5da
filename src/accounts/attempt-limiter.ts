/**
 * Counts attempts per key (an IP, an account) in a fixed window and says when a key is over its limit.
 * Kept in memory: a restart forgives everyone, and each API process counts on its own, which is
 * enough to make guessing passwords impractically slow.
 */
export class AttemptLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, { count: number; resetAt: number }>();

  constructor(options: { limit: number; windowMs: number; now?: () => number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until the key may try again, or 0 when it is under its limit. */
  retryAfter(key: string): number {
    const entry = this.#windows.get(key);
    const now = this.#now();
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= this.#limit ? Math.max(1, Math.ceil((entry.resetAt - now) / 1000)) : 0;
  }

  /** Counts one attempt. */
  hit(key: string): void {
    const now = this.#now();
    const entry = this.#windows.get(key);
    if (!entry || entry.resetAt <= now) {
      this.#windows.set(key, { count: 1, resetAt: now + this.#windowMs });
      if (this.#windows.size > 10_000) this.#sweep(now);
      return;
    }
    entry.count += 1;
  }

  /** Forgets a key, e.g. an account's failures after it signed in. */
  reset(key: string): void {
    this.#windows.delete(key);
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#windows) if (entry.resetAt <= now) this.#windows.delete(key);
  }
}
