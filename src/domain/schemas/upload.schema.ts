import { z } from 'zod';
import { EMAIL_SETTINGS, handle } from './common.schema.js';

/**
 * Options that need the reprocessing pipeline (crops, masks, ripping, colour
 * management) are refused until that pipeline exists, rather than accepted and
 * ignored: an upload never silently differs from what was asked.
 */
const laterOption = (name: string) =>
  z
    .unknown()
    .refine(() => false, { message: `${name} is not supported by this server yet` })
    .optional();

/** UploadPostJob (ips-reference §5.5), XSD order. */
export const uploadPostJob = z.strictObject({
  overwrite: z.boolean(),
  readyForPublish: z.boolean(),
  preservePublishState: z.boolean().optional(),
  synchronizationComplete: z.boolean().optional(),
  createMask: z.boolean().refine((v) => v === false, { message: 'false (mask creation is not supported by this server yet)' }),
  preserveCrop: z.boolean().optional(),
  knockoutBackgroundOptions: laterOption('knockoutBackgroundOptions'),
  manualCropOptions: laterOption('manualCropOptions'),
  autoColorCropOptions: laterOption('autoColorCropOptions'),
  autoTransparentCropOptions: laterOption('autoTransparentCropOptions'),
  autoSmartCropOptionsArray: laterOption('autoSmartCropOptionsArray'),
  photoshopOptions: laterOption('photoshopOptions'),
  postScriptOptions: laterOption('postScriptOptions'),
  pdfOptions: laterOption('pdfOptions'),
  illustratorOptions: laterOption('illustratorOptions'),
  cssOptions: laterOption('cssOptions'),
  colorManagementOptions: laterOption('colorManagementOptions'),
  autoSetCreationOptions: laterOption('autoSetCreationOptions'),
  projectHandleArray: laterOption('projectHandleArray'),
  emailSetting: z.enum(EMAIL_SETTINGS),
  postHttpUrl: laterOption('postHttpUrl'),
  mediaOptions: laterOption('mediaOptions'),
  inDesignOptions: laterOption('inDesignOptions'),
  xmpKeywords: laterOption('xmpKeywords'),
  unsharpMaskOptions: laterOption('unsharpMaskOptions'),
  unCompressOptions: laterOption('unCompressOptions'),
  excludeMasterVideoFromAVS: z.boolean().optional(),
  metadataOptions: laterOption('metadataOptions'),
});
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

/** uploadPostParam (ips-reference §3.12), as the JSON `uploadParams` part. */
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
