import type { AssetRow } from '../../adapters/repositories/asset.repository.js';
import { nameKey, nowIso } from '../../domain/handles.js';

/** What a new version of an asset says about itself; the rest comes from its previous version and the job. */
export type AssetVersionFields = Pick<
  AssetRow,
  'asset_handle' | 'company_handle' | 'type' | 'name' | 'file_name' | 'folder' | 'ready_for_publish' | 'format' | 'original_key' | 'file_size' | 'sha256'
> &
  Partial<Pick<AssetRow, 'sub_type' | 'optimized_key' | 'mask_key' | 'width' | 'height' | 'resolution' | 'optimizer_version' | 'crop_json'>>;

/**
 * The catalog row of an asset's next version (an upload, or a page, layer,
 * set or encoding a job derives): live, created when and by whom its first
 * version was, modified now by the job's submitter, one version up.
 */
export function newAssetVersion(
  previous: Pick<AssetRow, 'created' | 'create_user' | 'version'> | undefined,
  job: { submitUserEmail: string },
  fields: AssetVersionFields,
): AssetRow {
  const now = nowIso();
  return {
    sub_type: null,
    optimized_key: null,
    mask_key: null,
    width: null,
    height: null,
    resolution: null,
    optimizer_version: 0,
    crop_json: null,
    ...fields,
    name_key: nameKey(fields.name),
    trash_state: 'NotInTrash',
    created: previous?.created ?? now,
    create_user: previous?.create_user ?? job.submitUserEmail,
    last_modified: now,
    last_modify_user: job.submitUserEmail,
    version: (previous?.version ?? 0) + 1,
  };
}
