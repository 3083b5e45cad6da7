import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { FOLDER_COVER_MAX_BYTES, FOLDER_COVER_PREDICATE } from '../database/folder-cover.js';
import type { Db } from '../database/database.js';
import type { AssetTable, Database } from '../database/tables.js';
import { AssetNotLiveError } from './asset-not-live.error.js';
import { type ConditionGroup, type MatchMode, conditionGroups } from './asset-search-conditions.js';
import { FolderRepository } from './folder.repository.js';
import { afterKey, countRows, type KeyAndName } from './keyset-page.js';

export type AssetRow = AssetTable;

export type { AssetColumn, AssetCondition, ConditionGroup, MatchMode, SearchCondition, ValueCondition } from './asset-search-conditions.js';

export interface AssetSearch {
  companyHandle: string;
  folder?: { path: string; includeSubfolders: boolean };
  types?: readonly string[];
  excludeTypes?: readonly string[];
  subTypes?: { values: readonly string[]; strict: boolean };
  readyForPublish?: boolean;
  trashState: string;
  /**
   * Byproducts to leave out: an asset is hidden when its derivation row has one
   * of `engines` and the asset itself has type `type`; assets with no
   * derivation row (uploads) are never hidden by this.
   */
  excludeByproducts?: readonly { engines: readonly string[]; type: string }[];
  /** only the assets of this project (a project of the company: the caller checked) */
  projectHandle?: string;
  /** the condition groups (system fields, keywords, tags, metadata), each joined by its own mode, joined together by `mode` */
  conditions: { mode: MatchMode; groups: readonly ConditionGroup[] };
  sort: { column: 'created' | 'last_modified' | 'name_key' | 'type' | 'file_size'; direction: 'asc' | 'desc' };
  limit: number;
  offset: number;
}

type Eb = ExpressionBuilder<Database, 'assets'>;

export class AssetRepository {
  constructor(private readonly db: Db) {}

  /** Files the asset under its folder's catalog spelling, creating the folder (and ancestors) if new. */
  async insert(row: AssetRow): Promise<void> {
    const folder = await new FolderRepository(this.db).ensurePath(row.company_handle, row.folder);
    await this.db
      .insertInto('assets')
      .values({ ...row, folder })
      .execute();
  }

  async update(handle: string, changes: Partial<AssetRow>): Promise<void> {
    await this.db.updateTable('assets').set(changes).where('asset_handle', '=', handle).execute();
  }

  findByHandle(companyHandle: string, handle: string): Promise<AssetRow | undefined> {
    return this.db.selectFrom('assets').selectAll().where('company_handle', '=', companyHandle).where('asset_handle', '=', handle).executeTakeFirst();
  }

  findByHandles(companyHandle: string, handles: readonly string[]): Promise<AssetRow[]> {
    if (handles.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('assets').selectAll().where('company_handle', '=', companyHandle).where('asset_handle', 'in', handles).execute();
  }

  /** The live (not trashed) asset holding this name in the company, if any. */
  findLiveByName(companyHandle: string, nameKey: string): Promise<AssetRow | undefined> {
    return this.db
      .selectFrom('assets')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('name_key', '=', nameKey)
      .where('trash_state', '=', 'NotInTrash')
      .executeTakeFirst();
  }

  /** Live images of the company whose pyramid TIFF is missing or older than `version`. */
  countNeedingOptimize(companyHandle: string, version: number): Promise<number> {
    return countRows(this.needingOptimize(companyHandle, version));
  }

  listNeedingOptimize(companyHandle: string, version: number, after: string | null, limit: number): Promise<KeyAndName[]> {
    return afterKey(this.needingOptimize(companyHandle, version).select(['asset_handle', 'name']), 'asset_handle', after, limit).execute();
  }

  private needingOptimize(companyHandle: string, version: number) {
    return this.db
      .selectFrom('assets')
      .where('company_handle', '=', companyHandle)
      .where('type', '=', 'Image')
      .where('trash_state', '=', 'NotInTrash')
      .where((eb) => eb.or([eb('optimized_key', 'is', null), eb('optimizer_version', '<', version)]));
  }

  async search(s: AssetSearch): Promise<{ total: number; rows: AssetRow[] }> {
    const base = this.db.selectFrom('assets').where((eb) => this.filter(eb, s));
    const countRow = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.selectAll().orderBy(s.sort.column, s.sort.direction).orderBy('asset_handle').limit(s.limit).offset(s.offset).execute();
    return { total: Number(countRow.n), rows };
  }

  private filter(eb: Eb, s: AssetSearch): Expression<SqlBool> {
    const and: Expression<SqlBool>[] = [eb('company_handle', '=', s.companyHandle), eb('trash_state', '=', s.trashState)];
    if (s.folder) {
      and.push(
        s.folder.includeSubfolders
          ? eb(eb.fn('substr', ['folder', eb.val(1), eb.val(s.folder.path.length)]), '=', s.folder.path)
          : // Within the bound every asset of the folder is in assets_folder_cover, which the count then reads alone.
            eb.and([
              eb('folder', '=', s.folder.path),
              ...(Buffer.byteLength(s.folder.path) <= FOLDER_COVER_MAX_BYTES ? [sql<SqlBool>`${sql.raw(FOLDER_COVER_PREDICATE)}`] : []),
            ]),
      );
    }
    if (s.types?.length) and.push(eb('type', 'in', s.types));
    if (s.excludeTypes?.length) and.push(eb('type', 'not in', s.excludeTypes));
    if (s.subTypes?.values.length) {
      const inList = eb('sub_type', 'in', s.subTypes.values);
      and.push(s.subTypes.strict ? inList : eb.or([inList, eb('sub_type', 'is', null)]));
    }
    if (s.readyForPublish !== undefined) and.push(eb('ready_for_publish', '=', s.readyForPublish ? 1 : 0));
    if (s.excludeByproducts?.length) {
      const rules = s.excludeByproducts;
      // Correlated on the derivation primary key, so each asset costs one index probe on SQLite and PostgreSQL alike.
      and.push(
        eb.not(
          eb.exists(
            eb
              .selectFrom('asset_derivations as d')
              .select(eb.lit(1).as('one'))
              .whereRef('d.asset_handle', '=', 'assets.asset_handle')
              .where((sub) => sub.or(rules.map((r) => sub.and([sub('d.engine', 'in', r.engines), sub('assets.type', '=', r.type)])))),
          ),
        ),
      );
    }
    if (s.projectHandle !== undefined) {
      // The project's rows are one range of the project_assets primary key (project_handle, asset_handle).
      and.push(
        eb(
          'assets.asset_handle',
          'in',
          eb.selectFrom('project_assets').select('project_assets.asset_handle').where('project_assets.project_handle', '=', s.projectHandle),
        ),
      );
    }
    const conditions = conditionGroups(eb, s.conditions.mode, s.conditions.groups);
    if (conditions) and.push(conditions);
    return eb.and(and);
  }

  /** Live assets holding any of these names (name keys), filtered by type as searchAssets filters. */
  findLiveByNames(
    companyHandle: string,
    nameKeys: readonly string[],
    filter: { types?: readonly string[]; excludeTypes?: readonly string[]; subTypes?: { values: readonly string[]; strict: boolean } },
  ): Promise<AssetRow[]> {
    if (nameKeys.length === 0) return Promise.resolve([]);
    let q = this.db
      .selectFrom('assets')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('name_key', 'in', [...nameKeys])
      .where('trash_state', '=', 'NotInTrash');
    if (filter.types?.length) q = q.where('type', 'in', [...filter.types]);
    if (filter.excludeTypes?.length) q = q.where('type', 'not in', [...filter.excludeTypes]);
    const sub = filter.subTypes;
    if (sub?.values.length) {
      q = q.where((eb) => (sub.strict ? eb('sub_type', 'in', [...sub.values]) : eb.or([eb('sub_type', 'in', [...sub.values]), eb('sub_type', 'is', null)])));
    }
    return q.orderBy('name_key').orderBy('asset_handle').execute();
  }

  /**
   * The name keys among `nameKeys` that an asset holds, live or in the trash:
   * a trashed asset keeps its name reserved until the trash is emptied.
   */
  async reservedNameKeys(companyHandle: string, nameKeys: readonly string[], exceptHandle?: string): Promise<Set<string>> {
    if (nameKeys.length === 0) return new Set();
    let q = this.db
      .selectFrom('assets')
      .select('name_key')
      .where('company_handle', '=', companyHandle)
      .where('name_key', 'in', [...nameKeys])
      .where('trash_state', 'in', ['NotInTrash', 'InTrash']);
    if (exceptHandle) q = q.where('asset_handle', '<>', exceptHandle);
    return new Set((await q.execute()).map((r) => r.name_key));
  }

  /** Handles of the assets made from any of `sourceHandles` (pages, layers, catalogs, encodings) that are in `trashState`. */
  async derivedFrom(companyHandle: string, sourceHandles: readonly string[], trashState: string): Promise<string[]> {
    if (sourceHandles.length === 0) return [];
    const rows = await this.db
      .selectFrom('asset_derivations as d')
      .innerJoin('assets as a', 'a.asset_handle', 'd.asset_handle')
      .select('a.asset_handle')
      .where('d.source_handle', 'in', [...sourceHandles])
      .where('a.company_handle', '=', companyHandle)
      .where('a.trash_state', '=', trashState)
      .execute();
    return rows.map((r) => r.asset_handle);
  }

  /**
   * Moves an asset from one trash state to another, only if it is still in
   * `from`: returns false when another call (or a job) changed it first.
   */
  async changeTrashState(handle: string, from: string, changes: Partial<AssetRow> & { trash_state: string }): Promise<boolean> {
    const r = await this.db.updateTable('assets').set(changes).where('asset_handle', '=', handle).where('trash_state', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * A job item's catalog change, made only while the asset is live: an item
   * that commits after the asset was trashed or purged must not bring it back.
   * Throws AssetNotLiveError (rolling back the item's transaction) otherwise.
   */
  async updateLive(handle: string, changes: Partial<AssetRow>): Promise<void> {
    const r = await this.db.updateTable('assets').set(changes).where('asset_handle', '=', handle).where('trash_state', '=', 'NotInTrash').executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new AssetNotLiveError(handle);
  }

  /**
   * Files a live asset under `folder`, making sure the folder row (and its
   * ancestors') exists in the same transaction, so a deleteFolder racing the
   * move cannot leave the asset in a folder that is not listed. Returns false,
   * changing nothing, when the asset is no longer live.
   */
  async moveLive(companyHandle: string, handle: string, folder: string, changes: Pick<AssetRow, 'last_modified' | 'last_modify_user'>): Promise<boolean> {
    const move = async (db: Db) => {
      const spelled = await new FolderRepository(db).ensurePath(companyHandle, folder);
      const r = await db
        .updateTable('assets')
        .set({ ...changes, folder: spelled })
        .where('company_handle', '=', companyHandle)
        .where('asset_handle', '=', handle)
        .where('trash_state', '=', 'NotInTrash')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw new AssetNotLiveError(handle);
    };
    try {
      if (this.db.isTransaction) await move(this.db);
      else await this.db.transaction().execute(move);
      return true;
    } catch (err) {
      if (err instanceof AssetNotLiveError) return false;
      throw err;
    }
  }

  /**
   * Sets the publish state of a live asset of the company; returns false,
   * changing nothing, when the asset is not live (trashed or purged meanwhile).
   */
  async setPublishStateLive(
    companyHandle: string,
    handle: string,
    changes: Pick<AssetRow, 'ready_for_publish' | 'last_modified' | 'last_modify_user'>,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('assets')
      .set(changes)
      .where('company_handle', '=', companyHandle)
      .where('asset_handle', '=', handle)
      .where('trash_state', '=', 'NotInTrash')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** How many live assets of the company each type has (types without any are absent), by type name. */
  async countLiveByType(companyHandle: string): Promise<Array<{ type: string; count: number }>> {
    const rows = await this.db
      .selectFrom('assets')
      .select(['type', (eb) => eb.fn.countAll<number | string | bigint>().as('count')])
      .where('company_handle', '=', companyHandle)
      .where('trash_state', '=', 'NotInTrash')
      .groupBy('type')
      .orderBy('type')
      .execute();
    return rows.map((r) => ({ type: r.type, count: Number(r.count) }));
  }
}
