import type { z } from 'zod';
import type { AssetRepository, AssetRow } from '../adapters/repositories/asset.repository.js';
import type { DerivationRepository, LinkedAssetRow } from '../adapters/repositories/derivation.repository.js';
import type { SetRepository } from '../adapters/repositories/set.repository.js';
import { faults } from '../domain/faults.js';
import type * as S from '../domain/schemas/asset-associations.schema.js';
import { AssetReplies, type AssetRepliesDeps } from './assets/asset-replies.js';

type In<T extends z.ZodType> = z.output<T>;
type Out<T extends z.ZodType> = z.input<T>;

export interface AssetAssociationsDeps extends AssetRepliesDeps {
  assets: AssetRepository;
  derivations: DerivationRepository;
  sets: SetRepository;
}

/**
 * The IPS engine a derivation stands for: the eCatalog and the PSD template are
 * recorded under their own keys so a source keeps one of each, yet the rip and
 * the layer split made them (as searchAssets' excludeByproductArray reads them).
 */
const IPS_ENGINES: Readonly<Record<string, string>> = { Catalog: 'PostScriptRip', PsdTemplate: 'PhotoshopLayers' };

const ipsEngine = (engine: string) => IPS_ENGINES[engine] ?? engine;

/**
 * getAssociatedAssets (docs/assets.md#associated-assets): the sets and
 * templates containing an asset, a set's members, the asset it was generated
 * from and the assets generated from it. Only live assets of the caller's
 * company appear; the asset asked about may itself be in the trash.
 */
export class AssetAssociationsService {
  private readonly replies: AssetReplies;

  constructor(private readonly deps: AssetAssociationsDeps) {
    this.replies = new AssetReplies(deps);
  }

  async getAssociatedAssets(p: In<typeof S.getAssociatedAssetsParam>): Promise<Out<typeof S.getAssociatedAssetsReturn>> {
    const row = await this.deps.assets.findByHandle(p.companyHandle, p.assetHandle);
    if (!row) throw faults.notFound('assetHandle', 'asset', p.assetHandle);
    const [containers, members, generators, generated] = await Promise.all([
      this.deps.sets.containersOf(p.companyHandle, row.asset_handle),
      this.deps.sets.liveMembers(p.companyHandle, row.asset_handle),
      this.deps.derivations.generatorsOf(p.companyHandle, row.asset_handle),
      this.deps.derivations.generatedFrom(p.companyHandle, row.asset_handle),
    ]);
    const assets = await this.replies.byHandle([row, ...containers, ...members, ...generators, ...generated]);
    const self = assets.get(row.asset_handle)!;
    const of = (r: AssetRow) => assets.get(r.asset_handle)!;
    return {
      containerArray: { items: containers.map(of) },
      memberArray: { items: members.map(of) },
      derivedArray: { items: generators.map(of) },
      generatorArray: { items: generators.map((g: LinkedAssetRow) => ({ engine: ipsEngine(g.derivation_engine), originator: of(g), generated: self })) },
      generatedArray: { items: generated.map((g: LinkedAssetRow) => ({ engine: ipsEngine(g.derivation_engine), originator: self, generated: of(g) })) },
    };
  }
}
