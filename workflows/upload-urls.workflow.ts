import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type { IngestSourceActivities, JobOutcome, UploadUrlsRequest, UrlItem } from '../src/jobs/contracts.js';
import { followOnPublish } from './follow-on-publish.js';
import { jobSetsFinish } from './job-sets.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';

const PAGE_SIZE = 200;

const book = proxyActivities<IngestSourceActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<IngestSourceActivities>(ITEM_ACTIVITY_OPTIONS);

/** The job's own id (the handle's last segment), so item ids never meet another job's in shared storage paths. */
function jobId(): string {
  const handle = workflowInfo().workflowId;
  return handle.slice(handle.lastIndexOf('|') + 1).replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * UploadUrlsJob (docs/jobs/upload-urls.md): each URL is downloaded and ingested
 * like a posted file, in batches on bounded lanes. The URL list travels in
 * the input (at most 1000 URLs); the cursor is an index into it.
 */
export async function uploadUrlsWorkflow(request: UploadUrlsRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  const { urlArray, ...itemOptions } = request.options;
  const id = jobId();
  const outcome = await runItemJob<UrlItem>(request, carry, {
    taskType: request.jobType,
    count: async () => urlArray.length,
    page: async (cursor) => {
      const start = cursor === null ? 0 : Number(cursor);
      const end = Math.min(start + PAGE_SIZE, urlArray.length);
      const items = urlArray.slice(start, end).map((u, i) => ({ ...u, index: start + i, assetHandle: `${id}-u${start + i}`, name: u.sourceUrl }));
      return { items, next: end < urlArray.length ? String(end) : null };
    },
    process: (job, items) => work.uploadUrls(job, itemOptions, items),
    fail: (job, items, reason) => book.recordUrlFailures(job, items, reason),
    continueAsNew: (next) => continueAsNew<typeof uploadUrlsWorkflow>(request, next),
    ...jobSetsFinish(request.options),
  });
  await followOnPublish(request, outcome);
  return outcome;
}
