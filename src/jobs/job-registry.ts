import type { z } from 'zod';
import {
  type JobElement,
  exportJob,
  automatedSetGenerationJob,
  type RipPdfsJob,
  imageRenderingPublishJob,
  imageServingPublishJob,
  metadataPublishJob,
  optimizeImagesJob,
  reprocessAssetsJob,
  ripPdfsAsReprocess,
  ripPdfsJob,
  serverDirectoryPublishJob,
  videoPublishJob,
} from '../domain/schemas/job.schema.js';
import { uploadPostJob } from '../domain/schemas/upload.schema.js';
import { uploadDirectoryJob, uploadUrlsJob } from '../domain/schemas/upload-jobs.schema.js';
import { createVideoSitemapJob } from '../domain/schemas/video-sitemap.schema.js';
import type { JobLogTypes } from '../domain/job-log-types.js';
import { OPERATION_ACCESS, type Role } from '../domain/roles.js';
import type * as workflows from '../../workflows/index.js';

/**
 * What submitJob (and the UploadFile servlet, for its job) checks against the
 * catalog before a job starts, so that bad input is a fault naming the field
 * rather than a failed job later. The registry names them; the services
 * implement them (src/services/submit-checks.ts), as the registry imports no
 * service.
 * - documents: every pdfHandleArray entry is a live Pdf, PostScript or Illustrator asset of the company
 * - profiles: colorManagementOptions profile handles name live IccProfile assets of the company
 * - exportJob: what an export can know before it runs (assets, size limit, conversion request)
 * - setScripts: autoSetCreationOptions.autoSetsArray names set-generation scripts of the company
 * - projects: projectHandleArray names projects of the company
 * - metadata: metadataOptions updates name fields of the company, with values their types and dictionaries take
 * - serverDir: the directory exists inside the import root
 */
export const SUBMIT_CHECKS = ['documents', 'profiles', 'exportJob', 'setScripts', 'projects', 'metadata', 'serverDir'] as const;
export type SubmitCheck = (typeof SUBMIT_CHECKS)[number];

/**
 * The one registry of IPS job types: job element → workflow → options schema
 * → IPS job type string → roles → submit-time checks → job-log types.
 * submitJob accepts exactly the submittable entries; the worker refuses to
 * start if an entry names a workflow the bundle does not export.
 */
export interface JobTypeEntry {
  /** IPS job element name (submitJobParam / ActiveJob field) */
  element: JobElement | 'uploadPostJob';
  /** ActiveJob.type / ScheduledJob.type */
  ipsType: string;
  workflow: keyof typeof workflows;
  options: z.ZodType;
  /**
   * The workflow's input, when it is not the element's own options (a job type
   * that runs another type's workflow under its own field names). The options
   * as submitted stay the job's echo in getActiveJobs / getScheduledJobs.
   */
  workflowOptions?: (options: unknown) => unknown;
  /** false for the UploadFile servlet's jobs, which submitJob cannot start */
  submittable: boolean;
  /**
   * Roles that may submit this job type, when narrower than submitJob's own
   * (OPERATION_ACCESS.submitJob, checked first). IPS documents no per-job list.
   */
  roles?: readonly Role[];
  /**
   * The submit-time checks, run in this order: the catalog checks in the XSD
   * order of their fields, so the first field at fault is the one reported;
   * serverDir, checked on disk, after them. Every
   * entry whose options have colorManagementOptions lists `profiles`, every one
   * with autoSetCreationOptions `setScripts`, every one with projectHandleArray
   * `projects` (test/unit/job-registry.test.ts holds the entries to that), every
   * one with metadataOptions `metadata`.
   */
  checks?: readonly SubmitCheck[];
  /**
   * IPS's names where IPS documents or logs one (Adobe IPS: sting-constants/r-job-log-types; `EndReoptimize` with a capital E: the docs print
   * `endReoptimize`). Every name is classified in src/domain/job-log-types.ts and listed in docs/job-log-types.md.
   */
  logTypes: JobLogTypes;
  /** message of the Begin* row; IPS upload logs say "Upload has begun!" */
  beginMessage: 'jobBegun' | 'uploadBegun';
}

export const JOB_TYPES: readonly JobTypeEntry[] = [
  {
    element: 'uploadPostJob',
    // IPS documents no type string for HTTP-post uploads; named after ActiveJob.uploadPostJob.
    ipsType: 'UploadPost',
    workflow: 'uploadPostWorkflow',
    options: uploadPostJob,
    submittable: false,
    checks: ['profiles', 'setScripts', 'projects', 'metadata'],
    logTypes: { begin: 'BeginUpload', end: 'EndUpload', success: 'UploadSuccess', failure: 'UploadError' },
    beginMessage: 'uploadBegun',
  },
  {
    element: 'optimizeImagesJob',
    ipsType: 'ImageOptimization',
    workflow: 'optimizeImagesWorkflow',
    options: optimizeImagesJob,
    submittable: true,
    logTypes: { begin: 'BeginReoptimize', end: 'EndReoptimize', success: 'ReoptimizeSuccess', failure: 'ReoptimizeFailure' },
    beginMessage: 'jobBegun',
  },
  {
    element: 'reprocessAssetsJob',
    // The 4.0 change log names a "ReprocessAssets" job type (Adobe IPS: change-log/version-4-0/r-4-0-new).
    ipsType: 'ReprocessAssets',
    workflow: 'reprocessAssetsWorkflow',
    options: reprocessAssetsJob,
    submittable: true,
    checks: ['profiles', 'setScripts', 'projects', 'metadata'],
    // IPS documents no reprocess log types; these follow its Begin*/End*/…Success/…Error pattern.
    logTypes: { begin: 'BeginReprocess', end: 'EndReprocess', success: 'ReprocessSuccess', failure: 'ReprocessError' },
    beginMessage: 'jobBegun',
  },
  {
    element: 'ripPdfsJob',
    // IPS documents no type string for RipPdfsJob (Adobe IPS: sting-constants/r-job-types); named after the element, as UploadPost is.
    ipsType: 'RipPdfs',
    workflow: 'reprocessAssetsWorkflow',
    options: ripPdfsJob,
    // Only ever given what `options` parsed.
    workflowOptions: (options) => ripPdfsAsReprocess(options as RipPdfsJob),
    submittable: true,
    checks: ['documents', 'profiles', 'projects'],
    // BeginPdfRip and PdfRipError are IPS's (Adobe IPS: sting-constants/r-job-log-types); EndPdfRip and PdfRipSuccess follow its Begin*/End*/…Success pattern.
    logTypes: { begin: 'BeginPdfRip', end: 'EndPdfRip', success: 'PdfRipSuccess', failure: 'PdfRipError' },
    beginMessage: 'jobBegun',
  },
  {
    element: 'exportJob',
    // IPS documents no type string for ExportJob (Adobe IPS: sting-constants/r-job-types); named after the element, as RipPdfs is.
    ipsType: 'Export',
    workflow: 'exportWorkflow',
    options: exportJob,
    submittable: true,
    // An export hands the company's files to whoever holds the download URL, so a contribution-only portal user
    // (ImagePortalContribUser, who uploads but does not take files out) may not start one.
    roles: OPERATION_ACCESS.submitJob.roles.filter((r) => r !== 'ImagePortalContribUser'),
    checks: ['exportJob'],
    // A real ExportJob's log (docs/job-log-types.md#exportjob-export): BeginExportJob, one ExportJobRenderFileSuccess per file, then
    // ZipFileExportJobSuccess, and no other row. EndExportJob (a stopped export) and ExportJobRenderFileError are ours.
    logTypes: {
      begin: 'BeginExportJob',
      end: 'EndExportJob',
      success: 'ExportJobRenderFileSuccess',
      failure: 'ExportJobRenderFileError',
      archive: 'ZipFileExportJobSuccess',
      filesOnly: true,
    },
    beginMessage: 'jobBegun',
  },
  {
    element: 'uploadUrlsJob',
    ipsType: 'UrlUpload',
    workflow: 'uploadUrlsWorkflow',
    options: uploadUrlsJob,
    submittable: true,
    checks: ['profiles', 'setScripts', 'projects', 'metadata'],
    // BeginUploadUrls / EndUploadUrls are IPS's (Adobe IPS: sting-constants/r-job-log-types); files are logged as the upload job logs them.
    logTypes: { begin: 'BeginUploadUrls', end: 'EndUploadUrls', success: 'UploadSuccess', failure: 'UploadError' },
    beginMessage: 'uploadBegun',
  },
  {
    element: 'uploadDirectoryJob',
    ipsType: 'UploadFromServerDirectory',
    workflow: 'uploadDirectoryWorkflow',
    options: uploadDirectoryJob,
    submittable: true,
    checks: ['profiles', 'setScripts', 'projects', 'metadata', 'serverDir'],
    // IPS documents no directory-specific log types; the upload family (Adobe IPS: sting-constants/r-job-log-types).
    logTypes: { begin: 'BeginUpload', end: 'EndUpload', success: 'UploadSuccess', failure: 'UploadError' },
    beginMessage: 'uploadBegun',
  },
  {
    element: 'automatedSetGenerationJob',
    // IPS documents no type string (Adobe IPS: sting-constants/r-job-types); named after the element.
    ipsType: 'AutomatedSetGeneration',
    workflow: 'automatedSetGenerationWorkflow',
    options: automatedSetGenerationJob,
    submittable: true,
    checks: ['setScripts'],
    // IPS documents no set-generation log types; these follow its Begin*/End*/…Success/…Error pattern.
    logTypes: { begin: 'BeginSetGeneration', end: 'EndSetGeneration', success: 'SetGenerationSuccess', failure: 'SetGenerationError' },
    beginMessage: 'jobBegun',
  },
  {
    element: 'imageServingPublishJob',
    ipsType: 'ImageServingPublish',
    workflow: 'imageServingPublishWorkflow',
    options: imageServingPublishJob,
    submittable: true,
    logTypes: { begin: 'BeginImageServingPublish', end: 'EndImageServingPublish', success: 'ImageServingPublishSuccess', failure: 'ImageServingPublishError' },
    beginMessage: 'jobBegun',
  },
  {
    element: 'imageRenderingPublishJob',
    ipsType: 'ImageRenderingPublish',
    workflow: 'imageRenderingPublishWorkflow',
    options: imageRenderingPublishJob,
    submittable: true,
    logTypes: {
      begin: 'BeginImageRenderingPublish',
      end: 'EndImageRenderingPublish',
      success: 'ImageRenderingPublishSuccess',
      failure: 'ImageRenderingPublishError',
    },
    beginMessage: 'jobBegun',
  },
  {
    element: 'serverDirectoryPublishJob',
    ipsType: 'ServerDirectoryPublish',
    workflow: 'serverDirectoryPublishWorkflow',
    options: serverDirectoryPublishJob,
    submittable: true,
    // ServerDirectoryPublishWarning exists too (Adobe IPS: sting-constants/r-job-log-types); nothing here warns.
    logTypes: {
      begin: 'BeginServerDirectoryPublish',
      end: 'EndServerDirectoryPublish',
      success: 'ServerDirectoryPublishSuccess',
      failure: 'ServerDirectoryPublishError',
    },
    beginMessage: 'jobBegun',
  },
  {
    element: 'metadataPublishJob',
    // IPS documents no type string for MetadataPublishJob (Adobe IPS: sting-constants/r-job-types); named after the element, as Export is.
    ipsType: 'MetadataPublish',
    workflow: 'metadataPublishWorkflow',
    options: metadataPublishJob,
    submittable: true,
    // IPS's Metadata family (Adobe IPS: sting-constants/r-job-log-types), its only metadata log types: the docs tie it to no job type (MetadataUpload is
    // a guess as good as ours), and a metadata publish is a metadata job; its JobType row says which one.
    logTypes: { begin: 'BeginMetadata', end: 'EndMetadata', success: 'MetadataSuccess', failure: 'MetadataFailure' },
    beginMessage: 'jobBegun',
  },
  {
    element: 'videoPublishJob',
    ipsType: 'VideoPublish',
    workflow: 'videoPublishWorkflow',
    options: videoPublishJob,
    submittable: true,
    // The docs print "VideoPubilshSuccess"; the corrected spelling is used.
    logTypes: { begin: 'BeginVideoPublish', end: 'EndVideoPublish', success: 'VideoPublishSuccess', failure: 'VideoPublishError' },
    beginMessage: 'jobBegun',
  },
  {
    element: 'createVideoSitemapJob',
    // IPS documents no type string for CreateVideoSitemapJob (Adobe IPS: sting-constants/r-job-types); named after the element, as MetadataPublish is.
    ipsType: 'CreateVideoSitemap',
    workflow: 'createVideoSitemapWorkflow',
    options: createVideoSitemapJob,
    submittable: true,
    // IPS documents no video-sitemap log types (Adobe IPS: sting-constants/r-job-log-types); these follow its Begin*/End*/…Success/…Error pattern on the type string.
    logTypes: { begin: 'BeginCreateVideoSitemap', end: 'EndCreateVideoSitemap', success: 'CreateVideoSitemapSuccess', failure: 'CreateVideoSitemapError' },
    beginMessage: 'jobBegun',
  },
];

export function jobTypeByElement(element: string): JobTypeEntry | undefined {
  return JOB_TYPES.find((j) => j.element === element);
}

export function jobTypeByIpsType(ipsType: string): JobTypeEntry | undefined {
  return JOB_TYPES.find((j) => j.ipsType === ipsType);
}

/** Start-up check: every registered job type has an exported workflow function. */
export function assertRegistryComplete(exported: Record<string, unknown>): void {
  const missing = JOB_TYPES.filter((j) => typeof exported[j.workflow] !== 'function');
  if (missing.length) {
    throw new Error(`Job types without a workflow: ${missing.map((j) => `${j.element} → ${j.workflow}`).join(', ')}`);
  }
}
