import type { SetGenerationService } from '../src/services/sets/set-generation.service.js';
import type { SetGenerationActivities } from '../workflows/contracts.js';
import { processBatch } from './batch.js';
import { withHeartbeat } from './heartbeat.js';

/** AutomatedSetGenerationJob: the plan, the per-batch writes and their failure record. */
export function createSetGenerationActivities(deps: { setGeneration: SetGenerationService }): SetGenerationActivities {
  return {
    planSets: (companyHandle, options) => deps.setGeneration.plan(companyHandle, options),
    applySets: (job, options, items) => processBatch(items, (item) => deps.setGeneration.apply(job, options, item)),
    applyJobSets: (job, scriptHandles, readyForPublish) => withHeartbeat(() => deps.setGeneration.applyToJobAssets(job, scriptHandles, readyForPublish)),
    recordSetFailures: async (job, items, reason) => {
      const results = [];
      for (const item of items) results.push(await deps.setGeneration.fail(job, item, reason));
      return results;
    },
  };
}
