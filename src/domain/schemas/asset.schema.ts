import { z } from 'zod';
import { ASSET_TYPES } from '../asset-types.js';
import { PUBLISH_STATES, SORT_DIRECTIONS, TRASH_STATES, dateTime, handle, itemsArray, itemsOf, notSupportedYet } from './common.schema.js';
import { ASSET_SORT_FIELDS, COMPARISON_OPS, MATCH_MODES, metadataCondition, metadataValue, tagCondition } from './metadata-search.schema.js';

export { ASSET_SORT_FIELDS, ORDER_OPS, RANGE_OPS, STRING_OPS } from './metadata-search.schema.js';

const assetType = z.enum(ASSET_TYPES);

/** Columns of the asset row, then the system metadata fields (src/domain/metadata.ts SYSTEM_METADATA_FIELDS) whose values are compared. */
export const SYSTEM_FIELDS = [
  'Name',
  'FileName',
  'CreateUser',
  'LastModifyUser',
  'FileSize',
  'Created',
  'LastModified',
  'Keywords',
  'Description',
  'Comments',
  'UserData',
] as const;

export const systemFieldCondition = z
  .strictObject({
    field: z.enum(SYSTEM_FIELDS),
    op: z.enum(COMPARISON_OPS),
    value: z.string().max(1024).optional(),
    longVal: z.number().int().optional(),
    minLong: z.number().int().optional(),
    maxLong: z.number().int().optional(),
    dateVal: dateTime.optional(),
    minDate: dateTime.optional(),
    maxDate: dateTime.optional(),
  })
  .superRefine((c, ctx) => {
    const forms = [c.value, c.longVal, c.dateVal, c.minLong ?? c.maxLong, c.minDate ?? c.maxDate].filter((v) => v !== undefined);
    if (forms.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'exactly one value form (value, longVal, dateVal, min/max pair)' });
    }
  });

/** ExcludeByproductCondition engines (Adobe IPS: data-types/r-exclude-byproduct-condition): the IPS engines that generate assets from an upload. */
export const BYPRODUCT_ENGINES = ['PhotoshopLayers', 'PostScriptRip', 'ImageConvert', 'SceneAuthoring', 'Aco'] as const;
export type ByproductEngine = (typeof BYPRODUCT_ENGINES)[number];

export const excludeByproductCondition = z.strictObject({
  engine: z.enum(BYPRODUCT_ENGINES),
  generatedAssetType: assetType,
});

export const searchAssetsParam = z.strictObject({
  companyHandle: handle,
  accessUserHandle: notSupportedYet('accessUserHandle'),
  accessGroupHandle: notSupportedYet('accessGroupHandle'),
  folder: z.string().max(1024).optional(),
  includeSubfolders: z.boolean(),
  publishState: z.enum(PUBLISH_STATES).optional(),
  trashState: z.enum(TRASH_STATES).optional(),
  conditionMatchMode: z.enum(MATCH_MODES).optional(),
  keywordArray: itemsArray(z.string().trim().min(1).max(512), 100).optional(),
  systemFieldMatchMode: z.enum(MATCH_MODES).optional(),
  systemFieldConditionArray: itemsArray(systemFieldCondition, 100).optional(),
  tagMatchMode: z.enum(MATCH_MODES).optional(),
  tagConditionArray: itemsArray(tagCondition, 100).optional(),
  metadataMatchMode: z.enum(MATCH_MODES).optional(),
  metadataConditionArray: itemsArray(metadataCondition, 100).optional(),
  assetTypeArray: itemsArray(assetType, 100).optional(),
  excludeAssetTypeArray: itemsArray(assetType, 100).optional(),
  assetSubTypeArray: itemsArray(z.string().max(64), 100).optional(),
  strictSubTypeCheck: z.boolean().optional(),
  excludeByproducts: z.boolean().optional(),
  excludeByproductArray: itemsArray(excludeByproductCondition, 100).optional(),
  projectHandle: handle.optional(),
  recordsPerPage: z.number().int().min(1).max(1000).optional(),
  resultsPage: z.number().int().min(1).optional(),
  sortBy: z.enum(ASSET_SORT_FIELDS).optional(),
  sortDirection: z.enum(SORT_DIRECTIONS).optional(),
  responseFieldArray: notSupportedYet('responseFieldArray'),
  excludeFieldArray: notSupportedYet('excludeFieldArray'),
});

const fileInfo = {
  originalPath: z.string().optional(),
  originalFile: z.string().optional(),
  fileSize: z.number().int().optional(),
};

export const imageInfo = z.object({
  ...fileInfo,
  optimizedPath: z.string().optional(),
  optimizedFile: z.string().optional(),
  maskPath: z.string().optional(),
  maskFile: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  resolution: z.number().optional(),
});
export const documentInfo = z.object(fileInfo);

/**
 * VideoInfo (Adobe IPS: data-types/r-video-info): the original, imagePath/imageFile = the thumbnail's
 * pyramid TIFF (the video's image), optimizedPath/optimizedFile = a master's
 * first encoding, or an encoding's own MP4. The fields after optimizedFile are
 * extensions of this server (IPS has none): what ffprobe found.
 */
export const videoInfo = z.object({
  ...fileInfo,
  imagePath: z.string().optional(),
  imageFile: z.string().optional(),
  optimizedPath: z.string().optional(),
  optimizedFile: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  /** milliseconds */
  durationMs: z.number().int().optional(),
  /** frames per second */
  frameRate: z.number().optional(),
  videoCodec: z.string().optional(),
  audioCodec: z.string().optional(),
  /** bits per second, whole file */
  bitrate: z.number().int().optional(),
});

export const asset = z.object({
  assetHandle: z.string(),
  type: z.string(),
  subType: z.string().optional(),
  name: z.string(),
  fileName: z.string().optional(),
  folder: z.string().optional(),
  /** the folder's handle (docs/folders.md) */
  folderHandle: z.string().optional(),
  readyForPublish: z.boolean(),
  trashState: z.enum(TRASH_STATES),
  /** the names of the projects the asset is in, sorted, joined with "," (absent when in none) */
  projects: z.string().optional(),
  created: z.string(),
  createUser: z.string().optional(),
  lastModified: z.string(),
  lastModifyUser: z.string().optional(),
  /** the values the asset holds, one Metadata per field (absent when it holds none) */
  metadataArray: itemsOf(metadataValue).optional(),
  imageInfo: imageInfo.optional(),
  pdfInfo: documentInfo.optional(),
  postScriptInfo: documentInfo.optional(),
  illustratorInfo: documentInfo.optional(),
  assetSetInfo: z.object({ setDefinition: z.string() }).optional(),
  videoInfo: videoInfo.optional(),
});

export const searchAssetsReturn = z.object({ totalRows: z.number().int(), assetArray: itemsOf(asset) });

export const getAssetsParam = z.strictObject({
  companyHandle: handle,
  accessUserHandle: notSupportedYet('accessUserHandle'),
  accessGroupHandle: notSupportedYet('accessGroupHandle'),
  assetHandleArray: itemsArray(handle, 1000),
  responseFieldArray: notSupportedYet('responseFieldArray'),
  excludeFieldArray: notSupportedYet('excludeFieldArray'),
});
export const getAssetsReturn = z.object({ assetArray: itemsOf(asset) });

export const setAssetPublishStateParam = z.strictObject({
  companyHandle: handle,
  assetHandle: handle,
  publishState: z.enum(PUBLISH_STATES),
  contextHandleArray: notSupportedYet('contextHandleArray (publish contexts)'),
});

export type SearchAssetsParam = z.infer<typeof searchAssetsParam>;
export type SystemFieldCondition = z.infer<typeof systemFieldCondition>;
export type ExcludeByproductCondition = z.infer<typeof excludeByproductCondition>;
export type Asset = z.infer<typeof asset>;
