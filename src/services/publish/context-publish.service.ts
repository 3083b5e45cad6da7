import { Readable } from 'node:stream';
import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import { AssetNotLiveError } from '../../adapters/repositories/asset-not-live.error.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { ContextPublicationRepository, ContextPublishedAssetRow } from '../../adapters/repositories/context-publication.repository.js';
import { filesForced } from '../../adapters/repositories/republish-marks.js';
import { type PublishDirectory, PublishPathError, safeSegment } from '../../adapters/publish/publish-directory.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import type { VideoRepository } from '../../adapters/repositories/video.repository.js';
import { nowIso } from '../../domain/handles.js';
import { IS_SET_TYPES } from '../../domain/is-publish.js';
import { type FilePublishContext, SERVER_DIRECTORY_TEMPLATE_TYPES, contextTakes } from '../../domain/publish-contexts.js';
import type { AssetRef, FileResult, JobIdentity } from '../../jobs/contracts.js';
import type { ItemLedger } from '../assets/item-ledger.js';
import { itemLogTypes } from '../job-items.js';
import { publishedKey } from './is-publish.service.js';
import { type AssetDetail, SETTLED_COUNTERS, assetEntry, notPublishedKey, recordPublished } from './publish-entries.js';

/** Assets per page handed to the workflow (handles and names only). */
export const CONTEXT_PUBLISH_PAGE = 200;

const CONTEXT_NAMES: Record<FilePublishContext, string> = { ImageRendering: 'Image Rendering', ServerDirectory: 'the server directory', Video: 'Video' };

/** One file of an asset in the server directory: where (safe segments under the root) and its bytes. */
interface PlannedFile {
  segments: string[];
  /** the storage key it is copied from, when it is a stored file */
  key?: string;
  open(): Readable;
}

/** A company's root segment and the safe segments of an asset's folder below it (the folder path carries the root first). */
export function folderSegments(rootPath: string, folder: string): string[] {
  const root = rootPath.replace(/\/$/, '');
  const parts = folder.split('/').filter((p) => p.length > 0);
  if (parts[0] === root) parts.shift();
  return [root, ...parts].map(safeSegment);
}

export interface ContextPublishDeps {
  storage: StorageDriver;
  assets: AssetRepository;
  companies: CompanyRepository;
  ledger: ItemLedger;
  contextPublications: ContextPublicationRepository;
  publishDirectory: PublishDirectory;
  videos: VideoRepository;
}

/**
 * ImageRenderingPublishJob, ServerDirectoryPublishJob and VideoPublishJob
 * (docs/jobs/publishing.md): bring the company's Image Rendering, Server Directory
 * or Video context in line with its assets marked for publish. None of them
 * has a publishType,
 * so every run is a full one: each marked asset the context takes is
 * (re)published, and whatever the context holds that is no longer marked,
 * trashed or deleted is removed. Each asset is one idempotent step (its
 * job-log row, counters and record in one transaction).
 *
 * Image Rendering: a record per asset (there is no rendering engine to hand
 * files to). Server Directory: the asset's files written under
 * SERVER_PUBLISH_ROOT/<company root>/<folders>/ (see PublishDirectory).
 * Video: the MP4 and thumbnail under storage keys of the publish's own,
 * streamed by VideoDeliveryService.
 */
export class ContextPublishService {
  constructor(private readonly deps: ContextPublishDeps) {}

  async count(companyHandle: string, context: FilePublishContext): Promise<number> {
    return (
      (await this.deps.contextPublications.countCandidates(companyHandle, context)) +
      (await this.deps.contextPublications.countRemovals(companyHandle, context))
    );
  }

  /** Candidates are walked first (`p:<after>`), then the removals (`r:<after>`). */
  async page(companyHandle: string, context: FilePublishContext, cursor: string | null): Promise<{ items: AssetRef[]; next: string | null }> {
    const removing = cursor?.startsWith('r:') ?? false;
    const after = cursor ? cursor.slice(2) || null : null;
    const rows = removing
      ? await this.deps.contextPublications.listRemovals(companyHandle, context, after, CONTEXT_PUBLISH_PAGE)
      : await this.deps.contextPublications.listCandidates(companyHandle, context, after, CONTEXT_PUBLISH_PAGE);
    const items = rows.map((r) => ({ assetHandle: r.asset_handle, name: r.name }));
    if (rows.length === CONTEXT_PUBLISH_PAGE) return { items, next: `${removing ? 'r:' : 'p:'}${rows[rows.length - 1]!.asset_handle}` };
    return { items, next: removing ? null : 'r:' };
  }

  /** One asset: its state decides (marked and taken by the context → publish; published but not → remove), not the list it came from. */
  async publish(job: JobIdentity, context: FilePublishContext, ref: AssetRef): Promise<FileResult> {
    const recorded = await this.deps.ledger.recorded(job, ref.assetHandle);
    if (recorded) return recorded;
    const asset = await this.deps.assets.findByHandle(job.companyHandle, ref.assetHandle);
    const current = await this.deps.contextPublications.find(job.companyHandle, context, ref.assetHandle);
    if (asset && asset.trash_state === 'NotInTrash' && asset.ready_for_publish === 1 && contextTakes(context, asset)) {
      try {
        return await this.put(job, context, asset, current);
      } catch (err) {
        // A name that cannot be a file, a link in the way: this asset's error, the job carries on.
        if (err instanceof PublishPathError) return this.fail(job, ref, err.message);
        throw err;
      }
    }
    if (current) return this.unpublish(job, context, ref, current);
    // Listed, then unmarked or trashed before its turn: nothing is or was published for it.
    return this.deps.ledger.record(
      job,
      assetEntry(ref, 'success', { logType: itemLogTypes(job).success, messageKey: notPublishedKey(asset), messageArgs: { path: ref.name } }, SETTLED_COUNTERS),
    );
  }

  fail(job: JobIdentity, ref: AssetRef, reason: string): Promise<FileResult> {
    return this.deps.ledger.error(job, ref, reason);
  }

  private async put(job: JobIdentity, context: FilePublishContext, asset: AssetRow, current: ContextPublishedAssetRow | undefined): Promise<FileResult> {
    const ref = { assetHandle: asset.asset_handle, name: asset.name };
    let paths: string[] = [];
    if (context === 'ServerDirectory') {
      const planned = await this.planFiles(asset);
      paths = planned.map((f) => f.segments.join('/'));
      const owners = await this.deps.contextPublications.fileOwners(paths);
      const taken = paths.find((p) => owners.has(p) && owners.get(p)!.owner !== asset.asset_handle);
      if (taken) return this.fail(job, ref, `${taken} in the server directory is already published for another asset`);
      // Replaced meanwhile (an upload deletes the previous version's keys): the next publish takes the new version.
      for (const file of planned)
        if (file.key && !(await this.deps.storage.exists(file.key))) return this.fail(job, ref, `${file.segments.at(-1)} is missing from storage`);
      for (const file of planned) await this.deps.publishDirectory.write(file.segments, file.open());
    }
    let mediaKey: string | null = null;
    let thumbnailKey: string | null = null;
    if (context === 'Video') {
      // forceRepublishAssets with republishFiles: the published copies are made afresh, not kept.
      const rewrite = current !== undefined && filesForced(current);
      const media = await this.videoMedia(asset);
      if (media) {
        mediaKey = await this.link(asset, media, rewrite);
        if (!mediaKey) return this.fail(job, ref, 'the MP4 is missing from storage');
      }
      if (asset.optimized_key) {
        thumbnailKey = await this.link(asset, asset.optimized_key, rewrite);
        if (!thumbnailKey) return this.fail(job, ref, 'the thumbnail is missing from storage');
      }
      if (!mediaKey && !thumbnailKey) return this.fail(job, ref, 'nothing to publish: no MP4 (encoding) and no thumbnail; reprocess it with mediaOptions');
    }
    const at = nowIso();
    const row: ContextPublishedAssetRow = {
      company_handle: asset.company_handle,
      context,
      asset_handle: asset.asset_handle,
      name: asset.name,
      name_key: asset.name_key,
      asset_type: asset.type,
      version: asset.version,
      sha256: asset.sha256,
      source_key: asset.optimized_key,
      source_modified: asset.last_modified,
      files_json: context === 'ServerDirectory' ? JSON.stringify(paths) : null,
      media_key: mediaKey,
      thumbnail_key: thumbnailKey,
      published_at: at,
      job_handle: job.jobHandle,
    };
    const detail: AssetDetail =
      context === 'ServerDirectory'
        ? {
            logType: itemLogTypes(job).success,
            messageKey: current ? 'directoryRepublished' : 'directoryPublished',
            messageArgs: { path: asset.name, files: paths.join(', ') },
          }
        : {
            logType: itemLogTypes(job).success,
            messageKey: current ? 'contextRepublished' : 'contextPublished',
            messageArgs: { path: asset.name, context: CONTEXT_NAMES[context] },
          };
    const assetType = asset.type === 'Image' ? (context === 'ImageRendering' ? 'OptimizedImage' : 'MasterImage') : asset.type;
    let published: Awaited<ReturnType<typeof recordPublished>>;
    try {
      published = await recordPublished(this.deps.ledger, job, ref, current !== undefined, { ...detail, assetType }, async (repos) => {
        const repo = repos.contextPublications;
        await repo.holdPublishable(asset.asset_handle);
        await repo.put(row);
        if (context === 'ServerDirectory') await repo.replaceFiles(asset.company_handle, context, asset.asset_handle, paths);
      });
    } catch (err) {
      if (!(err instanceof AssetNotLiveError)) throw err;
      // Trashed or unmarked since it was read: what this attempt wrote beyond the previous publish goes, and the
      // item settles on the asset's state now (what was published before is withdrawn, or nothing was).
      const previous = current?.files_json ? (JSON.parse(current.files_json) as string[]) : [];
      await this.removeFiles(paths.filter((p) => !previous.includes(p)));
      for (const key of [mediaKey, thumbnailKey]) if (key && key !== current?.media_key && key !== current?.thumbnail_key) await this.deps.storage.delete(key);
      return this.publish(job, context, ref);
    }
    const { result, wrote } = published;
    if (!wrote) return result;
    // Files of the previous publish the new one no longer has (the asset was renamed or moved).
    if (current?.files_json) await this.removeFiles((JSON.parse(current.files_json) as string[]).filter((p) => !paths.includes(p)));
    // The previous version's published keys go once the new record is committed.
    if (current)
      for (const key of [current.media_key, current.thumbnail_key]) if (key && key !== mediaKey && key !== thumbnailKey) await this.deps.storage.delete(key);
    return result;
  }

  private async unpublish(job: JobIdentity, context: FilePublishContext, ref: AssetRef, current: ContextPublishedAssetRow): Promise<FileResult> {
    const named = { assetHandle: ref.assetHandle, name: current.name };
    const files = current.files_json ? (JSON.parse(current.files_json) as string[]) : [];
    const messageArgs = { path: current.name, context: CONTEXT_NAMES[context] };
    const result = await this.deps.ledger.record(
      job,
      assetEntry(named, 'success', { logType: itemLogTypes(job).success, messageKey: 'contextUnpublished', messageArgs }, SETTLED_COUNTERS, async (repos) => {
        const repo = repos.contextPublications;
        await repo.remove(current.company_handle, context, current.asset_handle);
        if (context === 'ServerDirectory') await repo.replaceFiles(current.company_handle, context, current.asset_handle, []);
      }),
    );
    await this.removeFiles(files);
    for (const key of [current.media_key, current.thumbnail_key]) if (key) await this.deps.storage.delete(key);
    return result;
  }

  /**
   * The MP4 `/is/content` streams for a video: an encoding's own file, a
   * master's first encoding (VideoInfo optimizedFile), else a master that is
   * itself an MP4; null when there is none (an AVI master never encoded).
   */
  private async videoMedia(asset: AssetRow): Promise<string | null> {
    const info = await this.deps.videos.find(asset.asset_handle);
    return info?.encoded_key ?? (asset.format === 'mp4' ? asset.original_key : null);
  }

  /**
   * The published key for `source`, linked in if not there yet (storage copy: a
   * hard link on local disk), so a later re-encode or new thumbnail, which
   * deletes the asset's previous files, never breaks what is served; with
   * `rewrite` it is linked in again (storage copy replaces it atomically);
   * null when the source is gone (replaced meanwhile: the next publish takes the new one).
   */
  private async link(asset: AssetRow, source: string, rewrite: boolean): Promise<string | null> {
    const key = publishedKey(asset.company_handle, asset.asset_handle, `video:${source}`);
    if (!rewrite && (await this.deps.storage.exists(key))) return key;
    if (!(await this.deps.storage.exists(source))) return null;
    await this.deps.storage.copy(source, key);
    return key;
  }

  /**
   * An asset's files in the server directory: an image's original under its
   * uploaded file name and its optimised pyramid TIFF as `<name>.ptif`; a
   * template's file; a set's definition as `<name>.set.json`.
   */
  private async planFiles(asset: AssetRow): Promise<PlannedFile[]> {
    const company = await this.deps.companies.findByHandle(asset.company_handle);
    if (!company) throw new PublishPathError('the company no longer exists');
    const dir = folderSegments(company.root_path, asset.folder);
    const fromStorage = (fileName: string, key: string): PlannedFile => ({
      segments: [...dir, safeSegment(fileName)],
      key,
      open: () => this.deps.storage.read(key),
    });
    if (IS_SET_TYPES.includes(asset.type)) {
      const definition = await this.deps.contextPublications.setDefinition(asset.asset_handle);
      const members = await this.deps.contextPublications.setMemberNames(asset.company_handle, asset.asset_handle);
      const doc = `${JSON.stringify({ name: asset.name, type: asset.type, subType: asset.sub_type, setDefinition: definition, members }, null, 2)}\n`;
      return [{ segments: [...dir, safeSegment(`${asset.name}.set.json`)], open: () => Readable.from([Buffer.from(doc)]) }];
    }
    const files = [fromStorage(asset.file_name, asset.original_key)];
    if (SERVER_DIRECTORY_TEMPLATE_TYPES.includes(asset.type)) return files;
    // An uploaded `x.ptif` is its own pyramid: the original is written once.
    const optimized = `${asset.name}.ptif`;
    if (asset.optimized_key && optimized.toLowerCase() !== asset.file_name.toLowerCase()) files.push(fromStorage(optimized, asset.optimized_key));
    return files;
  }

  private async removeFiles(paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    const owners = await this.deps.contextPublications.fileOwners(paths);
    for (const p of paths) if (!owners.has(p)) await this.deps.publishDirectory.remove(p.split('/'));
  }
}
