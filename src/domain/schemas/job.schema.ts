import { z } from 'zod';
import { EMAIL_SETTINGS, SORT_DIRECTIONS, dateTime, handle, itemsArray, itemsOf, notSupportedYet, withAliases } from './common.schema.js';
import * as O from './options.schema.js';
import { IS_PUBLISH_TYPES } from '../is-publish.js';
import { mediaOptions } from './media.schema.js';
import { metadataOptions } from './metadata-options.schema.js';
import { projectHandleArray } from './project.schema.js';
import { unsupportedJobFields } from './unsupported.schema.js';

/** OptimizeImagesJob (Adobe IPS: data-types/r-optimize-images-job): optimise the company's images that lack a current pyramid TIFF. */
export const optimizeImagesJob = z.strictObject({ emailSetting: z.enum(EMAIL_SETTINGS) });
export type OptimizeImagesJob = z.infer<typeof optimizeImagesJob>;

/** Every job element of submitJobParam, in XSD order (Adobe IPS: operation-methods/operation-parameters/r-submit-job). */
export const JOB_ELEMENTS = [
  'imageServingPublishJob',
  'imageRenderingPublishJob',
  'videoPublishJob',
  'serverDirectoryPublishJob',
  'metadataPublishJob',
  'uploadDirectoryJob',
  'uploadUrlsJob',
  'optimizeImagesJob',
  'ripPdfsJob',
  'reprocessAssetsJob',
  'createVideoSitemapJob',
  'exportJob',
  'automatedSetGenerationJob',
] as const;
export type JobElement = (typeof JOB_ELEMENTS)[number];

export const locale = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a locale ll or ll-CC (e.g. en or en-US)');
export const jobName = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'a name of printable characters');

const jobFilter = {
  companyHandle: handle.optional(),
  jobHandle: handle.optional(),
  originalName: z.string().max(256).optional(),
};

export const getActiveJobsParam = z.strictObject({ ...jobFilter, includeWaitingJobs: z.boolean().optional() });
export const getScheduledJobsParam = z.strictObject(jobFilter);
export const jobControlParam = z.strictObject({ companyHandle: handle, jobHandle: handle });

export const taskItemProgress = z.object({
  itemName: z.string(),
  progress: z.number(),
  progressMessage: z.string(),
  lastProgressUpdate: z.string(),
});
export const taskProgress = z.object({
  taskType: z.string(),
  taskState: z.enum(['Unknown', 'New', 'Processing', 'Stopping', 'Done', 'Failed']),
  numProcessed: z.number().int(),
  numProcessing: z.number().int(),
  numPending: z.number().int(),
  progress: z.number(),
  progressMessage: z.string(),
  lastProgressUpdate: z.string(),
  taskItemProgressArray: itemsOf(taskItemProgress),
});

export const ACTIVE_JOB_STATES = ['Unknown', 'New', 'WaitingClient', 'WaitingCoordinator', 'Running', 'Stopping', 'Done'] as const;

// The job element (e.g. optimizeImagesJob) echoed with its defaults filled in.
const jobEcho = z.unknown();

/** Fields ActiveJob and ScheduledJob share (Adobe IPS: data-types/r-active-job, data-types/r-scheduled-job). */
const jobHeader = {
  companyHandle: z.string(),
  jobHandle: z.string(),
  name: z.string(),
  originalName: z.string(),
  type: z.string(),
  submitUserEmail: z.string(),
  locale: z.string().optional(),
  description: z.string().optional(),
};

export const activeJob = z
  .object({
    ...jobHeader,
    state: z.enum(ACTIVE_JOB_STATES),
    serverName: z.string(),
    startDate: z.string(),
    triggerTime: z.string(),
    totalSize: z.number().int(),
    progress: z.number().int(),
    progressMessage: z.string(),
    lastProgressUpdate: z.string(),
    taskProgressArray: itemsOf(taskProgress),
  })
  .catchall(jobEcho);
export type ActiveJob = z.infer<typeof activeJob>;

export const TRIGGER_STATES = ['Blocked', 'Complete', 'Error', 'None', 'Normal', 'Paused'] as const;
export const scheduledJob = z
  .object({
    ...jobHeader,
    execSchedule: z.string().optional(),
    nextFireTime: z.string().optional(),
    timeZone: z.string().optional(),
    triggerState: z.enum(TRIGGER_STATES).optional(),
  })
  .catchall(jobEcho);
export type ScheduledJob = z.infer<typeof scheduledJob>;

export const submitJobReturn = z.object({ jobHandle: z.string() });
export const getActiveJobsReturn = z.object({ jobArray: itemsOf(activeJob) });
export const getScheduledJobsReturn = z.object({ jobArray: itemsOf(scheduledJob) });

// --- job logs (Adobe IPS: data-types/r-job-log, data-types/r-job-log-detail) ---

export const JOB_LOG_SORT_FIELDS = [
  'JobName',
  'LogType',
  'StartDate',
  'CompanyName',
  'UserId',
  'Email',
  'FileErrorCount',
  'FileWarningCount',
  'FileSuccessCount',
] as const;

export const getJobLogsParam = z.strictObject({
  companyHandle: handle.optional(),
  userHandle: handle.optional(),
  sortBy: z.enum(JOB_LOG_SORT_FIELDS).optional(),
  sortDirection: z.enum(SORT_DIRECTIONS).optional(),
  startDate: dateTime.optional(),
  endDate: dateTime.optional(),
  numRows: z.number().int().min(1).max(10_000).optional(),
});

export const getJobLogDetailsParam = z.strictObject({
  companyHandle: handle,
  jobHandle: handle.optional(),
  originalName: z.string().max(256).optional(),
  logTypeArray: itemsArray(z.string().max(64), 100).optional(),
  recordsPerPage: z.number().int().min(1).max(1000).optional(),
  resultsPage: z.number().int().min(1).optional(),
  sortBy: z.enum(['Date', 'LogType']).optional(),
  sortDirection: z.enum(SORT_DIRECTIONS).optional(),
});

export const getAssetJobLogsParam = z.strictObject({ companyHandle: handle, assetHandle: handle });

export const jobLogDetail = z.object({
  logMessage: z.string(),
  logType: z.string(),
  dateCreated: z.string(),
  assetName: z.string().optional(),
  assetType: z.string().optional(),
  assetHandle: z.string().optional(),
});

export const jobLog = z.object({
  companyHandle: z.string(),
  jobHandle: z.string(),
  jobName: z.string(),
  originalJobName: z.string(),
  submitUserEmail: z.string(),
  logType: z.string(),
  jobSubType: z.string(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
  description: z.string(),
  fileSuccessCount: z.number().int(),
  fileErrorCount: z.number().int(),
  fileWarningCount: z.number().int(),
  fileDuplicateCount: z.number().int(),
  fileUpdateCount: z.number().int(),
  totalFileCount: z.number().int(),
  transferSuccessCount: z.number().int(),
  transferErrorCount: z.number().int(),
  transferWarningCount: z.number().int(),
  fatalError: z.boolean(),
  detailTotalRows: z.number().int().optional(),
  detailArray: itemsOf(jobLogDetail).optional(),
});
export type JobLog = z.infer<typeof jobLog>;

export const assetJobLog = z.object({
  jobHandle: z.string(),
  jobName: z.string(),
  logMessage: z.string(),
  logType: z.string(),
  submitUserEmail: z.string(),
  logDate: z.string(),
});

export const getJobLogsReturn = z.object({ jobLogArray: itemsOf(jobLog) });
export const getJobLogDetailsReturn = z.object({ jobLogArray: itemsOf(jobLog) });
export const getAssetJobLogsReturn = z.object({ jobLogArray: itemsOf(assetJobLog) });

/** A job's completion callback: http(s) only, no credentials in the URL (where the target may point is checked when sending). */
export const callbackUrl = z
  .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
  .max(2048)
  // zod runs refinements after a failed url check too; that check already names an unparsable URL.
  .refine((u) => !URL.canParse(u) || (!new URL(u).username && !new URL(u).password), { message: 'a URL without user name or password' });

export const getCallbackSecretParam = z.strictObject({ companyHandle: handle });
export const getCallbackSecretReturn = z.object({ secret: z.string() });

// --- publish jobs (docs/jobs/publishing.md), as follow-on jobs of reprocess/upload ---

/**
 * ImageServingPublishJob (Adobe IPS: data-types/r-image-serving-publish-job): submitted on its own or as a reprocess job's
 * follow-on. httpCompletionUrl is the job's completion callback (postHttpUrl's
 * signed summary). There is one Image Serving context per company, so
 * contextHandle (IPS 4.5 publish contexts) is refused rather than ignored.
 */
export const imageServingPublishJob = z.strictObject({
  publishType: z.enum(IS_PUBLISH_TYPES),
  emailSetting: z.enum(EMAIL_SETTINGS),
  httpCompletionUrl: callbackUrl.optional(),
  contextHandle: z
    .unknown()
    .refine(() => false, { message: 'no contextHandle (this server has one Image Serving context per company; publish contexts are not supported)' })
    .optional(),
});
export type ImageServingPublishJob = z.output<typeof imageServingPublishJob>;
/** contextHandle refused, naming the one context this server keeps per company for the job. */
const oneContext = (context: string) =>
  z
    .unknown()
    .refine(() => false, { message: `no contextHandle (this server has one ${context} context per company; publish contexts are not supported)` })
    .optional();
/** ImageRenderingPublishJob (Adobe IPS: data-types/r-image-rendering-publish-job): submitted on its own or as a reprocess job's follow-on; no publishType in the XSD. */
export const imageRenderingPublishJob = z.strictObject({
  emailSetting: z.enum(EMAIL_SETTINGS),
  httpCompletionUrl: callbackUrl.optional(),
  contextHandle: oneContext('Image Rendering'),
});
export type ImageRenderingPublishJob = z.output<typeof imageRenderingPublishJob>;
/** ServerDirectoryPublishJob (Adobe IPS: data-types/r-server-directory-publish-job; the docs spell the field emailSettings, the XSD emailSetting: both are accepted). */
export const serverDirectoryPublishJob = withAliases(
  { emailSettings: 'emailSetting' },
  z.strictObject({
    emailSetting: z.enum(EMAIL_SETTINGS),
    httpCompletionUrl: callbackUrl.optional(),
  }),
);
export type ServerDirectoryPublishJob = z.output<typeof serverDirectoryPublishJob>;
/**
 * MetadataPublishJob (Adobe IPS: data-types/r-metadata-publish-job-type): the XSD has only forcePublish; emailSetting and
 * httpCompletionUrl are taken as every other publish job takes them
 * (optional here, so an XSD-shaped request is accepted as it is).
 */
export const metadataPublishJob = z.strictObject({
  forcePublish: z.boolean().optional(),
  emailSetting: z.enum(EMAIL_SETTINGS).optional(),
  httpCompletionUrl: callbackUrl.optional(),
});
export type MetadataPublishJob = z.output<typeof metadataPublishJob>;
/** VideoPublishJob (Adobe IPS: data-types/r-video-publish-job): submitted on its own or as a reprocess job's follow-on; no publishType in the XSD. */
export const videoPublishJob = z.strictObject({
  emailSetting: z.enum(EMAIL_SETTINGS),
  httpCompletionUrl: callbackUrl.optional(),
  contextHandle: oneContext('Video'),
});
export type VideoPublishJob = z.output<typeof videoPublishJob>;

// --- ReprocessAssetsJob (Adobe IPS: data-types/r-reprocess-assets-job) and RipPdfsJob (data-types/r-rip-pdfs-job) ---

/** InDesignOptions: only `None`, as there is no InDesign engine here. */
export const inDesignOptions = z
  .strictObject({ process: z.literal('None', { message: 'None (there is no InDesign engine on this server)' }).optional() })
  .optional();

type CrossFieldRules = {
  manualCropOptions?: unknown;
  autoColorCropOptions?: unknown;
  autoTransparentCropOptions?: unknown;
  postImageServingPublishJob?: unknown;
  postImageRenderingPublishJob?: unknown;
  postVideoPublishJob?: unknown;
};

/** The rules both job types share (Adobe IPS: data-types/r-reprocess-assets-job): at most one crop, at most one follow-on publish, at least one handle. */
function crossFieldRules<J extends CrossFieldRules>(handlesField: string, handles: (j: J) => readonly string[]) {
  return (j: J, ctx: z.RefinementCtx<J>) => {
    const crops = (['manualCropOptions', 'autoColorCropOptions', 'autoTransparentCropOptions'] as const).filter((k) => j[k] !== undefined);
    if (crops.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: [crops[1]!],
        message: 'at most one of manualCropOptions, autoColorCropOptions, autoTransparentCropOptions',
        input: crops.join(' and '),
      });
    const posts = (['postImageServingPublishJob', 'postImageRenderingPublishJob', 'postVideoPublishJob'] as const).filter((k) => j[k] !== undefined);
    if (posts.length > 1) ctx.addIssue({ code: 'custom', path: [posts[1]!], message: 'at most one post*PublishJob', input: posts.join(' and ') });
    if (handles(j).length === 0) ctx.addIssue({ code: 'custom', path: [handlesField], message: 'at least one asset handle', params: { missing: true } });
  };
}

/** The documents' name for knockoutBackgroundOptions (docs/api.md#documented-aliases), accepted on every job element that has it. */
export const KNOCKOUT_ALIAS = { knockoutBackground: 'knockoutBackgroundOptions' } as const;

export const reprocessAssetsJob = withAliases(
  KNOCKOUT_ALIAS,
  z
    .strictObject({
      assetHandleArray: itemsArray(handle, 100_000),
      readyForPublish: z.boolean().optional(),
      synchronizationComplete: unsupportedJobFields.synchronizationComplete,
      preservePublishState: z.boolean().optional(),
      createMask: z.boolean(),
      preserveCrop: z.boolean().default(true),
      overwriteAVS: unsupportedJobFields.overwriteAVS,
      knockoutBackgroundOptions: O.knockoutBackgroundOptions.optional(),
      manualCropOptions: O.manualCropOptions.optional(),
      autoColorCropOptions: O.autoColorCropOptions.optional(),
      autoTransparentCropOptions: O.autoTransparentCropOptions.optional(),
      autoSmartCropOptionsArray: notSupportedYet('autoSmartCropOptionsArray'),
      photoshopOptions: O.photoshopOptions.optional(),
      postScriptOptions: O.postScriptOptions.optional(),
      pdfOptions: O.pdfOptions.optional(),
      mediaOptions: mediaOptions.optional(),
      illustratorOptions: O.illustratorOptions.optional(),
      cssOptions: notSupportedYet('cssOptions'),
      colorManagementOptions: O.colorManagementOptions.optional(),
      autoSetCreationOptions: O.autoSetCreationOptions.optional(),
      projectHandleArray: projectHandleArray.optional(),
      emailSetting: z.enum(EMAIL_SETTINGS),
      postJobOnlyIfFiles: z.boolean().optional(),
      postHttpUrl: callbackUrl.optional(),
      postImageServingPublishJob: imageServingPublishJob.optional(),
      postImageRenderingPublishJob: imageRenderingPublishJob.optional(),
      postVideoPublishJob: videoPublishJob.optional(),
      inDesignOptions,
      unsharpMaskOptions: O.unsharpMaskOptions.optional(),
      excludeMasterVideoFromAVS: unsupportedJobFields.excludeMasterVideoFromAVS,
      metadataOptions: metadataOptions.optional(),
      jwtToken: unsupportedJobFields.jwtToken,
      imsOrg: unsupportedJobFields.imsOrg,
      apikey: unsupportedJobFields.apikey,
      ignoreSmartCropGeneration: unsupportedJobFields.ignoreSmartCropGeneration,
      preserveSmartCrop: unsupportedJobFields.preserveSmartCrop,
    })
    .superRefine(crossFieldRules('assetHandleArray', (j) => j.assetHandleArray)),
);
export type ReprocessAssetsJob = z.output<typeof reprocessAssetsJob>;

/**
 * RipPdfsJob (Adobe IPS: data-types/r-rip-pdfs-job; deprecated in favour of ReprocessAssetsJob): the same
 * options under the same schemas, in its own XSD order, with the documents
 * in pdfHandleArray. It runs as a reprocess job (ripPdfsAsReprocess).
 */
export const ripPdfsJob = withAliases(
  KNOCKOUT_ALIAS,
  z
    .strictObject({
      pdfHandleArray: itemsArray(handle, 100_000),
      createMask: z.boolean(),
      knockoutBackgroundOptions: O.knockoutBackgroundOptions.optional(),
      manualCropOptions: O.manualCropOptions.optional(),
      autoColorCropOptions: O.autoColorCropOptions.optional(),
      autoTransparentCropOptions: O.autoTransparentCropOptions.optional(),
      autoSmartCropOptionsArray: notSupportedYet('autoSmartCropOptionsArray'),
      postScriptOptions: O.postScriptOptions.optional(),
      pdfOptions: O.pdfOptions.optional(),
      illustratorOptions: O.illustratorOptions.optional(),
      colorManagementOptions: O.colorManagementOptions.optional(),
      projectHandleArray: projectHandleArray.optional(),
      emailSetting: z.enum(EMAIL_SETTINGS),
      postHttpUrl: callbackUrl.optional(),
      postImageServingPublishJob: imageServingPublishJob.optional(),
      postImageRenderingPublishJob: imageRenderingPublishJob.optional(),
      postVideoPublishJob: videoPublishJob.optional(),
      inDesignOptions,
    })
    .superRefine(crossFieldRules('pdfHandleArray', (j) => j.pdfHandleArray)),
);
export type RipPdfsJob = z.output<typeof ripPdfsJob>;

/**
 * The reprocess input a RipPdfsJob runs as. Fields RipPdfsJob lacks
 * (preserveCrop, readyForPublish, …) are left to reprocessAssetsJob itself, so
 * they get exactly the defaults a reprocess job would; the parse cannot fail
 * because every field it is given was already checked by the same schema.
 */
export function ripPdfsAsReprocess(job: RipPdfsJob): ReprocessAssetsJob {
  const { pdfHandleArray, ...options } = job;
  return reprocessAssetsJob.parse({ assetHandleArray: pdfHandleArray, ...options });
}

// --- ExportJob (Adobe IPS: data-types/r-exportjob) ---

/** DMC's export limits (docs/jobs/export.md): assets per job, bytes per ZIP. Applied to originals too, as DMC's export page states them generally. */
export const EXPORT_MAX_ASSETS = 500;
export const EXPORT_MAX_BYTES = 1024 ** 3;

/** is_modifier / macro length: IS presets are at most 512 characters; a request line a few times that is plenty. */
const IS_TEXT_MAX = 16 * 1024;

export const exportJob = z
  .strictObject({
    assetHandleArray: itemsArray(handle, 100_000).refine((a) => a.length <= EXPORT_MAX_ASSETS, {
      message: `at most ${EXPORT_MAX_ASSETS} asset handles (the export limit per job; split larger exports into several jobs)`,
    }),
    fmt: z.enum(['orig', 'convert']),
    is_modifier: z.string().max(IS_TEXT_MAX).optional(),
    // IPS writes it `$name$`; a bare preset name is accepted too.
    macro: z
      .string()
      .trim()
      .max(IS_TEXT_MAX)
      .regex(/^\$?[A-Za-z0-9._-]+\$?$/, 'an image preset name, written $name$')
      .optional(),
    emailSetting: z.enum(EMAIL_SETTINGS),
    // Reserved in IPS (the requesting client's address); stored and echoed only.
    clientId: z.string().max(256).optional(),
  })
  .superRefine((j, ctx) => {
    if (j.assetHandleArray.length === 0)
      ctx.addIssue({ code: 'custom', path: ['assetHandleArray'], message: 'at least one asset handle', params: { missing: true } });
    // Originals are exported as they are: a conversion asked for with fmt=orig would silently not happen.
    if (j.fmt === 'orig') {
      for (const k of ['is_modifier', 'macro'] as const) {
        if (j[k] !== undefined)
          ctx.addIssue({ code: 'custom', path: [k], message: `${k} only with fmt=convert (fmt=orig exports the original files unchanged)`, input: j[k] });
      }
    }
  });
export type ExportJob = z.output<typeof exportJob>;

// --- AutomatedSetGenerationJob (Adobe IPS: data-types/r-automated-set-generation-job) ---

export const automatedSetGenerationJob = z.strictObject({
  // IPS's default maximum is 1000 handles.
  assetHandleArray: itemsArray(handle, 1000).refine((a) => a.length > 0, { message: 'at least one asset handle', params: { missing: true } }),
  destFolder: z.string().max(1024).optional(),
  readyForPublish: z.boolean(),
  synchronizationComplete: unsupportedJobFields.synchronizationComplete,
  autoSetCreationOptions: O.autoSetCreationOptions,
  emailSetting: z.enum(EMAIL_SETTINGS),
});
export type AutomatedSetGenerationJob = z.output<typeof automatedSetGenerationJob>;
