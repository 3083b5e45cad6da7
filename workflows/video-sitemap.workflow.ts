import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import { FULL_SUB_TYPE, INCREMENT_SUB_TYPE } from '../src/domain/publish-contexts.js';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type { AssetRef, JobOutcome, VideoSitemapActivities, VideoSitemapRequest } from '../src/jobs/contracts.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';

const book = proxyActivities<VideoSitemapActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<VideoSitemapActivities>(ITEM_ACTIVITY_OPTIONS);

/**
 * CreateVideoSitemapJob (docs/jobs/create-video-sitemap.md): one item, the company's video
 * sitemap; `full` with forceUpdate (always rewritten), else `increment`
 * (rewritten only when the published videos changed it).
 */
export async function createVideoSitemapWorkflow(request: VideoSitemapRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  const force = request.options.forceUpdate ?? false;
  return runItemJob<AssetRef>({ ...request, jobSubType: force ? FULL_SUB_TYPE : INCREMENT_SUB_TYPE }, carry, {
    taskType: request.jobType,
    count: async () => 1,
    page: async () => ({ items: [{ assetHandle: 'video-sitemap', name: 'video-sitemap.xml' }], next: null }),
    process: (job) => work.createVideoSitemap(job, request.options),
    fail: (job, _items, reason) => book.recordVideoSitemapFailure(job, reason),
    continueAsNew: (next) => continueAsNew<typeof createVideoSitemapWorkflow>(request, next),
  });
}
