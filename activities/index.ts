import { type UploadActivityDeps, createUploadActivities } from './upload.activities.js';

export type ActivityDeps = UploadActivityDeps;

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createUploadActivities(deps),
  };
}
