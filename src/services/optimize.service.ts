import { Scratch } from '../adapters/storage/scratch.js';
import { createHash } from 'node:crypto';
import type { AssetRepository } from '../adapters/repositories/asset.repository.js';
import type { JobLogRepository } from '../adapters/repositories/job-log.repository.js';
import { UnreadableImageError } from '../adapters/media/media-errors.js';
import type { MediaRepository } from '../adapters/media/media.repository.js';
import type { StorageDriver } from '../adapters/storage/storage.driver.js';
import type { DetectedFormat } from '../domain/asset-types.js';
import { nowIso } from '../domain/handles.js';
import type { AssetRef, FileResult, JobIdentity } from '../jobs/contracts.js';
import { OPTIMIZER_VERSION, writePyramid } from './assets/pyramid.js';
import { keyPart } from './assets/storage-keys.js';
import { recordedResult } from './job-items.js';
import { type ItemProgress, NO_PROGRESS } from './item-progress.js';

/**
 * OptimizeImagesJob's per-asset step: rebuild the pyramid TIFF from the
 * untouched original. The new file gets a key of its own (derived from the
 * job, so a retry rewrites the same one); the catalog switches to it in the
 * same transaction that logs the result, and only then is the old one removed.
 */
export class OptimizeService {
  constructor(
    private readonly storage: StorageDriver,
    private readonly media: MediaRepository,
    private readonly assets: AssetRepository,
    private readonly jobLogs: JobLogRepository,
  ) {}

  async countToOptimize(companyHandle: string): Promise<number> {
    return this.assets.countNeedingOptimize(companyHandle, OPTIMIZER_VERSION);
  }

  async listToOptimize(companyHandle: string, after: string | null, limit: number): Promise<AssetRef[]> {
    const rows = await this.assets.listNeedingOptimize(companyHandle, OPTIMIZER_VERSION, after, limit);
    return rows.map((r) => ({ assetHandle: r.asset_handle, name: r.name }));
  }

  async optimize(job: JobIdentity, ref: AssetRef, progress: ItemProgress = NO_PROGRESS): Promise<FileResult> {
    const done = await this.jobLogs.findItem(job.jobHandle, ref.assetHandle);
    if (done) return { itemId: ref.assetHandle, status: done.status as FileResult['status'], assetHandle: ref.assetHandle };
    const asset = await this.assets.findByHandle(job.companyHandle, ref.assetHandle);
    if (!asset) return this.fail(job, ref, 'the asset no longer exists');
    const path = `${asset.folder}${asset.file_name}`;
    try {
      if (!(await this.storage.exists(asset.original_key))) return await this.fail(job, ref, 'the original file is missing from storage');
      progress.step('reading', 0, 'Reading the original');
      const local = await this.storage.localPath(asset.original_key);
      const format = asset.format as DetectedFormat;
      const probe = await this.media.probe(local, format);
      progress.step('pyramid', 0.2, 'Building the pyramid');
      const tag = createHash('sha256').update(job.jobHandle).digest('hex').slice(0, 16);
      const key = `optimized/${keyPart(asset.company_handle)}/${keyPart(asset.asset_handle)}/opt-${tag}.ptif`;
      await writePyramid({ storage: this.storage, scratch: new Scratch(this.storage), media: this.media }, local, format, key, probe);
      progress.step('commit', 0.9, 'Committing');
      const now = nowIso();
      await this.jobLogs.recordItem(
        { job_handle: job.jobHandle, item_id: ref.assetHandle, status: 'success', asset_handle: ref.assetHandle, reason: null, updated_at: now },
        job.companyHandle,
        [
          {
            logType: 'ReoptimizeSuccess',
            messageKey: 'optimizeSuccess',
            messageArgs: { path },
            assetName: path,
            assetType: 'OptimizedImage',
            assetHandle: ref.assetHandle,
          },
        ],
        ['file_success_count', 'total_file_count'],
        (repos) =>
          repos.assets.update(asset.asset_handle, {
            optimized_key: key,
            optimizer_version: OPTIMIZER_VERSION,
            width: probe.width,
            height: probe.height,
            resolution: probe.resolution,
            last_modified: now,
          }),
      );
      if (asset.optimized_key && asset.optimized_key !== key) await this.storage.delete(asset.optimized_key);
      return { itemId: ref.assetHandle, status: 'success', assetHandle: ref.assetHandle };
    } catch (err) {
      if (err instanceof UnreadableImageError) return this.fail(job, ref, err.message);
      throw err;
    }
  }

  async fail(job: JobIdentity, ref: AssetRef, reason: string): Promise<FileResult> {
    const asset = await this.assets.findByHandle(job.companyHandle, ref.assetHandle);
    const path = asset ? `${asset.folder}${asset.file_name}` : ref.name;
    const recorded = await this.jobLogs.recordItem(
      { job_handle: job.jobHandle, item_id: ref.assetHandle, status: 'error', asset_handle: ref.assetHandle, reason, updated_at: nowIso() },
      job.companyHandle,
      [
        {
          logType: 'ReoptimizeFailure',
          messageKey: 'optimizeError',
          messageArgs: { path, reason },
          assetName: path,
          assetType: 'OptimizedImage',
          assetHandle: ref.assetHandle,
        },
      ],
      ['file_error_count', 'total_file_count'],
    );
    if (!recorded) return recordedResult(this.jobLogs, job, ref);
    return { itemId: ref.assetHandle, status: 'error', assetHandle: ref.assetHandle, reason };
  }
}
