import type { z } from 'zod';
import type { AssetRepository } from '../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../adapters/repositories/company.repository.js';
import { IpsFault, faults } from '../domain/faults.js';
import { nowIso } from '../domain/handles.js';
import type { AssetBatchReturn, AssetOperationFault } from '../domain/schemas/asset-lifecycle.schema.js';
import type * as S from '../domain/schemas/asset-state.schema.js';
import type { Principal } from './principal.js';
import { companyOf } from './company-of.js';

type In<T extends z.ZodType> = z.output<T>;

export interface AssetStateDeps {
  assets: AssetRepository;
  companies: CompanyRepository;
}

/**
 * setAssetsPublishState and getAssetCounts (docs/assets.md#publish-state-and-counts):
 * the publish mark of many assets at once, and how many live assets of each
 * type a company has.
 */
export class AssetStateService {
  constructor(private readonly deps: AssetStateDeps) {}

  /**
   * Each update independently, in order (a handle listed twice ends with its
   * last state): a failure lands in errorDetailArray with the fault the
   * single-asset change would have thrown, never as a fault of the whole call.
   */
  async setAssetsPublishState(caller: Principal, p: In<typeof S.setAssetsPublishStateParam>): Promise<AssetBatchReturn> {
    await companyOf(this.deps.companies, p.companyHandle);
    const errors: AssetOperationFault[] = [];
    for (const update of p.publishStateUpdateArray) {
      try {
        await this.setOne(caller, p.companyHandle, update);
      } catch (err) {
        if (!(err instanceof IpsFault)) throw err;
        errors.push({ assetHandle: update.assetHandle, code: err.code, reason: err.reason });
      }
    }
    return {
      successCount: p.publishStateUpdateArray.length - errors.length,
      warningCount: 0,
      errorCount: errors.length,
      ...(errors.length ? { errorDetailArray: { items: errors } } : {}),
    };
  }

  /** Live assets only: the trash is left out of counts as it is of searches. Types the company has none of are absent. */
  async getAssetCounts(p: In<typeof S.getAssetCountsParam>): Promise<S.GetAssetCountsReturn> {
    await companyOf(this.deps.companies, p.companyHandle);
    const counts = await this.deps.assets.countLiveByType(p.companyHandle);
    return { countArray: { items: counts.map((c) => ({ assetType: c.type, count: c.count })) } };
  }

  /** Another company's asset is unknown here, like a missing one; a trashed asset keeps its mark until restored. */
  private async setOne(caller: Principal, companyHandle: string, update: In<typeof S.publishStateUpdate>): Promise<void> {
    const asset = await this.deps.assets.findByHandle(companyHandle, update.assetHandle);
    if (!asset) throw faults.notFound('assetHandle', 'asset', update.assetHandle);
    const notLive = () => faults.invalid('assetHandle', 'an asset that is not in the trash', update.assetHandle);
    if (asset.trash_state !== 'NotInTrash') throw notLive();
    const changes = { ready_for_publish: update.publishState === 'MarkedForPublish' ? 1 : 0, last_modified: nowIso(), last_modify_user: caller.email };
    // Trashed (or purged) between the read and the update.
    if (!(await this.deps.assets.setPublishStateLive(companyHandle, asset.asset_handle, changes))) throw notLive();
  }
}
