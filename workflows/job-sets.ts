import { proxyActivities } from '@temporalio/workflow';
import { ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type { JobIdentity, SetGenerationActivities } from '../src/jobs/contracts.js';

const sets = proxyActivities<SetGenerationActivities>(ITEM_ACTIVITY_OPTIONS);

/** The upload options that ask for sets over a job's assets. */
interface SetCreatingOptions {
  autoSetCreationOptions?: { autoSetsArray: string[] };
  readyForPublish: boolean;
  preservePublishState?: boolean;
}

/** autoSetCreationOptions: runs the scripts over every asset the job created or updated, once its files are in. */
export async function applyJobSets(job: JobIdentity, options: SetCreatingOptions): Promise<void> {
  if (!options.autoSetCreationOptions) return;
  await sets.applyJobSets(job, options.autoSetCreationOptions.autoSetsArray, options.readyForPublish, options.preservePublishState);
}

/** The item engine's `finish` hook for an upload job that asks for sets (none when it does not). */
export function jobSetsFinish(options: SetCreatingOptions): { finish?: (job: JobIdentity) => Promise<void> } {
  return options.autoSetCreationOptions ? { finish: (job) => applyJobSets(job, options) } : {};
}
