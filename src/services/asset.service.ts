import type { z } from 'zod';
import type { AssetCondition, AssetRepository, AssetRow, AssetSearch } from '../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../adapters/repositories/company.repository.js';
import type { SetRepository } from '../adapters/repositories/set.repository.js';
import type { VideoInfoRow, VideoRepository } from '../adapters/repositories/video.repository.js';
import { faults } from '../domain/faults.js';
import { nowIso } from '../domain/handles.js';
import { normalizeFolder } from '../domain/folders.js';
import type * as S from '../domain/schemas/asset.schema.js';
import { folderHandleOf } from '../domain/schemas/folder.schema.js';
import type { Principal } from './principal.js';
import { LAYER_ENGINE } from './psd/psd-layer.service.js';
import { RIP_ENGINE } from './rip/document-rip.service.js';

type In<T extends z.ZodType> = z.output<T>;
type Out<T extends z.ZodType> = z.input<T>;

const SORT_COLUMNS = {
  Created: 'created',
  Modified: 'last_modified',
  Name: 'name_key',
  AssetType: 'type',
  FileSize: 'file_size',
} as const;

const CONDITION_COLUMNS = {
  Name: 'name',
  FileName: 'file_name',
  CreateUser: 'create_user',
  LastModifyUser: 'last_modify_user',
  FileSize: 'file_size',
  Created: 'created',
  LastModified: 'last_modified',
} as const;

/**
 * The `asset_derivations.engine` values behind each IPS byproduct engine. A
 * set-like byproduct is recorded under its own key (the eCatalog under
 * 'Catalog', the PSD template under 'PsdTemplate', see upsertSetByproduct) so
 * a source keeps one of each, yet in IPS terms the rip and the layer split made
 * them. ImageConvert, SceneAuthoring and Aco byproducts are never made here, so
 * their conditions are accepted and hide nothing.
 */
const DERIVATION_ENGINES: Record<S.ByproductEngine, readonly string[]> = {
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
const DEFAULT_EXCLUDED_BYPRODUCTS: readonly S.ExcludeByproductCondition[] = [
  { engine: 'PostScriptRip', generatedAssetType: 'Image' },
  { engine: 'PhotoshopLayers', generatedAssetType: 'Image' },
];

export class AssetService {
  constructor(private readonly deps: { assets: AssetRepository; companies: CompanyRepository; sets?: SetRepository; videos?: VideoRepository }) {}

  /** Rows → IPS assets, set definitions looked up in one query. */
  private async toAssets(rows: readonly AssetRow[]): Promise<S.Asset[]> {
    const setHandles = rows.filter((r) => r.type === 'AssetSet').map((r) => r.asset_handle);
    const definitions = this.deps.sets && setHandles.length ? await this.deps.sets.definitions(setHandles) : new Map();
    const videoHandles = rows.filter((r) => r.type === 'Video').map((r) => r.asset_handle);
    const videos = this.deps.videos && videoHandles.length ? await this.deps.videos.byHandles(videoHandles) : new Map<string, VideoInfoRow>();
    return rows.map((r) => toAsset(r, definitions.get(r.asset_handle)?.definition, videos.get(r.asset_handle)));
  }

  async searchAssets(p: In<typeof S.searchAssetsParam>): Promise<Out<typeof S.searchAssetsReturn>> {
    const company = await this.deps.companies.findByHandle(p.companyHandle);
    if (!company) throw faults.notFound('companyHandle', 'company', p.companyHandle);
    const perPage = p.recordsPerPage ?? 1000;
    const search: AssetSearch = {
      companyHandle: p.companyHandle,
      folder:
        p.folder !== undefined || !p.includeSubfolders
          ? { path: normalizeFolder(p.folder, company.root_path, 'folder'), includeSubfolders: p.includeSubfolders }
          : undefined,
      types: p.assetTypeArray,
      excludeTypes: p.excludeAssetTypeArray,
      subTypes: p.assetSubTypeArray ? { values: p.assetSubTypeArray, strict: p.strictSubTypeCheck ?? false } : undefined,
      readyForPublish: p.publishState === undefined ? undefined : p.publishState === 'MarkedForPublish',
      trashState: p.trashState ?? 'NotInTrash',
      // A present array, even an empty one, overrides the flag (Adobe IPS: operation-methods/operation-parameters/r-search-assets).
      excludeByproducts: (p.excludeByproductArray ?? (p.excludeByproducts ? DEFAULT_EXCLUDED_BYPRODUCTS : [])).map((c) => ({
        engines: DERIVATION_ENGINES[c.engine],
        type: c.generatedAssetType,
      })),
      conditions: {
        mode: p.systemFieldMatchMode ?? 'MatchAll',
        items: (p.systemFieldConditionArray ?? []).map((c, i) => toCondition(c, `systemFieldConditionArray.items[${i}]`)),
      },
      sort: {
        column: SORT_COLUMNS[p.sortBy ?? 'Name'],
        direction: p.sortDirection === 'Descending' ? 'desc' : 'asc',
      },
      limit: perPage,
      offset: ((p.resultsPage ?? 1) - 1) * perPage,
    };
    const { total, rows } = await this.deps.assets.search(search);
    return { totalRows: total, assetArray: { items: await this.toAssets(rows) } };
  }

  /** Unknown handles are simply absent (as IPS does); order follows the request. */
  async getAssets(p: In<typeof S.getAssetsParam>): Promise<Out<typeof S.getAssetsReturn>> {
    const rows = await this.deps.assets.findByHandles(p.companyHandle, [...new Set(p.assetHandleArray)]);
    const byHandle = new Map(rows.map((r) => [r.asset_handle, r]));
    const ordered = p.assetHandleArray.map((h) => byHandle.get(h)).filter((r): r is AssetRow => r !== undefined);
    return { assetArray: { items: await this.toAssets([...new Set(ordered)]) } };
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

function toCondition(c: S.SystemFieldCondition, field: string): AssetCondition {
  const column = CONDITION_COLUMNS[c.field];
  const numeric = column === 'file_size';
  const isDate = column === 'created' || column === 'last_modified';
  const iso = (d: string) => new Date(d).toISOString();
  if (c.op === 'Between' || c.op === 'NotBetween') {
    const min = numeric ? c.minLong : isDate && c.minDate ? iso(c.minDate) : undefined;
    const max = numeric ? c.maxLong : isDate && c.maxDate ? iso(c.maxDate) : undefined;
    if (min === undefined || max === undefined) throw faults.invalid(field, `minLong/maxLong or minDate/maxDate matching field ${c.field}`, c);
    return { column, op: c.op, min, max };
  }
  if (c.value !== undefined) {
    if (!['Equals', 'NotEquals', 'Contains', 'NotContains', 'StartsWith', 'EndsWith'].includes(c.op)) {
      throw faults.invalid(`${field}.op`, 'a string operator (Equals, NotEquals, Contains, NotContains, StartsWith, EndsWith) with value', c.op);
    }
    return { column, op: c.op as 'Equals', text: c.value };
  }
  const value = numeric ? c.longVal : isDate && c.dateVal ? iso(c.dateVal) : undefined;
  if (value === undefined) throw faults.invalid(field, `a value form matching field ${c.field}`, c);
  if (['Contains', 'NotContains', 'StartsWith', 'EndsWith'].includes(c.op)) {
    throw faults.invalid(`${field}.op`, 'a comparison operator for a number or date', c.op);
  }
  return { column, op: c.op as 'Equals', value };
}

/** Catalog row → IPS Asset (Adobe IPS: data-types/r-asset), with the info block its type calls for. */
export function toAsset(row: AssetRow, setDefinition?: string, video?: VideoInfoRow): S.Asset {
  const original = splitKey(row.original_key);
  const fileInfo = { originalPath: original.path, originalFile: original.file, fileSize: Number(row.file_size) };
  const base: S.Asset = {
    assetHandle: row.asset_handle,
    type: row.type,
    ...(row.sub_type ? { subType: row.sub_type } : {}),
    name: row.name,
    fileName: row.file_name,
    folder: row.folder,
    folderHandle: folderHandleOf(row.folder),
    readyForPublish: row.ready_for_publish === 1,
    trashState: row.trash_state as S.Asset['trashState'],
    created: row.created,
    ...(row.create_user ? { createUser: row.create_user } : {}),
    lastModified: row.last_modified,
    ...(row.last_modify_user ? { lastModifyUser: row.last_modify_user } : {}),
  };
  switch (row.type) {
    case 'Image': {
      const optimized = row.optimized_key ? splitKey(row.optimized_key) : undefined;
      const mask = row.mask_key ? splitKey(row.mask_key) : undefined;
      return {
        ...base,
        imageInfo: {
          ...fileInfo,
          ...(optimized ? { optimizedPath: optimized.path, optimizedFile: optimized.file } : {}),
          ...(mask ? { maskPath: mask.path, maskFile: mask.file } : {}),
          ...(row.width !== null ? { width: row.width } : {}),
          ...(row.height !== null ? { height: row.height } : {}),
          ...(row.resolution !== null ? { resolution: row.resolution } : {}),
        },
      };
    }
    case 'Pdf':
      return { ...base, pdfInfo: fileInfo };
    case 'PostScript':
      return { ...base, postScriptInfo: fileInfo };
    case 'Illustrator':
      return { ...base, illustratorInfo: fileInfo };
    case 'AssetSet':
      return setDefinition === undefined ? base : { ...base, assetSetInfo: { setDefinition } };
    case 'Video':
      return { ...base, videoInfo: videoInfoOf(row, fileInfo, video) };
    default:
      return base;
  }
}

/**
 * VideoInfo: the thumbnail pyramid is the image; the optimised file is a
 * master's first encoding, or an encoding's own MP4 (what a video publish
 * would deliver); probe facts are extensions.
 */
function videoInfoOf(
  row: AssetRow,
  fileInfo: { originalPath: string; originalFile: string; fileSize: number },
  video: VideoInfoRow | undefined,
): NonNullable<S.Asset['videoInfo']> {
  const image = row.optimized_key ? splitKey(row.optimized_key) : undefined;
  const optimized = video?.encoded_key ? splitKey(video.encoded_key) : undefined;
  return {
    ...fileInfo,
    ...(image ? { imagePath: image.path, imageFile: image.file } : {}),
    ...(optimized ? { optimizedPath: optimized.path, optimizedFile: optimized.file } : {}),
    ...(video
      ? {
          width: video.width,
          height: video.height,
          durationMs: video.duration_ms,
          frameRate: video.frame_rate,
          videoCodec: video.video_codec,
          ...(video.audio_codec ? { audioCodec: video.audio_codec } : {}),
          bitrate: video.bitrate,
        }
      : {}),
  };
}

function splitKey(key: string): { path: string; file: string } {
  const slash = key.lastIndexOf('/');
  return { path: key.slice(0, slash + 1), file: key.slice(slash + 1) };
}
