import type { Transaction } from 'kysely';
import { ANY_ASSET_TYPE, SYSTEM_METADATA_FIELDS, metadataFieldHandle, metadataValueKey } from '../../domain/metadata.js';
import { nameKey } from '../../domain/handles.js';
import type { Db } from '../database/database.js';
import type { AssetMetadataTable, Database, MetadataFieldTable } from '../database/tables.js';

export type MetadataFieldRow = MetadataFieldTable;
export type MetadataValueRow = Pick<AssetMetadataTable, 'value' | 'value_key' | 'num_value' | 'date_value'>;

/** The system fields every company has (docs/metadata.md#system-fields), as rows for a new company. */
export function systemMetadataFieldRows(companyHandle: string, now: string): MetadataFieldRow[] {
  return SYSTEM_METADATA_FIELDS.map((f) => ({
    field_handle: metadataFieldHandle(companyHandle, ANY_ASSET_TYPE, f.name),
    company_handle: companyHandle,
    asset_type: ANY_ASSET_TYPE,
    name: f.name,
    name_key: nameKey(f.name),
    field_type: f.type,
    default_value: null,
    initial_tag_value: null,
    is_hidden: 0,
    is_enforced: 0,
    is_user_defined: 0,
    created: now,
    last_modified: now,
  }));
}

/** Who changed an asset's metadata, and when: the asset's last_modified/last_modify_user follow. */
export interface MetadataTouch {
  last_modified: string;
  last_modify_user: string;
}

/**
 * Metadata fields, the dictionaries of their tags and the values assets hold
 * (docs/metadata.md). Reads of values for searches and replies are the search
 * side's; this repository writes them. SQLite runs without foreign-key
 * enforcement, so child rows are always deleted explicitly before their parents.
 */
export class MetadataRepository {
  constructor(private readonly db: Db) {}

  /** The company's fields of the given asset types (every type when left out), system fields first, then by name. */
  listFields(companyHandle: string, assetTypes?: readonly string[]): Promise<MetadataFieldRow[]> {
    let q = this.db.selectFrom('metadata_fields').selectAll().where('company_handle', '=', companyHandle);
    if (assetTypes) q = q.where('asset_type', 'in', assetTypes);
    return q.orderBy('is_user_defined').orderBy('asset_type').orderBy('name_key').execute();
  }

  findField(companyHandle: string, fieldHandle: string): Promise<MetadataFieldRow | undefined> {
    return this.db
      .selectFrom('metadata_fields')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('field_handle', '=', fieldHandle)
      .executeTakeFirst();
  }

  async findFields(companyHandle: string, fieldHandles: readonly string[]): Promise<MetadataFieldRow[]> {
    if (fieldHandles.length === 0) return [];
    return this.db
      .selectFrom('metadata_fields')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('field_handle', 'in', [...new Set(fieldHandles)])
      .execute();
  }

  /** A field of the company holding this name (folded) among the asset types, other than `except`. */
  async findByName(companyHandle: string, assetTypes: readonly string[] | 'any', key: string, except?: string): Promise<MetadataFieldRow | undefined> {
    let q = this.db.selectFrom('metadata_fields').selectAll().where('company_handle', '=', companyHandle).where('name_key', '=', key);
    if (assetTypes !== 'any') q = q.where('asset_type', 'in', assetTypes);
    if (except) q = q.where('field_handle', '!=', except);
    return q.executeTakeFirst();
  }

  async handleTaken(fieldHandle: string): Promise<boolean> {
    return (await this.db.selectFrom('metadata_fields').select('field_handle').where('field_handle', '=', fieldHandle).executeTakeFirst()) !== undefined;
  }

  /** The dictionaries of the fields, by folded value, by field handle. */
  async tagsOf(fieldHandles: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(fieldHandles.map((h) => [h, []]));
    if (fieldHandles.length === 0) return out;
    const rows = await this.db
      .selectFrom('metadata_tag_values')
      .select(['field_handle', 'value'])
      .where('field_handle', 'in', [...new Set(fieldHandles)])
      .orderBy('field_handle')
      .orderBy('value_key')
      .execute();
    for (const r of rows) out.get(r.field_handle)?.push(r.value);
    return out;
  }

  /**
   * A new field and its first dictionary values, together; false when a field
   * with that handle or name appeared since the caller looked (a create that
   * raced this one), so the caller answers a conflict instead of a 500.
   */
  async createField(row: MetadataFieldRow, tags: readonly string[]): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const r = await tx
        .insertInto('metadata_fields')
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await addTags(tx, row.field_handle, tags);
      return true;
    });
  }

  /** Changes a field; `tags` are added to its dictionary (values it has are kept). */
  async updateField(
    fieldHandle: string,
    changes: Partial<Pick<MetadataFieldRow, 'name' | 'name_key' | 'default_value' | 'is_hidden' | 'is_enforced' | 'initial_tag_value' | 'last_modified'>>,
    tags: readonly string[],
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('metadata_fields').set(changes).where('field_handle', '=', fieldHandle).execute();
      await addTags(tx, fieldHandle, tags);
    });
  }

  /** The field, its dictionary and every value any asset holds for it. */
  async deleteField(companyHandle: string, fieldHandle: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const field = await tx
        .selectFrom('metadata_fields')
        .select('field_handle')
        .where('company_handle', '=', companyHandle)
        .where('field_handle', '=', fieldHandle)
        .executeTakeFirst();
      if (!field) return false;
      await tx.deleteFrom('asset_metadata').where('field_handle', '=', fieldHandle).execute();
      await tx.deleteFrom('metadata_tag_values').where('field_handle', '=', fieldHandle).execute();
      await tx.deleteFrom('metadata_fields').where('field_handle', '=', fieldHandle).execute();
      return true;
    });
  }

  /** The values the asset holds for the fields, in position order, by field handle. */
  async currentValues(assetHandle: string, fieldHandles: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (fieldHandles.length === 0) return out;
    const rows = await this.db
      .selectFrom('asset_metadata')
      .select(['field_handle', 'value'])
      .where('asset_handle', '=', assetHandle)
      .where('field_handle', 'in', [...new Set(fieldHandles)])
      .orderBy('field_handle')
      .orderBy('position')
      .execute();
    for (const r of rows) out.set(r.field_handle, [...(out.get(r.field_handle) ?? []), r.value]);
    return out;
  }

  /**
   * Replaces the asset's values of each field written (an empty list removes
   * the field's values), in one transaction, only while the asset is a live
   * asset of the company: false, with nothing written, otherwise. The asset
   * row is updated first (its modification time and user), which also holds
   * it against a concurrent trash or purge until the values are in.
   */
  async writeValues(
    companyHandle: string,
    assetHandle: string,
    writes: ReadonlyArray<{ fieldHandle: string; values: readonly MetadataValueRow[] }>,
    touch: MetadataTouch,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      if (!(await touchLive(tx, companyHandle, assetHandle, touch))) return false;
      await replaceAssetValues(tx, assetHandle, writes, touch.last_modified);
      return true;
    });
  }

  /** Removes the asset's values of the fields (deleteAssetMetadata), on the terms of writeValues. */
  async deleteValues(companyHandle: string, assetHandle: string, fieldHandles: readonly string[], touch: MetadataTouch): Promise<boolean> {
    return this.writeValues(
      companyHandle,
      assetHandle,
      fieldHandles.map((fieldHandle) => ({ fieldHandle, values: [] })),
      touch,
    );
  }

  /**
   * The distinct values live assets hold for the field: numbers and dates in
   * their order, text by its folded form, then by code unit (sorted here, not
   * in SQL, so SQLite and PostgreSQL collations agree).
   */
  async uniqueValues(companyHandle: string, fieldHandle: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('asset_metadata as m')
      .innerJoin('assets as a', 'a.asset_handle', 'm.asset_handle')
      .select(['m.value', 'm.value_key', 'm.num_value', 'm.date_value'])
      .distinct()
      .where('m.field_handle', '=', fieldHandle)
      .where('a.company_handle', '=', companyHandle)
      .where('a.trash_state', '=', 'NotInTrash')
      .execute();
    const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    rows.sort(
      (a, b) =>
        (a.num_value ?? 0) - (b.num_value ?? 0) || text(a.date_value ?? '', b.date_value ?? '') || text(a.value_key, b.value_key) || text(a.value, b.value),
    );
    return rows.map((r) => r.value);
  }

  /** Purged assets (emptyAssetsFromTrash): their metadata values and their project memberships go with them. */
  async forgetAssets(assetHandles: readonly string[]): Promise<void> {
    if (assetHandles.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('asset_metadata').where('asset_handle', 'in', assetHandles).execute();
      await tx.deleteFrom('project_assets').where('asset_handle', 'in', assetHandles).execute();
    });
  }
}

async function addTags(tx: Transaction<Database>, fieldHandle: string, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  await tx
    .insertInto('metadata_tag_values')
    .values(tags.map((value) => ({ field_handle: fieldHandle, value_key: metadataValueKey(value), value })))
    .onConflict((oc) => oc.columns(['field_handle', 'value_key']).doNothing())
    .execute();
}

async function touchLive(tx: Transaction<Database>, companyHandle: string, assetHandle: string, touch: MetadataTouch): Promise<boolean> {
  const r = await tx
    .updateTable('assets')
    .set(touch)
    .where('company_handle', '=', companyHandle)
    .where('asset_handle', '=', assetHandle)
    .where('trash_state', '=', 'NotInTrash')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Replaces the asset's values of each field written (an empty list removes the field's values), in the caller's transaction. */
export async function replaceAssetValues(
  db: Db | Transaction<Database>,
  assetHandle: string,
  writes: ReadonlyArray<{ fieldHandle: string; values: readonly MetadataValueRow[] }>,
  now: string,
): Promise<void> {
  for (const w of writes) {
    await db.deleteFrom('asset_metadata').where('asset_handle', '=', assetHandle).where('field_handle', '=', w.fieldHandle).execute();
    if (w.values.length === 0) continue;
    await db
      .insertInto('asset_metadata')
      .values(w.values.map((v, position) => ({ asset_handle: assetHandle, field_handle: w.fieldHandle, position, ...v, last_modified: now })))
      .execute();
  }
}
