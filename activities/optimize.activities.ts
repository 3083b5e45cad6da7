import type { OptimizeService } from '../src/services/optimize.service.js';
import type { OptimizeActivities } from '../workflows/contracts.js';
import { processBatch } from './batch.js';

/** OptimizeImagesJob's catalog queries and per-batch step. */
export function createOptimizeActivities(deps: { optimize: OptimizeService }): OptimizeActivities {
  return {
    countImagesToOptimize: (companyHandle) => deps.optimize.countToOptimize(companyHandle),
    listImagesToOptimize: (companyHandle, after, limit) => deps.optimize.listToOptimize(companyHandle, after, limit),
    optimizeImages: (job, assets) => processBatch(assets, (asset) => deps.optimize.optimize(job, asset)),
    recordOptimizeFailures: async (job, assets, reason) => {
      const results = [];
      for (const asset of assets) results.push(await deps.optimize.fail(job, asset, reason));
      return results;
    },
  };
}
