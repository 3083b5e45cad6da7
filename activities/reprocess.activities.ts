import { withHeartbeat } from './heartbeat.js';
import type { ReprocessService } from '../src/services/reprocess.service.js';
import type { ReprocessActivities } from '../workflows/contracts.js';

/** ReprocessAssetsJob's per-asset step and its failure record. */
export function createReprocessActivities(deps: { reprocess: ReprocessService }): ReprocessActivities {
  return {
    reprocessAsset: (job, options, asset) => withHeartbeat(() => deps.reprocess.reprocess(job, options, asset)),
    recordReprocessFailure: (job, asset, reason) => deps.reprocess.fail(job, asset, reason),
  };
}
