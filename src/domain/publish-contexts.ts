/**
 * The publish contexts besides Image Serving (Adobe IPS: sting-constants/r-publish-context:
 * `ImageServing`, `ImageRendering`, `Video`, `ServerDirectory`) and what each
 * one takes of a company's marked, live assets. Pure rules shared by the
 * publish jobs and their repository.
 */
import { IS_SET_TYPES } from './is-publish.js';

export type FilePublishContext = 'ImageRendering' | 'ServerDirectory' | 'Video';

/**
 * Image Rendering renders vignettes, render sets and templates with images as
 * materials. This server has no rendering engine and none of those asset
 * types can be made here, so what the context can hold is the material side:
 * images with their optimised image.
 */
export const IMAGE_RENDERING_TYPES: readonly string[] = ['Image'];

/** A server-directory publish takes marked images, templates and (spin) sets (Adobe IPS: data-types/r-server-directory-publish-job). */
export const SERVER_DIRECTORY_TEMPLATE_TYPES: readonly string[] = ['PsdTemplate', 'Template'];
export const SERVER_DIRECTORY_TYPES: readonly string[] = ['Image', ...SERVER_DIRECTORY_TEMPLATE_TYPES, ...IS_SET_TYPES];

/** Video publish: video assets, masters (their thumbnail and first encoding) and encodings (their MP4). */
export const VIDEO_TYPES: readonly string[] = ['Video'];

export function contextTypes(context: FilePublishContext): readonly string[] {
  if (context === 'Video') return VIDEO_TYPES;
  return context === 'ImageRendering' ? IMAGE_RENDERING_TYPES : SERVER_DIRECTORY_TYPES;
}

/** Whether the context takes this asset (an image needs its optimised image in Image Rendering). */
export function contextTakes(context: FilePublishContext, asset: { type: string; optimized_key: string | null }): boolean {
  if (!contextTypes(context).includes(asset.type)) return false;
  return context !== 'ImageRendering' || asset.optimized_key !== null;
}

/** The owner name of MetadataPublishJob's document in publish_directory_files (asset handles always contain `|`). */
export const METADATA_DOCUMENT_OWNER = 'metadata';
export const METADATA_DOCUMENT_NAME = 'metadata.json';

/**
 * JobLog.jobSubType: ImageRendering and ServerDirectory publishes have no
 * publishType (docs/jobs/publishing.md) and always bring the whole context in line, so `full`;
 * a MetadataPublishJob is `full` with forcePublish, else `increment`.
 */
export const FULL_SUB_TYPE = 'full';
export const INCREMENT_SUB_TYPE = 'increment';
