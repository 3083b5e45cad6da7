import type { Db } from '../database/database.js';

/** One value an asset holds, with what the reply needs of its field. */
export interface AssetValueRow {
  asset_handle: string;
  field_handle: string;
  field_name: string;
  field_type: string;
  position: number;
  value: string;
  num_value: number | null;
  date_value: string | null;
}

/**
 * What every Asset reply reads besides the asset row: the metadata values
 * assets hold and the projects they are in (docs/search.md). Read-only; the field
 * and value writes are the metadata repository's, the project writes the
 * project repository's.
 */
export class AssetExtrasRepository {
  constructor(private readonly db: Db) {}

  /**
   * The values the assets hold, by asset, fields in name order and a tag
   * field's values in their order; read by the asset_metadata primary key
   * (asset_handle first), one query for all of them. `fieldHandles` keeps
   * only those fields; `withHidden: false` leaves hidden fields out.
   */
  async values(assetHandles: readonly string[], options: { fieldHandles?: readonly string[]; withHidden: boolean }): Promise<Map<string, AssetValueRow[]>> {
    const out = new Map<string, AssetValueRow[]>();
    if (assetHandles.length === 0 || options.fieldHandles?.length === 0) return out;
    let q = this.db
      .selectFrom('asset_metadata as m')
      .innerJoin('metadata_fields as f', 'f.field_handle', 'm.field_handle')
      .select(['m.asset_handle', 'm.field_handle', 'f.name as field_name', 'f.field_type', 'm.position', 'm.value', 'm.num_value', 'm.date_value'])
      .where('m.asset_handle', 'in', [...new Set(assetHandles)]);
    if (options.fieldHandles) q = q.where('m.field_handle', 'in', [...options.fieldHandles]);
    if (!options.withHidden) q = q.where('f.is_hidden', '=', 0);
    const rows = await q.orderBy('m.asset_handle').orderBy('f.name_key').orderBy('m.field_handle').orderBy('m.position').execute();
    for (const r of rows) {
      const list = out.get(r.asset_handle);
      if (list) list.push({ ...r, num_value: r.num_value === null ? null : Number(r.num_value) });
      else out.set(r.asset_handle, [{ ...r, num_value: r.num_value === null ? null : Number(r.num_value) }]);
    }
    return out;
  }

  /** The names of the projects each asset is in, sorted by name; assets in none are absent. */
  async projectNames(assetHandles: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (assetHandles.length === 0) return out;
    const rows = await this.db
      .selectFrom('project_assets as pa')
      .innerJoin('projects as p', 'p.project_handle', 'pa.project_handle')
      .select(['pa.asset_handle', 'p.name'])
      .where('pa.asset_handle', 'in', [...new Set(assetHandles)])
      .orderBy('pa.asset_handle')
      .orderBy('p.name_key')
      .orderBy('p.name')
      .execute();
    for (const r of rows) {
      const list = out.get(r.asset_handle);
      if (list) list.push(r.name);
      else out.set(r.asset_handle, [r.name]);
    }
    return out;
  }
}
