import { z } from 'zod';
import { EMAIL_SETTINGS, handle, notSupportedYet, withAliases } from './common.schema.js';
import * as O from './options.schema.js';
import { mediaOptions } from './media.schema.js';
import { metadataOptions } from './metadata-options.schema.js';
import { projectHandleArray } from './project.schema.js';
import { unsupportedJobFields } from './unsupported.schema.js';

/** Document and layer options: the upload stores the file; a reprocessAssetsJob on it rasterises or splits it. */
const afterUpload = (field: string) =>
  z
    .unknown()
    .refine(() => false, { message: `${field} on upload is not supported by this server: upload the file, then submit a reprocessAssetsJob with ${field}` })
    .optional();

/**
 * UploadPostJob (Adobe IPS: data-types/r-upload-post-job), XSD order. The image options are the
 * reprocess job's and run through the same per-asset pipeline. Rasterising
 * documents and splitting PSD layers need the asset to exist first, so on
 * upload they are refused with the way to get them: a reprocessAssetsJob.
 * UploadUrlsJob and UploadDirectoryJob take the same options (upload-jobs.schema.ts).
 */
export const uploadJobShape = {
  overwrite: z.boolean(),
  readyForPublish: z.boolean(),
  preservePublishState: z.boolean().optional(),
  synchronizationComplete: unsupportedJobFields.synchronizationComplete,
  createMask: z.boolean(),
  preserveCrop: z.boolean().optional(),
  knockoutBackgroundOptions: O.knockoutBackgroundOptions.optional(),
  manualCropOptions: O.manualCropOptions.optional(),
  autoColorCropOptions: O.autoColorCropOptions.optional(),
  autoTransparentCropOptions: O.autoTransparentCropOptions.optional(),
  autoSmartCropOptionsArray: notSupportedYet('autoSmartCropOptionsArray'),
  photoshopOptions: afterUpload('photoshopOptions'),
  postScriptOptions: afterUpload('postScriptOptions'),
  pdfOptions: afterUpload('pdfOptions'),
  illustratorOptions: afterUpload('illustratorOptions'),
  cssOptions: notSupportedYet('cssOptions'),
  colorManagementOptions: O.colorManagementOptions.optional(),
  autoSetCreationOptions: O.autoSetCreationOptions.optional(),
  projectHandleArray: projectHandleArray.optional(),
  emailSetting: z.enum(EMAIL_SETTINGS),
  postHttpUrl: notSupportedYet('postHttpUrl'),
  mediaOptions: mediaOptions.optional(),
  inDesignOptions: notSupportedYet('inDesignOptions'),
  xmpKeywords: notSupportedYet('xmpKeywords'),
  unsharpMaskOptions: O.unsharpMaskOptions.optional(),
  unCompressOptions: notSupportedYet('unCompressOptions'),
  excludeMasterVideoFromAVS: unsupportedJobFields.excludeMasterVideoFromAVS,
  metadataOptions: metadataOptions.optional(),
  jwtToken: unsupportedJobFields.jwtToken,
  imsOrg: unsupportedJobFields.imsOrg,
  apikey: unsupportedJobFields.apikey,
  ignoreSmartCropGeneration: unsupportedJobFields.ignoreSmartCropGeneration,
  preserveSmartCrop: unsupportedJobFields.preserveSmartCrop,
};

/** The upload jobs' one-crop rule (ReprocessAssetsJob's, Adobe IPS: data-types/r-reprocess-assets-job; shared by every upload job type). */
export function oneCrop<J extends { manualCropOptions?: unknown; autoColorCropOptions?: unknown; autoTransparentCropOptions?: unknown }>(
  j: J,
  ctx: z.RefinementCtx<J>,
): void {
  const crops = (['manualCropOptions', 'autoColorCropOptions', 'autoTransparentCropOptions'] as const).filter((k) => j[k] !== undefined);
  if (crops.length > 1)
    ctx.addIssue({
      code: 'custom',
      path: [crops[1]!],
      message: 'at most one of manualCropOptions, autoColorCropOptions, autoTransparentCropOptions',
      input: crops.join(' and '),
    });
}

/** The documents' name for knockoutBackgroundOptions (docs/api.md#documented-aliases). */
export const UPLOAD_ALIASES = { knockoutBackground: 'knockoutBackgroundOptions' } as const;

export const uploadPostJob = withAliases(UPLOAD_ALIASES, z.strictObject(uploadJobShape).superRefine(oneCrop));
export type UploadPostJob = z.infer<typeof uploadPostJob>;

/**
 * Used when a post carries no `uploadParams`: DMC's defaults (overwrite, publish
 * after uploading, no mask, no e-mail).
 */
export const DEFAULT_UPLOAD_POST_JOB: UploadPostJob = {
  overwrite: true,
  readyForPublish: true,
  createMask: false,
  preserveCrop: true,
  emailSetting: 'None',
};

/** uploadPostParam (Adobe IPS: c-http-post), as the JSON `uploadParams` part. */
export const uploadPostParam = z
  .strictObject({
    companyHandle: handle,
    jobName: z.string().trim().min(1).max(256).optional(),
    jobHandle: handle.optional(),
    locale: z
      .string()
      .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'll or ll-CC')
      .optional(),
    description: z.string().max(4096).optional(),
    destFolder: z.string().max(1024).optional(),
    fileName: z.string().trim().min(1).max(255).optional(),
    endJob: z.boolean().optional(),
    uploadParams: uploadPostJob.optional(),
  })
  .superRefine((p, ctx) => {
    if (!p.jobName && !p.jobHandle) {
      ctx.addIssue({ code: 'custom', path: ['jobName'], message: 'jobName (to start a job) or jobHandle (to add to one)', params: { missing: true } });
    }
    if (p.jobName && p.jobHandle) {
      ctx.addIssue({ code: 'custom', path: ['jobHandle'], message: 'either jobName or jobHandle, not both' });
    }
  });
export type UploadPostParam = z.infer<typeof uploadPostParam>;

export const uploadPostReturn = z.object({ jobHandle: z.string() });
