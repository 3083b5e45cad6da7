import type { Db } from '../database/database.js';
import type { ProjectTable } from '../database/tables.js';

export type ProjectRow = ProjectTable;

/**
 * Projects and their assets (docs/projects.md). Names are unique per company
 * through `name_key` (the unique index decides a race); memberships are
 * deleted explicitly before their project, since SQLite may run without
 * foreign-key enforcement. Built on the database for the operations, and on
 * an item's transaction (unit-of-work.ts) for the memberships a job writes.
 */
export class ProjectRepository {
  constructor(private readonly db: Db) {}

  /** The company's projects by name (then handle, for names equal once folded). */
  list(companyHandle: string): Promise<ProjectRow[]> {
    return this.db.selectFrom('projects').selectAll().where('company_handle', '=', companyHandle).orderBy('name_key').orderBy('project_handle').execute();
  }

  find(companyHandle: string, projectHandle: string): Promise<ProjectRow | undefined> {
    return this.db
      .selectFrom('projects')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('project_handle', '=', projectHandle)
      .executeTakeFirst();
  }

  findByNameKey(companyHandle: string, nameKey: string): Promise<ProjectRow | undefined> {
    return this.db.selectFrom('projects').selectAll().where('company_handle', '=', companyHandle).where('name_key', '=', nameKey).executeTakeFirst();
  }

  /** Inserts the project unless its handle or its name is taken (false then: the caller finds out which). */
  async insert(row: ProjectRow): Promise<boolean> {
    const r = await this.db
      .insertInto('projects')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Renames the project; false when another project of the company holds the name (a rename that raced this one). */
  async rename(companyHandle: string, projectHandle: string, changes: Pick<ProjectRow, 'name' | 'name_key' | 'last_modified'>): Promise<boolean> {
    try {
      await this.db.updateTable('projects').set(changes).where('company_handle', '=', companyHandle).where('project_handle', '=', projectHandle).execute();
      return true;
    } catch (err) {
      const holder = await this.findByNameKey(companyHandle, changes.name_key);
      if (holder && holder.project_handle !== projectHandle) return false;
      throw err;
    }
  }

  /** Deletes the project and its memberships (never the assets) in one transaction; false when there was none. */
  async delete(companyHandle: string, projectHandle: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const owned = await tx
        .selectFrom('projects')
        .select('project_handle')
        .where('company_handle', '=', companyHandle)
        .where('project_handle', '=', projectHandle)
        .executeTakeFirst();
      if (!owned) return false;
      await tx.deleteFrom('project_assets').where('project_handle', '=', projectHandle).execute();
      const r = await tx.deleteFrom('projects').where('project_handle', '=', projectHandle).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  /** Which of the handles name projects of the company. */
  async existing(companyHandle: string, projectHandles: readonly string[]): Promise<Set<string>> {
    if (projectHandles.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('projects')
      .select('project_handle')
      .where('company_handle', '=', companyHandle)
      .where('project_handle', 'in', [...new Set(projectHandles)])
      .execute();
    return new Set(rows.map((r) => r.project_handle));
  }

  /** Which of the assets are in the project. */
  async membersAmong(projectHandle: string, assetHandles: readonly string[]): Promise<Set<string>> {
    if (assetHandles.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('project_assets')
      .select('asset_handle')
      .where('project_handle', '=', projectHandle)
      .where('asset_handle', 'in', [...new Set(assetHandles)])
      .execute();
    return new Set(rows.map((r) => r.asset_handle));
  }

  /** Puts the assets in the project; those already in it keep their membership. */
  async addAssets(projectHandle: string, assetHandles: readonly string[], added: string): Promise<void> {
    if (assetHandles.length === 0) return;
    await this.db
      .insertInto('project_assets')
      .values([...new Set(assetHandles)].map((asset_handle) => ({ project_handle: projectHandle, asset_handle, added })))
      .onConflict((oc) => oc.columns(['project_handle', 'asset_handle']).doNothing())
      .execute();
  }

  async removeAssets(projectHandle: string, assetHandles: readonly string[]): Promise<void> {
    if (assetHandles.length === 0) return;
    await this.db
      .deleteFrom('project_assets')
      .where('project_handle', '=', projectHandle)
      .where('asset_handle', 'in', [...new Set(assetHandles)])
      .execute();
  }

  /** Makes the assets exactly the project's members, in one transaction. */
  async replaceAssets(projectHandle: string, assetHandles: readonly string[], added: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      let drop = tx.deleteFrom('project_assets').where('project_handle', '=', projectHandle);
      if (assetHandles.length > 0) drop = drop.where('asset_handle', 'not in', [...new Set(assetHandles)]);
      await drop.execute();
      await new ProjectRepository(tx).addAssets(projectHandle, assetHandles, added);
    });
  }

  /**
   * A job item's memberships, in the transaction that commits the item: the
   * assets join those of the projects that still exist (a project deleted
   * while the job ran is not brought back). Returns the projects joined.
   */
  async addToExisting(companyHandle: string, projectHandles: readonly string[], assetHandles: readonly string[], added: string): Promise<Set<string>> {
    const live = await this.existing(companyHandle, projectHandles);
    for (const projectHandle of live) await this.addAssets(projectHandle, assetHandles, added);
    return live;
  }
}
