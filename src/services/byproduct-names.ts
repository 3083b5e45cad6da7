import type { AssetRepository, AssetRow } from '../adapters/repositories/asset.repository.js';
import type { DerivationRepository } from '../adapters/repositories/derivation.repository.js';
import { nameKey, newHandle } from '../domain/handles.js';
import type { JobIdentity } from '../jobs/contracts.js';
import { newAssetVersion } from './assets/asset-version.js';

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

/**
 * Creates or updates the one set-like byproduct of `doc` made by `engine`
 * (an eCatalog of pages, a PSD template of layers): an asset with no file of
 * its own, named `<doc><suffix>`, whose members are `members` in order and
 * whose derivation row carries `data`. Its handle and name survive re-runs.
 */
export async function upsertSetByproduct(
  deps: { assets: AssetRepository; derivations: DerivationRepository },
  job: JobIdentity,
  doc: AssetRow,
  set: {
    engine: string;
    type: string;
    suffix: string;
    members: readonly string[];
    data: unknown;
    size?: { width: number; height: number };
    /** its publish flag, from its flag before the job (undefined: the job creates it) */
    readyForPublish: (current: number | undefined) => number;
  },
): Promise<AssetRow> {
  const existing = (await deps.derivations.bySource(doc.asset_handle, set.engine))[0];
  const previous = existing ? await deps.assets.findByHandle(doc.company_handle, existing.asset_handle) : undefined;
  const handle = previous?.asset_handle ?? newHandle.asset();
  const name = previous?.name ?? (await freeAssetName(deps.assets, doc.company_handle, `${doc.name}${set.suffix}`));
  // A set has no file of its own; the catalog requires file columns, so it carries the document's.
  const row = newAssetVersion(previous, job, {
    asset_handle: handle,
    company_handle: doc.company_handle,
    type: set.type,
    name,
    file_name: name,
    folder: doc.folder,
    ready_for_publish: set.readyForPublish(previous?.ready_for_publish),
    format: doc.format,
    original_key: doc.original_key,
    file_size: doc.file_size,
    sha256: doc.sha256,
    width: set.size?.width ?? null,
    height: set.size?.height ?? null,
  });
  await deps.derivations.commitDerived(
    row,
    previous !== undefined,
    {
      asset_handle: handle,
      company_handle: doc.company_handle,
      source_handle: doc.asset_handle,
      engine: set.engine,
      position: 0,
      job_handle: job.jobHandle,
      data_json: set.data === undefined ? null : JSON.stringify(set.data),
    },
    set.members,
  );
  return row;
}
