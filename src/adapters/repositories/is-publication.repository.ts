import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../database/database.js';
import type { Database, IsPublishedAssetTable, IsPublishedMacroTable } from '../database/tables.js';
import { afterKey, countRows, type KeyAndName } from './keyset-page.js';
import { onLiveMarkedAsset } from './live-asset-join.js';
import { holdPublishable } from './publishable-hold.js';
import { FILES_FORCED, FORCED_VERSION } from './republish-marks.js';
import { setMemberNames } from './set.repository.js';
import { IS_SET_TYPES } from '../../domain/is-publish.js';

export type IsPublishedAssetRow = IsPublishedAssetTable;
export type IsPublishedMacroRow = IsPublishedMacroTable;

/** Which marked assets a publish takes: every one (Full) or those new or changed since their last publish (Incremental). */
export type PublishSelection = 'all' | 'changed';

type AssetEb = ExpressionBuilder<Database & { p: IsPublishedAssetTable }, 'assets' | 'p'>;

/**
 * The company's Image Serving context: published records and the published
 * macro set. Candidates and removals are paged by asset handle, so a publish
 * of any catalog size walks it in bounded queries.
 */
export class IsPublicationRepository {
  constructor(private readonly db: Db) {}

  countCandidates(companyHandle: string, selection: PublishSelection): Promise<number> {
    return countRows(this.candidates(companyHandle, selection));
  }

  listCandidates(companyHandle: string, selection: PublishSelection, after: string | null, limit: number): Promise<KeyAndName[]> {
    return afterKey(this.candidates(companyHandle, selection).select(['assets.asset_handle', 'assets.name']), 'assets.asset_handle', after, limit).execute();
  }

  /** Live, marked assets Image Serving can serve, joined with their published record (if any). */
  private candidates(companyHandle: string, selection: PublishSelection) {
    let q = this.db
      .selectFrom('assets')
      .leftJoin('is_published_assets as p', (j) =>
        j.onRef('p.company_handle', '=', 'assets.company_handle').onRef('p.asset_handle', '=', 'assets.asset_handle'),
      )
      .where('assets.company_handle', '=', companyHandle)
      .where('assets.trash_state', '=', 'NotInTrash')
      .where('assets.ready_for_publish', '=', 1)
      .where((eb) =>
        eb.or([
          eb.and([eb('assets.type', 'in', ['Image', 'Video']), eb('assets.optimized_key', 'is not', null)]),
          eb('assets.type', '=', 'IccProfile'),
          eb('assets.type', 'in', IS_SET_TYPES),
        ]),
      );
    if (selection === 'changed') q = q.where((eb) => changedSincePublish(eb as unknown as AssetEb));
    return q;
  }

  countRemovals(companyHandle: string): Promise<number> {
    return countRows(this.removals(companyHandle));
  }

  /** Published records whose asset is gone, trashed or no longer marked for publish. */
  listRemovals(companyHandle: string, after: string | null, limit: number): Promise<KeyAndName[]> {
    return afterKey(this.removals(companyHandle).select(['p.asset_handle', 'p.name']), 'p.asset_handle', after, limit).execute();
  }

  private removals(companyHandle: string) {
    return this.db
      .selectFrom('is_published_assets as p')
      .leftJoin('assets as a', (j) => onLiveMarkedAsset(j, 'a', 'p'))
      .where('p.company_handle', '=', companyHandle)
      .where('a.asset_handle', 'is', null);
  }

  findByAsset(companyHandle: string, assetHandle: string): Promise<IsPublishedAssetRow | undefined> {
    return this.db
      .selectFrom('is_published_assets')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('asset_handle', '=', assetHandle)
      .executeTakeFirst();
  }

  /** Case-insensitive lookup by the caller's name key, as asset names are matched everywhere else. */
  findByName(companyHandle: string, nameKey: string): Promise<IsPublishedAssetRow | undefined> {
    return this.db.selectFrom('is_published_assets').selectAll().where('company_handle', '=', companyHandle).where('name_key', '=', nameKey).executeTakeFirst();
  }

  /** Replaces whatever this asset or this name was published as (a renamed asset leaves no stale name behind). */
  async put(row: IsPublishedAssetRow): Promise<void> {
    await this.db.deleteFrom('is_published_assets').where('company_handle', '=', row.company_handle).where('asset_handle', '=', row.asset_handle).execute();
    await this.db.deleteFrom('is_published_assets').where('company_handle', '=', row.company_handle).where('name_key', '=', row.name_key).execute();
    await this.db.insertInto('is_published_assets').values(row).execute();
  }

  async remove(companyHandle: string, assetHandle: string): Promise<void> {
    await this.db.deleteFrom('is_published_assets').where('company_handle', '=', companyHandle).where('asset_handle', '=', assetHandle).execute();
  }

  /**
   * forceRepublishAssets: the asset's record stops matching any version, so
   * the next publish (Incremental too) republishes it; with `files` its
   * published files are copied afresh (republish-marks.ts). Whatever is
   * served stays served until then.
   */
  async forceRepublish(companyHandle: string, assetHandle: string, files: boolean): Promise<void> {
    await this.db
      .updateTable('is_published_assets')
      .set({ version: FORCED_VERSION, ...(files ? { source_modified: FILES_FORCED } : {}) })
      .where('company_handle', '=', companyHandle)
      .where('asset_handle', '=', assetHandle)
      .execute();
  }

  /** See holdPublishable: called in the item's transaction before its record is written. */
  holdPublishable(assetHandle: string): Promise<void> {
    return holdPublishable(this.db, assetHandle);
  }

  /** A set's members' names, in order (members no longer in the catalog are left out). */
  setMemberNames(companyHandle: string, setHandle: string): Promise<string[]> {
    return setMemberNames(this.db, companyHandle, setHandle);
  }

  /** Whether any published record of the company still serves this storage key. */
  async references(companyHandle: string, key: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('is_published_assets')
      .select('name_key')
      .where('company_handle', '=', companyHandle)
      .where((eb) => eb.or([eb('image_key', '=', key), eb('mask_key', '=', key)]))
      .executeTakeFirst();
    return row !== undefined;
  }

  macros(companyHandle: string): Promise<IsPublishedMacroRow[]> {
    return this.db.selectFrom('is_published_macros').selectAll().where('company_handle', '=', companyHandle).execute();
  }

  /** The company's macro set becomes exactly `rows` (a snapshot of its image presets). */
  async replaceMacros(companyHandle: string, rows: readonly IsPublishedMacroRow[]): Promise<void> {
    await this.db.deleteFrom('is_published_macros').where('company_handle', '=', companyHandle).execute();
    if (rows.length)
      await this.db
        .insertInto('is_published_macros')
        .values([...rows])
        .execute();
  }
}

/** Not published yet, or its bytes, derivatives or (for sets) definition changed since. */
function changedSincePublish(eb: AssetEb) {
  const text = (col: 'p.source_key' | 'p.source_mask_key' | 'assets.optimized_key' | 'assets.mask_key') => eb.fn.coalesce(col, eb.val(''));
  return eb.or([
    eb('p.asset_handle', 'is', null),
    eb('p.version', '<>', eb.ref('assets.version')),
    eb('p.sha256', '<>', eb.ref('assets.sha256')),
    eb(text('p.source_key'), '<>', text('assets.optimized_key')),
    eb(text('p.source_mask_key'), '<>', text('assets.mask_key')),
    eb.and([eb('assets.type', 'in', IS_SET_TYPES), eb('p.source_modified', '<>', eb.ref('assets.last_modified'))]),
  ]);
}
