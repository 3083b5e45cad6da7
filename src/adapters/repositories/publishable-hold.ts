import type { Db } from '../database/database.js';
import { AssetNotLiveError } from './asset-not-live.error.js';

/**
 * Inside a publish item's transaction: refuses (AssetNotLiveError, rolling the
 * transaction back) an asset trashed, emptied or unmarked since the item read
 * it, and holds its row until the transaction ends. The no-op update takes the
 * row lock a concurrent deleteAssets needs, so either the trash comes after the
 * record (and a later publish withdraws it) or the record never is written: a
 * publish never serves an asset it found in the trash (docs/assets.md#interplay-with-jobs).
 */
export async function holdPublishable(db: Db, assetHandle: string): Promise<void> {
  const r = await db
    .updateTable('assets')
    .set({ trash_state: 'NotInTrash' })
    .where('asset_handle', '=', assetHandle)
    .where('trash_state', '=', 'NotInTrash')
    .where('ready_for_publish', '=', 1)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new AssetNotLiveError(assetHandle);
}
