import { Context } from '@temporalio/activity';
import type { AssetRef, FileResult, JobActivities, JobOutcome, OptimizeActivities, OptimizeImagesRequest } from '../../../src/jobs/contracts.js';

/** What the mocked activities saw, in the order they saw it. */
export type JobEvent =
  | { kind: 'begin'; attempt: number }
  | { kind: 'count' }
  | { kind: 'page'; after: string | null }
  | { kind: 'batch-start'; items: string[]; attempt: number; runId: string }
  | { kind: 'item-done'; item: string }
  /** the batch's activity learnt (from a heartbeat reply) that the workflow cancelled it */
  | { kind: 'batch-cancelled'; items: string[] }
  | { kind: 'batch-end'; items: string[]; done: string[] }
  | { kind: 'batch-failed'; items: string[]; attempt: number; reason: string }
  | { kind: 'record-failures'; items: string[]; reason: string }
  | { kind: 'end'; outcome: JobOutcome; attempt: number }
  | { kind: 'notify'; outcome: JobOutcome };

/** The events so far, and promises on events to come: tests wait for what happened, never for time. */
export class JobRecorder {
  readonly events: JobEvent[] = [];
  private waiters: Array<{ match: (e: JobEvent) => boolean; resolve: (e: JobEvent) => void }> = [];

  push(event: JobEvent): void {
    this.events.push(event);
    for (const w of this.waiters.filter((w) => w.match(event))) w.resolve(event);
    this.waiters = this.waiters.filter((w) => !w.match(event));
  }

  /**
   * The first event (already recorded or still to come) that `match` accepts.
   * Gives up after `timeoutMs`, naming the event, so a job that never gets
   * there fails its test with a reason rather than at the test's timeout.
   */
  when<K extends JobEvent['kind']>(
    kind: K,
    match: (e: Extract<JobEvent, { kind: K }>) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<Extract<JobEvent, { kind: K }>> {
    const accepts = (e: JobEvent): e is Extract<JobEvent, { kind: K }> => e.kind === kind && match(e as Extract<JobEvent, { kind: K }>);
    const seen = this.events.find(accepts);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${kind} event of the expected kind within ${timeoutMs / 1000} s; events so far: ${JSON.stringify(this.events)}`)),
        timeoutMs,
      );
      this.waiters.push({
        match: accepts,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as Extract<JobEvent, { kind: K }>);
        },
      });
    });
  }

  of<K extends JobEvent['kind']>(kind: K): Array<Extract<JobEvent, { kind: K }>> {
    return this.events.filter((e): e is Extract<JobEvent, { kind: K }> => e.kind === kind);
  }

  /** Items finished, in order, with repeats (an item done twice would show twice). */
  itemsDone(): string[] {
    return this.of('item-done').map((e) => e.item);
  }
}

export interface FakeJobOptions {
  /** how many assets the company has to optimise: asset-001, asset-002, … */
  items: number;
  /** items whose work waits until `release()`: they keep their batch in flight while the test signals the job */
  hold?: string[];
  /** one item's work in a batch attempt; throwing fails the attempt. Default: done at once. */
  work?: (item: AssetRef, attempt: number) => Promise<void>;
  /** the job log's Begin row in a beginJob attempt; throwing fails the attempt. Default: written at once. */
  begin?: (attempt: number) => Promise<void>;
  /** the job log's End row in an endJob attempt; throwing fails the attempt. Default: written at once. */
  end?: (attempt: number) => Promise<void>;
}

export interface FakeJob {
  activities: JobActivities & OptimizeActivities;
  recorder: JobRecorder;
  /** lets the held items finish (idempotent) */
  release(): void;
}

/** asset-001 … asset-NNN: sorted as the catalog lists them, so the last of a page is the next cursor. */
export function assetHandles(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `asset-${String(i + 1).padStart(3, '0')}`);
}

/**
 * The activities an OptimizeImagesJob calls, mocked: an in-memory catalog of
 * assets, a batch step that runs each item's work while heartbeating and
 * honours cancellation between items (the contract of activities/batch.ts),
 * and job bookkeeping that only records. Everything lands in `recorder`.
 */
export function fakeOptimizeJob(options: FakeJobOptions): FakeJob {
  const recorder = new JobRecorder();
  const catalog = assetHandles(options.items).map((h): AssetRef => ({ assetHandle: h, name: `${h}.tif` }));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = new Set(options.hold ?? []);
  const work = async (item: AssetRef, attempt: number) => {
    if (held.has(item.assetHandle)) await released;
    await options.work?.(item, attempt);
  };
  const handles = (items: AssetRef[]) => items.map((i) => i.assetHandle);

  const activities: JobActivities & OptimizeActivities = {
    async beginJob() {
      const { attempt } = Context.current().info;
      await options.begin?.(attempt);
      recorder.push({ kind: 'begin', attempt });
      return { serverName: 'workflow-test' };
    },
    async endJob(_job, _jobType, outcome) {
      const { attempt } = Context.current().info;
      await options.end?.(attempt);
      recorder.push({ kind: 'end', outcome, attempt });
    },
    async notifyJob(_job, _request, outcome) {
      recorder.push({ kind: 'notify', outcome });
    },
    async postJobCallback() {
      throw new Error('no callback URL is set in these tests');
    },
    async cancelOwnRun() {
      // As the real activity does: the server refuses a workflow's cancel request for itself.
      const run = callingRun();
      await Context.current().client.workflow.getHandle(run.workflowId, run.runId).cancel();
    },
    async countImagesToOptimize() {
      recorder.push({ kind: 'count' });
      return catalog.length;
    },
    async listImagesToOptimize(_company, after, limit) {
      recorder.push({ kind: 'page', after });
      return catalog.filter((a) => after === null || a.assetHandle > after).slice(0, limit);
    },
    async optimizeImages(_job, assets) {
      const ctx = Context.current();
      const { attempt } = ctx.info;
      const items = handles(assets);
      recorder.push({ kind: 'batch-start', items, attempt, runId: callingRun().runId });
      const onCancel = () => recorder.push({ kind: 'batch-cancelled', items });
      ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
      // Cancellation reaches an activity only in a heartbeat's reply: beat while an item is held.
      ctx.heartbeat();
      const beat = setInterval(() => ctx.heartbeat(), 50);
      const results: FileResult[] = [];
      try {
        for (const asset of assets) {
          if (ctx.cancellationSignal.aborted) break;
          await work(asset, attempt);
          recorder.push({ kind: 'item-done', item: asset.assetHandle });
          results.push({ itemId: asset.assetHandle, assetHandle: asset.assetHandle, status: 'success' });
        }
      } catch (err) {
        recorder.push({ kind: 'batch-failed', items, attempt, reason: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        clearInterval(beat);
        ctx.cancellationSignal.removeEventListener('abort', onCancel);
      }
      recorder.push({ kind: 'batch-end', items, done: handles(assets.slice(0, results.length)) });
      return results;
    },
    async recordOptimizeFailures(_job, assets, reason) {
      recorder.push({ kind: 'record-failures', items: handles(assets), reason });
      return assets.map((a) => ({ itemId: a.assetHandle, assetHandle: a.assetHandle, status: 'error', reason }));
    },
  };
  return { activities, recorder, release };
}

/** The workflow run that called the current activity (every activity here is a workflow's). */
function callingRun(): { workflowId: string; runId: string } {
  const run = Context.current().info.workflowExecution;
  if (!run) throw new Error('this activity was not called by a workflow');
  return run;
}

/** An OptimizeImagesJob as submitJob would hand it to the workflow. */
export function optimizeRequest(lanes: number): OptimizeImagesRequest {
  return {
    companyHandle: 'c-workflow-test',
    originalName: 'optimize',
    submitUserHandle: 'u-1',
    submitUserEmail: 'ops@example.com',
    notifyUserEmail: 'ops@example.com',
    jobType: 'ImageOptimization',
    element: 'optimizeImagesJob',
    options: { emailSetting: 'None' },
    lanes,
  };
}
