import { CancellationScope, isCancellation, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { runName } from '../src/domain/run-name.js';
import { BOOKKEEPING_OPTIONS, MAIL_OPTIONS } from './activity-options.js';
import { type CatalogPublishActivities, type CatalogPublishRequest, type JobActivities, type JobIdentity, type JobOutcome, jobProgressQuery } from './contracts.js';

const book = proxyActivities<JobActivities & CatalogPublishActivities>(BOOKKEEPING_OPTIONS);
const mail = proxyActivities<JobActivities>(MAIL_OPTIONS);

/**
 * The Video follow-on publish child of a reprocess job: marks the assets its
 * parent finished as published in that publish context, batch by batch, with
 * a job log of its own. (Image Serving and Image Rendering follow-ons run the
 * real publish jobs, imageServingPublishWorkflow and
 * imageRenderingPublishWorkflow; Video gets its own with its issue.)
 */
export async function catalogPublishWorkflow(request: CatalogPublishRequest): Promise<JobOutcome> {
  const startDate = new Date().toISOString();
  const job: JobIdentity = {
    jobHandle: workflowInfo().workflowId,
    companyHandle: request.companyHandle,
    jobName: runName(request.originalName, new Date(startDate)),
    originalName: request.originalName,
    submitUserHandle: request.submitUserHandle,
    submitUserEmail: request.submitUserEmail,
    ...(request.locale ? { locale: request.locale } : {}),
  };
  let published = 0;
  let serverName = '';
  let stopping = false;
  setHandler(jobProgressQuery, () => ({
    name: job.jobName,
    state: stopping ? 'Stopping' : 'Running',
    paused: false,
    total: published,
    processed: published,
    errors: 0,
    processing: [],
    message: `Published ${published} assets to ${request.context}`,
    lastProgressUpdate: new Date().toISOString(),
    startDate,
    serverName,
    taskType: request.jobType,
  }));

  serverName = (await book.beginJob(job, request.jobType)).serverName;
  let outcome: JobOutcome;
  try {
    let after: string | null = null;
    do {
      const batch: { next: string | null; published: number } = await book.publishBatch(job, request.jobType, request.parentJobHandle, request.context, after);
      published += batch.published;
      after = batch.next;
    } while (after !== null);
    outcome = { outcome: 'done', total: published, processed: published, errors: 0 };
  } catch (err) {
    stopping = true;
    outcome = isCancellation(err)
      ? { outcome: 'stopped', total: published, processed: published, errors: 0 }
      : { outcome: 'failed', total: published, processed: published, errors: 0, reason: err instanceof Error ? err.message : String(err) };
  }
  await CancellationScope.nonCancellable(async () => {
    await book.endJob(job, request.jobType, outcome);
    try {
      await mail.notifyJob(job, request, outcome);
    } catch {
      // A failed notification never fails the publish; the job log has everything.
    }
  });
  return outcome;
}
