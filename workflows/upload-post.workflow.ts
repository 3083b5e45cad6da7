import {
  ApplicationFailure,
  ActivityFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import {
  type FileResult,
  type JobActivities,
  type JobOutcome,
  type UploadActivities,
  type UploadItem,
  type UploadJobInput,
  type UploadJobResult,
  addUploadFilesSignal,
  jobProgressQuery,
  stopJobSignal,
  stopRequestedSignal,
} from '../src/jobs/contracts.js';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS, MAIL_OPTIONS } from './activity-options.js';
import { requestOwnCancellation, stopOf } from './item-job.js';
import { applyJobSets } from './job-sets.js';

/** The job type of upload jobs in the job registry (workflows cannot import the registry itself). */
const UPLOAD_POST = 'UploadPost';
/** The reason logged for a file a stop left unprocessed. */
const NOT_PROCESSED = 'not processed: the job was stopped first';

const bookkeeping = proxyActivities<UploadActivities>(BOOKKEEPING_OPTIONS);
const jobBookkeeping = proxyActivities<JobActivities>(BOOKKEEPING_OPTIONS);
const mail = proxyActivities<JobActivities>(MAIL_OPTIONS);
const ingest = proxyActivities<UploadActivities>(ITEM_ACTIVITY_OPTIONS);

/**
 * The UploadFile servlet's job (docs/jobs/upload.md): files arrive in one or
 * more posts; each is ingested by its own activity with bounded parallelism.
 * The job ends when a post says endJob, or after `idleTimeoutSeconds` without
 * a post (IPS: 30 minutes).
 *
 * It stops as every job does (stopJob, the stopJob signal, a cancellation
 * request): Stopping, the files in hand finish (an interruptible step such as
 * a video encoding is interrupted), the files not started are logged as not
 * processed (which clears them from staging), and the end row says who
 * stopped it and how many files were done.
 */
export async function uploadPostWorkflow(input: UploadJobInput): Promise<UploadJobResult> {
  const { job, options } = input;
  const pending: UploadItem[] = [...input.firstPost.items];
  let ended = input.firstPost.endJob;
  let endedBy: UploadJobResult['endedBy'] = 'endJob';
  let processing = 0;
  const counts = { total: 0, success: 0, updated: 0, duplicate: 0, error: 0 };
  const root = CancellationScope.current();
  // Everything between the Begin and the End row, so the stopJob signal can cancel it.
  const work = new CancellationScope();
  const inFlight = new Set<CancellationScope>();
  /** files a stop interrupted or that arrived while stopping: logged as not processed */
  const unprocessed: UploadItem[] = [];
  let stopping = false;
  let finished = false;
  let requestedBy: string | undefined;
  let signalledStop: { user?: string; reason?: string } | undefined;

  setHandler(addUploadFilesSignal, (post) => {
    // A post the API accepted while the job was stopping is in staging: log it as not processed too.
    if (stopping) {
      unprocessed.push(...post.items);
      return;
    }
    if (ended) return; // the API refuses posts to an ended job; a late signal changes nothing
    pending.push(...post.items);
    if (post.endJob) ended = true;
  });
  setHandler(stopRequestedSignal, ({ user }) => {
    requestedBy = user;
  });
  setHandler(stopJobSignal, (stop) => {
    if (signalledStop || stopping || finished) return;
    signalledStop = { ...(stop?.user ? { user: stop.user } : {}), ...(stop?.reason ? { reason: stop.reason } : {}) };
    work.cancel();
  });
  const startDate = new Date().toISOString();
  let serverName = '';
  let lastProgressUpdate = startDate;
  setHandler(jobProgressQuery, () => {
    const waiting = !stopping && !ended && pending.length === 0 && processing === 0;
    return {
      name: job.jobName,
      state: stopping ? 'Stopping' : waiting ? 'WaitingClient' : 'Running',
      paused: false,
      total: counts.total + pending.length + processing,
      processed: counts.total,
      errors: counts.error,
      processing: [],
      message: stopping ? 'Stopping' : waiting ? 'Waiting for more files' : 'Processing files',
      lastProgressUpdate,
      startDate,
      serverName,
      taskType: 'UploadPost',
    };
  });

  // Not cancellable: a stop that arrives meanwhile finds the log it has to end.
  serverName = (await CancellationScope.nonCancellable(() => bookkeeping.beginUploadJob(job, options))).serverName;

  const record = (r: FileResult) => {
    counts.total += 1;
    counts[r.status] += 1;
    lastProgressUpdate = new Date().toISOString();
  };
  // Detached from the job's cancellation: a stop reaches a file only through its own scope.
  const processOne = (item: UploadItem) =>
    CancellationScope.nonCancellable(async () => {
      const scope = new CancellationScope();
      inFlight.add(scope);
      try {
        record(await scope.run(() => ingest.ingestUploadedFile(job, options, item)));
      } catch (err) {
        if (isCancellation(err)) unprocessed.push(item);
        else record(await bookkeeping.recordFileFailure(job, item, failureReason(err)));
      } finally {
        inFlight.delete(scope);
        processing -= 1;
      }
    });

  try {
    await work.run(async () => {
      for (;;) {
        while (pending.length > 0) {
          await condition(() => processing < input.concurrency);
          processing += 1;
          void processOne(pending.shift()!);
        }
        if (ended) break;
        const posted = await condition(() => pending.length > 0 || ended, `${input.idleTimeoutSeconds}s`);
        if (!posted) {
          ended = true;
          endedBy = 'idleTimeout';
        }
      }
      await condition(() => processing === 0 && pending.length === 0);
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await stopUpload();
  }
  finished = true;

  async function stopUpload(): Promise<never> {
    stopping = true;
    lastProgressUpdate = new Date().toISOString();
    for (const scope of inFlight) scope.cancel();
    const outcome = await CancellationScope.nonCancellable(async (): Promise<JobOutcome> => {
      await condition(() => processing === 0);
      const processed = counts.total;
      const errors = counts.error;
      unprocessed.push(...pending.splice(0));
      const total = processed + unprocessed.length;
      // Posts may still arrive meanwhile: take them too until none is left.
      while (unprocessed.length > 0) {
        const batch = unprocessed.splice(0, input.concurrency);
        await Promise.all(batch.map((item) => bookkeeping.recordFileFailure(job, item, NOT_PROCESSED)));
      }
      const stopped: JobOutcome = { outcome: 'stopped', total, processed, errors, ...stopOf(signalledStop, requestedBy) };
      finished = true;
      await jobBookkeeping.endJob(job, UPLOAD_POST, stopped);
      await notify(stopped);
      return stopped;
    });
    if (!root.consideredCancelled) await requestOwnCancellation(root);
    throw new CancelledFailure(`stopped by ${outcome.stoppedBy ?? (outcome.stopSource === 'signal' ? 'the stopJob signal' : 'a cancellation request')}`);
  }

  async function notify(outcome: JobOutcome): Promise<void> {
    try {
      await mail.notifyJob(
        job,
        { ...job, notifyUserEmail: job.submitUserEmail, jobType: UPLOAD_POST, element: 'uploadPostJob', options, lanes: input.concurrency },
        outcome,
      );
    } catch {
      // A failed notification never fails the upload; the job log has everything.
    }
  }

  const result: UploadJobResult = { ...counts, endedBy, idleTimeoutSeconds: input.idleTimeoutSeconds };
  // The files are in: a cancellation request from now on changes nothing, as a stop signal does not.
  await CancellationScope.nonCancellable(async () => {
    await applyJobSets(job, options);
    await bookkeeping.endUploadJob(job, result);
    await notify({ outcome: 'done', total: counts.total, processed: counts.total, errors: counts.error });
  });
  return result;
}

function failureReason(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure || cause instanceof Error) return cause.message;
  return 'the file could not be processed';
}
