import { z } from 'zod';
import { ASSET_TYPES } from '../asset-types.js';
import { MAX_METADATA_FIELD_NAME_LENGTH, METADATA_FIELD_TYPES } from '../metadata.js';
import { dateTime, handle, itemsArray, itemsOf } from './common.schema.js';

/**
 * Metadata fields and the values assets hold (docs/metadata.md):
 * getMetadataFields, getAssetMetadataFields, createMetadataField,
 * updateMetadataField, deleteMetadataField, setAssetMetadata,
 * batchSetAssetMetadata, deleteAssetMetadata and getUniqueMetadataValues.
 * Field names and order follow the IPS XSD.
 */

/** IPS spells asset types in several cases across its examples (`Pdf`, `IMAGE` in handles): any case is taken, the canonical spelling kept. */
const CANONICAL_ASSET_TYPES = new Map<string, string>(ASSET_TYPES.map((t) => [t.toLowerCase(), t]));
const assetType = z.preprocess((v) => (typeof v === 'string' ? (CANONICAL_ASSET_TYPES.get(v.trim().toLowerCase()) ?? v) : v), z.enum(ASSET_TYPES));
const fieldName = z.string().trim().min(1).max(MAX_METADATA_FIELD_NAME_LENGTH);
/** Defaults and initial tag values are checked against the field's type by the service; the length bound is the column's. */
const fieldText = z.string().max(4096);

/** MetadataField (Adobe IPS: data-types/r-metadata-field). isRequired is always false: no IPS operation sets it. */
export const metadataField = z.object({
  fieldHandle: z.string(),
  name: z.string(),
  type: z.enum(METADATA_FIELD_TYPES),
  defaultValue: z.string(),
  isRequired: z.boolean(),
  isUserDefined: z.boolean(),
  isHidden: z.boolean(),
  isEnforced: z.boolean(),
  initialTagValue: z.string().optional(),
});
export type MetadataField = z.input<typeof metadataField>;

export const getMetadataFieldsParam = z.strictObject({
  companyHandle: handle,
  assetType,
});
export const getMetadataFieldsReturn = z.object({ fieldArray: itemsOf(metadataField) });

export const getAssetMetadataFieldsParam = z.strictObject({
  companyHandle: handle,
});
export const assetMetadataFields = z.object({
  assetType: z.string(),
  fieldArray: itemsOf(metadataField),
});
export const getAssetMetadataFieldsReturn = z.object({ assetFieldsArray: itemsOf(assetMetadataFields) });

export const createMetadataFieldParam = z.strictObject({
  companyHandle: handle,
  assetType,
  name: fieldName,
  fieldType: z.enum(METADATA_FIELD_TYPES),
  defaultValue: fieldText.optional(),
  isHidden: z.boolean().optional(),
  isEnforced: z.boolean().optional(),
  initialTagValue: fieldText.optional(),
});
export const fieldHandleReturn = z.object({ fieldHandle: z.string() });

export const updateMetadataFieldParam = z.strictObject({
  companyHandle: handle,
  fieldHandle: handle,
  name: fieldName.optional(),
  defaultValue: fieldText.optional(),
  isHidden: z.boolean().optional(),
  isEnforced: z.boolean().optional(),
  initialTagValue: fieldText.optional(),
});

export const deleteMetadataFieldParam = z.strictObject({
  companyHandle: handle,
  fieldHandle: handle,
});

/** The column's bound; MAX_METADATA_VALUE_LENGTH is checked per update by the service, so a batch reports it per asset and field. */
const valueText = z.string().max(4096);
const tagValues = itemsArray(valueText, 1000);

/**
 * MetadataUpdate: one field's new value, in exactly one form (checked per
 * update by the service, so batchSetAssetMetadata can report it per asset and
 * field rather than refuse the whole call).
 */
export const metadataUpdate = z.strictObject({
  fieldHandle: handle,
  value: valueText.optional(),
  boolVal: z.boolean().optional(),
  longVal: z.number().int().optional(),
  doubleVal: z.number().optional(),
  dateVal: dateTime.optional(),
  addTagValueArray: tagValues.optional(),
  setTagValueArray: tagValues.optional(),
  deleteTagValueArray: tagValues.optional(),
});
export type MetadataUpdate = z.output<typeof metadataUpdate>;

export const setAssetMetadataParam = z.strictObject({
  companyHandle: handle,
  assetHandle: handle,
  updateArray: itemsArray(metadataUpdate, 1000),
});

export const batchMetadataUpdate = z.strictObject({
  assetHandleArray: itemsArray(handle, 1000),
  updateArray: itemsArray(metadataUpdate, 1000),
});

export const batchSetAssetMetadataParam = z.strictObject({
  companyHandle: handle,
  updateArray: itemsArray(batchMetadataUpdate, 1000),
});

/** SetMetadataFault: why one field of one asset was not set. */
export const setMetadataFault = z.object({
  assetHandle: z.string(),
  fieldHandle: z.string(),
  code: z.number().int(),
  reason: z.string(),
});
export type SetMetadataFault = z.infer<typeof setMetadataFault>;

export const batchSetAssetMetadataReturn = z.object({
  successCount: z.number().int(),
  warningCount: z.number().int(),
  errorCount: z.number().int(),
  warningDetailArray: itemsOf(setMetadataFault).optional(),
  errorDetailArray: itemsOf(setMetadataFault).optional(),
});
export type BatchSetAssetMetadataReturn = z.input<typeof batchSetAssetMetadataReturn>;

export const deleteAssetMetadataParam = z.strictObject({
  companyHandle: handle,
  assetHandle: handle,
  deleteArray: itemsArray(z.strictObject({ fieldHandle: handle }), 1000),
});

export const getUniqueMetadataValuesParam = z.strictObject({
  companyHandle: handle,
  fieldHandle: handle,
});
export const getUniqueMetadataValuesReturn = z.object({ values: itemsOf(z.string()) });
