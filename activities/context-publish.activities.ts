import type { ContextPublishService } from '../src/services/publish/context-publish.service.js';
import type { MetadataPublishService } from '../src/services/publish/metadata-publish.service.js';
import type { ContextPublishActivities } from '../src/jobs/contracts.js';
import { processBatch } from './batch.js';
import { type ItemObservationDeps, itemObserver, logRecordedFailures } from './observe-item.js';

/** ImageRenderingPublishJob, ServerDirectoryPublishJob and MetadataPublishJob: the catalog walk, the per-batch publish, failure records. */
export function createContextPublishActivities(
  deps: { contextPublish: ContextPublishService; metadataPublish: MetadataPublishService } & ItemObservationDeps,
): ContextPublishActivities {
  const observe = itemObserver(deps);
  return {
    countContextPublish: (companyHandle, context) => deps.contextPublish.count(companyHandle, context),
    listContextPublish: (companyHandle, context, cursor) => deps.contextPublish.page(companyHandle, context, cursor),
    publishToContext: (job, context, assets) =>
      processBatch(assets, (asset) => observe('publish', job, asset, () => deps.contextPublish.publish(job, context, asset))),
    recordContextPublishFailures: async (job, assets, reason) => {
      const results = [];
      for (const asset of assets) results.push(await deps.contextPublish.fail(job, asset, reason));
      return logRecordedFailures(deps, 'publish', job, results, assets);
    },
    publishMetadata: (job, forcePublish) =>
      processBatch([forcePublish], (force) => observe('publish', job, {}, () => deps.metadataPublish.publish(job, force))),
    recordMetadataFailure: async (job, reason) => logRecordedFailures(deps, 'publish', job, [await deps.metadataPublish.fail(job, reason)], [{}]),
  };
}
