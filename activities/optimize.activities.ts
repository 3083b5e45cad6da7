import { withHeartbeat } from './heartbeat.js';
import type { OptimizeService } from '../src/services/optimize.service.js';
import type { OptimizeActivities } from '../workflows/contracts.js';

/** OptimizeImagesJob's catalog queries and per-asset step. */
export function createOptimizeActivities(deps: { optimize: OptimizeService }): OptimizeActivities {
  return {
    countImagesToOptimize: (companyHandle) => deps.optimize.countToOptimize(companyHandle),
    listImagesToOptimize: (companyHandle, after, limit) => deps.optimize.listToOptimize(companyHandle, after, limit),
    optimizeImage: (job, asset) => withHeartbeat(() => deps.optimize.optimize(job, asset)),
    recordOptimizeFailure: (job, asset, reason) => deps.optimize.fail(job, asset, reason),
  };
}
