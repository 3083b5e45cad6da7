import type { IsPublishService } from '../src/services/publish/is-publish.service.js';
import type { IsPublishActivities } from '../src/jobs/contracts.js';
import { processBatch } from './batch.js';
import { type ItemObservationDeps, itemObserver, logRecordedFailures } from './observe-item.js';

/** ImageServingPublishJob: the catalog walk, the per-batch publish, its failure record and the macro snapshot. */
export function createIsPublishActivities(deps: { isPublish: IsPublishService } & ItemObservationDeps): IsPublishActivities {
  const observe = itemObserver(deps);
  return {
    countIsPublish: (companyHandle, publishType) => deps.isPublish.count(companyHandle, publishType),
    listIsPublish: (companyHandle, publishType, cursor) => deps.isPublish.page(companyHandle, publishType, cursor),
    publishToImageServing: (job, assets) => processBatch(assets, (asset) => observe('publish', job, asset, () => deps.isPublish.publish(job, asset))),
    recordIsPublishFailures: async (job, assets, reason) => {
      const results = [];
      for (const asset of assets) results.push(await deps.isPublish.fail(job, asset, reason));
      return logRecordedFailures(deps, 'publish', job, results, assets);
    },
    publishIsMacros: (job) => deps.isPublish.publishMacros(job),
  };
}
