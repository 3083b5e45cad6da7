import type { Transaction } from 'kysely';
import type { Db } from '../database/database.js';
import type { AssetDerivationTable, AssetTable, Database } from '../database/tables.js';
import { AssetNotLiveError } from './asset-not-live.error.js';
import { FolderRepository } from './folder.repository.js';
import { type VideoInfoRow, VideoRepository } from './video.repository.js';

export type DerivationRow = AssetDerivationTable;

/** Byproduct assets (pages, layers) and the ordered members of sets made from them. */
export class DerivationRepository {
  constructor(private readonly db: Db | Transaction<Database>) {}

  /** The current byproducts of a source asset from one engine, by position. */
  bySource(sourceHandle: string, engine: string): Promise<DerivationRow[]> {
    return this.db
      .selectFrom('asset_derivations')
      .selectAll()
      .where('source_handle', '=', sourceHandle)
      .where('engine', '=', engine)
      .orderBy('position')
      .execute();
  }

  /**
   * Writes a byproduct asset, its derivation and (for a set) its members in
   * one transaction, so a retried activity finds either all of it or none.
   * The asset's folder row is made in step (FolderRepository.ensurePath).
   */
  async commitDerived(asset: AssetTable, exists: boolean, derivation: DerivationRow, members?: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await holdLiveSource(tx, derivation.source_handle);
      const row = { ...asset, folder: await new FolderRepository(tx).ensurePath(asset.company_handle, asset.folder) };
      if (exists) await tx.updateTable('assets').set(row).where('asset_handle', '=', asset.asset_handle).execute();
      else await tx.insertInto('assets').values(row).execute();
      const repo = new DerivationRepository(tx);
      await repo.upsert(derivation);
      if (members) await repo.replaceMembers(asset.asset_handle, members);
    });
  }

  /**
   * A video encoding (asset, derivation, video facts) of a reprocessed master,
   * committed only while the master is live, as commitDerived does.
   */
  async commitEncoding(asset: AssetTable, exists: boolean, derivation: DerivationRow, info: VideoInfoRow): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await holdLiveSource(tx, derivation.source_handle);
      await new VideoRepository(tx).commitEncoding(asset, exists, derivation, info);
    });
  }

  async upsert(row: DerivationRow): Promise<void> {
    await this.db
      .insertInto('asset_derivations')
      .values(row)
      .onConflict((oc) => oc.column('asset_handle').doUpdateSet({ position: row.position, job_handle: row.job_handle, data_json: row.data_json }))
      .execute();
  }

  /** Replaces a set's members with `members`, in order (positions from 1). */
  async replaceMembers(setHandle: string, members: readonly string[]): Promise<void> {
    await this.db.deleteFrom('asset_set_members').where('set_handle', '=', setHandle).execute();
    if (members.length === 0) return;
    await this.db
      .insertInto('asset_set_members')
      .values(members.map((member_handle, i) => ({ set_handle: setHandle, position: i + 1, member_handle })))
      .execute();
  }

  async members(setHandle: string): Promise<string[]> {
    const rows = await this.db.selectFrom('asset_set_members').select('member_handle').where('set_handle', '=', setHandle).orderBy('position').execute();
    return rows.map((r) => r.member_handle);
  }

  /** The live assets of the company made from `sourceHandle`, by engine then position (getAssociatedAssets). */
  generatedFrom(companyHandle: string, sourceHandle: string): Promise<LinkedAssetRow[]> {
    return this.linked(companyHandle, 'made', sourceHandle).orderBy('d.engine').orderBy('d.position').execute();
  }

  /** The live asset of the company `assetHandle` was made from, with the engine that made it (getAssociatedAssets). */
  generatorsOf(companyHandle: string, assetHandle: string): Promise<LinkedAssetRow[]> {
    return this.linked(companyHandle, 'source', assetHandle).execute();
  }

  /** Live assets of the company at one end of a derivation whose other end is `handle`: what was made from it, or what it was made from. */
  private linked(companyHandle: string, want: 'made' | 'source', handle: string) {
    const [wanted, given] = want === 'made' ? (['d.asset_handle', 'd.source_handle'] as const) : (['d.source_handle', 'd.asset_handle'] as const);
    return this.db
      .selectFrom('asset_derivations as d')
      .innerJoin('assets as a', 'a.asset_handle', wanted)
      .selectAll('a')
      .select('d.engine as derivation_engine')
      .where(given, '=', handle)
      .where('a.company_handle', '=', companyHandle)
      .where('a.trash_state', '=', 'NotInTrash');
  }
}

/** A catalog asset and the engine of the derivation linking it to the asset asked about. */
export type LinkedAssetRow = AssetTable & { derivation_engine: string };

/**
 * Refuses a byproduct of a source asset that is in the trash or was emptied
 * from it (AssetNotLiveError), and holds the source's row until the caller's
 * transaction ends: the no-op update takes the row lock a concurrent
 * deleteAssets needs, so either the trash sees the new byproduct (and trashes
 * it with its source) or the byproduct sees the trash (docs/assets.md).
 */
async function holdLiveSource(tx: Transaction<Database>, sourceHandle: string): Promise<void> {
  const r = await tx
    .updateTable('assets')
    .set({ trash_state: 'NotInTrash' })
    .where('asset_handle', '=', sourceHandle)
    .where('trash_state', '=', 'NotInTrash')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new AssetNotLiveError(sourceHandle);
}
