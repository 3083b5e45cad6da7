import { UPLOAD_POST_JOB_TYPE } from '../../activities/upload.activities.js';
import { uploadPostJob } from '../domain/schemas/upload.schema.js';
import type * as workflows from '../../workflows/index.js';

/**
 * The one registry of IPS job types: job element → workflow → options schema
 * → IPS job type string. The worker refuses to start if an entry names a
 * workflow the bundle does not export.
 */
export interface JobTypeEntry {
  /** IPS job element name (submitJobParam / ActiveJob field) */
  element: string;
  /** ActiveJob.type / JobLog job type */
  ipsType: string;
  workflow: keyof typeof workflows;
  options: typeof uploadPostJob;
  /** true when the job is started by submitJob; false for the UploadFile servlet */
  submittable: boolean;
}

export const JOB_TYPES: readonly JobTypeEntry[] = [
  { element: 'uploadPostJob', ipsType: UPLOAD_POST_JOB_TYPE, workflow: 'uploadPostWorkflow', options: uploadPostJob, submittable: false },
];

export function jobTypeByElement(element: string): JobTypeEntry | undefined {
  return JOB_TYPES.find((j) => j.element === element);
}

/** Start-up check: every registered job type has an exported workflow function. */
export function assertRegistryComplete(exported: Record<string, unknown>): void {
  const missing = JOB_TYPES.filter((j) => typeof exported[j.workflow] !== 'function');
  if (missing.length) {
    throw new Error(`Job types without a workflow: ${missing.map((j) => `${j.element} → ${j.workflow}`).join(', ')}`);
  }
}
