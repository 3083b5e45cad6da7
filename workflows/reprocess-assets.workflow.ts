import { ParentClosePolicy, continueAsNew, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { TypedSearchAttributes } from '@temporalio/common';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type { AssetRef, JobIdentity, SetGenerationActivities, SetGenerationOptions, ImageRenderingPublishRequest, ImageServingPublishRequest, VideoPublishRequest, JobOutcome, ReprocessActivities, ReprocessRequest } from './contracts.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';
import type { imageServingPublishWorkflow } from './is-publish.workflow.js';
import type { imageRenderingPublishWorkflow, videoPublishWorkflow } from './context-publish.workflow.js';
import { CompanyHandleKey, JobNameKey, JobTypeKey, SubmitUserKey } from './search-attributes.js';

const PAGE_SIZE = 200;

const book = proxyActivities<ReprocessActivities & SetGenerationActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<ReprocessActivities & SetGenerationActivities>(ITEM_ACTIVITY_OPTIONS);

/** autoSetCreationOptions plans sets over this many of the job's assets at a time (handles through history stay small). */
const SET_PLAN_CHUNK = 1000;

/**
 * ReprocessAssetsJob (ips-reference §5.2): re-runs ingestion of the given
 * assets from their stored originals with new options, one retryable activity
 * per batch of assets. The handle list travels in the input (handles only, never pixels);
 * the cursor is an index into it. A RipPdfsJob (§5.3) runs here too, its
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
 * (ips-reference §6) once the assets are processed, as an
 * AutomatedSetGenerationJob over them would, in chunks. Only the sets are
 * logged: in a reprocess job, an asset that joins no set is not news.
 */
async function applySetScripts(job: JobIdentity, request: ReprocessRequest): Promise<void> {
  const handles = request.options.assetHandleArray;
  for (let start = 0; start < handles.length; start += SET_PLAN_CHUNK) {
    const options: SetGenerationOptions = {
      assetHandles: handles.slice(start, start + SET_PLAN_CHUNK),
      scriptHandles: request.options.autoSetCreationOptions!.autoSetsArray,
      readyForPublish: request.options.readyForPublish ?? false,
    };
    const sets = (await book.planSets(job.companyHandle, options)).filter((i) => i.kind === 'set');
    for (let i = 0; i < sets.length; i += 25) await work.applySets(job, options, sets.slice(i, i + 25));
  }
}

const PUBLISH_FOLLOW_ONS = [
  { option: 'postImageServingPublishJob', jobType: 'ImageServingPublish', element: 'imageServingPublishJob' },
  { option: 'postImageRenderingPublishJob', jobType: 'ImageRenderingPublish', element: 'imageRenderingPublishJob' },
  { option: 'postVideoPublishJob', jobType: 'VideoPublish', element: 'videoPublishJob' },
] as const;

/**
 * The post*PublishJob follow-on: a child workflow named after the parent with
 * `_Pub` (as IPS names follow-on jobs), started once the items are done, and
 * only when files were produced if postJobOnlyIfFiles is set. An Image
 * Serving follow-on is a real ImageServingPublishJob of the company with the
 * given publishType: the parent's assets that are marked for publish are in
 * it (their derivatives changed, so even Incremental takes them) along with
 * whatever else that publish type takes. Image Rendering and Video follow-ons
 * are a real ImageRenderingPublishJob / VideoPublishJob of the company
 * (always full: they have no publishType).
 */
async function followOnPublish(request: ReprocessRequest, outcome: JobOutcome): Promise<void> {
  const follow = PUBLISH_FOLLOW_ONS.find((f) => request.options[f.option] !== undefined);
  if (!follow || outcome.outcome !== 'done') return;
  if (request.options.postJobOnlyIfFiles && outcome.processed - outcome.errors === 0) return;
  const parent = workflowInfo().workflowId;
  const options = request.options[follow.option]!;
  const childOptions = {
    workflowId: `${parent}_Pub`,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: CompanyHandleKey, value: request.companyHandle },
      { key: JobTypeKey, value: follow.jobType },
      { key: JobNameKey, value: `${request.originalName}_Pub` },
      { key: SubmitUserKey, value: request.submitUserEmail },
    ]),
    memo: { element: follow.element, options },
    staticSummary: `${follow.jobType} "${request.originalName}_Pub" (follow-on of ${request.originalName})`,
  };
  if (follow.option === 'postImageServingPublishJob') {
    const publish: ImageServingPublishRequest = {
      ...request,
      originalName: `${request.originalName}_Pub`,
      jobType: follow.jobType,
      element: follow.element,
      options: request.options.postImageServingPublishJob!,
    };
    await executeChild<typeof imageServingPublishWorkflow>('imageServingPublishWorkflow', { ...childOptions, args: [publish] });
    return;
  }
  if (follow.option === 'postImageRenderingPublishJob') {
    const publish: ImageRenderingPublishRequest = {
      ...request,
      originalName: `${request.originalName}_Pub`,
      jobType: follow.jobType,
      element: follow.element,
      options: request.options.postImageRenderingPublishJob!,
    };
    await executeChild<typeof imageRenderingPublishWorkflow>('imageRenderingPublishWorkflow', { ...childOptions, args: [publish] });
    return;
  }
  const publish: VideoPublishRequest = {
    ...request,
    originalName: `${request.originalName}_Pub`,
    jobType: follow.jobType,
    element: follow.element,
    options: request.options.postVideoPublishJob!,
  };
  await executeChild<typeof videoPublishWorkflow>('videoPublishWorkflow', { ...childOptions, args: [publish] });
}
