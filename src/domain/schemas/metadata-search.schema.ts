import { z } from 'zod';
import { ASSET_TYPES } from '../asset-types.js';
import { MAX_METADATA_VALUE_LENGTH } from '../metadata.js';
import { PUBLISH_STATES, SORT_DIRECTIONS, TRASH_STATES, dateTime, handle, itemsArray, itemsOf } from './common.schema.js';

/**
 * The search vocabulary searchAssets and searchAssetsByMetadata share
 * (docs/search.md): operators (Adobe IPS: string-constants/r-string-comparison-operators,
 * r-numeric-date-comparison-operators), match modes (r-search-match-modes), the
 * MetadataCondition and TagCondition types, the Metadata values of a reply,
 * and searchAssetsByMetadata's own param and reply.
 */
export const MATCH_MODES = ['MatchAll', 'MatchAny'] as const;
export const STRING_OPS = ['Equals', 'NotEquals', 'Contains', 'NotContains', 'StartsWith', 'EndsWith'] as const;
export const ORDER_OPS = ['Equals', 'NotEquals', 'LessThan', 'LessThanEquals', 'GreaterThan', 'GreaterThanEquals'] as const;
export const RANGE_OPS = ['Between', 'NotBetween'] as const;
export const TAG_OPS = ['Matches', 'MatchesAny', 'MatchesAll'] as const;
/** Every comparison operator once (Equals and NotEquals are both string and ordered). */
export const COMPARISON_OPS = [...STRING_OPS, ...ORDER_OPS.filter((o) => !(STRING_OPS as readonly string[]).includes(o)), ...RANGE_OPS] as const;
export const ASSET_SORT_FIELDS = ['Created', 'Modified', 'Name', 'AssetType', 'FileSize'] as const;

const assetType = z.enum(ASSET_TYPES);
const metadataText = z.string().max(MAX_METADATA_VALUE_LENGTH);

/** MetadataCondition (Adobe IPS: data-types/r-metadata-conditon): one value form per condition; which forms suit the field's type is checked against the field. */
export const metadataCondition = z
  .strictObject({
    fieldHandle: handle,
    op: z.enum(COMPARISON_OPS),
    caseSensitive: z.boolean().optional(),
    value: metadataText.optional(),
    values: itemsArray(metadataText, 100).optional(),
    boolVal: z.boolean().optional(),
    longVal: z.number().int().optional(),
    minLong: z.number().int().optional(),
    maxLong: z.number().int().optional(),
    doubleVal: z.number().optional(),
    minDouble: z.number().optional(),
    maxDouble: z.number().optional(),
    dateVal: dateTime.optional(),
    minDate: dateTime.optional(),
    maxDate: dateTime.optional(),
  })
  .superRefine((c, ctx) => {
    const forms = [c.value, c.values, c.boolVal, c.longVal, c.doubleVal, c.dateVal, c.minLong ?? c.maxLong, c.minDouble ?? c.maxDouble, c.minDate ?? c.maxDate];
    if (forms.filter((v) => v !== undefined).length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'exactly one value form (value, values, boolVal, longVal, doubleVal, dateVal, or a min/max pair)' });
    }
  });

/** TagCondition (Adobe IPS: data-types/r-tag-condition): `value` with Matches, `valueArray` with MatchesAny or MatchesAll. */
export const tagCondition = z.strictObject({
  fieldHandle: handle,
  op: z.enum(TAG_OPS),
  value: metadataText.optional(),
  valueArray: itemsArray(metadataText, 100).optional(),
});

/**
 * Metadata (Adobe IPS: data-types/r-metadata): one field's value on an asset,
 * named by the field's name. `value` is the text as set (a tag field's tags
 * joined with ","); the typed form of the field's type is added, and a tag
 * field lists its tags in valueArray.
 */
export const metadataValue = z.object({
  name: z.string(),
  value: z.string(),
  boolVal: z.boolean().optional(),
  longVal: z.number().int().optional(),
  doubleVal: z.number().optional(),
  dateVal: z.string().optional(),
  valueArray: itemsOf(z.string()).optional(),
});

/** SearchFilter (Adobe IPS: data-types/r-search-filter): searchAssets' structural filters. */
export const searchFilter = z.strictObject({
  folder: z.string().max(1024).optional(),
  includeSubfolders: z.boolean().optional(),
  assetTypeArray: itemsArray(assetType, 100).optional(),
  excludeAssetTypeArray: itemsArray(assetType, 100).optional(),
  assetSubTypeArray: itemsArray(z.string().max(64), 100).optional(),
  strictSubTypeCheck: z.boolean().optional(),
  excludeByproducts: z.boolean().optional(),
  projectHandle: handle.optional(),
  publishState: z.enum(PUBLISH_STATES).optional(),
  trashState: z.enum(TRASH_STATES).optional(),
});

export const searchAssetsByMetadataParam = z.strictObject({
  companyHandle: handle,
  filters: searchFilter.optional(),
  metadataConditionArray: itemsArray(metadataCondition, 100).optional(),
  metadataConditionMatchMode: z.enum(MATCH_MODES).optional(),
  responseMetadataArray: itemsArray(handle, 100).optional(),
  recordsPerPage: z.number().int().min(1).max(1000).optional(),
  resultsPage: z.number().int().min(1).optional(),
  sortBy: z.enum(ASSET_SORT_FIELDS).optional(),
  sortDirection: z.enum(SORT_DIRECTIONS).optional(),
});

/** AssetSummary (Adobe IPS: data-types/r-asset-summary); score and scoreDetail belong to similarity searches, which this server has not. */
export const assetSummary = z.object({
  assetHandle: z.string(),
  type: z.string(),
  name: z.string(),
  folder: z.string(),
  filename: z.string(),
  created: z.string(),
  createUser: z.string().optional(),
  lastModified: z.string(),
  lastModifyUser: z.string().optional(),
  metadataArray: itemsOf(metadataValue).optional(),
});

export const searchAssetsByMetadataReturn = z.object({ totalRows: z.number().int(), assetSummaryArray: itemsOf(assetSummary) });

export type MetadataCondition = z.infer<typeof metadataCondition>;
export type TagCondition = z.infer<typeof tagCondition>;
export type MetadataValue = z.infer<typeof metadataValue>;
export type SearchFilter = z.infer<typeof searchFilter>;
export type AssetSummary = z.infer<typeof assetSummary>;
