import { z } from 'zod';
import { EMAIL_SETTINGS, handle, notSupportedYet } from './common.schema.js';

/** UploadPostJob (ips-reference §5.5), XSD order. */
export const uploadPostJob = z.strictObject({
  overwrite: z.boolean(),
  readyForPublish: z.boolean(),
  preservePublishState: z.boolean().optional(),
  synchronizationComplete: z.boolean().optional(),
  createMask: z.boolean().refine((v) => v === false, { message: 'false (mask creation is not supported by this server yet)' }),
  preserveCrop: z.boolean().optional(),
  knockoutBackgroundOptions: notSupportedYet('knockoutBackgroundOptions'),
  manualCropOptions: notSupportedYet('manualCropOptions'),
  autoColorCropOptions: notSupportedYet('autoColorCropOptions'),
  autoTransparentCropOptions: notSupportedYet('autoTransparentCropOptions'),
  autoSmartCropOptionsArray: notSupportedYet('autoSmartCropOptionsArray'),
  photoshopOptions: notSupportedYet('photoshopOptions'),
  postScriptOptions: notSupportedYet('postScriptOptions'),
  pdfOptions: notSupportedYet('pdfOptions'),
  illustratorOptions: notSupportedYet('illustratorOptions'),
  cssOptions: notSupportedYet('cssOptions'),
  colorManagementOptions: notSupportedYet('colorManagementOptions'),
  autoSetCreationOptions: notSupportedYet('autoSetCreationOptions'),
  projectHandleArray: notSupportedYet('projectHandleArray'),
  emailSetting: z.enum(EMAIL_SETTINGS),
  postHttpUrl: notSupportedYet('postHttpUrl'),
  mediaOptions: notSupportedYet('mediaOptions'),
  inDesignOptions: notSupportedYet('inDesignOptions'),
  xmpKeywords: notSupportedYet('xmpKeywords'),
  unsharpMaskOptions: notSupportedYet('unsharpMaskOptions'),
  unCompressOptions: notSupportedYet('unCompressOptions'),
  excludeMasterVideoFromAVS: z.boolean().optional(),
  metadataOptions: notSupportedYet('metadataOptions'),
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
