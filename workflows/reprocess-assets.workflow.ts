import { ParentClosePolicy, continueAsNew, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { TypedSearchAttributes } from '@temporalio/common';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type { AssetRef, CatalogPublishRequest, JobOutcome, ReprocessActivities, ReprocessRequest } from './contracts.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';
import type { catalogPublishWorkflow } from './catalog-publish.workflow.js';
import { CompanyHandleKey, JobNameKey, JobTypeKey, SubmitUserKey } from './search-attributes.js';

const PAGE_SIZE = 200;

const book = proxyActivities<ReprocessActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<ReprocessActivities>(ITEM_ACTIVITY_OPTIONS);

/**
 * ReprocessAssetsJob (ips-reference §5.2): re-runs ingestion of the given
 * assets from their stored originals with new options, one retryable activity
 * per batch of assets. The handle list travels in the input (handles only, never pixels);
 * the cursor is an index into it. A RipPdfsJob (§5.3) runs here too, its
 * options mapped onto this input by the job registry.
 */
export async function reprocessAssetsWorkflow(request: ReprocessRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  const { assetHandleArray, ...itemOptions } = request.options;
  const outcome = await runItemJob<AssetRef>(request, carry, {
    // The IPS job type (ReprocessAssets or RipPdfs), so a rip job's progress names its own task.
    taskType: request.jobType,
    count: async () => assetHandleArray.length,
    page: async (cursor) => {
      const start = cursor === null ? 0 : Number(cursor);
      const end = Math.min(start + PAGE_SIZE, assetHandleArray.length);
      const items = assetHandleArray.slice(start, end).map((h) => ({ assetHandle: h, name: h }));
      return { items, next: end < assetHandleArray.length ? String(end) : null };
    },
    process: (job, items) => work.reprocessAssets(job, itemOptions, items),
    fail: (job, items, reason) => book.recordReprocessFailures(job, items, reason),
    continueAsNew: (next) => continueAsNew<typeof reprocessAssetsWorkflow>(request, next),
  });
  await followOnPublish(request, outcome);
  return outcome;
}

const PUBLISH_FOLLOW_ONS = [
  { option: 'postImageServingPublishJob', jobType: 'ImageServingPublish', element: 'imageServingPublishJob', context: 'ImageServing' },
  { option: 'postImageRenderingPublishJob', jobType: 'ImageRenderingPublish', element: 'imageRenderingPublishJob', context: 'ImageRendering' },
  { option: 'postVideoPublishJob', jobType: 'VideoPublish', element: 'videoPublishJob', context: 'Video' },
] as const;

/**
 * The post*PublishJob follow-on: a child workflow named after the parent with
 * `_Pub` (as IPS names follow-on jobs), started once the items are done, and
 * only when files were produced if postJobOnlyIfFiles is set.
 */
async function followOnPublish(request: ReprocessRequest, outcome: JobOutcome): Promise<void> {
  const follow = PUBLISH_FOLLOW_ONS.find((f) => request.options[f.option] !== undefined);
  if (!follow || outcome.outcome !== 'done') return;
  if (request.options.postJobOnlyIfFiles && outcome.processed - outcome.errors === 0) return;
  const parent = workflowInfo().workflowId;
  const options = request.options[follow.option]!;
  const child: CatalogPublishRequest = {
    ...request,
    originalName: `${request.originalName}_Pub`,
    jobType: follow.jobType,
    element: follow.element,
    options,
    parentJobHandle: parent,
    context: follow.context,
  };
  await executeChild<typeof catalogPublishWorkflow>('catalogPublishWorkflow', {
    workflowId: `${parent}_Pub`,
    args: [child],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: CompanyHandleKey, value: request.companyHandle },
      { key: JobTypeKey, value: follow.jobType },
      { key: JobNameKey, value: child.originalName },
      { key: SubmitUserKey, value: request.submitUserEmail },
    ]),
    memo: { element: follow.element, options },
    staticSummary: `${follow.jobType} "${child.originalName}" (follow-on of ${request.originalName})`,
  });
}
