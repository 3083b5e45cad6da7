import { z } from 'zod';
import { assetBatchReturn } from './asset-lifecycle.schema.js';
import { handle, itemsArray, itemsOf } from './common.schema.js';

/**
 * forceRepublishAssets and getAssetPublishHistory
 * (docs/assets.md#forcing-a-republish, docs/assets.md#publish-history).
 * Field names and order follow the IPS XSD.
 */

export const forceRepublishAssetsParam = z.strictObject({
  companyHandle: handle,
  /** Adobe IPS: r-force-republish-assets, "Defaults to true". */
  republishFiles: z.boolean().default(true),
  /** Adobe IPS: r-force-republish-assets, "Defaults to false". */
  resyncCatalog: z.boolean().default(false),
  assetHandleArray: itemsArray(handle, 1000),
});

/**
 * The count/detail reply of the asset batch operations: the XSD's
 * forceRepublishAssetsReturn (Adobe's page says a publishStateUpdateArray,
 * which the XSD does not have).
 */
export const forceRepublishAssetsReturn = assetBatchReturn;

export const getAssetPublishHistoryParam = z.strictObject({
  companyHandle: handle,
  assetHandle: handle,
});

/** PublishHistory: one publish context the asset is published to, and when it last was. */
export const publishHistory = z.object({
  serverName: z.string(),
  contextName: z.string(),
  publishFormat: z.string().optional(),
  lastPublished: z.string(),
});
export type PublishHistory = z.infer<typeof publishHistory>;

export const getAssetPublishHistoryReturn = z.object({ pubHistoryArray: itemsOf(publishHistory) });
export type GetAssetPublishHistoryReturn = z.input<typeof getAssetPublishHistoryReturn>;
