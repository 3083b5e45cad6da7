import { z } from 'zod';
import { assetBatchReturn } from './asset-lifecycle.schema.js';
import { PUBLISH_STATES, handle, itemsArray, itemsOf } from './common.schema.js';

/**
 * setAssetsPublishState and getAssetCounts (docs/assets.md#publish-state-and-counts).
 * Field names and order follow the IPS XSD.
 */

/** PublishStateUpdate: one asset of a setAssetsPublishState call and the state it gets. */
export const publishStateUpdate = z.strictObject({
  assetHandle: handle,
  publishState: z.enum(PUBLISH_STATES),
});

export const setAssetsPublishStateParam = z.strictObject({
  companyHandle: handle,
  publishStateUpdateArray: itemsArray(publishStateUpdate, 1000),
});

/** The count/detail reply every asset batch operation gives. */
export const setAssetsPublishStateReturn = assetBatchReturn;

export const getAssetCountsParam = z.strictObject({
  companyHandle: handle,
});

/** AssetCount: how many live assets of the company have this type. */
export const assetCount = z.object({
  assetType: z.string(),
  count: z.number().int(),
});

export const getAssetCountsReturn = z.object({ countArray: itemsOf(assetCount) });
export type GetAssetCountsReturn = z.input<typeof getAssetCountsReturn>;
