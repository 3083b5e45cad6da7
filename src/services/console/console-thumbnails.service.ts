import { createHash } from 'node:crypto';
import { UnreadableImageError } from '../../adapters/media/media-errors.js';
import { IsLimitError } from '../../adapters/media/image-serving/is-renderer.js';
import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { JobLogRepository } from '../../adapters/repositories/job-log.repository.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import type { ThumbnailCache } from '../../adapters/storage/thumbnail-cache.js';
import { parseIsQuery } from '../../domain/image-serving/is-parser.js';
import type { IsRequest } from '../../domain/image-serving/is-request.js';
import type { IsRender } from '../export/export.service.js';
import { REPROCESS_JOB_TYPE, type ReprocessPair, reprocessPair } from './reprocess-pair.js';
import { THUMBNAIL_SIZES, type ThumbnailReply, type ThumbnailSize, matchesEtag, noPicture, notModified, picture, thumbnailSize } from './thumbnail-reply.js';

export { THUMBNAIL_SIZES, type ThumbnailKind, type ThumbnailReply } from './thumbnail-reply.js';
export type { ReprocessPair } from './reprocess-pair.js';

export interface ConsoleThumbnailDeps {
  storage: StorageDriver;
  assets: AssetRepository;
  companies: CompanyRepository;
  jobLogs: JobLogRepository;
  /** the Image Serving renderer `/is/image` uses */
  renderIsImage: IsRender;
  thumbnailCache: ThumbnailCache;
  /** IS_MAX_PIXELS, as for /is/image: a thumbnail is far below it, but the renderer's work limits follow from it */
  thumbnails: { maxPixels: number };
}

/**
 * The companies a console user sees: their memberships' handles, or
 * undefined for an IpsAdmin, who sees every company.
 */
export type CompanyScope = readonly string[] | undefined;

/**
 * The console's pictures: an asset's thumbnail in the grid, and the before
 * and after of an image a reprocess job changed. Each is the stored file
 * rendered by the Image Serving engine (`wid`/`hei`, `fit=constrain`, JPEG
 * quality 80: never enlarged), kept in a bounded disk cache named by the stored
 * key and the size. Stored keys are never rewritten with other bytes (every
 * job and upload writes under keys of its own, docs/architecture.md#storage-layout),
 * so a cached thumbnail and its ETag stay right for as long as they exist.
 */
export class ConsoleThumbnailService {
  private readonly requests = new Map<ThumbnailSize, IsRequest>(
    THUMBNAIL_SIZES.map((s) => [s, parseIsQuery(`wid=${s}&hei=${s}&fit=constrain&fmt=jpeg&qlt=80`)]),
  );
  /** renders in progress by cache entry: the grid's many requests for one picture share one render */
  private readonly rendering = new Map<string, Promise<Buffer | ThumbnailReply>>();

  constructor(private readonly deps: ConsoleThumbnailDeps) {}

  /**
   * The asset's current picture: its pyramid (an image's, a document's or a
   * video's thumbnail) when it has one, otherwise an image's original; other
   * assets have none. Another company's asset answers as an unknown one.
   */
  async assetThumbnail(scope: CompanyScope, assetHandle: string, size: number, ifNoneMatch?: string): Promise<ThumbnailReply> {
    const edge = thumbnailSize(size);
    const asset = await this.findAsset(scope, assetHandle);
    if (!asset) return noPicture('not-found');
    const key = asset.optimized_key ?? (asset.type === 'Image' ? asset.original_key : undefined);
    if (!key) return noPicture('none');
    return this.thumbnail(key, edge, ifNoneMatch);
  }

  /**
   * What a reprocess job did to one of its items (see ReprocessPair);
   * undefined when the job is not a reprocess job of a company the caller
   * sees, or the asset is not one of its items.
   */
  async beforeAfter(scope: CompanyScope, jobHandle: string, assetHandle: string): Promise<ReprocessPair | undefined> {
    const job = await this.deps.jobLogs.find(jobHandle);
    if (!job || job.job_type !== REPROCESS_JOB_TYPE || !inScope(scope, job.company_handle)) return undefined;
    const item = await this.deps.jobLogs.findItem(jobHandle, assetHandle);
    if (!item) return undefined;
    const asset = await this.deps.assets.findByHandle(job.company_handle, assetHandle);
    return asset ? reprocessPair(jobHandle, item.status, asset) : undefined;
  }

  async beforeAfterThumbnail(
    scope: CompanyScope,
    jobHandle: string,
    assetHandle: string,
    which: 'before' | 'after',
    size: number,
    ifNoneMatch?: string,
  ): Promise<ThumbnailReply> {
    const edge = thumbnailSize(size);
    const pair = await this.beforeAfter(scope, jobHandle, assetHandle);
    if (!pair) return noPicture('not-found');
    if (pair.state !== 'ready') return noPicture(pair.state);
    return this.thumbnail(pair[which], edge, ifNoneMatch);
  }

  private async findAsset(scope: CompanyScope, assetHandle: string): Promise<AssetRow | undefined> {
    // An IpsAdmin's grid shows one company at a time, so this loop is short in practice.
    const companies = scope ?? (await this.deps.companies.list({})).map((c) => c.company_handle);
    for (const companyHandle of companies) {
      const asset = await this.deps.assets.findByHandle(companyHandle, assetHandle);
      if (asset) return asset;
    }
    return undefined;
  }

  private async thumbnail(key: string, size: ThumbnailSize, ifNoneMatch: string | undefined): Promise<ThumbnailReply> {
    const digest = createHash('sha256').update(`${key}\n${size}`).digest('hex').slice(0, 40);
    const etag = `"${digest}"`;
    if (ifNoneMatch && matchesEtag(ifNoneMatch, etag)) return notModified(etag);
    const entry = `${digest}.jpg`;
    const cached = await this.deps.thumbnailCache.read(entry);
    if (cached) return picture(cached, etag);
    let pending = this.rendering.get(entry);
    if (!pending) {
      pending = this.render(key, size, entry).finally(() => this.rendering.delete(entry));
      this.rendering.set(entry, pending);
    }
    const result = await pending;
    return Buffer.isBuffer(result) ? picture(result, etag) : result;
  }

  /** Renders into the cache; a missing or broken file is the reply `unreadable`, never a failed request. */
  private async render(key: string, size: ThumbnailSize, entry: string): Promise<Buffer | ThumbnailReply> {
    const { storage, thumbnailCache, renderIsImage } = this.deps;
    if (!(await storage.exists(key))) return noPicture('unreadable');
    const out = await thumbnailCache.scratchFile();
    try {
      await renderIsImage(await storage.localPath(key), this.requests.get(size)!, out, { maxPixels: this.deps.thumbnails.maxPixels });
      return await thumbnailCache.commit(out, entry);
    } catch (err) {
      await thumbnailCache.discard(out);
      // ENOENT: the file went between the check and the read (a later job replaced it).
      if (err instanceof UnreadableImageError || err instanceof IsLimitError || (err as NodeJS.ErrnoException).code === 'ENOENT')
        return noPicture('unreadable');
      throw err;
    }
  }
}

function inScope(scope: CompanyScope, companyHandle: string): boolean {
  return scope === undefined || scope.includes(companyHandle);
}
