import { LoginThrottledFault } from '../domain/faults.js';

/** Where failures are kept: the catalog (LoginFailureRepository), so every API replica counts the same ones. */
export interface LoginFailureStore {
  record(keys: readonly string[], at: number): Promise<void>;
  /** Each key's failure times after `since`, newest first. */
  failuresSince(keys: readonly string[], since: number): Promise<ReadonlyMap<string, readonly number[]>>;
  forget(key: string): Promise<void>;
  pruneUpTo(before: number): Promise<unknown>;
}

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
}

/**
 * Brute-force brake for logins: a sliding window of failure times per key
 * (the e-mail and the client address are separate keys). Only failures
 * count, and a key is checked before the password is, so a locked-out
 * caller learns nothing from a right guess. The failures live in the
 * catalog, so a lockout earned through one API replica holds on all.
 *
 * Hand-written rather than a rate-limit library because it must check
 * without counting (successes cost nothing) and forget a user's failures on
 * a successful login; that is the whole of it.
 */
export class LoginThrottle {
  private readonly store: LoginFailureStore;
  private readonly options: LoginThrottleOptions;
  private readonly now: () => number;
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(deps: { loginFailures: LoginFailureStore; options: LoginThrottleOptions }) {
    this.store = deps.loginFailures;
    this.options = deps.options;
    this.now = deps.options.now ?? Date.now;
  }

  /** Throws a 429 fault (with Retry-After seconds) when any key has used up its failures. */
  async check(keys: readonly string[]): Promise<void> {
    const now = this.now();
    const failures = await this.store.failuresSince(keys, now - this.options.windowMs);
    let retryAfterMs = 0;
    for (const key of keys) {
      const times = failures.get(key) ?? [];
      const limit = this.limitOf(key);
      // Locked until the oldest of the newest `limit` failures leaves the window.
      if (times.length >= limit) retryAfterMs = Math.max(retryAfterMs, times[limit - 1]! + this.options.windowMs - now);
    }
    if (retryAfterMs > 0) throw new LoginThrottledFault(Math.ceil(retryAfterMs / 1000));
  }

  async recordFailure(keys: readonly string[]): Promise<void> {
    const now = this.now();
    await this.store.record(keys, now);
    // Rows past the window decide nothing. Pruning here, at most once a window
    // per process, bounds the table by the failures of one window without a timer.
    if (now - this.lastPrune >= this.options.windowMs) {
      this.lastPrune = now;
      await this.store.pruneUpTo(now - this.options.windowMs);
    }
  }

  async forget(key: string): Promise<void> {
    await this.store.forget(key);
  }

  private limitOf(key: string): number {
    return key.startsWith(ADDRESS_PREFIX) ? (this.options.maxAddressFailures ?? 5 * this.options.maxFailures) : this.options.maxFailures;
  }
}

const ADDRESS_PREFIX = 'addr:';

export const throttleKeys = {
  user: (email: string) => `user:${email.trim().toLowerCase()}`,
  address: (address: string) => `${ADDRESS_PREFIX}${address}`,
};
