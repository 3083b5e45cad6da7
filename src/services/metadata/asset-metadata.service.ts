import type { z } from 'zod';
import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { MetadataRepository } from '../../adapters/repositories/metadata.repository.js';
import { IpsFault, faults } from '../../domain/faults.js';
import { nowIso } from '../../domain/handles.js';
import { type MetadataFieldType, TAG_TYPES } from '../../domain/metadata.js';
import type * as S from '../../domain/schemas/metadata.schema.js';
import type { Principal } from '../principal.js';
import { type PlannedField, type UpdatePlan, planUpdates } from './metadata-update.js';
import { companyOf } from '../company-of.js';

type In<T extends z.ZodType> = z.output<T>;

export interface AssetMetadataDeps {
  metadata: MetadataRepository;
  assets: AssetRepository;
  companies: CompanyRepository;
}

/**
 * The metadata values assets hold (docs/metadata.md#values): setAssetMetadata
 * (all the updates or none), batchSetAssetMetadata (each asset and field on
 * its own) and deleteAssetMetadata. Only live assets of the company change;
 * each change also updates the asset's modification time and user.
 */
export class AssetMetadataService {
  constructor(private readonly deps: AssetMetadataDeps) {}

  async setAssetMetadata(caller: Principal, p: In<typeof S.setAssetMetadataParam>): Promise<Record<string, never>> {
    await companyOf(this.deps.companies, p.companyHandle);
    const asset = await this.liveAsset(p.companyHandle, p.assetHandle);
    const fields = await this.fields(p.companyHandle, p.updateArray);
    const plan = await this.plan(fields, asset, p.updateArray, 'updateArray');
    if (plan.errors.length > 0) throw plan.errors[0]!.fault;
    if (!(await this.write(p.companyHandle, asset, plan, caller))) throw trashed();
    return {};
  }

  /**
   * Every (asset, update) pair is one result: written, or an entry of
   * errorDetailArray naming the asset and field. An asset that cannot be
   * changed (unknown, another company's, in the trash) fails each of its updates.
   */
  async batchSetAssetMetadata(caller: Principal, p: In<typeof S.batchSetAssetMetadataParam>): Promise<S.BatchSetAssetMetadataReturn> {
    await companyOf(this.deps.companies, p.companyHandle);
    const fields = await this.fields(
      p.companyHandle,
      p.updateArray.flatMap((b) => b.updateArray),
    );
    const errors: S.SetMetadataFault[] = [];
    let successCount = 0;
    for (const [b, batch] of p.updateArray.entries()) {
      for (const assetHandle of batch.assetHandleArray) {
        const failAll = (fault: IpsFault) => {
          for (const u of batch.updateArray) errors.push({ assetHandle, fieldHandle: u.fieldHandle, code: fault.code, reason: fault.reason });
        };
        let asset: AssetRow;
        try {
          asset = await this.liveAsset(p.companyHandle, assetHandle);
        } catch (err) {
          if (!(err instanceof IpsFault)) throw err;
          failAll(err);
          continue;
        }
        const plan = await this.plan(fields, asset, batch.updateArray, `updateArray.items[${b}].updateArray`);
        if (!(await this.write(p.companyHandle, asset, plan, caller))) {
          failAll(trashed());
          continue;
        }
        for (const e of plan.errors) errors.push({ assetHandle, fieldHandle: e.fieldHandle, code: e.fault.code, reason: e.fault.reason });
        successCount += batch.updateArray.length - plan.errors.length;
      }
    }
    return { successCount, warningCount: 0, errorCount: errors.length, ...(errors.length > 0 ? { errorDetailArray: { items: errors } } : {}) };
  }

  /** The asset's values of the fields go; a field the asset holds no value for is no error. */
  async deleteAssetMetadata(caller: Principal, p: In<typeof S.deleteAssetMetadataParam>): Promise<Record<string, never>> {
    await companyOf(this.deps.companies, p.companyHandle);
    const asset = await this.liveAsset(p.companyHandle, p.assetHandle);
    const handles = p.deleteArray.map((d) => d.fieldHandle);
    const known = new Set((await this.deps.metadata.findFields(p.companyHandle, handles)).map((f) => f.field_handle));
    const missing = handles.findIndex((h) => !known.has(h));
    if (missing >= 0) throw faults.notFound(`deleteArray.items[${missing}].fieldHandle`, 'metadata field', handles[missing]!);
    if (!(await this.deps.metadata.deleteValues(p.companyHandle, asset.asset_handle, handles, touch(caller)))) throw trashed();
    return {};
  }

  /** Nothing to write leaves the asset as it was (its modification time included). */
  private async write(companyHandle: string, asset: AssetRow, plan: UpdatePlan, caller: Principal): Promise<boolean> {
    if (plan.writes.length === 0) return true;
    return this.deps.metadata.writeValues(companyHandle, asset.asset_handle, plan.writes, touch(caller));
  }

  private fields(companyHandle: string, updates: ReadonlyArray<{ fieldHandle: string }>): Promise<Map<string, PlannedField>> {
    return plannedFields(this.deps.metadata, companyHandle, updates);
  }

  private plan(fields: ReadonlyMap<string, PlannedField>, asset: AssetRow, updates: readonly S.MetadataUpdate[], path: string): Promise<UpdatePlan> {
    return planForAsset(this.deps.metadata, fields, asset, updates, path);
  }

  /** Another company's asset is unknown here, like a missing one; a trashed asset's metadata cannot change, as its publish state cannot. */
  private async liveAsset(companyHandle: string, assetHandle: string): Promise<AssetRow> {
    const asset = await this.deps.assets.findByHandle(companyHandle, assetHandle);
    if (!asset) throw faults.notFound('assetHandle', 'asset', assetHandle);
    if (asset.trash_state !== 'NotInTrash') throw trashed();
    return asset;
  }
}

const trashed = () => faults.invalid('assetHandle', 'an asset that is not in the trash', 'an asset in the trash');
const touch = (caller: Principal) => ({ last_modified: nowIso(), last_modify_user: caller.email });

/**
 * The company's fields the updates name, with the dictionaries of their tag
 * fields, as planUpdates takes them: read the same way by the operations and
 * by a job's metadataOptions (at submit and in the item's transaction).
 */
export async function plannedFields(
  metadata: Pick<MetadataRepository, 'findFields' | 'tagsOf'>,
  companyHandle: string,
  updates: ReadonlyArray<{ fieldHandle: string }>,
): Promise<Map<string, PlannedField>> {
  const rows = await metadata.findFields(
    companyHandle,
    updates.map((u) => u.fieldHandle),
  );
  const tags = await metadata.tagsOf(rows.filter((r) => TAG_TYPES.has(r.field_type as MetadataFieldType)).map((r) => r.field_handle));
  return new Map(
    rows.map((r) => [
      r.field_handle,
      {
        field_handle: r.field_handle,
        asset_type: r.asset_type,
        field_type: r.field_type as MetadataFieldType,
        is_enforced: r.is_enforced,
        tags: tags.get(r.field_handle) ?? [],
      },
    ]),
  );
}

/** planUpdates over the values the asset holds now (read through `metadata`, which may be bound to a transaction). */
export async function planForAsset(
  metadata: Pick<MetadataRepository, 'currentValues'>,
  fields: ReadonlyMap<string, PlannedField>,
  asset: Pick<AssetRow, 'asset_handle' | 'type'>,
  updates: readonly S.MetadataUpdate[],
  path: string,
): Promise<UpdatePlan> {
  // Only tag updates build on what the asset holds (add and delete); other values are replaced whole.
  const tagFields = updates.map((u) => fields.get(u.fieldHandle)).filter((f): f is PlannedField => f !== undefined && TAG_TYPES.has(f.field_type));
  const current = await metadata.currentValues(
    asset.asset_handle,
    tagFields.map((f) => f.field_handle),
  );
  return planUpdates(fields, asset, updates, current, path);
}
