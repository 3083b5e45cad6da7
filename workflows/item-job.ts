import {
  CancellationScope,
  CancelledFailure,
  ContinueAsNew,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import { runName } from '../src/domain/run-name.js';
import { BOOKKEEPING_LOCAL_OPTIONS, BOOKKEEPING_OPTIONS, CALLBACK_OPTIONS, MAIL_OPTIONS } from './activity-options.js';
import {
  type AssetRef,
  type FileResult,
  type JobActivities,
  type JobIdentity,
  type JobOutcome,
  type JobProgress,
  type JobRequest,
  jobProgressQuery,
  pauseJobSignal,
  resumeJobSignal,
  stopJobSignal,
  stopRequestedSignal,
} from '../src/jobs/contracts.js';

const bookkeeping = proxyActivities<JobActivities>(BOOKKEEPING_OPTIONS);
const localBookkeeping = proxyLocalActivities<JobActivities>(BOOKKEEPING_LOCAL_OPTIONS);
const mail = proxyActivities<JobActivities>(MAIL_OPTIONS);
const callbacks = proxyActivities<JobActivities>(CALLBACK_OPTIONS);

/** patched() id: a job's Begin row written by a local activity (runs started without it write it by an activity). */
export const BEGIN_JOB_LOCAL_PATCH = 'begin-job-local-activity';

/** patched() id: a job's End row written by a local activity (runs that got this far without it write it by an activity). */
export const END_JOB_LOCAL_PATCH = 'end-job-local-activity';

/** State a job carries across continue-as-new, so a 10,000-item job keeps one handle, name and progress. */
export interface ItemJobCarry {
  cursor: string | null;
  total: number;
  processed: number;
  errors: number;
  startDate: string;
  name: string;
  serverName: string;
}

export interface ItemJobHooks<Item extends AssetRef> {
  taskType: string;
  count(): Promise<number>;
  /** the next page after `cursor`; `next` is null when there is nothing more */
  page(cursor: string | null): Promise<{ items: Item[]; next: string | null }>;
  /** processes a batch in order; the results cover the items finished (a prefix, shorter when cancelled mid-batch) */
  process(job: JobIdentity, items: Item[]): Promise<FileResult[]>;
  /** records items whose batch gave up after its retries (items already recorded keep their result) */
  fail(job: JobIdentity, items: Item[], reason: string): Promise<FileResult[]>;
  continueAsNew(carry: ItemJobCarry): Promise<never>;
  /**
   * A last step over all items once they are done (an export's ZIP), before
   * the job log is closed and the mail sent, so both can report its result.
   * Not run for a stopped or failed job; if it throws, the job fails.
   */
  finish?(job: JobIdentity): Promise<void>;
}

/**
 * Most items per batch activity. A batch costs about six history events
 * (three for the activity, three for the workflow task it wakes), so 25 items
 * keep a job near 0.25 events per item: a 10,000-item run never nears
 * Temporal's 10,240-event warning.
 */
export const MAX_BATCH = 25;

/** Temporal warns at 10,240 events in one run; a run continues as new well before (the server suggests it at 4,096 by default). */
export const MAX_HISTORY_EVENTS_PER_RUN = 10_240;

/** Small jobs get small batches, so every lane has work (four batches per lane), up to MAX_BATCH. */
export function batchSize(total: number, lanes: number): number {
  return Math.min(MAX_BATCH, Math.max(1, Math.ceil(total / (lanes * 4))));
}

/**
 * The shape every per-item IPS job shares: log the start, count the work,
 * walk it page by page in batches on bounded parallel lanes, and log the end
 * and notify. Pause and stop take effect between items: both cancel the
 * batches in flight, whose activities finish the item at hand and return
 * what they did; a pause puts the rest back at the head of the queue, a stop
 * drops it. Nothing is left half done.
 *
 * A stop arrives as a cancellation request (stopJob, `temporal workflow
 * cancel`, the Web UI) or as the stopJob signal, which cancels the job's own
 * work; either way the job stops the same way and its end row says who or
 * what stopped it.
 */
export async function runItemJob<Item extends AssetRef>(request: JobRequest, carry: ItemJobCarry | undefined, hooks: ItemJobHooks<Item>): Promise<JobOutcome> {
  const startDate = carry?.startDate ?? new Date().toISOString();
  const name = carry?.name ?? runName(request.originalName, new Date(startDate));
  const job: JobIdentity = {
    jobHandle: workflowInfo().workflowId,
    companyHandle: request.companyHandle,
    jobName: name,
    originalName: request.originalName,
    submitUserHandle: request.submitUserHandle,
    submitUserEmail: request.submitUserEmail,
    jobType: request.jobType,
    ...(request.locale ? { locale: request.locale } : {}),
    ...(request.description ? { description: request.description } : {}),
    ...(request.jobSubType ? { jobSubType: request.jobSubType } : {}),
  };
  const state = {
    total: carry?.total ?? 0,
    processed: carry?.processed ?? 0,
    errors: carry?.errors ?? 0,
    paused: false,
    stopping: false,
    stoppedBy: undefined as string | undefined,
    message: 'Starting',
    lastProgressUpdate: new Date().toISOString(),
    serverName: carry?.serverName ?? '',
  };
  const processing = new Map<string, { itemName: string; since: string }>();
  const batches = new Set<CancellationScope>();
  const touch = (message: string) => {
    state.message = message;
    state.lastProgressUpdate = new Date().toISOString();
  };
  const interruptBatches = () => {
    for (const scope of batches) scope.cancel();
  };
  // Everything between the Begin and the End row runs in this scope, so the stopJob
  // signal can cancel it as a cancellation request cancels the whole workflow.
  const root = CancellationScope.current();
  const work = new CancellationScope();
  let signalledStop: { user?: string; reason?: string } | undefined;
  let ended = false;

  setHandler(pauseJobSignal, ({ user }) => {
    state.paused = true;
    touch(`Paused by ${user}`);
    interruptBatches();
  });
  setHandler(resumeJobSignal, () => {
    state.paused = false;
    touch('Running');
  });
  setHandler(stopRequestedSignal, ({ user }) => {
    state.stoppedBy = user;
  });
  setHandler(stopJobSignal, (input) => {
    // A job already stopping, failing or past its work has nothing left to stop.
    if (signalledStop || state.stopping || ended) return;
    signalledStop = { ...(input?.user ? { user: input.user } : {}), ...(input?.reason ? { reason: input.reason } : {}) };
    work.cancel();
  });
  setHandler(jobProgressQuery, (): JobProgress => ({
    name,
    state: state.stopping ? 'Stopping' : 'Running',
    paused: state.paused,
    total: state.total,
    processed: state.processed,
    errors: state.errors,
    processing: [...processing].map(([itemId, p]) => ({ itemName: p.itemName, itemId, since: p.since })),
    message: state.message,
    lastProgressUpdate: state.lastProgressUpdate,
    startDate,
    serverName: state.serverName,
    taskType: hooks.taskType,
  }));

  if (!carry) {
    // A local activity: the Begin row is written inside the first workflow task, which then
    // goes on to schedule the first batch, instead of two dispatches through the server
    // (about 60 ms of a small job's start, bench/latency). Runs started before this change
    // replay the activity their history recorded.
    const begin = patched(BEGIN_JOB_LOCAL_PATCH) ? localBookkeeping.beginJob : bookkeeping.beginJob;
    // Not cancellable: a stop that arrives meanwhile finds the log it has to end.
    state.serverName = (await CancellationScope.nonCancellable(() => begin(job, request.jobType))).serverName;
  }

  const lanes = Math.max(1, request.lanes);
  const queue: Item[] = [];
  let busy = 0;

  const launch = (batch: Item[]) => {
    busy += 1;
    const since = new Date().toISOString();
    for (const item of batch) processing.set(item.assetHandle, { itemName: item.name, since });
    // Detached from the workflow's own cancellation: a stop reaches batches only through
    // interruptBatches, after which the activity still reports what it finished.
    void CancellationScope.nonCancellable(async () => {
      const scope = new CancellationScope();
      batches.add(scope);
      let results: FileResult[];
      try {
        results = await scope.run(() => hooks.process(job, batch));
      } catch (err) {
        results = isCancellation(err)
          ? []
          : await hooks.fail(job, batch, err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err));
      } finally {
        batches.delete(scope);
      }
      state.processed += results.length;
      state.errors += results.filter((r) => r.status === 'error').length;
      const rest = batch.slice(results.length);
      if (rest.length > 0 && !state.stopping) queue.unshift(...rest);
      for (const item of batch) processing.delete(item.assetHandle);
      busy -= 1;
      touch(state.paused ? state.message : 'Running');
    });
  };

  let outcome: JobOutcome;
  try {
    await work.run(async () => {
      if (!carry) {
        state.total = await hooks.count();
        // One history event, so getActiveJobs knows the size even when no worker can answer a query.
        upsertMemo({ totalSize: state.total });
      }
      // A pauseJob that arrived while the items were counted keeps its "Paused by …" message.
      touch(state.total === 0 ? 'Nothing to process' : state.paused ? state.message : 'Running');
      const size = batchSize(state.total, lanes);
      let cursor = carry?.cursor ?? null;
      let exhausted = false;
      for (;;) {
        if (queue.length > 0) {
          await condition(() => !state.paused && busy < lanes);
          if (queue.length > 0) launch(queue.splice(0, size));
          continue;
        }
        if (!exhausted) {
          if (cursor !== null && workflowInfo().continueAsNewSuggested) {
            await condition(() => busy === 0);
            if (queue.length > 0) continue; // a pause handed items back meanwhile
            return await hooks.continueAsNew({
              cursor,
              total: state.total,
              processed: state.processed,
              errors: state.errors,
              startDate,
              name,
              serverName: state.serverName,
            });
          }
          const { items, next } = await hooks.page(cursor);
          queue.push(...items);
          cursor = next;
          exhausted = next === null;
          continue;
        }
        await condition(() => busy === 0 || queue.length > 0);
        if (busy === 0 && queue.length === 0) break;
      }
    });
    outcome = { outcome: 'done', total: state.total, processed: state.processed, errors: state.errors };
  } catch (err) {
    // The run goes on as a new one with the same handle: the job has not ended.
    if (err instanceof ContinueAsNew) throw err;
    const cancelled = isCancellation(err);
    state.stopping = true;
    touch(cancelled ? 'Stopping' : 'Failing');
    interruptBatches();
    await CancellationScope.nonCancellable(() => condition(() => busy === 0));
    outcome = cancelled
      ? { outcome: 'stopped', total: state.total, processed: state.processed, errors: state.errors, ...stopOf(signalledStop, state.stoppedBy) }
      : {
          outcome: 'failed',
          total: state.total,
          processed: state.processed,
          errors: state.errors,
          reason: err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err),
        };
  }
  ended = true;

  await CancellationScope.nonCancellable(async () => {
    if (outcome.outcome === 'done' && hooks.finish) {
      touch('Finishing');
      try {
        await hooks.finish(job);
      } catch (err) {
        outcome = {
          ...outcome,
          outcome: 'failed',
          reason: err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err),
        };
      }
    }
    // A local activity: the End row is written inside the workflow task that saw the last
    // batch end (or the stop), not after a dispatch through the server, which under another
    // company's load waits for one of its batches to free a worker slot (bench/fairness).
    // It only writes the log (database rows); the mail and the callback, which wait on
    // servers outside, stay activities. A history that recorded the endJob activity here (a
    // run that got this far on the code before) replays it.
    const end = patched(END_JOB_LOCAL_PATCH) ? localBookkeeping.endJob : bookkeeping.endJob;
    await end(job, request.jobType, outcome);
    // postHttpUrl (reprocess, rip) or httpCompletionUrl (publish jobs): the same signed summary.
    const callback = request.options as { postHttpUrl?: string; httpCompletionUrl?: string } | undefined;
    if (callback?.postHttpUrl ?? callback?.httpCompletionUrl) {
      try {
        await callbacks.postJobCallback(job, request, outcome);
      } catch {
        // An unreachable callback receiver never fails the job; the worker log has the attempts.
      }
    }
    try {
      await mail.notifyJob(job, request, outcome);
    } catch {
      // A failed notification is visible in the worker log; it never fails the job.
    }
  });
  if (outcome.outcome === 'stopped') {
    // Surface the stop as a cancelled workflow so operators see it as such in the Web UI.
    // A workflow closes as cancelled only once cancellation was requested: after the stopJob
    // signal, the job asks for its own.
    if (!root.consideredCancelled) await requestOwnCancellation(root);
    throw new CancelledFailure(`stopped by ${outcome.stoppedBy ?? (outcome.stopSource === 'signal' ? 'the stopJob signal' : 'a cancellation request')}`);
  }
  return outcome;
}

/**
 * Has the server cancel this very run (through an activity: the server
 * refuses a workflow's cancel request for itself), and waits until the
 * request comes back to it as cancellation.
 */
export async function requestOwnCancellation(root: CancellationScope): Promise<void> {
  await CancellationScope.nonCancellable(() => bookkeeping.cancelOwnRun());
  await root.cancelRequested.catch(() => undefined);
}

/** Who stopped a job, for its end row: the stopJob signal's user, else the stopJob operation's caller (sent before its cancellation). */
export function stopOf(
  signalled: { user?: string; reason?: string } | undefined,
  requestedBy: string | undefined,
): Pick<JobOutcome, 'stoppedBy' | 'stopSource' | 'reason'> {
  if (signalled)
    return { stopSource: 'signal', ...(signalled.user ? { stoppedBy: signalled.user } : {}), ...(signalled.reason ? { reason: signalled.reason } : {}) };
  return { stopSource: 'cancel', ...(requestedBy ? { stoppedBy: requestedBy } : {}) };
}
