import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type { AssetRef, JobOutcome, ReprocessActivities, ReprocessRequest } from './contracts.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';

const PAGE_SIZE = 200;

const book = proxyActivities<ReprocessActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<ReprocessActivities>(ITEM_ACTIVITY_OPTIONS);

/**
 * ReprocessAssetsJob (ips-reference §5.2): re-runs ingestion of the given
 * assets from their stored originals with new options, one retryable activity
 * per asset. The handle list travels in the input (handles only, never pixels);
 * the cursor is an index into it.
 */
export async function reprocessAssetsWorkflow(request: ReprocessRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  const { assetHandleArray, ...itemOptions } = request.options;
  return runItemJob<AssetRef>(request, carry, {
    taskType: 'ReprocessAssets',
    count: async () => assetHandleArray.length,
    page: async (cursor) => {
      const start = cursor === null ? 0 : Number(cursor);
      const end = Math.min(start + PAGE_SIZE, assetHandleArray.length);
      const items = assetHandleArray.slice(start, end).map((h) => ({ assetHandle: h, name: h }));
      return { items, next: end < assetHandleArray.length ? String(end) : null };
    },
    process: (job, item) => work.reprocessAsset(job, itemOptions, item),
    fail: (job, item, reason) => book.recordReprocessFailure(job, item, reason),
    continueAsNew: (next) => continueAsNew<typeof reprocessAssetsWorkflow>(request, next),
  });
}
