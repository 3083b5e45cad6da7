import type { ReprocessService } from '../src/services/reprocess.service.js';
import type { ItemProgressReporter } from '../src/services/item-progress.js';
import type { ReprocessActivities } from '../src/jobs/contracts.js';
import { processBatch } from './batch.js';
import { type ItemObservationDeps, itemObserver, logRecordedFailures } from './observe-item.js';

/** ReprocessAssetsJob's per-batch step and its failure record. */
export function createReprocessActivities(
  deps: { reprocess: ReprocessService; itemProgress: Pick<ItemProgressReporter, 'track'> } & ItemObservationDeps,
): ReprocessActivities {
  const observe = itemObserver(deps);
  return {
    reprocessAssets: (job, options, assets) =>
      processBatch(assets, (asset, signal) =>
        deps.itemProgress.track(job.jobHandle, asset, (progress) =>
          observe('reprocess', job, asset, () => deps.reprocess.reprocess(job, options, asset, signal, progress)),
        ),
      ),
    recordReprocessFailures: async (job, assets, reason) => {
      const results = [];
      for (const asset of assets) results.push(await deps.reprocess.fail(job, asset, reason));
      return logRecordedFailures(deps, 'reprocess', job, results, assets);
    },
  };
}
