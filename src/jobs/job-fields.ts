import type { z } from 'zod';
import * as O from '../domain/schemas/options.schema.js';
import { inDesignOptions, jobControlParam } from '../domain/schemas/job.schema.js';
import { mediaOptions, thumbnailOptions, videoEncoding } from '../domain/schemas/media.schema.js';
import { uploadPostParam } from '../domain/schemas/upload.schema.js';
import { unCompressOptions, uploadUrl } from '../domain/schemas/upload-jobs.schema.js';
import { JOB_ELEMENT_FIELDS } from './job-fields-elements.js';
import { ACCOUNT_OPERATION_FIELDS } from './job-fields-accounts.js';
import { ASSET_OPERATION_FIELDS } from './job-fields-assets.js';
import { PROJECT_OPERATION_FIELDS } from './job-fields-projects.js';
import { ASSOCIATION_OPERATION_FIELDS } from './job-fields-associations.js';
import { PUBLISH_OPERATION_FIELDS } from './job-fields-publish-ops.js';
import { FOLDER_OPERATION_FIELDS } from './job-fields-folders.js';
import { SEARCH_OPERATION_FIELDS } from './job-fields-search.js';
import { METADATA_OPERATION_FIELDS } from './job-fields-metadata.js';
import { OPERATION_FIELDS } from './job-fields-operations.js';
import { OPTION_TYPE_FIELDS } from './job-fields-options.js';
import type { FieldTable } from './job-fields-rule.js';
import { type AcceptedField, acceptedFields } from './job-fields-walk.js';
import { JOB_TYPES } from './job-registry.js';
import { submitJobParam } from './submit-job.schema.js';

/** The IPS option types nested in job elements, named once however many elements share them. */
export const NAMED_TYPES: Readonly<Record<string, z.ZodType>> = {
  KnockoutBackgroundOptions: O.knockoutBackgroundOptions,
  ManualCropOptions: O.manualCropOptions,
  AutoColorCropOptions: O.autoColorCropOptions,
  AutoTransparentCropOptions: O.autoTransparentCropOptions,
  PhotoshopOptions: O.photoshopOptions,
  PhotoshopLayerOptions: O.photoshopLayerOptions,
  PostScriptOptions: O.postScriptOptions,
  PDFOptions: O.pdfOptions,
  IllustratorOptions: O.illustratorOptions,
  ColorManagementOptions: O.colorManagementOptions,
  AutoSetCreationOptions: O.autoSetCreationOptions,
  UnsharpMaskOptions: O.unsharpMaskOptions,
  InDesignOptions: inDesignOptions,
  UnCompressOptions: unCompressOptions,
  UploadUrl: uploadUrl,
  MediaOptions: mediaOptions,
  VideoEncoding: videoEncoding,
  ThumbnailOptions: thumbnailOptions,
  // stopJob, pauseJob, resumeJob, executeJob and deleteJob share one param.
  jobControlParam,
  ...Object.fromEntries(JOB_TYPES.map((j) => [j.element, j.options])),
};

/**
 * The fields of the schemas the table covers: submitJob's param (every job
 * element through it), the UploadFile servlet's, and `operationParams`
 * (the other operations' params by `<operation>Param`; the caller passes the
 * operation registry, which lives above this module).
 */
export function schemaFields(operationParams: Readonly<Record<string, z.ZodType>> = {}): AcceptedField[] {
  return acceptedFields({ submitJobParam, uploadPostParam, ...operationParams }, NAMED_TYPES);
}

/**
 * Every field an operation accepts — each job element, submitJobParam, the
 * UploadFile servlet's uploadPostParam and every other operation's param —
 * with how this server honours it, or that it is refused with 30001 whatever
 * its value. Nothing is accepted and ignored:
 * test/unit/job-fields.test.ts walks the schemas and fails when a schema
 * accepts a field this table does not list, when the table lists one no
 * schema has, when a `refused` field is not refused, and when an honoured
 * field's tests do not exercise it.
 *
 * The table is kept in three parts: submitJob with its job elements and the
 * servlet's (job-fields-elements.ts), the other operations' params
 * (job-fields-operations.ts) and the option types (job-fields-options.ts);
 * each rule is a FieldRule (job-fields-rule.ts).
 */
export const FIELD_TABLE: FieldTable = {
  ...JOB_ELEMENT_FIELDS,
  ...OPERATION_FIELDS,
  ...ACCOUNT_OPERATION_FIELDS,
  ...METADATA_OPERATION_FIELDS,
  ...ASSET_OPERATION_FIELDS,
  ...PROJECT_OPERATION_FIELDS,
  ...ASSOCIATION_OPERATION_FIELDS,
  ...PUBLISH_OPERATION_FIELDS,
  ...FOLDER_OPERATION_FIELDS,
  ...SEARCH_OPERATION_FIELDS,
  ...OPTION_TYPE_FIELDS,
};
