import type { AssetRepository } from '../adapters/repositories/asset.repository.js';
import { nameKey } from '../domain/handles.js';

/**
 * `base`, or `base_2`, `base_3`, … when a live asset of the company already
 * has that name: byproducts (pages, layers, templates) never take over the
 * name of an asset a user made.
 */
export async function freeAssetName(assets: AssetRepository, companyHandle: string, base: string): Promise<string> {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}_${i}`;
    if (!(await assets.findLiveByName(companyHandle, nameKey(name)))) return name;
  }
}
