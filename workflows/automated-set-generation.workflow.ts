import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type { JobOutcome, SetGenerationActivities, SetGenerationItem, SetGenerationOptions, SetGenerationRequest } from '../src/jobs/contracts.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';

const book = proxyActivities<SetGenerationActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<SetGenerationActivities>(ITEM_ACTIVITY_OPTIONS);

/**
 * AutomatedSetGenerationJob (docs/jobs/automated-set-generation.md): applies the company's
 * set-generation scripts to the given assets. One activity plans the sets
 * (names and members, handles only; at most 1000 assets), then batches write
 * them, each set once per job; assets that join no set are logged.
 */
export async function automatedSetGenerationWorkflow(request: SetGenerationRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  const options: SetGenerationOptions = {
    assetHandles: request.options.assetHandleArray,
    scriptHandles: request.options.autoSetCreationOptions.autoSetsArray,
    readyForPublish: request.options.readyForPublish,
    ...(request.options.destFolder !== undefined ? { destFolder: request.options.destFolder } : {}),
  };
  let planned: SetGenerationItem[] | undefined;
  const plan = async () => (planned ??= await book.planSets(request.companyHandle, options));
  return runItemJob<SetGenerationItem>(request, carry, {
    taskType: request.jobType,
    count: async () => (await plan()).length,
    page: async (cursor) => {
      const items = await plan();
      const start = cursor === null ? 0 : Number(cursor);
      return { items: items.slice(start), next: null };
    },
    process: (job, items) => work.applySets(job, options, items),
    fail: (job, items, reason) => book.recordSetFailures(job, items, reason),
    continueAsNew: (next) => continueAsNew<typeof automatedSetGenerationWorkflow>(request, next),
  });
}
