import type { Db } from '../database/database.js';
import type { AssetSetTable, AssetTable, SetScriptTable } from '../database/tables.js';
import { DerivationRepository } from './derivation.repository.js';
import { FolderRepository } from './folder.repository.js';

export type SetScriptRow = SetScriptTable;
export type AssetSetRow = AssetSetTable;

/** Set-generation scripts and the set assets (definition + ordered members) they make. */
export class SetRepository {
  constructor(private readonly db: Db) {}

  listScripts(companyHandle: string): Promise<SetScriptRow[]> {
    return this.db.selectFrom('set_scripts').selectAll().where('company_handle', '=', companyHandle).orderBy('name_key').execute();
  }

  findScripts(companyHandle: string, handles: readonly string[]): Promise<SetScriptRow[]> {
    if (handles.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('set_scripts')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('script_handle', 'in', [...handles])
      .execute();
  }

  findScriptByNameKey(companyHandle: string, nameKey: string): Promise<SetScriptRow | undefined> {
    return this.db.selectFrom('set_scripts').selectAll().where('company_handle', '=', companyHandle).where('name_key', '=', nameKey).executeTakeFirst();
  }

  async insertScript(row: SetScriptRow): Promise<void> {
    await this.db.insertInto('set_scripts').values(row).execute();
  }

  async updateScript(handle: string, changes: Omit<SetScriptRow, 'script_handle' | 'company_handle' | 'created_at'>): Promise<void> {
    await this.db.updateTable('set_scripts').set(changes).where('script_handle', '=', handle).execute();
  }

  async deleteScript(companyHandle: string, handle: string): Promise<number> {
    const r = await this.db.deleteFrom('set_scripts').where('company_handle', '=', companyHandle).where('script_handle', '=', handle).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Definitions of the given set assets (for AssetSetInfo), by handle. */
  async definitions(handles: readonly string[]): Promise<Map<string, AssetSetRow>> {
    if (handles.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('asset_sets')
      .selectAll()
      .where('set_handle', 'in', [...handles])
      .execute();
    return new Map(rows.map((r) => [r.set_handle, r]));
  }

  members(setHandle: string): Promise<string[]> {
    return new DerivationRepository(this.db).members(setHandle);
  }

  /**
   * Writes a set asset, its definition and its members in one transaction
   * (created, or updated in place); the set's folder row is made in step
   * (FolderRepository.ensurePath), as for every other asset.
   */
  async commitSet(asset: AssetTable, exists: boolean, set: AssetSetRow, members: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const row = { ...asset, folder: await new FolderRepository(tx).ensurePath(asset.company_handle, asset.folder) };
      if (exists) await tx.updateTable('assets').set(row).where('asset_handle', '=', asset.asset_handle).execute();
      else await tx.insertInto('assets').values(row).execute();
      await tx
        .insertInto('asset_sets')
        .values(set)
        .onConflict((oc) =>
          oc
            .column('set_handle')
            .doUpdateSet({ set_type: set.set_type, definition: set.definition, swatch_handle: set.swatch_handle, script_handle: set.script_handle }),
        )
        .execute();
      await new DerivationRepository(tx).replaceMembers(asset.asset_handle, members);
    });
  }

  /** The live sets (and templates) of the company listing `memberHandle` as a member, by name (getAssociatedAssets). */
  containersOf(companyHandle: string, memberHandle: string): Promise<AssetTable[]> {
    return this.linked(companyHandle, 'set', memberHandle).orderBy('a.name_key').execute();
  }

  /** A set's live members of the company, in set order (getAssociatedAssets). */
  liveMembers(companyHandle: string, setHandle: string): Promise<AssetTable[]> {
    return this.linked(companyHandle, 'member', setHandle).orderBy('m.position').execute();
  }

  /** Live assets of the company at one end of a set membership whose other end is `handle`: the sets holding it, or its members. */
  private linked(companyHandle: string, want: 'set' | 'member', handle: string) {
    const [wanted, given] = want === 'set' ? (['m.set_handle', 'm.member_handle'] as const) : (['m.member_handle', 'm.set_handle'] as const);
    return this.db
      .selectFrom('asset_set_members as m')
      .innerJoin('assets as a', 'a.asset_handle', wanted)
      .selectAll('a')
      .where(given, '=', handle)
      .where('a.company_handle', '=', companyHandle)
      .where('a.trash_state', '=', 'NotInTrash');
  }
}

/** A set's members' names, in order (members no longer in the catalog are left out): what a publish writes for a set. */
export async function setMemberNames(db: Db, companyHandle: string, setHandle: string): Promise<string[]> {
  const rows = await db
    .selectFrom('asset_set_members as m')
    .innerJoin('assets as a', 'a.asset_handle', 'm.member_handle')
    .select('a.name')
    .where('m.set_handle', '=', setHandle)
    .where('a.company_handle', '=', companyHandle)
    .orderBy('m.position')
    .execute();
  return rows.map((r) => r.name);
}
