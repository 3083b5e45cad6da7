/**
 * How many items one job processes at once (its lanes), decided when the job
 * is submitted. A fixed number, or `auto`: the slots of every worker polling
 * the task queue (each assumed to run `perWorker` activities at once, the
 * deployment's WORKER_ACTIVITY_CONCURRENCY), so a second worker machine
 * speeds up one big job and not only the next one. Never fewer than
 * `perWorker`: with no worker up yet the job still gets one machine's lanes.
 * More lanes than slots costs nothing but smaller batches (lanes beyond the
 * fleet's slots wait in Temporal's queue); fewer would leave workers idle.
 *
 * The count is asked of Temporal at most once per `ttlMs` and shared; when
 * Temporal cannot say, the job gets `perWorker` lanes.
 */
export class JobLanes {
  private cached: { at: number; lanes: Promise<number> } | undefined;

  constructor(
    private readonly deps: {
      mode: number | 'auto';
      perWorker: number;
      workers: () => Promise<number>;
      ttlMs?: number;
      now?: () => number;
    },
  ) {}

  lanes(): Promise<number> {
    const { mode, perWorker } = this.deps;
    if (mode !== 'auto') return Promise.resolve(mode);
    const now = (this.deps.now ?? Date.now)();
    if (this.cached && now - this.cached.at < (this.deps.ttlMs ?? 10_000)) return this.cached.lanes;
    const lanes = this.deps.workers().then(
      (workers) => Math.max(1, workers) * perWorker,
      () => perWorker,
    );
    this.cached = { at: now, lanes };
    return lanes;
  }
}
