import { createCatalogPublishActivities } from './catalog-publish.activities.js';
import { type JobActivityDeps, createJobActivities } from './job.activities.js';
import { createOptimizeActivities } from './optimize.activities.js';
import { createReprocessActivities } from './reprocess.activities.js';
import { createExportActivities } from './export.activities.js';
import type { ExportService } from '../src/services/export/export.service.js';
import type { ExportArchiveService } from '../src/services/export/export-archive.service.js';
import { type UploadActivityDeps, createUploadActivities } from './upload.activities.js';
import type { CatalogPublishService } from '../src/services/catalog-publish.service.js';
import type { OptimizeService } from '../src/services/optimize.service.js';
import type { ReprocessService } from '../src/services/reprocess.service.js';

export type ActivityDeps = UploadActivityDeps & JobActivityDeps & { optimize: OptimizeService; reprocess: ReprocessService; catalogPublish: CatalogPublishService;
  exports: ExportService;
  exportArchives: ExportArchiveService;
};

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createJobActivities(deps),
    ...createUploadActivities(deps),
    ...createOptimizeActivities(deps),
    ...createReprocessActivities(deps),
    ...createCatalogPublishActivities(deps),
    ...createExportActivities(deps),
  };
}
