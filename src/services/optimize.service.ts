import { createHash } from 'node:crypto';
import type { AssetRepository } from '../adapters/repositories/asset.repository.js';
import { AssetNotLiveError } from '../adapters/repositories/asset-not-live.error.js';
import { UnreadableImageError } from '../adapters/media/media-errors.js';
import type { MediaRepository } from '../adapters/media/media.repository.js';
import type { Scratch } from '../adapters/storage/scratch.js';
import type { StorageDriver } from '../adapters/storage/storage.driver.js';
import type { DetectedFormat } from '../domain/asset-types.js';
import { nowIso } from '../domain/handles.js';
import type { AssetRef, FileResult, JobIdentity } from '../jobs/contracts.js';
import type { ItemLedger } from './assets/item-ledger.js';
import { OPTIMIZER_VERSION, writePyramid } from './assets/pyramid.js';
import { keyPart } from './assets/storage-keys.js';
import { type ItemProgress, NO_PROGRESS } from './item-progress.js';

export interface OptimizeDeps {
  storage: StorageDriver;
  scratch: Scratch;
  media: MediaRepository;
  assets: AssetRepository;
  ledger: ItemLedger;
}

/**
 * OptimizeImagesJob's per-asset step: rebuild the pyramid TIFF from the
 * untouched original. The new file gets a key of its own (derived from the
 * job, so a retry rewrites the same one); the catalog switches to it in the
 * same transaction that logs the result, and only then is the old one removed.
 */
export class OptimizeService {
  constructor(private readonly deps: OptimizeDeps) {}

  async countToOptimize(companyHandle: string): Promise<number> {
    return this.deps.assets.countNeedingOptimize(companyHandle, OPTIMIZER_VERSION);
  }

  async listToOptimize(companyHandle: string, after: string | null, limit: number): Promise<AssetRef[]> {
    const rows = await this.deps.assets.listNeedingOptimize(companyHandle, OPTIMIZER_VERSION, after, limit);
    return rows.map((r) => ({ assetHandle: r.asset_handle, name: r.name }));
  }

  async optimize(job: JobIdentity, ref: AssetRef, progress: ItemProgress = NO_PROGRESS): Promise<FileResult> {
    const done = await this.deps.ledger.recorded(job, ref.assetHandle);
    if (done) return done;
    const asset = await this.deps.assets.findByHandle(job.companyHandle, ref.assetHandle);
    if (!asset) return this.fail(job, ref, 'the asset no longer exists');
    const path = `${asset.folder}${asset.file_name}`;
    const tag = createHash('sha256').update(job.jobHandle).digest('hex').slice(0, 16);
    const key = `optimized/${keyPart(asset.company_handle)}/${keyPart(asset.asset_handle)}/opt-${tag}.ptif`;
    try {
      if (!(await this.deps.storage.exists(asset.original_key))) return await this.fail(job, ref, 'the original file is missing from storage');
      progress.step('reading', 0, 'Reading the original');
      const local = await this.deps.storage.localPath(asset.original_key);
      const format = asset.format as DetectedFormat;
      const probe = await this.deps.media.probe(local, format);
      progress.step('pyramid', 0.2, 'Building the pyramid');
      await writePyramid(this.deps, local, format, key, probe);
      progress.step('commit', 0.9, 'Committing');
      const result = await this.deps.ledger.record(job, {
        itemId: ref.assetHandle,
        status: 'success',
        assetHandle: ref.assetHandle,
        details: [
          {
            logType: 'ReoptimizeSuccess',
            messageKey: 'optimizeSuccess',
            messageArgs: { path },
            assetName: path,
            assetType: 'OptimizedImage',
            assetHandle: ref.assetHandle,
          },
        ],
        counters: ['file_success_count', 'total_file_count'],
        write: (repos) =>
          repos.assets.updateLive(asset.asset_handle, {
            optimized_key: key,
            optimizer_version: OPTIMIZER_VERSION,
            width: probe.width,
            height: probe.height,
            resolution: probe.resolution,
            last_modified: nowIso(),
          }),
      });
      if (asset.optimized_key && asset.optimized_key !== key) await this.deps.storage.delete(asset.optimized_key);
      return result;
    } catch (err) {
      if (err instanceof UnreadableImageError) return this.fail(job, ref, err.message);
      if (err instanceof AssetNotLiveError) {
        await this.deps.storage.delete(key);
        return this.fail(job, ref, err.message);
      }
      throw err;
    }
  }

  async fail(job: JobIdentity, ref: AssetRef, reason: string): Promise<FileResult> {
    const asset = await this.deps.assets.findByHandle(job.companyHandle, ref.assetHandle);
    const path = asset ? `${asset.folder}${asset.file_name}` : ref.name;
    // Not ledger.error: OptimizeImagesJob's rows are Reoptimize* ones naming the optimised image.
    return this.deps.ledger.record(job, {
      itemId: ref.assetHandle,
      status: 'error',
      assetHandle: ref.assetHandle,
      reason,
      details: [
        {
          logType: 'ReoptimizeFailure',
          messageKey: 'optimizeError',
          messageArgs: { path, reason },
          assetName: path,
          assetType: 'OptimizedImage',
          assetHandle: ref.assetHandle,
        },
      ],
      counters: ['file_error_count', 'total_file_count'],
    });
  }
}
