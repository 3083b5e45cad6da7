import { ApplicationFailure, ActivityFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import {
  type FileResult,
  type JobActivities,
  type UploadActivities,
  type UploadItem,
  type UploadJobInput,
  type UploadJobResult,
  addUploadFilesSignal,
  jobProgressQuery,
  uploadStatusQuery,
} from './contracts.js';

const bookkeeping = proxyActivities<UploadActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 20 },
});

const mail = proxyActivities<JobActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 8 },
});

// Per-file work: I/O errors retry with backoff; bad content never throws (it is
// recorded as that file's error), so what reaches the retry policy is transient.
const ingest = proxyActivities<UploadActivities>({
  startToCloseTimeout: '20 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * The UploadFile servlet's job (ips-reference §3.12): files arrive in one or
 * more posts; each is ingested by its own activity with bounded parallelism.
 * The job ends when a post says endJob, or after `idleTimeoutSeconds` without
 * a post (IPS: 30 minutes).
 */
export async function uploadPostWorkflow(input: UploadJobInput): Promise<UploadJobResult> {
  const { job, options } = input;
  const pending: UploadItem[] = [...input.firstPost.items];
  let ended = input.firstPost.endJob;
  let endedBy: UploadJobResult['endedBy'] = 'endJob';
  let processing = 0;
  const counts = { total: 0, success: 0, updated: 0, duplicate: 0, error: 0 };

  setHandler(addUploadFilesSignal, (post) => {
    if (ended) return; // the API refuses posts to an ended job; a late signal changes nothing
    pending.push(...post.items);
    if (post.endJob) ended = true;
  });
  setHandler(uploadStatusQuery, () => ({ ...counts, pending: pending.length, processing, ended }));
  const startDate = new Date().toISOString();
  let serverName = '';
  let lastProgressUpdate = startDate;
  setHandler(jobProgressQuery, () => {
    const waiting = !ended && pending.length === 0 && processing === 0;
    return {
      name: job.jobName,
      state: waiting ? 'WaitingClient' : 'Running',
      paused: false,
      total: counts.total + pending.length + processing,
      processed: counts.total,
      errors: counts.error,
      processing: [],
      message: waiting ? 'Waiting for more files' : 'Processing files',
      lastProgressUpdate,
      startDate,
      serverName,
      taskType: 'UploadPost',
    };
  });

  serverName = (await bookkeeping.beginUploadJob(job, options)).serverName;

  const record = (r: FileResult) => {
    counts.total += 1;
    counts[r.status] += 1;
    lastProgressUpdate = new Date().toISOString();
  };
  const processOne = async (item: UploadItem) => {
    try {
      record(await ingest.ingestUploadedFile(job, options, item));
    } catch (err) {
      record(await bookkeeping.recordFileFailure(job, item, failureReason(err)));
    } finally {
      processing -= 1;
    }
  };

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

  const result: UploadJobResult = { ...counts, endedBy, idleTimeoutSeconds: input.idleTimeoutSeconds };
  await bookkeeping.endUploadJob(job, result);
  try {
    await mail.notifyJob(
      job,
      { ...job, notifyUserEmail: job.submitUserEmail, jobType: 'UploadPost', element: 'uploadPostJob', options, lanes: input.concurrency },
      { outcome: 'done', total: counts.total, processed: counts.total, errors: counts.error },
    );
  } catch {
    // A failed notification never fails the upload; the job log has everything.
  }
  return result;
}

function failureReason(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure || cause instanceof Error) return cause.message;
  return 'the file could not be processed';
}
