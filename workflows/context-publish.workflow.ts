import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import { FULL_SUB_TYPE, type FilePublishContext, INCREMENT_SUB_TYPE } from '../src/domain/publish-contexts.js';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type {
  AssetRef,
  ContextPublishActivities,
  ImageRenderingPublishRequest,
  JobOutcome,
  JobRequest,
  MetadataPublishRequest,
  ServerDirectoryPublishRequest,
  VideoPublishRequest,
} from '../src/jobs/contracts.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';

const book = proxyActivities<ContextPublishActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<ContextPublishActivities>(ITEM_ACTIVITY_OPTIONS);

/** The walk both file contexts share: marked assets, then (always: there is no publishType) the removals. */
function publishContext(
  context: FilePublishContext,
  request: JobRequest,
  carry: ItemJobCarry | undefined,
  again: (next: ItemJobCarry) => Promise<never>,
): Promise<JobOutcome> {
  return runItemJob<AssetRef>({ ...request, jobSubType: FULL_SUB_TYPE }, carry, {
    taskType: request.jobType,
    count: () => book.countContextPublish(request.companyHandle, context),
    page: (cursor) => book.listContextPublish(request.companyHandle, context, cursor),
    process: (job, items) => work.publishToContext(job, context, items),
    fail: (job, items, reason) => book.recordContextPublishFailures(job, items, reason),
    continueAsNew: again,
  });
}

/**
 * ImageRenderingPublishJob (docs/jobs/image-rendering-publish.md): records the company's
 * marked images in its Image Rendering context, removes what is no longer
 * marked. Also the reprocess job's postImageRenderingPublishJob follow-on
 * (`<parent>_Pub`).
 */
export async function imageRenderingPublishWorkflow(request: ImageRenderingPublishRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  return publishContext('ImageRendering', request, carry, (next) => continueAsNew<typeof imageRenderingPublishWorkflow>(request, next));
}

/** ServerDirectoryPublishJob (docs/jobs/server-directory-publish.md): writes the company's marked images, templates and sets as files under SERVER_PUBLISH_ROOT. */
export async function serverDirectoryPublishWorkflow(request: ServerDirectoryPublishRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  return publishContext('ServerDirectory', request, carry, (next) => continueAsNew<typeof serverDirectoryPublishWorkflow>(request, next));
}

/**
 * VideoPublishJob (docs/jobs/video-publish.md): publishes the company's marked videos (encodings'
 * MP4s, masters' first encoding and thumbnail) to its Video context, served at
 * `/is/content`. Also the reprocess job's postVideoPublishJob follow-on.
 */
export async function videoPublishWorkflow(request: VideoPublishRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  return publishContext('Video', request, carry, (next) => continueAsNew<typeof videoPublishWorkflow>(request, next));
}

/** MetadataPublishJob (docs/jobs/metadata-publish.md): one item, the company's metadata document; `full` with forcePublish, else `increment`. */
export async function metadataPublishWorkflow(request: MetadataPublishRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  const force = request.options.forcePublish ?? false;
  return runItemJob<AssetRef>({ ...request, jobSubType: force ? FULL_SUB_TYPE : INCREMENT_SUB_TYPE }, carry, {
    taskType: request.jobType,
    count: async () => 1,
    page: async () => ({ items: [{ assetHandle: 'metadata', name: 'metadata.json' }], next: null }),
    process: (job) => work.publishMetadata(job, force),
    fail: (job, _items, reason) => book.recordMetadataFailure(job, reason),
    continueAsNew: (next) => continueAsNew<typeof metadataPublishWorkflow>(request, next),
  });
}
