import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type {
  AssetRef,
  JobIdentity,
  SetGenerationActivities,
  SetGenerationOptions,
  JobOutcome,
  ReprocessActivities,
  ReprocessRequest,
} from '../src/jobs/contracts.js';
import { followOnPublish } from './follow-on-publish.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';

const PAGE_SIZE = 200;

const book = proxyActivities<ReprocessActivities & SetGenerationActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<ReprocessActivities & SetGenerationActivities>(ITEM_ACTIVITY_OPTIONS);

/** autoSetCreationOptions plans sets over this many of the job's assets at a time (handles through history stay small). */
const SET_PLAN_CHUNK = 1000;

/**
 * ReprocessAssetsJob (docs/jobs/reprocess-assets.md): re-runs ingestion of the given
 * assets from their stored originals with new options, one retryable activity
 * per batch of assets. The handle list travels in the input (handles only, never pixels);
 * the cursor is an index into it. A RipPdfsJob (docs/jobs/rip-pdfs.md) runs here too, its
 * options mapped onto this input by the job registry.
 */
export async function reprocessAssetsWorkflow(request: ReprocessRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  const { assetHandleArray, ...itemOptions } = request.options;
  const outcome = await runItemJob<AssetRef>(request, carry, {
    // The IPS job type (ReprocessAssets or RipPdfs), so a rip job's progress names its own task.
    taskType: request.jobType,
    count: async () => assetHandleArray.length,
    page: async (cursor) => {
      const start = cursor === null ? 0 : Number(cursor);
      const end = Math.min(start + PAGE_SIZE, assetHandleArray.length);
      const items = assetHandleArray.slice(start, end).map((h) => ({ assetHandle: h, name: h }));
      return { items, next: end < assetHandleArray.length ? String(end) : null };
    },
    process: (job, items) => work.reprocessAssets(job, itemOptions, items),
    fail: (job, items, reason) => book.recordReprocessFailures(job, items, reason),
    continueAsNew: (next) => continueAsNew<typeof reprocessAssetsWorkflow>(request, next),
    ...(itemOptions.autoSetCreationOptions ? { finish: (job) => applySetScripts(job, request) } : {}),
  });
  await followOnPublish(request, outcome);
  return outcome;
}

/**
 * autoSetCreationOptions: every script is applied to every asset of the job
 * (Adobe IPS: data-types/r-auto-set-creation-options) once the assets are processed, as an
 * AutomatedSetGenerationJob over them would, in chunks. Only the sets are
 * logged: in a reprocess job, an asset that joins no set is not news.
 */
async function applySetScripts(job: JobIdentity, request: ReprocessRequest): Promise<void> {
  const handles = request.options.assetHandleArray;
  for (let start = 0; start < handles.length; start += SET_PLAN_CHUNK) {
    const options: SetGenerationOptions = {
      assetHandles: handles.slice(start, start + SET_PLAN_CHUNK),
      scriptHandles: request.options.autoSetCreationOptions!.autoSetsArray,
      ...(request.options.readyForPublish !== undefined ? { readyForPublish: request.options.readyForPublish } : {}),
      ...(request.options.preservePublishState !== undefined ? { preservePublishState: request.options.preservePublishState } : {}),
    };
    const sets = (await book.planSets(job.companyHandle, options)).filter((i) => i.kind === 'set');
    for (let i = 0; i < sets.length; i += 25) await work.applySets(job, options, sets.slice(i, i + 25));
  }
}
