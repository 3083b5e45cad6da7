import type { Db } from '../database/database.js';
import { afterKey, countRows, type KeyAndName } from './keyset-page.js';
import { onLiveMarkedAsset } from './live-asset-join.js';
import { holdPublishable } from './publishable-hold.js';
import { FILES_FORCED } from './republish-marks.js';
import { setMemberNames } from './set.repository.js';
import type { ContextPublishedAssetTable, ContextPublishedDocumentTable, PublishDirectoryFileTable } from '../database/tables.js';
import { type FilePublishContext, contextTypes } from '../../domain/publish-contexts.js';

export type ContextPublishedAssetRow = ContextPublishedAssetTable;
export type ContextPublishedDocumentRow = ContextPublishedDocumentTable;
export type PublishDirectoryFileRow = PublishDirectoryFileTable;

/**
 * The Image Rendering and Server Directory publish contexts (and published
 * documents): records per asset, paged by asset handle so a publish of any
 * catalog size walks them in bounded queries, and the owners of the files
 * written under SERVER_PUBLISH_ROOT.
 */
export class ContextPublicationRepository {
  constructor(private readonly db: Db) {}

  countCandidates(companyHandle: string, context: FilePublishContext): Promise<number> {
    return countRows(this.candidates(companyHandle, context));
  }

  listCandidates(companyHandle: string, context: FilePublishContext, after: string | null, limit: number): Promise<KeyAndName[]> {
    return afterKey(this.candidates(companyHandle, context).select(['asset_handle', 'name']), 'asset_handle', after, limit).execute();
  }

  /** Live assets marked for publish of the types the context takes (Image Rendering: images with their optimised image). */
  private candidates(companyHandle: string, context: FilePublishContext) {
    let q = this.db
      .selectFrom('assets')
      .where('company_handle', '=', companyHandle)
      .where('trash_state', '=', 'NotInTrash')
      .where('ready_for_publish', '=', 1)
      .where('type', 'in', [...contextTypes(context)]);
    if (context === 'ImageRendering') q = q.where('optimized_key', 'is not', null);
    return q;
  }

  countRemovals(companyHandle: string, context: FilePublishContext): Promise<number> {
    return countRows(this.removals(companyHandle, context));
  }

  /** Published records whose asset is gone, trashed or no longer marked for publish. */
  listRemovals(companyHandle: string, context: FilePublishContext, after: string | null, limit: number): Promise<KeyAndName[]> {
    return afterKey(this.removals(companyHandle, context).select(['p.asset_handle', 'p.name']), 'p.asset_handle', after, limit).execute();
  }

  private removals(companyHandle: string, context: FilePublishContext) {
    return this.db
      .selectFrom('context_published_assets as p')
      .leftJoin('assets as a', (j) => onLiveMarkedAsset(j, 'a', 'p'))
      .where('p.company_handle', '=', companyHandle)
      .where('p.context', '=', context)
      .where('a.asset_handle', 'is', null);
  }

  find(companyHandle: string, context: FilePublishContext, assetHandle: string): Promise<ContextPublishedAssetRow | undefined> {
    return this.db
      .selectFrom('context_published_assets')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('context', '=', context)
      .where('asset_handle', '=', assetHandle)
      .executeTakeFirst();
  }

  /** Case-insensitive lookup by the caller's name key, as asset names are matched everywhere else. */
  findByName(companyHandle: string, context: FilePublishContext, nameKey: string): Promise<ContextPublishedAssetRow | undefined> {
    return this.db
      .selectFrom('context_published_assets')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('context', '=', context)
      .where('name_key', '=', nameKey)
      .executeTakeFirst();
  }

  list(companyHandle: string, context: FilePublishContext): Promise<ContextPublishedAssetRow[]> {
    return this.db
      .selectFrom('context_published_assets')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('context', '=', context)
      .orderBy('asset_handle')
      .execute();
  }

  /** Replaces whatever this asset or this name was published as in the context (a renamed asset leaves no stale name behind). */
  async put(row: ContextPublishedAssetRow): Promise<void> {
    await this.remove(row.company_handle, row.context as FilePublishContext, row.asset_handle);
    await this.db
      .deleteFrom('context_published_assets')
      .where('company_handle', '=', row.company_handle)
      .where('context', '=', row.context)
      .where('name_key', '=', row.name_key)
      .execute();
    await this.db.insertInto('context_published_assets').values(row).execute();
  }

  async remove(companyHandle: string, context: FilePublishContext, assetHandle: string): Promise<void> {
    await this.db
      .deleteFrom('context_published_assets')
      .where('company_handle', '=', companyHandle)
      .where('context', '=', context)
      .where('asset_handle', '=', assetHandle)
      .execute();
  }

  /**
   * forceRepublishAssets with republishFiles: the next publish of each
   * context holding the asset copies its files afresh (republish-marks.ts).
   * These contexts republish every marked asset on every run, so no other
   * mark is needed for the asset to be republished.
   */
  async forceFiles(companyHandle: string, assetHandle: string): Promise<void> {
    await this.db
      .updateTable('context_published_assets')
      .set({ source_modified: FILES_FORCED })
      .where('company_handle', '=', companyHandle)
      .where('asset_handle', '=', assetHandle)
      .execute();
  }

  /** The document (MetadataPublishJob's) is rewritten by the next publish even when its content has not changed. */
  async forceDocument(companyHandle: string, context: string): Promise<void> {
    await this.db
      .updateTable('context_published_documents')
      .set({ sha256: '' })
      .where('company_handle', '=', companyHandle)
      .where('context', '=', context)
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

  async setDefinition(setHandle: string): Promise<string | null> {
    const row = await this.db.selectFrom('asset_sets').select('definition').where('set_handle', '=', setHandle).executeTakeFirst();
    return row?.definition ?? null;
  }

  /** Who owns each of these paths under SERVER_PUBLISH_ROOT (paths nobody owns are absent). */
  async fileOwners(paths: readonly string[]): Promise<Map<string, PublishDirectoryFileRow>> {
    if (paths.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('publish_directory_files')
      .selectAll()
      .where('path', 'in', [...paths])
      .execute();
    return new Map(rows.map((r) => [r.path, r]));
  }

  filesOf(companyHandle: string, owner: string): Promise<PublishDirectoryFileRow[]> {
    return this.db.selectFrom('publish_directory_files').selectAll().where('company_handle', '=', companyHandle).where('owner', '=', owner).execute();
  }

  /** The owner's files become exactly `paths`. */
  async replaceFiles(companyHandle: string, context: string, owner: string, paths: readonly string[]): Promise<void> {
    await this.db.deleteFrom('publish_directory_files').where('company_handle', '=', companyHandle).where('owner', '=', owner).execute();
    if (paths.length)
      await this.db
        .insertInto('publish_directory_files')
        .values(paths.map((path) => ({ path, company_handle: companyHandle, context, owner })))
        .execute();
  }

  findDocument(companyHandle: string, context: string): Promise<ContextPublishedDocumentRow | undefined> {
    return this.db
      .selectFrom('context_published_documents')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('context', '=', context)
      .executeTakeFirst();
  }

  async putDocument(row: ContextPublishedDocumentRow): Promise<void> {
    await this.db.deleteFrom('context_published_documents').where('company_handle', '=', row.company_handle).where('context', '=', row.context).execute();
    await this.db.insertInto('context_published_documents').values(row).execute();
  }

  /** Live assets marked for publish, a page at a time in handle order (the metadata document's entries). */
  markedAssetsPage(companyHandle: string, after: string | null, limit: number) {
    const q = this.db
      .selectFrom('assets')
      .select([
        'asset_handle',
        'name',
        'type',
        'sub_type',
        'folder',
        'file_name',
        'format',
        'file_size',
        'width',
        'height',
        'resolution',
        'created',
        'last_modified',
        'version',
        'sha256',
      ])
      .where('company_handle', '=', companyHandle)
      .where('trash_state', '=', 'NotInTrash')
      .where('ready_for_publish', '=', 1);
    return afterKey(q, 'asset_handle', after, limit).execute();
  }
}
