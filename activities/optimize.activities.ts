import type { OptimizeService } from '../src/services/optimize.service.js';
import type { OptimizeActivities } from '../src/jobs/contracts.js';
import { processBatch } from './batch.js';
import { type ItemObservationDeps, itemObserver, logRecordedFailures } from './observe-item.js';
import type { ItemProgressReporter } from '../src/services/item-progress.js';

/** OptimizeImagesJob's catalog queries and per-batch step. */
export function createOptimizeActivities(
  deps: { optimize: OptimizeService; itemProgress: Pick<ItemProgressReporter, 'track'> } & ItemObservationDeps,
): OptimizeActivities {
  const observe = itemObserver(deps);
  return {
    countImagesToOptimize: (companyHandle) => deps.optimize.countToOptimize(companyHandle),
    listImagesToOptimize: (companyHandle, after, limit) => deps.optimize.listToOptimize(companyHandle, after, limit),
    optimizeImages: (job, assets) =>
      processBatch(assets, (asset) =>
        deps.itemProgress.track(job.jobHandle, asset, (progress) => observe('optimize', job, asset, () => deps.optimize.optimize(job, asset, progress))),
      ),
    recordOptimizeFailures: async (job, assets, reason) => {
      const results = [];
      for (const asset of assets) results.push(await deps.optimize.fail(job, asset, reason));
      return logRecordedFailures(deps, 'optimize', job, results, assets);
    },
  };
}
