import {
  CancellationScope,
  CancelledFailure,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import { runName } from '../src/domain/run-name.js';
import { BOOKKEEPING_OPTIONS, CALLBACK_OPTIONS, MAIL_OPTIONS } from './activity-options.js';
import {
  type FileResult,
  type JobActivities,
  type JobIdentity,
  type JobOutcome,
  type JobProgress,
  type JobRequest,
  jobProgressQuery,
  pauseJobSignal,
  resumeJobSignal,
  stopRequestedSignal,
} from './contracts.js';

const bookkeeping = proxyActivities<JobActivities>(BOOKKEEPING_OPTIONS);
const mail = proxyActivities<JobActivities>(MAIL_OPTIONS);
const callbacks = proxyActivities<JobActivities>(CALLBACK_OPTIONS);

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

export interface ItemJobHooks<Item extends { name: string }> {
  taskType: string;
  count(): Promise<number>;
  /** the next page after `cursor`; `next` is null when there is nothing more */
  page(cursor: string | null): Promise<{ items: Item[]; next: string | null }>;
  process(job: JobIdentity, item: Item): Promise<FileResult>;
  /** records an item whose activity gave up after its retries */
  fail(job: JobIdentity, item: Item, reason: string): Promise<FileResult>;
  continueAsNew(carry: ItemJobCarry): Promise<never>;
}

/**
 * The shape every per-item IPS job shares: log the start, count the work,
 * walk it page by page with bounded parallel activities, honour pause/resume
 * signals between items and cancellation (stopJob) at item boundaries, then
 * log the end and notify. Items already started when a stop arrives finish
 * (they run in non-cancellable scopes), so nothing is left half done.
 */
export async function runItemJob<Item extends { name: string }>(
  request: JobRequest,
  carry: ItemJobCarry | undefined,
  hooks: ItemJobHooks<Item>,
): Promise<JobOutcome> {
  const startDate = carry?.startDate ?? new Date().toISOString();
  const name = carry?.name ?? runName(request.originalName, new Date(startDate));
  const job: JobIdentity = {
    jobHandle: workflowInfo().workflowId,
    companyHandle: request.companyHandle,
    jobName: name,
    originalName: request.originalName,
    submitUserHandle: request.submitUserHandle,
    submitUserEmail: request.submitUserEmail,
    ...(request.locale ? { locale: request.locale } : {}),
    ...(request.description ? { description: request.description } : {}),
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
  const processing = new Map<string, string>();
  const touch = (message: string) => {
    state.message = message;
    state.lastProgressUpdate = new Date().toISOString();
  };

  setHandler(pauseJobSignal, ({ user }) => {
    state.paused = true;
    touch(`Paused by ${user}`);
  });
  setHandler(resumeJobSignal, () => {
    state.paused = false;
    touch('Running');
  });
  setHandler(stopRequestedSignal, ({ user }) => {
    state.stoppedBy = user;
  });
  setHandler(
    jobProgressQuery,
    (): JobProgress => ({
      name,
      state: state.stopping ? 'Stopping' : 'Running',
      paused: state.paused,
      total: state.total,
      processed: state.processed,
      errors: state.errors,
      processing: [...processing].map(([itemName, since]) => ({ itemName, since })),
      message: state.message,
      lastProgressUpdate: state.lastProgressUpdate,
      startDate,
      serverName: state.serverName,
      taskType: hooks.taskType,
    }),
  );

  if (!carry) {
    state.serverName = (await bookkeeping.beginJob(job, request.jobType)).serverName;
    state.total = await hooks.count();
    // One history event, so getActiveJobs knows the size even when no worker can answer a query.
    upsertMemo({ totalSize: state.total });
  }
  touch(state.total === 0 ? 'Nothing to process' : 'Running');

  const lanes = Math.max(1, request.lanes);
  let outcome: JobOutcome;
  const run = (item: Item) => {
    processing.set(item.name, new Date().toISOString());
    // Started items always finish, even when the job is stopped meanwhile.
    void CancellationScope.nonCancellable(async () => {
      let result: FileResult;
      try {
        result = await hooks.process(job, item);
      } catch (err) {
        result = await hooks.fail(job, item, err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err));
      }
      state.processed += 1;
      if (result.status === 'error') state.errors += 1;
      processing.delete(item.name);
      touch(state.paused ? state.message : 'Running');
    });
  };

  try {
    let cursor = carry?.cursor ?? null;
    for (;;) {
      const { items, next } = await hooks.page(cursor);
      for (const item of items) {
        await condition(() => !state.paused && processing.size < lanes);
        run(item);
      }
      cursor = next;
      if (cursor === null) break;
      if (workflowInfo().continueAsNewSuggested) {
        await condition(() => processing.size === 0);
        return await hooks.continueAsNew({ cursor, total: state.total, processed: state.processed, errors: state.errors, startDate, name, serverName: state.serverName });
      }
    }
    await condition(() => processing.size === 0);
    outcome = { outcome: 'done', total: state.total, processed: state.processed, errors: state.errors };
  } catch (err) {
    const cancelled = isCancellation(err);
    state.stopping = true;
    touch(cancelled ? 'Stopping' : 'Failing');
    await CancellationScope.nonCancellable(() => condition(() => processing.size === 0));
    outcome = cancelled
      ? { outcome: 'stopped', total: state.total, processed: state.processed, errors: state.errors, ...(state.stoppedBy ? { stoppedBy: state.stoppedBy } : {}) }
      : { outcome: 'failed', total: state.total, processed: state.processed, errors: state.errors, reason: err instanceof Error ? err.message : String(err) };
  }

  await CancellationScope.nonCancellable(async () => {
    await bookkeeping.endJob(job, request.jobType, outcome);
    if ((request.options as { postHttpUrl?: string } | undefined)?.postHttpUrl) {
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
    throw new CancelledFailure(`stopped by ${outcome.stoppedBy ?? 'a user'}`);
  }
  return outcome;
}
