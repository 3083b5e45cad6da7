import type { AssetRow } from '../../adapters/repositories/asset.repository.js';
import { type ByproductPublish, byproductFlag } from '../../domain/publish-state.js';
import type { JobIdentity } from '../../jobs/contracts.js';
import { upsertSetByproduct } from '../byproduct-names.js';
import type { RipTools } from './rip-types.js';

/** The eCatalog of a multi-page PDF: a Catalog asset named `<pdf>_eCatalog` whose members are the pages in order. */
export async function upsertECatalog(
  tools: Pick<RipTools, 'assets' | 'derivations'>,
  job: JobIdentity,
  doc: AssetRow,
  pages: string[],
  publish: ByproductPublish,
): Promise<{ handle: string; path: string }> {
  const row = await upsertSetByproduct(tools, job, doc, {
    engine: 'Catalog',
    type: 'Catalog',
    suffix: '_eCatalog',
    members: pages,
    data: undefined,
    readyForPublish: (current) => byproductFlag(publish, current),
  });
  return { handle: row.asset_handle, path: `${doc.folder}${row.name}` };
}
