import { refreshDue } from './refresh-ahead.js';

/**
 * Answers shared between callers for a moment: every getActiveJobs asks
 * Temporal which jobs run (a visibility query) and each running job's
 * workflow for its progress (a query the worker answers), and dashboards
 * poll, often several at once. A load in flight is shared by everyone who
 * asks meanwhile, and its answer is reused for `ttlMs` from when it was
 * asked, so N pollers cost one load per key per `ttlMs` instead of N.
 *
 * With `staleMs`, an answer older than `ttlMs` but younger than `ttlMs +
 * staleMs` starts one fresh load, and the caller gets that fresh answer if it
 * comes within `waitMs`, else the older one while the load goes on behind it
 * (stale-if-slow): answers are as fresh as before while Temporal answers
 * promptly, and a caller never waits long on Temporal for something it was
 * told a moment ago. In that mode an answer also refreshes ahead: a caller
 * in the last fifth of its `ttlMs` (refreshDue) gets it at once and starts
 * the next load behind it, so while callers keep coming none of them waits
 * for a load (under a pixel load the 100 ms waits for a refresh made
 * getActiveJobs' p95), and no answer served is older than `ttlMs` more often
 * than before. Why: Temporal throttles visibility queries per
 * namespace (the server's `frontend.namespaceRPS.visibility`, 10 a second by
 * default) by making the client back off for 1–2 s, and under a pixel load
 * every hop to the dev server and the worker waits for a core; a caller
 * waiting on either saw 1.8 s idle p99 and 4–9 × its idle p95
 * (bench/control-plane). A failed refresh keeps the older answer until it
 * is too old; a failed first load is not remembered.
 *
 * Safe per process, so not shared between replicas: it holds copies of what
 * Temporal answered, never state of its own; nothing is decided or written
 * from it; and a replica that never saw a key simply asks. A stop, pause or
 * resume through this process forgets what it changed (JobService), so its
 * own caller sees the change at once; another replica sees it at most
 * `ttlMs + staleMs` plus one load late.
 */
export class SharedAnswers<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly staleMs = 0,
    private readonly waitMs = 100,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit) {
      const age = now - hit.at;
      // A load in flight is shared whatever its age: a second one would only queue behind it.
      if (!hit.settled) return hit.value;
      if (age < this.ttlMs) {
        if (this.staleMs > 0 && refreshDue(hit.at, this.ttlMs, now) && !hit.refreshing) void this.refresh(key, hit, load, now);
        return hit.value;
      }
      if (age < this.ttlMs + this.staleMs) return this.freshIfQuick(hit, hit.refreshing ?? this.refresh(key, hit, load, now));
    }
    if (this.entries.size >= 10_000) this.prune(now);
    const entry: Entry<T> = { at: now, value: load(), settled: false };
    this.entries.set(key, entry);
    entry.value.then(
      () => (entry.settled = true),
      // A failed load is not remembered: the next caller asks again.
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  forgetAll(): void {
    this.entries.clear();
  }

  /** One load behind a stale answer; it replaces that answer when it succeeds and the key was not forgotten meanwhile. */
  private refresh(key: string, stale: Entry<T>, load: () => Promise<T>, now: number): Promise<T> {
    const value = load();
    stale.refreshing = value;
    value.then(
      () => {
        if (this.entries.get(key) === stale) this.entries.set(key, { at: now, value, settled: true });
      },
      () => (stale.refreshing = undefined),
    );
    return value;
  }

  /** The fresh answer if it comes within waitMs, else (or if it fails) the stale one. */
  private freshIfQuick(stale: Entry<T>, fresh: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(stale.value), this.waitMs);
      timer.unref();
    });
    return Promise.race([fresh.catch(() => stale.value), late]).finally(() => clearTimeout(timer));
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (entry.settled && now - entry.at >= this.ttlMs + this.staleMs) this.entries.delete(key);
  }
}

interface Entry<T> {
  /** when the load was asked for */
  at: number;
  value: Promise<T>;
  settled: boolean;
  /** the fresh load running behind this (stale) answer */
  refreshing?: Promise<T>;
}
