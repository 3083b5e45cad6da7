import { refreshDue } from './refresh-ahead.js';

/**
 * Passwords known to match their stored hash, each confirmed by the KDF within
 * the last `ttlMs`, keyed by a hash of (user, stored hash, offered password).
 *
 * Two things keep the KDF off the request path of a client in steady use:
 * - **One KDF per key at a time.** Callers that offer the same credentials
 *   while the KDF runs share its answer. A client whose remembered password had
 *   just expired used to send its next burst of 4 requests into 4 scrypt runs
 *   (32 MB each, on 2 cores): every request of the burst, and every other
 *   request of the API, waited ~150–300 ms (bench/control-plane's submitJob p99).
 * - **Refresh ahead.** A caller in the last fifth of an entry's life is answered
 *   from memory and the KDF confirms the password again behind it, so the entry
 *   lives on without a caller waiting. Every remembered answer was still
 *   confirmed by the KDF within `ttlMs`: nothing is remembered longer than before.
 *
 * SharedAnswers does the same two things (and shares refreshDue) but stays a
 * separate class: it serves an answer older than its `ttlMs` when a load fails
 * or is slow, which a password check must never do; here nothing confirmed
 * longer ago than `ttlMs` is answered, and a `false` is never remembered.
 */
export class RememberedPasswords {
  /** key → when the KDF last confirmed that it matches (epoch ms) */
  private readonly confirmedAt = new Map<string, number>();
  /** key → the KDF run in flight for it */
  private readonly running = new Map<string, Promise<boolean>>();
  /** bumped by clear(), so a KDF run started before it remembers nothing */
  private generation = 0;

  /**
   * ttlMs: how long a confirmed password is remembered (0: never; concurrent
   * callers still share one KDF run). maxEntries: a bound, not an eviction
   * policy: a full map is rare and costs one KDF per caller to refill.
   */
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  /** Whether the password of `key` matches; `remembered` when no KDF was waited for (it was known to match). */
  async check(key: string, kdf: () => Promise<boolean>): Promise<{ matches: boolean; remembered: boolean }> {
    const now = this.now();
    const confirmedAt = this.confirmedAt.get(key);
    if (confirmedAt !== undefined && now - confirmedAt < this.ttlMs) {
      // Behind the answer: a failure leaves the entry to expire as it would have. confirm()
      // returns a run already in flight, so however many callers come, one KDF runs.
      if (refreshDue(confirmedAt, this.ttlMs, now)) this.confirm(key, kdf).catch(() => undefined);
      return { matches: true, remembered: true };
    }
    return { matches: await this.confirm(key, kdf), remembered: false };
  }

  private confirm(key: string, kdf: () => Promise<boolean>): Promise<boolean> {
    const inFlight = this.running.get(key);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const run = kdf()
      .then((matches) => {
        if (matches && generation === this.generation) this.remember(key);
        else this.confirmedAt.delete(key);
        return matches;
      })
      .finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  /** Forgets every remembered password (a KDF run in flight still answers its callers). */
  clear(): void {
    this.confirmedAt.clear();
    this.generation++;
  }

  private remember(key: string): void {
    if (this.ttlMs <= 0) return;
    if (this.confirmedAt.size >= this.maxEntries && !this.confirmedAt.has(key)) this.confirmedAt.clear();
    this.confirmedAt.set(key, this.now());
  }
}
