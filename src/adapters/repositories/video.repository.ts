import type { Transaction } from 'kysely';
import type { Db } from '../database/database.js';
import type { AssetDerivationTable, AssetTable, Database, VideoInfoTable } from '../database/tables.js';
import { FolderRepository } from './folder.repository.js';

export type VideoInfoRow = VideoInfoTable;

/** Video facts per asset (masters and encodings), beside the assets table. */
export class VideoRepository {
  constructor(private readonly db: Db | Transaction<Database>) {}

  async upsert(row: VideoInfoRow): Promise<void> {
    const { asset_handle: _key, ...changes } = row;
    await this.db
      .insertInto('video_info')
      .values(row)
      .onConflict((oc) => oc.column('asset_handle').doUpdateSet(changes))
      .execute();
  }

  async update(handle: string, changes: Partial<Omit<VideoInfoRow, 'asset_handle' | 'company_handle'>>): Promise<void> {
    await this.db.updateTable('video_info').set(changes).where('asset_handle', '=', handle).execute();
  }

  async find(handle: string): Promise<VideoInfoRow | undefined> {
    return this.db.selectFrom('video_info').selectAll().where('asset_handle', '=', handle).executeTakeFirst();
  }

  /** Looked up in one query for a page of assets. */
  async byHandles(handles: readonly string[]): Promise<Map<string, VideoInfoRow>> {
    if (handles.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('video_info')
      .selectAll()
      .where('asset_handle', 'in', [...handles])
      .execute();
    return new Map(
      rows.map((r) => [r.asset_handle, { ...r, duration_ms: Number(r.duration_ms), bitrate: Number(r.bitrate), frame_rate: Number(r.frame_rate) }]),
    );
  }

  /**
   * An encoded video (a byproduct of its master): asset row, derivation and
   * video facts together, in the caller's transaction when there is one, else
   * in a new one, so a retried activity finds all of it or none. The
   * encoding's folder row is made in step (FolderRepository.ensurePath).
   */
  async commitEncoding(asset: AssetTable, exists: boolean, derivation: AssetDerivationTable, info: VideoInfoRow): Promise<void> {
    const write = async (tx: Db | Transaction<Database>) => {
      const row = { ...asset, folder: await new FolderRepository(tx).ensurePath(asset.company_handle, asset.folder) };
      if (exists) await tx.updateTable('assets').set(row).where('asset_handle', '=', asset.asset_handle).execute();
      else await tx.insertInto('assets').values(row).execute();
      await tx
        .insertInto('asset_derivations')
        .values(derivation)
        .onConflict((oc) =>
          oc.column('asset_handle').doUpdateSet({ position: derivation.position, job_handle: derivation.job_handle, data_json: derivation.data_json }),
        )
        .execute();
      await new VideoRepository(tx).upsert(info);
    };
    if (this.db.isTransaction) await write(this.db);
    else await this.db.transaction().execute(write);
  }
}
