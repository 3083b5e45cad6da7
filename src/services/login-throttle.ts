import { LoginThrottledFault } from '../domain/faults.js';

export interface LoginThrottleOptions {
  /** failed logins per e-mail within the window after which further attempts are refused */
  maxFailures: number;
  /**
   * the same per client address; default 5 × maxFailures: an office behind one
   * NAT shares an address, and one colleague's typos must not lock out the rest
   */
  maxAddressFailures?: number;
  windowMs: number;
  /** injectable clock for tests */
  now?: () => number;
  /** bound on remembered keys, so a flood of made-up e-mails cannot grow memory without end */
  maxKeys?: number;
}

/**
 * Brute-force brake for logins: a sliding window of failure times per key
 * (the e-mail and the client address are separate keys). Only failures
 * count, and a key is checked before the password is, so a locked-out
 * caller learns nothing from a right guess. State is per process: with
 * several API replicas each counts on its own.
 *
 * Hand-written rather than a rate-limit library because it must check
 * without counting (successes cost nothing) and forget a user's failures on
 * a successful login; that is the whole of it.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: LoginThrottleOptions) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Throws a 429 fault (with Retry-After seconds) when any key has used up its failures. */
  check(keys: readonly string[]): void {
    let retryAfterMs = 0;
    for (const key of keys) retryAfterMs = Math.max(retryAfterMs, this.lockedForMs(key));
    if (retryAfterMs > 0) throw new LoginThrottledFault(Math.ceil(retryAfterMs / 1000));
  }

  recordFailure(keys: readonly string[]): void {
    const now = this.now();
    if (this.failures.size >= this.maxKeys) this.prune(now);
    for (const key of keys) {
      const times = this.recent(key, now);
      times.push(now);
      // Only the newest `limit` times decide a lockout; older ones are noise.
      const limit = this.limitOf(key);
      if (times.length > limit) times.splice(0, times.length - limit);
      this.failures.set(key, times);
    }
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  private limitOf(key: string): number {
    return key.startsWith(ADDRESS_PREFIX) ? (this.options.maxAddressFailures ?? 5 * this.options.maxFailures) : this.options.maxFailures;
  }

  private lockedForMs(key: string): number {
    const times = this.recent(key, this.now());
    const limit = this.limitOf(key);
    if (times.length < limit) return 0;
    // Locked until the oldest counted failure leaves the window.
    return times[times.length - limit]! + this.options.windowMs - this.now();
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.options.windowMs);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }

  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
    // Still full of live keys (a spray from many addresses): dropping the oldest half keeps memory bounded.
    if (this.failures.size >= this.maxKeys) {
      for (const key of [...this.failures.keys()].slice(0, Math.floor(this.maxKeys / 2))) this.failures.delete(key);
    }
  }
}

const ADDRESS_PREFIX = 'addr:';

export const throttleKeys = {
  user: (email: string) => `user:${email.trim().toLowerCase()}`,
  address: (address: string) => `${ADDRESS_PREFIX}${address}`,
};
