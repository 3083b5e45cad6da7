/**
 * Everything workflows share with the API and activities: inputs, results,
 * signals and queries. No Node built-ins here (this file is bundled into
 * the deterministic workflow sandbox).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { UploadPostJob } from '../src/domain/schemas/upload.schema.js';

/** One file handed to an upload job, already stored in the staging area by the API. */
export interface UploadItem {
  itemId: string;
  /** asset handle reserved for this file, so retries never create a second asset */
  assetHandle: string;
  stagingKey: string;
  fileName: string;
  folder: string;
  size: number;
  /** set when the API already refused the file (e.g. over the size limit) */
  rejectedReason?: string;
}

export interface UploadPost {
  items: UploadItem[];
  endJob: boolean;
}

export interface JobIdentity {
  jobHandle: string;
  companyHandle: string;
  /** unique run name: originalName + timestamp */
  jobName: string;
  originalName: string;
  submitUserHandle: string;
  submitUserEmail: string;
  locale?: string;
  description?: string;
}

export interface UploadJobInput {
  job: JobIdentity;
  options: UploadPostJob;
  firstPost: UploadPost;
  idleTimeoutSeconds: number;
  concurrency: number;
}

export type FileStatus = 'success' | 'updated' | 'duplicate' | 'error';

export interface FileResult {
  itemId: string;
  status: FileStatus;
  assetHandle?: string;
  reason?: string;
}

export interface UploadCounts {
  total: number;
  success: number;
  updated: number;
  duplicate: number;
  error: number;
}

export interface UploadJobStatus extends UploadCounts {
  pending: number;
  processing: number;
  ended: boolean;
}

export interface UploadJobResult extends UploadCounts {
  endedBy: 'endJob' | 'idleTimeout';
  idleTimeoutSeconds: number;
}

export const addUploadFilesSignal = defineSignal<[UploadPost]>('addUploadFiles');
export const uploadStatusQuery = defineQuery<UploadJobStatus>('uploadStatus');

/** The activity surface workflows see (types only; implementations live in activities/). */
export interface UploadActivities {
  beginUploadJob(job: JobIdentity, options: UploadPostJob): Promise<void>;
  ingestUploadedFile(job: JobIdentity, options: UploadPostJob, item: UploadItem): Promise<FileResult>;
  recordFileFailure(job: JobIdentity, item: UploadItem, reason: string): Promise<FileResult>;
  endUploadJob(job: JobIdentity, counts: UploadJobResult): Promise<void>;
}
