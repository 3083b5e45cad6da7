import { z } from 'zod';
import { asset } from './asset.schema.js';
import { handle, itemsOf, notSupportedYet } from './common.schema.js';

/**
 * getAssociatedAssets (docs/assets.md#associated-assets): the sets containing
 * an asset, a set's members, and what generated an asset or was generated
 * from it. Field names and order follow the IPS XSD.
 */

export const getAssociatedAssetsParam = z.strictObject({
  companyHandle: handle,
  assetHandle: handle,
  responseFieldArray: notSupportedYet('responseFieldArray'),
  excludeFieldArray: notSupportedYet('excludeFieldArray'),
});

/** GenerationInfo (Adobe IPS: string-constants/r-generation-info): the engine, the asset it read and the asset it made. */
export const generationInfo = z.object({
  engine: z.string(),
  originator: asset,
  generated: asset,
});
export type GenerationInfo = z.infer<typeof generationInfo>;

/**
 * ownerArray, layerReferenceArray and thumbAsset stay absent: this server keeps
 * no owning assets, layer/template URL references or assigned thumbnails.
 */
export const getAssociatedAssetsReturn = z.object({
  containerArray: itemsOf(asset),
  memberArray: itemsOf(asset),
  derivedArray: itemsOf(asset),
  generatorArray: itemsOf(generationInfo),
  generatedArray: itemsOf(generationInfo),
});
