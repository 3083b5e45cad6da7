import type { z } from 'zod';
import type { AssetExtrasRepository } from '../adapters/repositories/asset-extras.repository.js';
import type { AssetRepository, AssetRow } from '../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../adapters/repositories/company.repository.js';
import type { MetadataRepository } from '../adapters/repositories/metadata.repository.js';
import type { ProjectRepository } from '../adapters/repositories/project.repository.js';
import type { SetRepository } from '../adapters/repositories/set.repository.js';
import type { VideoRepository } from '../adapters/repositories/video.repository.js';
import { faults } from '../domain/faults.js';
import { nowIso } from '../domain/handles.js';
import type * as S from '../domain/schemas/asset.schema.js';
import type * as M from '../domain/schemas/metadata-search.schema.js';
import { AssetFinder, companyFields } from './assets/asset-search.js';
import { AssetReplies } from './assets/asset-replies.js';
import type { Principal } from './principal.js';

type In<T extends z.ZodType> = z.output<T>;
type Out<T extends z.ZodType> = z.input<T>;

export interface AssetServiceDeps {
  assets: AssetRepository;
  companies: CompanyRepository;
  sets: SetRepository;
  videos: VideoRepository;
  assetExtras: AssetExtrasRepository;
  metadata: MetadataRepository;
  projects: ProjectRepository;
}

/** searchAssets, searchAssetsByMetadata (docs/search.md), getAssets and setAssetPublishState (docs/assets.md). */
export class AssetService {
  private readonly finder: AssetFinder;
  private readonly replies: AssetReplies;

  constructor(private readonly deps: AssetServiceDeps) {
    this.finder = new AssetFinder(deps);
    this.replies = new AssetReplies(deps);
  }

  async searchAssets(p: In<typeof S.searchAssetsParam>): Promise<Out<typeof S.searchAssetsReturn>> {
    const { total, rows } = await this.finder.find(
      {
        companyHandle: p.companyHandle,
        folder: p.folder,
        includeSubfolders: p.includeSubfolders,
        types: p.assetTypeArray,
        excludeTypes: p.excludeAssetTypeArray,
        subTypes: p.assetSubTypeArray,
        strictSubTypeCheck: p.strictSubTypeCheck,
        publishState: p.publishState,
        trashState: p.trashState,
        excludeByproducts: p.excludeByproducts,
        excludeByproductArray: p.excludeByproductArray,
        projectHandle: p.projectHandle,
        conditionMatchMode: p.conditionMatchMode,
        keywords: p.keywordArray,
        systemFields: { mode: p.systemFieldMatchMode, items: p.systemFieldConditionArray ?? [], path: 'systemFieldConditionArray' },
        tags: { mode: p.tagMatchMode, items: p.tagConditionArray ?? [], path: 'tagConditionArray' },
        metadata: { mode: p.metadataMatchMode, items: p.metadataConditionArray ?? [], path: 'metadataConditionArray' },
        recordsPerPage: p.recordsPerPage,
        resultsPage: p.resultsPage,
        sortBy: p.sortBy,
        sortDirection: p.sortDirection,
      },
      { folder: 'folder', projectHandle: 'projectHandle' },
    );
    return { totalRows: total, assetArray: { items: await this.replies.assets(rows) } };
  }

  /**
   * searchAssets' search over SearchFilter and the metadata conditions, the
   * summaries carrying the values of responseMetadataArray's fields. With no
   * filters the whole company is searched (includeSubfolders defaults to true).
   */
  async searchAssetsByMetadata(p: In<typeof M.searchAssetsByMetadataParam>): Promise<Out<typeof M.searchAssetsByMetadataReturn>> {
    const f = p.filters ?? {};
    const responseFields = [...new Set(p.responseMetadataArray ?? [])];
    const known = await companyFields(this.deps.metadata, p.companyHandle, responseFields);
    const unknown = (p.responseMetadataArray ?? []).findIndex((h) => !known.has(h));
    if (unknown >= 0) throw faults.notFound(`responseMetadataArray.items[${unknown}]`, 'metadata field of the company', p.responseMetadataArray![unknown]!);
    const { total, rows } = await this.finder.find(
      {
        companyHandle: p.companyHandle,
        folder: f.folder,
        includeSubfolders: f.includeSubfolders ?? true,
        types: f.assetTypeArray,
        excludeTypes: f.excludeAssetTypeArray,
        subTypes: f.assetSubTypeArray,
        strictSubTypeCheck: f.strictSubTypeCheck,
        publishState: f.publishState,
        trashState: f.trashState,
        excludeByproducts: f.excludeByproducts,
        projectHandle: f.projectHandle,
        metadata: { mode: p.metadataConditionMatchMode, items: p.metadataConditionArray ?? [], path: 'metadataConditionArray' },
        recordsPerPage: p.recordsPerPage,
        resultsPage: p.resultsPage,
        sortBy: p.sortBy,
        sortDirection: p.sortDirection,
      },
      { folder: 'filters.folder', projectHandle: 'filters.projectHandle' },
    );
    return { totalRows: total, assetSummaryArray: { items: await this.replies.summaries(rows, responseFields) } };
  }

  /** Unknown handles are simply absent (as IPS does); order follows the request. */
  async getAssets(p: In<typeof S.getAssetsParam>): Promise<Out<typeof S.getAssetsReturn>> {
    const rows = await this.deps.assets.findByHandles(p.companyHandle, [...new Set(p.assetHandleArray)]);
    const byHandle = new Map(rows.map((r) => [r.asset_handle, r]));
    const ordered = p.assetHandleArray.map((h) => byHandle.get(h)).filter((r): r is AssetRow => r !== undefined);
    return { assetArray: { items: await this.replies.assets([...new Set(ordered)]) } };
  }

  async setAssetPublishState(caller: Principal, p: In<typeof S.setAssetPublishStateParam>): Promise<Record<string, never>> {
    const row = await this.deps.assets.findByHandle(p.companyHandle, p.assetHandle);
    if (!row) throw faults.notFound('assetHandle', 'asset', p.assetHandle);
    // As setAssetsPublishState: a trashed asset is never published, so its mark cannot change (docs/assets.md).
    const changed = await this.deps.assets.setPublishStateLive(p.companyHandle, row.asset_handle, {
      ready_for_publish: p.publishState === 'MarkedForPublish' ? 1 : 0,
      last_modified: nowIso(),
      last_modify_user: caller.email,
    });
    if (!changed) throw faults.invalid('assetHandle', 'an asset that is not in the trash', 'an asset in the trash');
    return {};
  }
}
