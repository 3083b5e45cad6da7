import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { AssetRef, OptimizeActivities, OptimizeImagesRequest, JobOutcome } from '../src/jobs/contracts.js';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';

const PAGE_SIZE = 200;

const catalog = proxyActivities<OptimizeActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<OptimizeActivities>(ITEM_ACTIVITY_OPTIONS);

/**
 * OptimizeImagesJob ("Optimize Remaining Files", job type ImageOptimization):
 * builds the pyramid TIFF of every image of the company that has none, or
 * one made by an older version of the optimiser.
 */
export async function optimizeImagesWorkflow(request: OptimizeImagesRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  return runItemJob<AssetRef>(request, carry, {
    taskType: 'ImageOptimization',
    count: () => catalog.countImagesToOptimize(request.companyHandle),
    page: async (cursor) => {
      const items = await catalog.listImagesToOptimize(request.companyHandle, cursor, PAGE_SIZE);
      return { items, next: items.length === PAGE_SIZE ? items[items.length - 1]!.assetHandle : null };
    },
    process: (job, items) => work.optimizeImages(job, items),
    fail: (job, items, reason) => catalog.recordOptimizeFailures(job, items, reason),
    continueAsNew: (next) => continueAsNew<typeof optimizeImagesWorkflow>(request, next),
  });
}
