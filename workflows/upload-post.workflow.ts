import { ApplicationFailure, ActivityFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import {
  type SetGenerationActivities,
  type FileResult,
  type JobActivities,
  type UploadActivities,
  type UploadItem,
  type UploadJobInput,
  type UploadJobResult,
  addUploadFilesSignal,
  jobProgressQuery,
} from './contracts.js';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS, MAIL_OPTIONS } from './activity-options.js';

const bookkeeping = proxyActivities<UploadActivities>(BOOKKEEPING_OPTIONS);
const mail = proxyActivities<JobActivities>(MAIL_OPTIONS);
const ingest = proxyActivities<UploadActivities>(ITEM_ACTIVITY_OPTIONS);
const sets = proxyActivities<SetGenerationActivities>(ITEM_ACTIVITY_OPTIONS);

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
  if (options.autoSetCreationOptions) await sets.applyJobSets(job, options.autoSetCreationOptions.autoSetsArray, options.readyForPublish);
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
