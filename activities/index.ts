import { type JobActivityDeps, createJobActivities } from './job.activities.js';
import { createOptimizeActivities } from './optimize.activities.js';
import { createReprocessActivities } from './reprocess.activities.js';
import { createExportActivities } from './export.activities.js';
import { createIsPublishActivities } from './is-publish.activities.js';
import { createContextPublishActivities } from './context-publish.activities.js';
import type { ContextPublishService } from '../src/services/publish/context-publish.service.js';
import type { MetadataPublishService } from '../src/services/publish/metadata-publish.service.js';
import { createVideoSitemapActivities } from './video-sitemap.activities.js';
import type { VideoSitemapService } from '../src/services/publish/video-sitemap.service.js';
import type { IsPublishService } from '../src/services/publish/is-publish.service.js';
import { type IngestSourceActivityDeps, createIngestSourceActivities } from './ingest-source.activities.js';
import { createSetGenerationActivities } from './set-generation.activities.js';
import type { SetGenerationService } from '../src/services/sets/set-generation.service.js';
import type { ExportService } from '../src/services/export/export.service.js';
import type { ExportArchiveService } from '../src/services/export/export-archive.service.js';
import { type UploadActivityDeps, createUploadActivities } from './upload.activities.js';
import type { OptimizeService } from '../src/services/optimize.service.js';
import type { ReprocessService } from '../src/services/reprocess.service.js';

export type ActivityDeps = UploadActivityDeps &
  JobActivityDeps &
  IngestSourceActivityDeps & {
    optimize: OptimizeService;
    reprocess: ReprocessService;
    exports: ExportService;
    exportArchives: ExportArchiveService;
    isPublish: IsPublishService;
    contextPublish: ContextPublishService;
    metadataPublish: MetadataPublishService;
    videoSitemap: VideoSitemapService;
    setGeneration: SetGenerationService;
  };

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createJobActivities(deps),
    ...createUploadActivities(deps),
    ...createOptimizeActivities(deps),
    ...createReprocessActivities(deps),
    ...createExportActivities(deps),
    ...createIsPublishActivities(deps),
    ...createContextPublishActivities(deps),
    ...createVideoSitemapActivities(deps),
    ...createIngestSourceActivities(deps),
    ...createSetGenerationActivities(deps),
  };
}
