import type { z } from 'zod';
import type { AssetRow } from '../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../adapters/repositories/company.repository.js';
import type { SetRepository } from '../adapters/repositories/set.repository.js';
import { IpsFault, faults } from '../domain/faults.js';
import { nameKey, nowIso } from '../domain/handles.js';
import type * as S from '../domain/schemas/asset-lifecycle.schema.js';
import { AssetReplies, type AssetRepliesDeps } from './assets/asset-replies.js';
import { type AssetPurgeDeps, purgeAsset } from './assets/asset-purge.js';
import type { Principal } from './principal.js';
import { companyOf } from './company-of.js';

type In<T extends z.ZodType> = z.output<T>;
type Out<T extends z.ZodType> = z.input<T>;

/** Re-creates a missing folder (and its parents) for a restored asset. */
export interface FolderPaths {
  ensurePath(companyHandle: string, path: string): Promise<unknown>;
}

export interface AssetLifecycleDeps extends AssetPurgeDeps, AssetRepliesDeps {
  companies: CompanyRepository;
  sets: SetRepository;
  folders?: FolderPaths;
}

/** What one asset of a batch came to: done, or the fault the single-asset operation would have thrown. */
type Outcome = { ok: true } | { ok: false; fault: IpsFault };

const NAME_CHARACTERS = /^[^\u0000-\u001f\u007f/\\]+$/;

/**
 * Names, renaming and the trash (docs/assets.md): deleting moves an asset and
 * the assets made from it to the trash, where it keeps its name reserved and
 * is never published; restoring brings them back; emptying purges them.
 */
export class AssetLifecycleService {
  private readonly replies: AssetReplies;

  constructor(private readonly deps: AssetLifecycleDeps) {
    this.replies = new AssetReplies(deps);
  }

  /** Every live asset holding one of the names, grouped in the order the names were asked for. */
  async getAssetsByName(p: In<typeof S.getAssetsByNameParam>): Promise<Out<typeof S.getAssetsByNameReturn>> {
    await companyOf(this.deps.companies, p.companyHandle);
    const keys = [...new Set(p.nameArray.map(nameKey))];
    const rows = await this.deps.assets.findLiveByNames(p.companyHandle, keys, {
      types: p.assetTypeArray,
      excludeTypes: p.excludeAssetTypeArray,
      subTypes: p.assetSubTypeArray ? { values: p.assetSubTypeArray, strict: p.strictSubTypeCheck ?? false } : undefined,
    });
    const order = new Map(keys.map((k, i) => [k, i]));
    const sorted = [...rows].sort((a, b) => order.get(a.name_key)! - order.get(b.name_key)!);
    return { assetArray: { items: await this.replies.assets(sorted) } };
  }

  /** The asked names an asset holds, live or in the trash, as the caller spelled them. */
  async checkAssetNames(p: In<typeof S.checkAssetNamesParam>): Promise<Out<typeof S.checkAssetNamesReturn>> {
    await companyOf(this.deps.companies, p.companyHandle);
    const taken = await this.deps.assets.reservedNameKeys(p.companyHandle, [...new Set(p.assetNameArray.map(nameKey))]);
    return { inUseNameArray: { items: p.assetNameArray.filter((n) => taken.has(nameKey(n))) } };
  }

  /**
   * Every asset's name is its IPS ID here (Image Serving serves every type by
   * name), so the uniqueness check runs whatever validateName says.
   */
  async renameAsset(caller: Principal, p: In<typeof S.renameAssetParam>): Promise<Record<string, never>> {
    const asset = await this.deps.assets.findByHandle(p.companyHandle, p.assetHandle);
    if (!asset) throw faults.notFound('assetHandle', 'asset', p.assetHandle);
    if (asset.trash_state !== 'NotInTrash') throw faults.invalid('assetHandle', 'an asset that is not in the trash', p.assetHandle);
    if (!NAME_CHARACTERS.test(p.newName)) throw faults.invalid('newName', 'a name without slashes, backslashes or control characters', p.newName);
    const key = nameKey(p.newName);
    if ((await this.deps.assets.reservedNameKeys(p.companyHandle, [key], asset.asset_handle)).size > 0) {
      throw faults.conflict('newName', `Asset ID '${p.newName}' is already in use.`);
    }
    const dot = asset.file_name.lastIndexOf('.');
    const extension = dot > 0 ? asset.file_name.slice(dot) : '';
    await this.deps.assets.update(asset.asset_handle, {
      name: p.newName,
      name_key: key,
      file_name: `${p.newName}${extension}`,
      last_modified: nowIso(),
      last_modify_user: caller.email,
    });
    return {};
  }

  async deleteAsset(caller: Principal, p: In<typeof S.deleteAssetParam>): Promise<Record<string, never>> {
    await companyOf(this.deps.companies, p.companyHandle);
    const outcome = await this.trash(caller, p.companyHandle, p.assetHandle, 'assetHandle');
    if (!outcome.ok) throw outcome.fault;
    return {};
  }

  async deleteAssets(caller: Principal, p: In<typeof S.assetBatchParam>): Promise<S.AssetBatchReturn> {
    await companyOf(this.deps.companies, p.companyHandle);
    return batch(p.assetHandleArray, (h) => this.trash(caller, p.companyHandle, h, 'assetHandle'));
  }

  async restoreAssetsFromTrash(caller: Principal, p: In<typeof S.assetBatchParam>): Promise<S.AssetBatchReturn> {
    await companyOf(this.deps.companies, p.companyHandle);
    return batch(p.assetHandleArray, (h) => this.restore(caller, p.companyHandle, h));
  }

  async emptyAssetsFromTrash(caller: Principal, p: In<typeof S.assetBatchParam>): Promise<S.AssetBatchReturn> {
    await companyOf(this.deps.companies, p.companyHandle);
    return batch(p.assetHandleArray, (h) => this.empty(caller, p.companyHandle, h));
  }

  /**
   * Trashes the asset and, transitively, the live assets made from it (pages,
   * layers, catalogs, encodings), all with the same lastModified: restore
   * brings back exactly the derived assets that went with it, not those a
   * reprocess had trashed before.
   */
  private async trash(caller: Principal, companyHandle: string, handle: string, field: string): Promise<Outcome> {
    const asset = await this.deps.assets.findByHandle(companyHandle, handle);
    if (!asset) return failed(faults.notFound(field, 'asset', handle));
    if (asset.trash_state !== 'NotInTrash') return failed(faults.invalid(field, 'an asset that is not in the trash', handle));
    const changes = { trash_state: 'InTrash', last_modified: nowIso(), last_modify_user: caller.email };
    if (!(await this.deps.assets.changeTrashState(handle, 'NotInTrash', changes)))
      return failed(faults.invalid(field, 'an asset that is not in the trash', handle));
    for (let sources = [handle]; sources.length > 0;) {
      const derived = await this.deps.assets.derivedFrom(companyHandle, sources, 'NotInTrash');
      sources = [];
      for (const d of derived) if (await this.deps.assets.changeTrashState(d, 'NotInTrash', changes)) sources.push(d);
    }
    return { ok: true };
  }

  /** Brings the asset back (its folder re-created if it is gone) with the derived assets trashed together with it. */
  private async restore(caller: Principal, companyHandle: string, handle: string): Promise<Outcome> {
    const asset = await this.deps.assets.findByHandle(companyHandle, handle);
    if (!asset) return failed(faults.notFound('assetHandle', 'asset', handle));
    if (asset.trash_state !== 'InTrash') return failed(faults.invalid('assetHandle', 'an asset in the trash', handle));
    // An upload may have taken the name meanwhile: restoring would give two live assets one name.
    if (await this.liveHolder(asset)) {
      return failed(faults.conflict('assetHandle', `Asset ID '${asset.name}' is already in use by a live asset.`));
    }
    await this.deps.folders?.ensurePath(companyHandle, asset.folder);
    const trashedAt = asset.last_modified;
    const changes = { trash_state: 'NotInTrash', last_modified: nowIso(), last_modify_user: caller.email };
    if (!(await this.deps.assets.changeTrashState(handle, 'InTrash', changes))) return failed(faults.invalid('assetHandle', 'an asset in the trash', handle));
    for (let sources = [handle]; sources.length > 0;) {
      const trashed = await this.deps.assets.findByHandles(companyHandle, await this.deps.assets.derivedFrom(companyHandle, sources, 'InTrash'));
      sources = [];
      for (const d of trashed) {
        if (d.last_modified === trashedAt && (await this.deps.assets.changeTrashState(d.asset_handle, 'InTrash', changes))) sources.push(d.asset_handle);
      }
    }
    return { ok: true };
  }

  /** Purges the trashed asset and the trashed assets made from it. */
  private async empty(caller: Principal, companyHandle: string, handle: string): Promise<Outcome> {
    const asset = await this.deps.assets.findByHandle(companyHandle, handle);
    if (!asset) return failed(faults.notFound('assetHandle', 'asset', handle));
    if (asset.trash_state !== 'InTrash') return failed(faults.invalid('assetHandle', 'an asset in the trash', handle));
    if (!(await purgeAsset(this.deps, asset, caller.email))) return failed(faults.invalid('assetHandle', 'an asset in the trash', handle));
    for (let sources = [handle]; sources.length > 0;) {
      const trashed = await this.deps.assets.findByHandles(companyHandle, await this.deps.assets.derivedFrom(companyHandle, sources, 'InTrash'));
      sources = [];
      for (const d of trashed) if (await purgeAsset(this.deps, d, caller.email)) sources.push(d.asset_handle);
    }
    return { ok: true };
  }

  private async liveHolder(asset: AssetRow): Promise<boolean> {
    const live = await this.deps.assets.findLiveByName(asset.company_handle, asset.name_key);
    return live !== undefined && live.asset_handle !== asset.asset_handle;
  }
}

function failed(fault: IpsFault): Outcome {
  return { ok: false, fault };
}

/**
 * Runs `one` per distinct handle, in order: a failure lands in
 * errorDetailArray with the code and reason the single-asset operation would
 * have faulted with, never as a fault of the whole call.
 */
async function batch(handles: readonly string[], one: (handle: string) => Promise<Outcome>): Promise<S.AssetBatchReturn> {
  const errors: S.AssetOperationFault[] = [];
  let successCount = 0;
  for (const handle of new Set(handles)) {
    let outcome: Outcome;
    try {
      outcome = await one(handle);
    } catch (err) {
      if (!(err instanceof IpsFault)) throw err;
      outcome = failed(err);
    }
    if (outcome.ok) successCount++;
    else errors.push({ assetHandle: handle, code: outcome.fault.code, reason: outcome.fault.reason });
  }
  return {
    successCount,
    warningCount: 0,
    errorCount: errors.length,
    ...(errors.length ? { errorDetailArray: { items: errors } } : {}),
  };
}
