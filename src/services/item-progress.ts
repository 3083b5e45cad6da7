import type { RenderPlan } from '../adapters/media/media-types.js';
import type { ItemProgressRow } from '../adapters/repositories/item-progress.repository.js';

/**
 * What a service tells about the item it is working on. `step` is a short
 * machine name (reading, rendering, ripping, encoding, commit…), `fraction`
 * how far the item is (0..1), `message` what getActiveJobs shows as the
 * item's progressMessage (the step when omitted). Never throws, never waits:
 * progress is a side channel and must not slow or fail the work.
 */
export interface ItemProgress {
  step(step: string, fraction: number, message?: string): void;
}

/** For callers with no job around them (tests, one-off calls). */
export const NO_PROGRESS: ItemProgress = { step: () => undefined };

/** Where progress rows go (ItemProgressRepository in the worker; a fake in tests). */
export interface ItemProgressStore {
  upsert(row: ItemProgressRow): Promise<void>;
  remove(jobHandle: string, itemId: string): Promise<void>;
  removeJob(jobHandle: string): Promise<void>;
}

export interface ProgressClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: ProgressClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending progress write must never keep a finishing worker process alive.
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ItemProgressOptions {
  /**
   * Least time between two writes of one item's row, unless the step
   * changes; also how long an item runs before its first write, so items
   * quicker than this (most single images) never touch the table at all.
   */
  minIntervalMs: number;
  clock?: ProgressClock;
}

/** The part of a logger this needs (pino's warn). */
export interface ProgressLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Per-item progress for getActiveJobs, written to the catalog
 * (job_item_progress) because the API and the worker are separate processes
 * and machines and the catalog is what both reach. Temporal's own channel,
 * activity heartbeat details, would need a describe call per job per poll and
 * would tie progress to the heartbeat cadence.
 *
 * Writes are throttled per item: the first one after `minIntervalMs`, then
 * at once when the step changes, else at most one per `minIntervalMs` (the
 * latest report wins; one that arrives too soon is written when the interval
 * is up, if the item is still running). At most one write per item is in
 * flight. A 1,000-page rip thus writes a few rows a second, not one per page.
 * The row goes when the item ends, and all of a job's rows when the job ends.
 * A failed write is logged (once per item) and otherwise ignored.
 */
export class ItemProgressReporter {
  private readonly clock: ProgressClock;

  private readonly store: ItemProgressStore;
  private readonly log: ProgressLog;
  private readonly options: ItemProgressOptions;

  constructor(deps: { itemProgress: ItemProgressStore; logger: ProgressLog } & ItemProgressOptions) {
    const { itemProgress, logger, ...options } = deps;
    this.store = itemProgress;
    this.log = logger;
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /** Runs one item's work with its progress tracker; the item's row is removed when the work ends, however it ends. */
  async track<T>(jobHandle: string, item: { assetHandle: string; name: string }, work: (progress: ItemProgress) => Promise<T>): Promise<T> {
    const tracker = new ItemTracker(this.store, this.log, this.clock, this.options.minIntervalMs, jobHandle, item.assetHandle, item.name);
    try {
      return await work(tracker);
    } finally {
      await tracker.end();
    }
  }

  /** Removes whatever rows a job left (an item whose worker died mid-way): the job is over. */
  async endJob(jobHandle: string): Promise<void> {
    try {
      await this.store.removeJob(jobHandle);
    } catch (err) {
      this.log.warn({ jobHandle, reason: errorText(err) }, "could not remove the job's item progress rows");
    }
  }
}

class ItemTracker implements ItemProgress {
  private readonly startedAt: number;
  private state?: { step: string; message: string; fraction: number; at: number };
  private pending = false;
  private written?: { step: string; at: number };
  private inflight?: Promise<void>;
  private timer?: unknown;
  private ended = false;
  private failed = false;

  constructor(
    private readonly store: ItemProgressStore,
    private readonly log: ProgressLog,
    private readonly clock: ProgressClock,
    private readonly minIntervalMs: number,
    private readonly jobHandle: string,
    private readonly itemId: string,
    private readonly itemName: string,
  ) {
    this.startedAt = clock.now();
  }

  step(step: string, fraction: number, message: string = step): void {
    if (this.ended) return;
    const previous = this.state?.fraction ?? 0;
    // Monotonic and within 0..1 whatever the caller passes: a poller never sees an item go backwards.
    const next = Number.isFinite(fraction) ? Math.min(1, Math.max(previous, fraction)) : previous;
    this.state = { step, message, fraction: next, at: this.clock.now() };
    this.pending = true;
    this.schedule();
  }

  async end(): Promise<void> {
    this.ended = true;
    this.cancelTimer();
    await this.inflight;
    if (!this.written) return;
    try {
      await this.store.remove(this.jobHandle, this.itemId);
    } catch (err) {
      // The job's end removes it anyway; until then the API shows only items the workflow still lists.
      this.warn(err);
    }
  }

  private schedule(): void {
    if (this.inflight || !this.pending || this.ended) return;
    const now = this.clock.now();
    const due = !this.written ? this.startedAt + this.minIntervalMs : this.state!.step !== this.written.step ? now : this.written.at + this.minIntervalMs;
    this.cancelTimer();
    if (now >= due) this.write();
    else this.timer = this.clock.setTimeout(() => this.schedule(), due - now);
  }

  private write(): void {
    const s = this.state!;
    this.pending = false;
    this.written = { step: s.step, at: this.clock.now() };
    const row: ItemProgressRow = {
      job_handle: this.jobHandle,
      item_id: this.itemId,
      item_name: this.itemName,
      step: s.step,
      message: s.message,
      fraction: s.fraction,
      updated_at: new Date(s.at).toISOString(),
    };
    this.inflight = this.store
      .upsert(row)
      .catch((err: unknown) => this.warn(err))
      .finally(() => {
        this.inflight = undefined;
        this.schedule();
      });
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private warn(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.log.warn({ jobHandle: this.jobHandle, itemId: this.itemId, reason: errorText(err) }, 'could not write item progress (the item goes on)');
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `part` of the way from `from` to `to`: a sub-step's share of an item's fraction. */
export function between(from: number, to: number, part: number): number {
  const p = Number.isFinite(part) ? Math.min(1, Math.max(0, part)) : 0;
  return from + (to - from) * p;
}

/**
 * What one render call does, in the pipeline's order, for the item's
 * message: the render runs on a worker thread as one call (libvips streams
 * crop, colour and pyramid in one pass for most images), so its inner steps
 * are not reported one by one; the message names them instead.
 */
export function renderingMessage(plan: RenderPlan): string {
  const steps = [
    'decoding',
    ...(plan.crop ? ['cropping'] : []),
    ...(plan.knockout ? ['knockout'] : []),
    ...(plan.mask ? ['mask'] : []),
    ...(plan.color && plan.color.mode !== 'Default' ? ['colour'] : []),
    ...(plan.usm && plan.usm.amount > 0 ? ['sharpening'] : []),
    'pyramid',
  ];
  return `Rendering (${steps.join(', ')})`;
}
