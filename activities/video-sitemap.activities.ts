import type { VideoSitemapService } from '../src/services/publish/video-sitemap.service.js';
import type { VideoSitemapActivities } from '../src/jobs/contracts.js';
import { processBatch } from './batch.js';
import { type ItemObservationDeps, itemObserver, logRecordedFailures } from './observe-item.js';

/** CreateVideoSitemapJob: the one document, written in a heartbeating activity that a stop or pause interrupts; its failure record. */
export function createVideoSitemapActivities(deps: { videoSitemap: VideoSitemapService } & ItemObservationDeps): VideoSitemapActivities {
  const observe = itemObserver(deps);
  return {
    createVideoSitemap: (job, options) => processBatch([options], (o, signal) => observe('publish', job, {}, () => deps.videoSitemap.generate(job, o, signal))),
    recordVideoSitemapFailure: async (job, reason) => logRecordedFailures(deps, 'publish', job, [await deps.videoSitemap.fail(job, reason)], [{}]),
  };
}
