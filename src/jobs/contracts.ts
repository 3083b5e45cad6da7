/**
 * Everything workflows share with the API and activities: inputs, results,
 * signals and queries. No Node built-ins here (this file is bundled into
 * the deterministic workflow sandbox).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type {
  AutomatedSetGenerationJob,
  ExportJob,
  ImageRenderingPublishJob,
  ImageServingPublishJob,
  MetadataPublishJob,
  OptimizeImagesJob,
  ReprocessAssetsJob,
  ServerDirectoryPublishJob,
  VideoPublishJob,
} from '../domain/schemas/job.schema.js';
import type { FilePublishContext } from '../domain/publish-contexts.js';
import type { IsPublishType } from '../domain/is-publish.js';
import type { SetType } from '../domain/schemas/set-script.schema.js';
import type { UploadPostJob } from '../domain/schemas/upload.schema.js';
import type { CreateVideoSitemapJob } from '../domain/schemas/video-sitemap.schema.js';
import type { UploadDirectoryJob, UploadUrl, UploadUrlsJob } from '../domain/schemas/upload-jobs.schema.js';

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
  /** what the job log calls the file when not its IPS path: the source URL, or the path under the import root */
  source?: string;
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
  /** IPS job type string: which family of log types the job's items are written in */
  jobType?: string;
  /** JobLog.jobSubType (Adobe IPS: data-types/r-job-log; publish jobs: full, increment, fullwithsearch) */
  jobSubType?: string;
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

export interface UploadJobResult extends UploadCounts {
  endedBy: 'endJob' | 'idleTimeout';
  idleTimeoutSeconds: number;
}

export const addUploadFilesSignal = defineSignal<[UploadPost]>('addUploadFiles');

/** The activity surface workflows see (types only; implementations live in activities/). */
export interface UploadActivities {
  beginUploadJob(job: JobIdentity, options: UploadPostJob): Promise<{ serverName: string }>;
  ingestUploadedFile(job: JobIdentity, options: UploadPostJob, item: UploadItem): Promise<FileResult>;
  recordFileFailure(job: JobIdentity, item: UploadItem, reason: string): Promise<FileResult>;
  endUploadJob(job: JobIdentity, counts: UploadJobResult): Promise<void>;
}

// --- jobs started by submitJob (immediately, at execTime, or by a schedule) ---

/** What submitJob hands a job workflow; the run's own handle and name come from the workflow itself. */
export interface JobRequest<O = unknown> {
  companyHandle: string;
  originalName: string;
  submitUserHandle: string;
  submitUserEmail: string;
  /** who gets the e-mail (submitJob userHandle, else the submitter) */
  notifyUserEmail: string;
  locale?: string;
  description?: string;
  /** IPS job type string (ActiveJob.type) */
  jobType: string;
  /** IPS job element name (submitJobParam field), echoed in ActiveJob */
  element: string;
  options: O;
  /** parallel items per job; the worker's activity slots bound the total anyway */
  lanes: number;
  /** JobLog.jobSubType, when the job type has one */
  jobSubType?: string;
}

export type JobOutcomeKind = 'done' | 'stopped' | 'failed';

export interface JobOutcome {
  outcome: JobOutcomeKind;
  total: number;
  processed: number;
  errors: number;
  reason?: string;
  stoppedBy?: string;
  /** how a stop arrived: the stopJob signal, or a cancellation request (stopJob through the API sends one too) */
  stopSource?: 'signal' | 'cancel';
}

export interface JobProgress {
  name: string;
  /** WaitingClient: an upload job waiting for more posts */
  state: 'Running' | 'Stopping' | 'WaitingClient';
  paused: boolean;
  total: number;
  processed: number;
  errors: number;
  /** items of the batches in flight; `itemId` lets the API leave out those already recorded in the job log */
  processing: Array<{ itemName: string; itemId?: string; since: string }>;
  message: string;
  lastProgressUpdate: string;
  startDate: string;
  serverName: string;
  taskType: string;
}

export const pauseJobSignal = defineSignal<[{ user: string }]>('pauseJob');
export const resumeJobSignal = defineSignal<[{ user: string }]>('resumeJob');
/** Who asked for the stop: sent just before cancellation so the log can name them. */
export const stopRequestedSignal = defineSignal<[{ user: string }]>('stopRequested');
/**
 * The documented way for any Temporal client to stop a job, e.g.
 * `temporal workflow signal --workflow-id <jobHandle> --name stopJob --input '{"user":"ops@example.com","reason":"maintenance"}'`.
 * The job then stops as after the stopJob operation: Stopping, the items in
 * hand finish, the log's end row names `user` (else the signal) and the
 * counts, and the workflow closes as cancelled. Both fields are optional.
 */
export const stopJobSignal = defineSignal<[{ user?: string; reason?: string } | undefined]>('stopJob');
export const jobProgressQuery = defineQuery<JobProgress>('jobProgress');

export interface AssetRef {
  assetHandle: string;
  name: string;
}

export interface JobActivities {
  beginJob(job: JobIdentity, jobType: string): Promise<{ serverName: string }>;
  endJob(job: JobIdentity, jobType: string, outcome: JobOutcome): Promise<void>;
  notifyJob(job: JobIdentity, request: JobRequest, outcome: JobOutcome): Promise<void>;
  /** POSTs the signed job summary to the job's postHttpUrl */
  postJobCallback(job: JobIdentity, request: JobRequest, outcome: JobOutcome): Promise<void>;
  /** Requests cancellation of the calling run, so a job stopped by the stopJob signal closes as cancelled (a workflow cannot ask it of itself) */
  cancelOwnRun(): Promise<void>;
}

export interface OptimizeActivities {
  countImagesToOptimize(companyHandle: string): Promise<number>;
  listImagesToOptimize(companyHandle: string, after: string | null, limit: number): Promise<AssetRef[]>;
  /** results for the assets finished, in order: a prefix of `assets` (shorter when cancelled mid-batch) */
  optimizeImages(job: JobIdentity, assets: AssetRef[]): Promise<FileResult[]>;
  /** records assets whose batch gave up after its retries; assets already recorded keep their result */
  recordOptimizeFailures(job: JobIdentity, assets: AssetRef[], reason: string): Promise<FileResult[]>;
}

export type OptimizeImagesRequest = JobRequest<OptimizeImagesJob>;

export type ReprocessRequest = JobRequest<ReprocessAssetsJob>;
export type ReprocessItemOptions = Omit<ReprocessAssetsJob, 'assetHandleArray'>;

export interface ReprocessActivities {
  /** results for the assets finished, in order: a prefix of `assets` (shorter when cancelled mid-batch) */
  reprocessAssets(job: JobIdentity, options: ReprocessItemOptions, assets: AssetRef[]): Promise<FileResult[]>;
  /** records assets whose batch gave up after its retries; assets already recorded keep their result */
  recordReprocessFailures(job: JobIdentity, assets: AssetRef[], reason: string): Promise<FileResult[]>;
}

export type ExportRequest = JobRequest<ExportJob>;
export type ExportItemOptions = Omit<ExportJob, 'assetHandleArray'>;

/** Where an export's ZIP can be downloaded (the signed URL is also in the job log). */
export interface ExportArchive {
  url: string;
  expiresAt: string;
  entries: number;
  bytes: number;
}

export interface ExportActivities {
  /** stages each asset's export (converted file, or a reference to the original); results cover a prefix of `assets` */
  exportAssets(job: JobIdentity, options: ExportItemOptions, assets: AssetRef[]): Promise<FileResult[]>;
  /** records assets whose batch gave up after its retries; assets already recorded keep their result */
  recordExportFailures(job: JobIdentity, assets: AssetRef[], reason: string): Promise<FileResult[]>;
  /** writes the job's ZIP from what was staged, in assetHandleArray order, and logs its URL; idempotent */
  buildExportArchive(job: JobIdentity, assetHandles: string[]): Promise<ExportArchive>;
  /** deletes an expired archive (and anything staged for it) */
  removeExportArchive(companyHandle: string, jobHandle: string): Promise<void>;
}

/** Removes an export's ZIP once its download URL has expired. */
export interface ExportExpiryRequest {
  companyHandle: string;
  jobHandle: string;
  expiresAt: string;
}

// --- AutomatedSetGenerationJob ---

export type SetGenerationRequest = JobRequest<AutomatedSetGenerationJob>;

/** What set generation needs of a job (AutomatedSetGenerationJob, or an upload's autoSetCreationOptions). */
export interface SetGenerationOptions {
  assetHandles: string[];
  scriptHandles: string[];
  destFolder?: string;
  /** absent (a reprocess job without it): sets the job updates keep their flag, new ones are not marked */
  readyForPublish?: boolean;
  /** absent: the company's retainPublishState */
  preservePublishState?: boolean;
}

/** One unit of set-generation work: a set to write, or an asset that joins none (its warning or error). */
export type SetGenerationItem =
  | (AssetRef & { kind: 'set'; scriptHandle: string; setType: SetType; members: string[]; swatch?: string })
  | (AssetRef & { kind: 'skip'; severity: 'warning' | 'error'; reason: string });

export interface SetGenerationActivities {
  planSets(companyHandle: string, options: SetGenerationOptions): Promise<SetGenerationItem[]>;
  /** results for the items finished, in order: a prefix of `items` */
  applySets(job: JobIdentity, options: SetGenerationOptions, items: SetGenerationItem[]): Promise<FileResult[]>;
  recordSetFailures(job: JobIdentity, items: SetGenerationItem[], reason: string): Promise<FileResult[]>;
  /** autoSetCreationOptions of an upload job: the scripts over every asset the job created or updated */
  applyJobSets(job: JobIdentity, scriptHandles: string[], readyForPublish: boolean, preservePublishState?: boolean): Promise<number>;
}

// --- UploadUrlsJob and UploadDirectoryJob: per-item jobs over the upload ingest pipeline ---

export type UploadUrlsRequest = JobRequest<UploadUrlsJob>;
export type UploadUrlsItemOptions = Omit<UploadUrlsJob, 'urlArray'>;

/** One URL of an UploadUrlsJob; `assetHandle` is the item id (runItemJob keys items by it). */
export interface UrlItem extends AssetRef, UploadUrl {
  index: number;
}

export type UploadDirectoryRequest = JobRequest<UploadDirectoryJob>;

/** One entry under the job's server directory; `assetHandle` is the item id, `name` the path relative to serverDir. */
export interface DirectoryItem extends AssetRef {
  kind: 'file' | 'hidden' | 'other';
}

export interface IngestSourceActivities {
  /** downloads and ingests each URL in order; results cover a prefix of `items` (shorter when cancelled) */
  uploadUrls(job: JobIdentity, options: UploadUrlsItemOptions, items: UrlItem[]): Promise<FileResult[]>;
  /** records URLs whose batch gave up after its retries; URLs already recorded keep their result */
  recordUrlFailures(job: JobIdentity, items: UrlItem[], reason: string): Promise<FileResult[]>;
  /** entries the walk will hand out (files, hidden files, links), counted without listing them */
  countDirectory(options: UploadDirectoryJob): Promise<number>;
  /** the next entries in path order after `cursor` */
  listDirectory(jobHandle: string, options: UploadDirectoryJob, cursor: string | null, limit: number): Promise<{ items: DirectoryItem[]; next: string | null }>;
  /** copies in and ingests each entry in order (ZIPs extracted with UnCompress); results cover a prefix of `items` */
  uploadDirectoryFiles(job: JobIdentity, options: UploadDirectoryJob, items: DirectoryItem[]): Promise<FileResult[]>;
  recordDirectoryFailures(job: JobIdentity, options: UploadDirectoryJob, items: DirectoryItem[], reason: string): Promise<FileResult[]>;
}

// --- ImageServingPublishJob (submitted, or a reprocess job's postImageServingPublishJob follow-on) ---

export type ImageServingPublishRequest = JobRequest<ImageServingPublishJob>;

export interface IsPublishActivities {
  countIsPublish(companyHandle: string, publishType: IsPublishType): Promise<number>;
  /** the next page of assets to publish or (full publish) remove, after `cursor` */
  listIsPublish(companyHandle: string, publishType: IsPublishType, cursor: string | null): Promise<{ items: AssetRef[]; next: string | null }>;
  /** results for the assets finished, in order: a prefix of `assets` */
  publishToImageServing(job: JobIdentity, assets: AssetRef[]): Promise<FileResult[]>;
  /** records assets whose batch gave up after its retries; assets already recorded keep their result */
  recordIsPublishFailures(job: JobIdentity, assets: AssetRef[], reason: string): Promise<FileResult[]>;
  /** snapshots the company's image presets as the context's macro set */
  publishIsMacros(job: JobIdentity): Promise<void>;
}

// --- ImageRenderingPublishJob, ServerDirectoryPublishJob, VideoPublishJob, MetadataPublishJob ---

export type ImageRenderingPublishRequest = JobRequest<ImageRenderingPublishJob>;
export type ServerDirectoryPublishRequest = JobRequest<ServerDirectoryPublishJob>;
export type MetadataPublishRequest = JobRequest<MetadataPublishJob>;
export type VideoPublishRequest = JobRequest<VideoPublishJob>;

export interface ContextPublishActivities {
  countContextPublish(companyHandle: string, context: FilePublishContext): Promise<number>;
  /** the next page of assets to publish or remove, after `cursor` */
  listContextPublish(companyHandle: string, context: FilePublishContext, cursor: string | null): Promise<{ items: AssetRef[]; next: string | null }>;
  /** results for the assets finished, in order: a prefix of `assets` */
  publishToContext(job: JobIdentity, context: FilePublishContext, assets: AssetRef[]): Promise<FileResult[]>;
  /** records assets whose batch gave up after its retries; assets already recorded keep their result */
  recordContextPublishFailures(job: JobIdentity, assets: AssetRef[], reason: string): Promise<FileResult[]>;
  /** writes the company's metadata document (when changed, or always with forcePublish); one result */
  publishMetadata(job: JobIdentity, forcePublish: boolean): Promise<FileResult[]>;
  recordMetadataFailure(job: JobIdentity, reason: string): Promise<FileResult[]>;
}

// --- CreateVideoSitemapJob ---

export type VideoSitemapRequest = JobRequest<CreateVideoSitemapJob>;

export interface VideoSitemapActivities {
  /** writes the company's video sitemap (when changed, or always with forceUpdate); one result */
  createVideoSitemap(job: JobIdentity, options: CreateVideoSitemapJob): Promise<FileResult[]>;
  recordVideoSitemapFailure(job: JobIdentity, reason: string): Promise<FileResult[]>;
}
