import type { AssetExtrasRepository, AssetValueRow } from '../../adapters/repositories/asset-extras.repository.js';
import type { AssetRow } from '../../adapters/repositories/asset.repository.js';
import type { SetRepository } from '../../adapters/repositories/set.repository.js';
import type { VideoInfoRow, VideoRepository } from '../../adapters/repositories/video.repository.js';
import { type MetadataFieldType, TAG_TYPES } from '../../domain/metadata.js';
import type * as S from '../../domain/schemas/asset.schema.js';
import { folderHandleOf } from '../../domain/schemas/folder.schema.js';
import type { AssetSummary, MetadataValue } from '../../domain/schemas/metadata-search.schema.js';

export interface AssetRepliesDeps {
  sets: SetRepository;
  videos: VideoRepository;
  assetExtras: AssetExtrasRepository;
}

/**
 * The one place catalog rows become IPS Assets (getAssets, searchAssets,
 * getAssetsByName, getAssociatedAssets) and AssetSummaries
 * (searchAssetsByMetadata): set definitions, video facts, metadata values
 * and project names are each read in one query for all the rows.
 */
export class AssetReplies {
  constructor(private readonly deps: AssetRepliesDeps) {}

  /** Rows → Assets, in the rows' order. */
  async assets(rows: readonly AssetRow[]): Promise<S.Asset[]> {
    const byHandle = await this.byHandle(rows);
    return rows.map((r) => byHandle.get(r.asset_handle)!);
  }

  /** Rows → Assets by handle (a row given twice is read once). */
  async byHandle(rows: readonly AssetRow[]): Promise<Map<string, S.Asset>> {
    const unique = [...new Map(rows.map((r) => [r.asset_handle, r])).values()];
    const handles = unique.map((r) => r.asset_handle);
    const setHandles = unique.filter((r) => r.type === 'AssetSet').map((r) => r.asset_handle);
    const videoHandles = unique.filter((r) => r.type === 'Video').map((r) => r.asset_handle);
    const [definitions, videos, values, projects] = await Promise.all([
      setHandles.length ? this.deps.sets.definitions(setHandles) : new Map<string, { definition: string }>(),
      videoHandles.length ? this.deps.videos.byHandles(videoHandles) : new Map<string, VideoInfoRow>(),
      // Hidden fields are hidden in the UI (Adobe IPS: data-types/r-metadata-field); an API reply carries them (docs/search.md).
      this.deps.assetExtras.values(handles, { withHidden: true }),
      this.deps.assetExtras.projectNames(handles),
    ]);
    return new Map(
      unique.map((r) => {
        const asset = toAsset(r, definitions.get(r.asset_handle)?.definition, videos.get(r.asset_handle));
        return [r.asset_handle, withExtras(asset, values.get(r.asset_handle), projects.get(r.asset_handle))];
      }),
    );
  }

  /** Rows → AssetSummaries carrying the values of `fieldHandles` (none when empty). */
  async summaries(rows: readonly AssetRow[], fieldHandles: readonly string[]): Promise<AssetSummary[]> {
    const values = fieldHandles.length
      ? await this.deps.assetExtras.values(
          rows.map((r) => r.asset_handle),
          { fieldHandles, withHidden: true },
        )
      : new Map<string, AssetValueRow[]>();
    return rows.map((r) => {
      const metadata = metadataOf(values.get(r.asset_handle));
      return {
        assetHandle: r.asset_handle,
        type: r.type,
        name: r.name,
        folder: r.folder,
        filename: r.file_name,
        created: r.created,
        ...(r.create_user ? { createUser: r.create_user } : {}),
        lastModified: r.last_modified,
        ...(r.last_modify_user ? { lastModifyUser: r.last_modify_user } : {}),
        ...(metadata.length ? { metadataArray: { items: metadata } } : {}),
      };
    });
  }
}

/** Projects: the names, sorted, joined with "," (Adobe IPS: data-types/r-asset, "List of project names"). */
function withExtras(asset: S.Asset, values: readonly AssetValueRow[] | undefined, projects: readonly string[] | undefined): S.Asset {
  const metadata = metadataOf(values);
  return {
    ...asset,
    ...(projects?.length ? { projects: projects.join(',') } : {}),
    ...(metadata.length ? { metadataArray: { items: metadata } } : {}),
  };
}

/** One Metadata per field (the rows come grouped by field, a tag field's values in their order). */
export function metadataOf(rows: readonly AssetValueRow[] | undefined): MetadataValue[] {
  const out: MetadataValue[] = [];
  let current: { handle: string; type: MetadataFieldType; name: string; values: AssetValueRow[] } | undefined;
  const flush = () => {
    if (current) out.push(metadataValue(current.name, current.type, current.values));
  };
  for (const r of rows ?? []) {
    if (current?.handle !== r.field_handle) {
      flush();
      current = { handle: r.field_handle, type: r.field_type as MetadataFieldType, name: r.field_name, values: [] };
    }
    current.values.push(r);
  }
  flush();
  return out;
}

/** A field's value as Metadata: the text as set, the typed form of its type, a tag field's tags in valueArray. */
function metadataValue(name: string, type: MetadataFieldType, rows: readonly AssetValueRow[]): MetadataValue {
  const first = rows[0]!;
  if (TAG_TYPES.has(type)) {
    const tags = rows.map((r) => r.value);
    return { name, value: tags.join(','), valueArray: { items: tags } };
  }
  switch (type) {
    case 'Boolean':
      return { name, value: first.value, boolVal: first.num_value === 1 };
    case 'Int':
      return { name, value: first.value, ...(first.num_value !== null ? { longVal: Math.trunc(first.num_value) } : {}) };
    case 'Float':
      return { name, value: first.value, ...(first.num_value !== null ? { doubleVal: first.num_value } : {}) };
    case 'Date':
      return { name, value: first.value, ...(first.date_value !== null ? { dateVal: first.date_value } : {}) };
    default:
      return { name, value: first.value };
  }
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
