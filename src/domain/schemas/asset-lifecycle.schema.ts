import { z } from 'zod';
import { ASSET_TYPES } from '../asset-types.js';
import { asset } from './asset.schema.js';
import { handle, itemsArray, itemsOf, notSupportedYet } from './common.schema.js';

/**
 * Asset names, renaming and the trash (docs/assets.md): getAssetsByName,
 * checkAssetNames, renameAsset, deleteAsset(s), restoreAssetsFromTrash,
 * emptyAssetsFromTrash. Field names and order follow the IPS XSD.
 */

const assetType = z.enum(ASSET_TYPES);
const assetName = z.string().trim().min(1).max(512);

export const getAssetsByNameParam = z.strictObject({
  companyHandle: handle,
  accessUserHandle: notSupportedYet('accessUserHandle'),
  accessGroupHandle: notSupportedYet('accessGroupHandle'),
  nameArray: itemsArray(assetName, 1000),
  assetTypeArray: itemsArray(assetType, 100).optional(),
  excludeAssetTypeArray: itemsArray(assetType, 100).optional(),
  assetSubTypeArray: itemsArray(z.string().max(64), 100).optional(),
  strictSubTypeCheck: z.boolean().optional(),
  responseFieldArray: notSupportedYet('responseFieldArray'),
  excludeFieldArray: notSupportedYet('excludeFieldArray'),
});
export const getAssetsByNameReturn = z.object({ assetArray: itemsOf(asset) });

export const checkAssetNamesParam = z.strictObject({
  companyHandle: handle,
  assetNameArray: itemsArray(assetName, 1000),
});
export const checkAssetNamesReturn = z.object({ inUseNameArray: itemsOf(z.string()) });

export const renameAssetParam = z.strictObject({
  companyHandle: handle,
  assetHandle: handle,
  newName: assetName,
  validateName: z.boolean(),
});

export const deleteAssetParam = z.strictObject({
  companyHandle: handle,
  assetHandle: handle,
});

/** deleteAssets, restoreAssetsFromTrash and emptyAssetsFromTrash take the same two fields. */
export const assetBatchParam = z.strictObject({
  companyHandle: handle,
  assetHandleArray: itemsArray(handle, 1000),
});

/** AssetOperationFault: what the single-asset operation would have faulted with, for one asset of a batch. */
export const assetOperationFault = z.object({
  assetHandle: z.string(),
  code: z.number().int(),
  reason: z.string(),
});
export type AssetOperationFault = z.infer<typeof assetOperationFault>;

/** The count/detail reply of the batch operations (deleteAssetsReturn and its siblings). */
export const assetBatchReturn = z.object({
  successCount: z.number().int(),
  warningCount: z.number().int(),
  errorCount: z.number().int(),
  warningDetailArray: itemsOf(assetOperationFault).optional(),
  errorDetailArray: itemsOf(assetOperationFault).optional(),
});
export type AssetBatchReturn = z.input<typeof assetBatchReturn>;

/** moveAsset (docs/assets.md#moving): the asset and its destination folder, by handle (`f|<path>` or the bare path). */
export const moveAssetParam = z.strictObject({
  companyHandle: handle,
  assetHandle: handle,
  folderHandle: handle,
});

/** AssetMove: one asset of a moveAssets call and where it goes. */
export const assetMove = z.strictObject({
  assetHandle: handle,
  folderHandle: handle,
});

export const moveAssetsParam = z.strictObject({
  companyHandle: handle,
  assetMoveArray: itemsArray(assetMove, 1000),
});
