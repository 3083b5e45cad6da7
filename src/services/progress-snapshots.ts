/**
 * Live job progress shared between callers for a moment: every
 * getActiveJobs asks each running job's workflow for its progress (a
 * Temporal query the worker answers), and dashboards poll, often several at
 * once. A query in flight is shared by everyone who asks meanwhile, and its
 * answer is reused for `ttlMs` from when it was asked, so N pollers cost
 * one query per job per `ttlMs` instead of N. Counts are still read from the
 * catalog on every call (JobService.liveProgress); a stop, pause or resume
 * through this process forgets the job's snapshot, so its own caller sees the
 * change at once. Another API replica may show it up to `ttlMs` late.
 *
 * Safe per process, so not shared between replicas: it holds copies of what
 * the workflow answers, never state of its own; nothing is decided or written
 * from it; each replica's copy is at most `ttlMs` (PROGRESS_CACHE_MS, 1 s by
 * default) older than Temporal's answer; and a replica that never saw a job
 * simply asks Temporal. Sharing it would cost a catalog or cache round trip to
 * save one query a second per job.
 */
export class ProgressSnapshots<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    if (this.entries.size >= 10_000) this.prune(now);
    const value = load();
    this.entries.set(key, { at: now, value });
    // A failed query is not remembered: the next caller asks again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (now - entry.at >= this.ttlMs) this.entries.delete(key);
  }
}
