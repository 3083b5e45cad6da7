import type { AssetExtrasRepository } from '../../adapters/repositories/asset-extras.repository.js';
import type { MetadataFieldRow, MetadataRepository } from '../../adapters/repositories/metadata.repository.js';
import type { AssetRepository, AssetRow, AssetSearch, ConditionGroup, MatchMode } from '../../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { ProjectRepository } from '../../adapters/repositories/project.repository.js';
import { faults } from '../../domain/faults.js';
import { normalizeFolder } from '../../domain/folders.js';
import type { ByproductEngine, ExcludeByproductCondition, SystemFieldCondition } from '../../domain/schemas/asset.schema.js';
import type { ASSET_SORT_FIELDS, MetadataCondition, TagCondition } from '../../domain/schemas/metadata-search.schema.js';
import { LAYER_ENGINE } from '../psd/psd-layer.service.js';
import { RIP_ENGINE } from '../rip/document-rip.service.js';
import { keywordConditions, metadataCondition, systemFieldCondition, tagCondition } from './search-conditions.js';
import { companyOf } from '../company-of.js';

/**
 * What searchAssets and searchAssetsByMetadata ask for, in one form: both run
 * the same search (docs/search.md). Each group's items carry the path their
 * faults name.
 */
export interface AssetQuery {
  companyHandle: string;
  folder?: string;
  includeSubfolders: boolean;
  types?: readonly string[];
  excludeTypes?: readonly string[];
  subTypes?: readonly string[];
  strictSubTypeCheck?: boolean;
  publishState?: 'MarkedForPublish' | 'NotMarkedForPublish';
  trashState?: string;
  excludeByproducts?: boolean;
  excludeByproductArray?: readonly ExcludeByproductCondition[];
  projectHandle?: string;
  conditionMatchMode?: MatchMode;
  keywords?: readonly string[];
  systemFields?: { mode?: MatchMode; items: readonly SystemFieldCondition[]; path: string };
  tags?: { mode?: MatchMode; items: readonly TagCondition[]; path: string };
  metadata?: { mode?: MatchMode; items: readonly MetadataCondition[]; path: string };
  recordsPerPage?: number;
  resultsPage?: number;
  sortBy?: (typeof ASSET_SORT_FIELDS)[number];
  sortDirection?: 'Ascending' | 'Descending';
}

export interface AssetSearchDeps {
  assets: AssetRepository;
  companies: CompanyRepository;
  assetExtras: AssetExtrasRepository;
  metadata: MetadataRepository;
  projects: ProjectRepository;
}

const SORT_COLUMNS = {
  Created: 'created',
  Modified: 'last_modified',
  Name: 'name_key',
  AssetType: 'type',
  FileSize: 'file_size',
} as const;

/**
 * The `asset_derivations.engine` values behind each IPS byproduct engine. A
 * set-like byproduct is recorded under its own key (the eCatalog under
 * 'Catalog', the PSD template under 'PsdTemplate', see upsertSetByproduct) so
 * a source keeps one of each, yet in IPS terms the rip and the layer split made
 * them. ImageConvert, SceneAuthoring and Aco byproducts are never made here, so
 * their conditions are accepted and hide nothing.
 */
const DERIVATION_ENGINES: Record<ByproductEngine, readonly string[]> = {
  PostScriptRip: [RIP_ENGINE, 'Catalog'],
  PhotoshopLayers: [LAYER_ENGINE, 'PsdTemplate'],
  ImageConvert: ['ImageConvert'],
  SceneAuthoring: ['SceneAuthoring'],
  Aco: ['Aco'],
};

/**
 * What excludeByproducts=true hides: ripped page images and PSD layer images,
 * the byproducts the reference names. The eCatalog and the PSD template are
 * byproducts too, but they are what the job was asked to deliver (a set a
 * client browses to and publishes), so the flag keeps them; an
 * excludeByproductArray condition with generatedAssetType Catalog or
 * PsdTemplate hides them.
 */
const DEFAULT_EXCLUDED_BYPRODUCTS: readonly ExcludeByproductCondition[] = [
  { engine: 'PostScriptRip', generatedAssetType: 'Image' },
  { engine: 'PhotoshopLayers', generatedAssetType: 'Image' },
];

/**
 * The one search behind searchAssets and searchAssetsByMetadata: the
 * structural filters (folder, types, trash, publish, byproducts, project)
 * always AND; the condition groups are each joined by their own match mode
 * and together by conditionMatchMode.
 */
export class AssetFinder {
  constructor(private readonly deps: AssetSearchDeps) {}

  async find(q: AssetQuery, paths: { folder: string; projectHandle: string }): Promise<{ total: number; rows: AssetRow[] }> {
    const company = await companyOf(this.deps.companies, q.companyHandle);
    if (q.projectHandle !== undefined && !(await this.deps.projects.find(q.companyHandle, q.projectHandle))) {
      throw faults.notFound(paths.projectHandle, 'project', q.projectHandle);
    }
    const perPage = q.recordsPerPage ?? 1000;
    const search: AssetSearch = {
      companyHandle: q.companyHandle,
      folder:
        q.folder !== undefined || !q.includeSubfolders
          ? { path: normalizeFolder(q.folder, company.root_path, paths.folder), includeSubfolders: q.includeSubfolders }
          : undefined,
      types: q.types,
      excludeTypes: q.excludeTypes,
      subTypes: q.subTypes ? { values: q.subTypes, strict: q.strictSubTypeCheck ?? false } : undefined,
      readyForPublish: q.publishState === undefined ? undefined : q.publishState === 'MarkedForPublish',
      trashState: q.trashState ?? 'NotInTrash',
      // A present array, even an empty one, overrides the flag (Adobe IPS: operation-methods/operation-parameters/r-search-assets).
      excludeByproducts: (q.excludeByproductArray ?? (q.excludeByproducts ? DEFAULT_EXCLUDED_BYPRODUCTS : [])).map((c) => ({
        engines: DERIVATION_ENGINES[c.engine],
        type: c.generatedAssetType,
      })),
      projectHandle: q.projectHandle,
      conditions: { mode: q.conditionMatchMode ?? 'MatchAll', groups: await this.groups(q) },
      sort: { column: SORT_COLUMNS[q.sortBy ?? 'Name'], direction: q.sortDirection === 'Descending' ? 'desc' : 'asc' },
      limit: perPage,
      offset: ((q.resultsPage ?? 1) - 1) * perPage,
    };
    return this.deps.assets.search(search);
  }

  /** The condition groups, in the order IPS lists them: keywords, system fields, tags, metadata. */
  private async groups(q: AssetQuery): Promise<ConditionGroup[]> {
    const fields = await this.fieldsOf(q);
    const groups: ConditionGroup[] = [];
    if (q.keywords?.length) groups.push({ mode: 'MatchAll', items: keywordConditions(q.companyHandle, q.keywords) });
    const sys = q.systemFields;
    if (sys?.items.length) {
      groups.push({ mode: sys.mode ?? 'MatchAll', items: sys.items.map((c, i) => systemFieldCondition(q.companyHandle, c, `${sys.path}.items[${i}]`)) });
    }
    const tags = q.tags;
    if (tags?.items.length) {
      groups.push({ mode: tags.mode ?? 'MatchAll', items: tags.items.map((c, i) => tagCondition(fields.get(c.fieldHandle)!, c, `${tags.path}.items[${i}]`)) });
    }
    const md = q.metadata;
    if (md?.items.length) {
      groups.push({ mode: md.mode ?? 'MatchAll', items: md.items.map((c, i) => metadataCondition(fields.get(c.fieldHandle)!, c, `${md.path}.items[${i}]`)) });
    }
    return groups;
  }

  /** The fields the tag and metadata conditions name, all of the company (30001 naming the first that is not). */
  private async fieldsOf(q: AssetQuery): Promise<Map<string, MetadataFieldRow>> {
    const named = [
      ...(q.tags?.items ?? []).map((c, i) => ({ handle: c.fieldHandle, path: `${q.tags!.path}.items[${i}].fieldHandle` })),
      ...(q.metadata?.items ?? []).map((c, i) => ({ handle: c.fieldHandle, path: `${q.metadata!.path}.items[${i}].fieldHandle` })),
    ];
    const fields = await companyFields(
      this.deps.metadata,
      q.companyHandle,
      named.map((n) => n.handle),
    );
    const unknown = named.find((n) => !fields.has(n.handle));
    if (unknown) throw faults.notFound(unknown.path, 'metadata field of the company', unknown.handle);
    return fields;
  }
}

/** The company's fields among `handles`, by handle (a handle missing from the map is not a field of the company). */
export async function companyFields(metadata: MetadataRepository, companyHandle: string, handles: readonly string[]): Promise<Map<string, MetadataFieldRow>> {
  return new Map((await metadata.findFields(companyHandle, handles)).map((f) => [f.field_handle, f]));
}
