import { ParentClosePolicy, executeChild, workflowInfo } from '@temporalio/workflow';
import { TypedSearchAttributes } from '@temporalio/common';
import type { ImageRenderingPublishJob, ImageServingPublishJob, VideoPublishJob } from '../src/domain/schemas/job.schema.js';
import type { ImageRenderingPublishRequest, ImageServingPublishRequest, JobOutcome, JobRequest, VideoPublishRequest } from '../src/jobs/contracts.js';
import type { imageServingPublishWorkflow } from './is-publish.workflow.js';
import type { imageRenderingPublishWorkflow, videoPublishWorkflow } from './context-publish.workflow.js';
import { CompanyHandleKey, JobNameKey, JobTypeKey, SubmitUserKey } from './search-attributes.js';

const PUBLISH_FOLLOW_ONS = [
  { option: 'postImageServingPublishJob', jobType: 'ImageServingPublish', element: 'imageServingPublishJob' },
  { option: 'postImageRenderingPublishJob', jobType: 'ImageRenderingPublish', element: 'imageRenderingPublishJob' },
  { option: 'postVideoPublishJob', jobType: 'VideoPublish', element: 'videoPublishJob' },
] as const;

/** The follow-on fields a job element may carry (ReprocessAssetsJob, RipPdfsJob, UploadUrlsJob, UploadDirectoryJob). */
export interface FollowOnOptions {
  postJobOnlyIfFiles?: boolean;
  postImageServingPublishJob?: ImageServingPublishJob;
  postImageRenderingPublishJob?: ImageRenderingPublishJob;
  postVideoPublishJob?: VideoPublishJob;
}

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
export async function followOnPublish(request: JobRequest<FollowOnOptions>, outcome: JobOutcome): Promise<void> {
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
