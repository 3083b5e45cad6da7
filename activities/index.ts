import { type JobActivityDeps, createJobActivities } from './job.activities.js';
import { createOptimizeActivities } from './optimize.activities.js';
import { type UploadActivityDeps, createUploadActivities } from './upload.activities.js';
import type { OptimizeService } from '../src/services/optimize.service.js';

export type ActivityDeps = UploadActivityDeps & JobActivityDeps & { optimize: OptimizeService };

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createJobActivities(deps),
    ...createUploadActivities(deps),
    ...createOptimizeActivities(deps),
  };
}
