import type { z } from 'zod';
import type { AssetRepository } from '../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../adapters/repositories/company.repository.js';
import type { FolderRepository } from '../adapters/repositories/folder.repository.js';
import { IpsFault, faults } from '../domain/faults.js';
import { normalizeFolder } from '../domain/folders.js';
import { nameKey, nowIso } from '../domain/handles.js';
import type * as S from '../domain/schemas/asset-lifecycle.schema.js';
import { folderPathOfHandle } from '../domain/schemas/folder.schema.js';
import type { Principal } from './principal.js';
import { companyOf } from './company-of.js';

type In<T extends z.ZodType> = z.output<T>;

export interface AssetMoveDeps {
  assets: AssetRepository;
  folders: FolderRepository;
  companies: CompanyRepository;
}

/**
 * moveAsset and moveAssets (docs/assets.md#moving): an asset is filed under
 * another existing folder of its company. Only the asset moves; what was made
 * from it (pages, layers, encodings) stays where it is, and no key changes, so
 * jobs working on it are not disturbed.
 */
export class AssetMoveService {
  constructor(private readonly deps: AssetMoveDeps) {}

  async moveAsset(caller: Principal, p: In<typeof S.moveAssetParam>): Promise<Record<string, never>> {
    const root = await this.rootOf(p.companyHandle);
    await this.move(caller, p.companyHandle, root, p);
    return {};
  }

  /** Each asset independently, in order: a failure lands in errorDetailArray with the fault moveAsset would have thrown. */
  async moveAssets(caller: Principal, p: In<typeof S.moveAssetsParam>): Promise<S.AssetBatchReturn> {
    const root = await this.rootOf(p.companyHandle);
    const errors: S.AssetOperationFault[] = [];
    for (const item of p.assetMoveArray) {
      try {
        await this.move(caller, p.companyHandle, root, item);
      } catch (err) {
        if (!(err instanceof IpsFault)) throw err;
        errors.push({ assetHandle: item.assetHandle, code: err.code, reason: err.reason });
      }
    }
    return {
      successCount: p.assetMoveArray.length - errors.length,
      warningCount: 0,
      errorCount: errors.length,
      ...(errors.length ? { errorDetailArray: { items: errors } } : {}),
    };
  }

  private async move(caller: Principal, companyHandle: string, root: string, item: In<typeof S.assetMove>): Promise<void> {
    const asset = await this.deps.assets.findByHandle(companyHandle, item.assetHandle);
    if (!asset) throw faults.notFound('assetHandle', 'asset', item.assetHandle);
    if (asset.trash_state !== 'NotInTrash') throw faults.invalid('assetHandle', 'an asset that is not in the trash', item.assetHandle);
    const folder = await this.destination(companyHandle, root, item.folderHandle);
    if (nameKey(folder) === nameKey(asset.folder)) return;
    const moved = await this.deps.assets.moveLive(companyHandle, asset.asset_handle, folder, { last_modified: nowIso(), last_modify_user: caller.email });
    // Trashed (or purged) between the read and the move.
    if (!moved) throw faults.invalid('assetHandle', 'an asset that is not in the trash', item.assetHandle);
  }

  /** The destination's path as the catalog spells it; the root always exists, other folders must. */
  private async destination(companyHandle: string, root: string, folderHandle: string): Promise<string> {
    const path = normalizeFolder(folderPathOfHandle(folderHandle), root, 'folderHandle');
    if (nameKey(path) === nameKey(root)) return root;
    const row = await this.deps.folders.find(companyHandle, path);
    if (!row) throw faults.notFound('folderHandle', 'folder', folderHandle);
    return row.path;
  }

  private async rootOf(companyHandle: string): Promise<string> {
    const company = await companyOf(this.deps.companies, companyHandle);
    return normalizeFolder('', company.root_path, 'folderHandle');
  }
}
