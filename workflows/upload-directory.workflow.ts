import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type { DirectoryItem, IngestSourceActivities, JobOutcome, UploadDirectoryRequest } from '../src/jobs/contracts.js';
import { followOnPublish } from './follow-on-publish.js';
import { jobSetsFinish } from './job-sets.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';

const PAGE_SIZE = 200;

const book = proxyActivities<IngestSourceActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<IngestSourceActivities>(ITEM_ACTIVITY_OPTIONS);

/**
 * UploadDirectoryJob (docs/jobs/upload-directory.md): walks serverDir (under the import
 * root) a page at a time in path order, so only a cursor (the last path
 * handed out) is kept between pages and across continue-as-new, and ingests
 * each file like a posted one, in batches on bounded lanes.
 */
export async function uploadDirectoryWorkflow(request: UploadDirectoryRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  const options = request.options;
  const jobHandle = workflowInfo().workflowId;
  const outcome = await runItemJob<DirectoryItem>(request, carry, {
    taskType: request.jobType,
    count: () => work.countDirectory(options),
    page: (cursor) => work.listDirectory(jobHandle, options, cursor, PAGE_SIZE),
    process: (job, items) => work.uploadDirectoryFiles(job, options, items),
    fail: (job, items, reason) => book.recordDirectoryFailures(job, options, items, reason),
    continueAsNew: (next) => continueAsNew<typeof uploadDirectoryWorkflow>(request, next),
    ...jobSetsFinish(request.options),
  });
  await followOnPublish(request, outcome);
  return outcome;
}
