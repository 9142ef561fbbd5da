import type { AccountsConfig } from '../config.ts';
import { AppError } from '../http/errors.ts';
import { AttemptLimiter } from './attempt-limiter.ts';

/**
 * The brakes on guessing: failed sign-ins and every sign-up count against the caller's IP and
 * against the email address (whichever IP it comes from). Successful sign-ins cost nothing, so
 * many people behind one address are not locked out by each other.
 */
export class SignInLimits {
  readonly perIp: AttemptLimiter;
  readonly perAccount: AttemptLimiter;

  constructor(config: AccountsConfig) {
    const windowMs = config.authRateLimitWindowSeconds * 1000;
    this.perIp = new AttemptLimiter({ limit: config.authRateLimitPerIp, windowMs });
    this.perAccount = new AttemptLimiter({ limit: config.authRateLimitPerAccount, windowMs });
  }

  /** Throws 429 with Retry-After when the IP or the account is over its limit. */
  check(ip: string, account: string): void {
    const wait = Math.max(this.perIp.retryAfter(ip), this.perAccount.retryAfter(account));
    if (wait > 0) {
      throw new AppError('rate_limited', `Too many attempts: try again in ${wait} seconds`, {
        details: { retryAfterSeconds: wait },
        headers: { 'retry-after': String(wait) },
      });
    }
  }

  /** Counts one attempt against both. */
  hit(ip: string, account: string): void {
    this.perIp.hit(ip);
    this.perAccount.hit(account);
  }
}
