import { createHash } from 'node:crypto';
import type { AssetRepository } from '../adapters/repositories/asset.repository.js';
import type { ProjectRepository } from '../adapters/repositories/project.repository.js';
import { AssetNotLiveError } from '../adapters/repositories/asset-not-live.error.js';
import { RenderOptionError, UnreadableImageError } from '../adapters/media/media-errors.js';
import type { DerivativeRenderer } from '../adapters/media/render-pool.js';
import type { Scratch } from '../adapters/storage/scratch.js';
import type { StorageDriver } from '../adapters/storage/storage.driver.js';
import type { DetectedFormat } from '../domain/asset-types.js';
import { nowIso } from '../domain/handles.js';
import type { ReprocessAssetsJob } from '../domain/schemas/job.schema.js';
import type { AssetRef, FileResult, JobIdentity } from '../jobs/contracts.js';
import type { ItemLedger, LedgerEntry } from './assets/item-ledger.js';
import { recordWithJobOptions } from './metadata/job-metadata.js';
import { OPTIMIZER_VERSION } from './assets/pyramid.js';
import { keyPart } from './assets/storage-keys.js';
import { ITEM_WARNING_TYPE, itemLogTypes } from './job-items.js';
import { type ColorProfiles, type StoredCrop, cropSource, optionWarnings, renderPlanFor } from './render-plan.js';
import type { CompanyRepository } from '../adapters/repositories/company.repository.js';
import { publishFlag, publishRule } from '../domain/publish-state.js';
import { type DocumentRipService, type RipOptions } from './rip/document-rip.service.js';
import type { PsdLayerService } from './psd/psd-layer.service.js';
import type { VideoService } from './video/video.service.js';
import { illustratorOptions, pdfOptions, postScriptOptions } from '../domain/schemas/options.schema.js';
import { type ItemProgress, NO_PROGRESS, renderingMessage } from './item-progress.js';

/** The reason an item gives when its original is gone (docs/assets.md#jobs-and-the-trash). */
const ORIGINAL_MISSING = 'the original file is missing from storage';

/** Options of a reprocess job as its activities get them: everything but the (possibly long) handle list. */
export type ReprocessOptions = Omit<ReprocessAssetsJob, 'assetHandleArray'>;

export interface ReprocessDeps {
  storage: StorageDriver;
  scratch: Scratch;
  renderer: DerivativeRenderer;
  assets: AssetRepository;
  companies: CompanyRepository;
  colors: ColorProfiles;
  ledger: ItemLedger;
  /** the job's projectHandleArray: a reprocessed asset and its layers join them (docs/projects.md#jobs); they get its metadataOptions too */
  projects: ProjectRepository;
  /** PDF, PostScript and Illustrator assets */
  documents: DocumentRipService;
  /** the layers of a PSD reprocessed with MaintainLayers */
  layers: PsdLayerService;
  /** videos; without it (a process that encodes none) a video is refused like any other type */
  videoService?: VideoService;
}

/**
 * ReprocessAssetsJob's per-asset step (Adobe IPS: data-types/r-reprocess-assets-job): crop, knockout,
 * mask and unsharp mask from the untouched original, then a new pyramid TIFF
 * (and mask) under keys of this job, committed with the log row in one
 * transaction; the previous derivatives are removed only afterwards.
 */
export class ReprocessService {
  constructor(private readonly deps: ReprocessDeps) {}

  async reprocess(job: JobIdentity, options: ReprocessOptions, ref: AssetRef, signal?: AbortSignal, progress: ItemProgress = NO_PROGRESS): Promise<FileResult> {
    const done = await this.deps.ledger.recorded(job, ref.assetHandle);
    if (done) return done;
    const asset = await this.deps.assets.findByHandle(job.companyHandle, ref.assetHandle);
    // Unknown and foreign handles look alike: nothing about other companies leaks into this log.
    if (!asset || asset.trash_state !== 'NotInTrash') return this.fail(job, ref, `no asset with handle '${ref.assetHandle}' in this company`);
    const color = await this.deps.colors.resolve(job, options.colorManagementOptions);
    if (typeof color === 'string') return this.fail(job, ref, color);
    // Read per asset: a setting changed while a long job runs applies to the assets after the change.
    const rule = publishRule(options, (await this.deps.companies.findByHandle(job.companyHandle))?.retain_publish_state === 1);
    if (asset.type === 'Pdf' || asset.type === 'PostScript' || asset.type === 'Illustrator') {
      return this.deps.documents.ripDocument(
        job,
        asset,
        ripOptionsFor(asset.type, options),
        color,
        { image: options, publish: rule, projects: options.projectHandleArray, metadata: options.metadataOptions?.updateArray },
        signal,
        progress,
      );
    }
    if (asset.type === 'Video' && this.deps.videoService) {
      const warnings = optionWarnings(options, 'Video', {
        path: `${asset.folder}${asset.file_name}`,
        type: asset.type,
        fileType: 'Video',
        handle: asset.asset_handle,
      });
      return this.deps.videoService.reprocess(
        job,
        asset,
        options.mediaOptions,
        { rule, warnings, projects: options.projectHandleArray, metadata: options.metadataOptions?.updateArray },
        signal,
        progress,
      );
    }
    if (asset.type !== 'Image')
      return this.fail(job, ref, `${asset.type} assets cannot be reprocessed (only images, videos, PDF, PostScript and Illustrator files)`);
    const path = `${asset.folder}${asset.file_name}`;
    const tag = createHash('sha256').update(job.jobHandle).digest('hex').slice(0, 16);
    const base = `${keyPart(asset.company_handle)}/${keyPart(asset.asset_handle)}/rp-${tag}`;
    const keys = { ptiff: `optimized/${base}.ptif`, mask: `masks/${base}.png` };
    const tmp = { ptiff: await this.deps.scratch.file('.ptif'), mask: await this.deps.scratch.file('.png') };
    try {
      if (!(await this.deps.storage.exists(asset.original_key))) return await this.fail(job, ref, ORIGINAL_MISSING);
      progress.step('reading', 0, 'Reading the original');
      const local = await this.deps.storage.localPath(asset.original_key);
      const plan = { ...renderPlanFor(options, asset.crop_json), ...(color ? { color } : {}) };
      const readyForPublish = publishFlag(rule, asset.ready_for_publish);
      const layerDetails =
        asset.format === 'psd' && options.photoshopOptions?.process === 'MaintainLayers'
          ? await this.deps.layers.extract(job, asset, local, options.photoshopOptions, { rule, sourceFlag: readyForPublish }, signal)
          : [];
      progress.step('rendering', 0.1, renderingMessage(plan));
      const result = await this.deps.renderer.renderDerivatives(local, asset.format as DetectedFormat, plan, tmp);
      progress.step('storing', 0.85, 'Storing the pyramid');
      await this.deps.storage.putFile(keys.ptiff, tmp.ptiff, { move: true });
      if (result.maskWritten) await this.deps.storage.putFile(keys.mask, tmp.mask, { move: true });
      progress.step('commit', 0.95, 'Committing');
      const crop: StoredCrop | null = result.crop ? { ...result.crop, source: cropSource(plan) } : null;
      const noMask = options.createMask && !result.maskWritten;
      const entry: LedgerEntry = {
        itemId: ref.assetHandle,
        status: 'success',
        assetHandle: ref.assetHandle,
        details: [
          {
            logType: itemLogTypes(job).success,
            messageKey: 'fileProcessed',
            messageArgs: { path },
            assetName: path,
            assetType: 'OptimizedImage',
            assetHandle: ref.assetHandle,
          },
          ...(noMask
            ? [
                {
                  logType: ITEM_WARNING_TYPE,
                  messageKey: 'fileWarning',
                  messageArgs: { path, reason: 'no mask: the image has no transparency and no knockout was requested' },
                  assetName: path,
                  assetType: 'Mask',
                  assetHandle: ref.assetHandle,
                },
              ]
            : []),
          ...layerDetails,
        ],
        counters: [
          'file_success_count',
          'total_file_count',
          ...(noMask || layerDetails.some((d) => d.logType === ITEM_WARNING_TYPE) ? (['file_warning_count'] as const) : []),
        ],
        write: (repos) =>
          repos.assets.updateLive(asset.asset_handle, {
            optimized_key: keys.ptiff,
            mask_key: result.maskWritten ? keys.mask : null,
            optimizer_version: OPTIMIZER_VERSION,
            width: result.width,
            height: result.height,
            crop_json: crop ? JSON.stringify(crop) : null,
            ready_for_publish: readyForPublish,
            last_modified: nowIso(),
            last_modify_user: job.submitUserEmail,
          }),
      };
      const recorded = await recordWithJobOptions(this.deps, job, entry, {
        projectHandles: options.projectHandleArray,
        metadataUpdates: options.metadataOptions?.updateArray,
        path,
      });
      for (const old of [asset.optimized_key, asset.mask_key]) {
        if (old && old !== keys.ptiff && old !== keys.mask) await this.deps.storage.delete(old);
      }
      return recorded;
    } catch (err) {
      if (!(err instanceof AssetNotLiveError) && !(await this.deps.storage.exists(asset.original_key))) {
        // Emptied from the trash while the item read it: the documented reason, never a tool's message naming a path on the server.
        for (const key of [keys.ptiff, keys.mask]) await this.deps.storage.delete(key);
        return this.fail(job, ref, ORIGINAL_MISSING);
      }
      if (err instanceof UnreadableImageError || err instanceof RenderOptionError) return this.fail(job, ref, err.message);
      if (err instanceof AssetNotLiveError) {
        // Trashed while it rendered: its new derivatives have no asset to belong to.
        for (const key of [keys.ptiff, keys.mask]) await this.deps.storage.delete(key);
        return this.fail(job, ref, err.message);
      }
      throw err;
    } finally {
      await this.deps.scratch.remove(tmp.ptiff, tmp.mask);
    }
  }

  async fail(job: JobIdentity, ref: AssetRef, reason: string): Promise<FileResult> {
    return this.deps.ledger.error(job, ref, reason);
  }
}

/** The rip options for a document type, IPS defaults filled in (Rasterize at 150 ppi, Auto colour, eCatalog on). */
export function ripOptionsFor(type: 'Pdf' | 'PostScript' | 'Illustrator', o: ReprocessOptions): RipOptions {
  if (type === 'Pdf') {
    const p = o.pdfOptions ?? pdfOptions.parse({});
    return {
      process: p.process,
      resolution: p.resolution,
      colorspace: p.colorspace,
      alpha: false,
      pdfCatalog: p.pdfCatalog,
      extractSearchWords: p.extractSearchWords,
      extractLinks: p.extractLinks,
    };
  }
  const p =
    type === 'PostScript'
      ? (o.postScriptOptions ?? postScriptOptions.parse({}))
      : { ...(o.illustratorOptions ?? illustratorOptions.parse({})), extractSearchWords: false };
  return {
    process: p.process,
    resolution: p.resolution,
    colorspace: p.colorspace,
    alpha: p.alpha,
    pdfCatalog: false,
    extractSearchWords: p.extractSearchWords,
    extractLinks: false,
  };
}
