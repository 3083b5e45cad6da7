import type { SetGenerationService } from '../src/services/sets/set-generation.service.js';
import type { SetGenerationActivities } from '../src/jobs/contracts.js';
import { processBatch } from './batch.js';
import { withHeartbeat } from './heartbeat.js';
import { type ItemObservationDeps, itemObserver, logRecordedFailures } from './observe-item.js';

/** AutomatedSetGenerationJob: the plan, the per-batch writes and their failure record. */
export function createSetGenerationActivities(deps: { setGeneration: SetGenerationService } & ItemObservationDeps): SetGenerationActivities {
  const observe = itemObserver(deps);
  return {
    planSets: (companyHandle, options) => deps.setGeneration.plan(companyHandle, options),
    applySets: (job, options, items) => processBatch(items, (item) => observe('set_generation', job, item, () => deps.setGeneration.apply(job, options, item))),
    applyJobSets: (job, scriptHandles, readyForPublish, preservePublishState) =>
      withHeartbeat(() => deps.setGeneration.applyToJobAssets(job, scriptHandles, readyForPublish, preservePublishState)),
    recordSetFailures: async (job, items, reason) => {
      const results = [];
      for (const item of items) results.push(await deps.setGeneration.fail(job, item, reason));
      return logRecordedFailures(deps, 'set_generation', job, results, items);
    },
  };
}
