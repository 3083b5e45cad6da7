import type { IsPublishService } from '../src/services/publish/is-publish.service.js';
import type { IsPublishActivities } from '../workflows/contracts.js';
import { processBatch } from './batch.js';

/** ImageServingPublishJob: the catalog walk, the per-batch publish, its failure record and the macro snapshot. */
export function createIsPublishActivities(deps: { isPublish: IsPublishService }): IsPublishActivities {
  return {
    countIsPublish: (companyHandle, publishType) => deps.isPublish.count(companyHandle, publishType),
    listIsPublish: (companyHandle, publishType, cursor) => deps.isPublish.page(companyHandle, publishType, cursor),
    publishToImageServing: (job, assets) => processBatch(assets, (asset) => deps.isPublish.publish(job, asset)),
    recordIsPublishFailures: async (job, assets, reason) => {
      const results = [];
      for (const asset of assets) results.push(await deps.isPublish.fail(job, asset, reason));
      return results;
    },
    publishIsMacros: (job) => deps.isPublish.publishMacros(job),
  };
}
