import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import type { ContextPublicationRepository } from '../../adapters/repositories/context-publication.repository.js';
import type { IsPublicationRepository } from '../../adapters/repositories/is-publication.repository.js';
import type { MetadataRepository } from '../../adapters/repositories/metadata.repository.js';
import type { VideoRepository } from '../../adapters/repositories/video.repository.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import type { PublishDirectory } from '../../adapters/publish/publish-directory.js';
import { nowIso } from '../../domain/handles.js';
import type { FilePublishContext } from '../../domain/publish-contexts.js';

const FILE_PUBLISH_CONTEXTS: readonly FilePublishContext[] = ['ImageRendering', 'ServerDirectory', 'Video'];

export interface AssetPurgeDeps {
  assets: AssetRepository;
  videos: VideoRepository;
  storage: StorageDriver;
  isPublications: IsPublicationRepository;
  contextPublications: ContextPublicationRepository;
  publishDirectory: PublishDirectory;
  metadata: MetadataRepository;
}

/**
 * Empties one trashed asset (docs/assets.md#emptyassetsfromtrash): its row is
 * marked InEmptiedTrash first, so a job item that reaches it from then on
 * fails alone instead of writing to it, then its stored files (original,
 * optimised image, mask, video encoding) are removed and whatever Image
 * Serving and the file publish contexts serve for it is withdrawn. Its
 * metadata values and project memberships go (docs/metadata.md); job logs
 * stay. Returns false when the asset left the trash meanwhile.
 */
export async function purgeAsset(deps: AssetPurgeDeps, asset: AssetRow, user: string): Promise<boolean> {
  const marked = await deps.assets.changeTrashState(asset.asset_handle, 'InTrash', {
    trash_state: 'InEmptiedTrash',
    optimized_key: null,
    mask_key: null,
    last_modified: nowIso(),
    last_modify_user: user,
  });
  if (!marked) return false;
  await deps.metadata.forgetAssets([asset.asset_handle]);
  const video = asset.type === 'Video' ? await deps.videos.find(asset.asset_handle) : undefined;
  for (const key of [asset.original_key, asset.optimized_key, asset.mask_key, video?.encoded_key]) {
    if (key) await deps.storage.delete(key);
  }
  await withdrawPublications(deps, asset);
  return true;
}

async function withdrawPublications(deps: AssetPurgeDeps, asset: AssetRow): Promise<void> {
  const company = asset.company_handle;
  const served = await deps.isPublications.findByAsset(company, asset.asset_handle);
  if (served) {
    await deps.isPublications.remove(company, asset.asset_handle);
    // A publish's keys are its own, yet another record may share one (a set's swatch): only unreferenced keys go.
    for (const key of [served.image_key, served.mask_key]) {
      if (key && !(await deps.isPublications.references(company, key))) await deps.storage.delete(key);
    }
  }
  for (const context of FILE_PUBLISH_CONTEXTS) {
    const row = await deps.contextPublications.find(company, context, asset.asset_handle);
    if (!row) continue;
    await deps.contextPublications.remove(company, context, asset.asset_handle);
    for (const key of [row.media_key, row.thumbnail_key]) if (key) await deps.storage.delete(key);
  }
  const files = await deps.contextPublications.filesOf(company, asset.asset_handle);
  for (const file of files) await deps.publishDirectory.remove(file.path.split('/'));
  for (const context of new Set(files.map((f) => f.context))) await deps.contextPublications.replaceFiles(company, context, asset.asset_handle, []);
}
