import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import { IS_PUBLISH_SUB_TYPES } from '../src/domain/is-publish.js';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type { AssetRef, ImageServingPublishRequest, IsPublishActivities, JobOutcome } from '../src/jobs/contracts.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';

const book = proxyActivities<IsPublishActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<IsPublishActivities>(ITEM_ACTIVITY_OPTIONS);

/**
 * ImageServingPublishJob (docs/jobs/image-serving-publish.md): walks the company's assets
 * marked for publish page by page (handles only through history) and publishes
 * each one to the company's Image Serving context in batches; a full publish
 * then walks what is published but no longer marked and removes it. Last,
 * the image presets are snapshotted as the context's macro set. Also the
 * reprocess job's postImageServingPublishJob follow-on (`<parent>_Pub`).
 */
export async function imageServingPublishWorkflow(request: ImageServingPublishRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  const { publishType } = request.options;
  const withSubType: ImageServingPublishRequest = { ...request, jobSubType: IS_PUBLISH_SUB_TYPES[publishType] };
  return runItemJob<AssetRef>(withSubType, carry, {
    taskType: request.jobType,
    count: () => book.countIsPublish(request.companyHandle, publishType),
    page: (cursor) => book.listIsPublish(request.companyHandle, publishType, cursor),
    process: (job, items) => work.publishToImageServing(job, items),
    fail: (job, items, reason) => book.recordIsPublishFailures(job, items, reason),
    continueAsNew: (next) => continueAsNew<typeof imageServingPublishWorkflow>(request, next),
    finish: (job) => book.publishIsMacros(job),
  });
}
