import type { ReprocessService } from '../src/services/reprocess.service.js';
import type { ReprocessActivities } from '../workflows/contracts.js';
import { processBatch } from './batch.js';

/** ReprocessAssetsJob's per-batch step and its failure record. */
export function createReprocessActivities(deps: { reprocess: ReprocessService }): ReprocessActivities {
  return {
    reprocessAssets: (job, options, assets) => processBatch(assets, (asset, signal) => deps.reprocess.reprocess(job, options, asset, signal)),
    recordReprocessFailures: async (job, assets, reason) => {
      const results = [];
      for (const asset of assets) results.push(await deps.reprocess.fail(job, asset, reason));
      return results;
    },
  };
}
