/**
 * What an Image Serving publish (Adobe IPS: data-types/r-image-serving-publish-job) puts in a company's
 * Image Serving context, and how IPS names its kinds. Pure rules shared by
 * the publish job, its repository and the delivery endpoint.
 */

export const IS_PUBLISH_TYPES = ['Full', 'FullWithSearch', 'Incremental'] as const;
export type IsPublishType = (typeof IS_PUBLISH_TYPES)[number];

/** JobLog.jobSubType (Adobe IPS: data-types/r-job-log): `full`, `increment`, `fullwithsearch` (`fulloverride` has no job field that asks for it). */
export const IS_PUBLISH_SUB_TYPES: Readonly<Record<IsPublishType, string>> = {
  Full: 'full',
  FullWithSearch: 'fullwithsearch',
  Incremental: 'increment',
};

/** Full and FullWithSearch publish every marked asset and remove what is no longer marked; Incremental only what changed. */
export function isFullPublish(type: IsPublishType): boolean {
  return type !== 'Incremental';
}

/** Set assets: published as their definition (member names in order), not as pixels. */
export const IS_SET_TYPES: readonly string[] = ['AssetSet', 'ImageSet', 'SpinSet', 'MediaSet', 'RenderSet', 'Catalog', 'VideoSet', 'AdaptiveVideoSet'];

export type IsPublishedKind = 'image' | 'icc' | 'set';

/**
 * How an asset is published to Image Serving, or undefined when Image Serving
 * has nothing to serve for it (documents, fonts…: other publish contexts).
 * Images need their optimised image; a video is served as its thumbnail (its
 * optimised image, when mediaOptions made one), as Scene7 serves video
 * posters; ICC profiles are published so `icc=` can name them; sets as their
 * definition.
 */
export function publishedKind(asset: { type: string; optimized_key: string | null }): IsPublishedKind | undefined {
  if (asset.type === 'Image' || asset.type === 'Video') return asset.optimized_key ? 'image' : undefined;
  if (asset.type === 'IccProfile') return 'icc';
  return IS_SET_TYPES.includes(asset.type) ? 'set' : undefined;
}
