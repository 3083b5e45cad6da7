import type { Scratch } from '../../adapters/storage/scratch.js';
import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { ProjectRepository } from '../../adapters/repositories/project.repository.js';
import type { JobLogCounter, NewDetail } from '../../adapters/repositories/job-log.repository.js';
import { RenderOptionError, UnreadableImageError } from '../../adapters/media/media-errors.js';
import type { ImageProbe } from '../../adapters/media/media-types.js';
import type { MediaRepository } from '../../adapters/media/media.repository.js';
import { sniffFormat } from '../../adapters/media/format-sniffer.js';
import { readIccHeader } from '../../adapters/media/icc-profile.js';
import type { DerivativeRenderer } from '../../adapters/media/render-pool.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import { type DetectedFormat, FORMAT_ASSET_TYPE, RASTER_FORMATS, isVideoFormat } from '../../domain/asset-types.js';
import type { UnitOfWork } from '../../adapters/repositories/unit-of-work.js';
import { type PreparedVideo, type VideoMaster, VideoRejected, type VideoService } from '../video/video.service.js';
import { assetNameOf } from '../../domain/folders.js';
import { nameKey } from '../../domain/handles.js';
import type { UploadPostJob } from '../../domain/schemas/upload.schema.js';
import type { FileResult, JobIdentity, UploadItem } from '../../jobs/contracts.js';
import { fileSha256 } from '../../adapters/storage/file-hash.js';
import { newAssetVersion } from '../assets/asset-version.js';
import type { ItemLedger } from '../assets/item-ledger.js';
import { recordWithJobOptions } from '../metadata/job-metadata.js';
import { OPTIMIZER_VERSION, writePyramid } from '../assets/pyramid.js';
import { storageKeys } from '../assets/storage-keys.js';
import { type ColorProfiles, type ImageOptionTarget, type StoredCrop, cropSource, optionWarnings, planChangesPixels, renderPlanFor } from '../render-plan.js';
import { type ByproductPublish, type PublishRule, publishFlag, publishRule } from '../../domain/publish-state.js';
import { type ItemProgress, NO_PROGRESS, renderingMessage } from '../item-progress.js';

export interface IngestDeps {
  storage: StorageDriver;
  scratch: Scratch;
  media: MediaRepository;
  /** renderDerivatives off the main thread in the worker (RenderPool); `media` itself in-process */
  renderer: DerivativeRenderer;
  assets: AssetRepository;
  companies: CompanyRepository;
  ledger: ItemLedger;
  /** the job's projectHandleArray: a committed file joins them (docs/projects.md#jobs); its metadataOptions are written in the same transaction */
  projects: ProjectRepository;
  colors: ColorProfiles;
  /** absent on a server without ffmpeg: video files are then refused */
  videoService?: VideoService;
}

/** A reason to refuse one file; never retried. */
export class FileRejected extends Error {}

interface Target {
  name: string;
  existing?: AssetRow;
  /** the job's publish rule and the asset's flag after this upload (its video encodings follow it) */
  publish: ByproductPublish;
}

/** The optimised image as built: its size after any crop, the crop kept on the asset, the mask if one was written. */
interface Optimised {
  width: number;
  height: number;
  crop: StoredCrop | null;
  maskKey: string | null;
  warnings: NewDetail[];
}

/**
 * Ingests one uploaded file: detect the type from its bytes, decide
 * new / overwrite / duplicate, store the original read-only, build the
 * optimised pyramid TIFF for images, then commit asset + job-log rows in one
 * transaction. Every key is derived from the item, so a retried attempt
 * rewrites the same files instead of leaving strays.
 */
export class IngestService {
  constructor(private readonly deps: IngestDeps) {}

  async ingest(job: JobIdentity, options: UploadPostJob, item: UploadItem, signal?: AbortSignal, progress: ItemProgress = NO_PROGRESS): Promise<FileResult> {
    const done = await this.deps.ledger.recorded(job, item.itemId);
    if (done) return done;

    const path = item.source ?? `${item.folder}${item.fileName}`;
    let format: DetectedFormat | undefined;
    try {
      if (item.rejectedReason) throw new FileRejected(item.rejectedReason);
      const company = await this.deps.companies.findByHandle(job.companyHandle);
      if (!company) throw new FileRejected('the company no longer exists');
      const local = await this.deps.storage.localPath(item.stagingKey);
      // Said plainly: otherwise an empty file reads as "unrecognised content", which sends users looking for a format problem.
      if ((await this.deps.storage.size(item.stagingKey)) === 0) throw new FileRejected('the file is empty (0 bytes)');
      progress.step('reading', 0, 'Reading the file');
      format = await sniffFormat(local);
      if (!format)
        throw new FileRejected(
          'unsupported or unrecognised file content (accepted: JPEG, PNG, TIFF, WebP, GIF, PSD, PDF, PostScript/EPS, Illustrator, ICC profiles, MP4/MOV/WebM/Matroska/AVI video)',
        );
      // A profile must be whole to be used by colorManagementOptions later: a damaged one fails now, not in every job that names it.
      if (format === 'icc') await readIccHeader(local);
      const warnings = extensionWarnings(item.fileName, format, path);
      const target = await this.target(job.companyHandle, item, publishRule(options, company.retain_publish_state === 1));

      if (target.existing && !options.overwrite) {
        return await this.commit(
          job,
          item,
          'duplicate',
          target.existing.asset_handle,
          undefined,
          [
            {
              logType: 'DuplicateSkipped',
              messageKey: 'fileDuplicate',
              messageArgs: { path, name: target.name },
              assetName: path,
              assetType: 'MasterImage',
              assetHandle: target.existing.asset_handle,
            },
          ],
          ['file_duplicate_count', 'file_warning_count', 'total_file_count'],
        );
      }

      const probe = RASTER_FORMATS.has(format) ? await this.probe(local, format) : undefined;
      const assetHandle = target.existing?.asset_handle ?? item.assetHandle;
      warnings.push(
        ...optionWarnings(options, imageOptionTarget(format), { path, type: FORMAT_ASSET_TYPE[format], fileType: 'MasterImage', handle: assetHandle }),
      );
      const keys = storageKeys(job.companyHandle, assetHandle, item.itemId, item.fileName);
      const sha256 = await fileSha256(local);
      // Derivatives first: a file the decoder refuses leaves nothing under originals/.
      const optimised = probe ? await this.optimise(job, options, local, format, probe, keys, target.existing, path, progress) : undefined;
      const video = isVideoFormat(format) ? await this.prepareVideo(job, options, item, target, assetHandle, local, keys, signal, progress) : undefined;
      progress.step('storing', 0.9, 'Storing the original');
      await this.deps.storage.putFile(keys.original, local, { readOnly: true });
      warnings.push(...(optimised?.warnings ?? []));

      const row = {
        ...this.assetRow(job, options, item, target, format, probe, optimised, { assetHandle, sha256, keys }),
        ...(video ? this.deps.videoService!.masterColumns(video.prepared) : {}),
      };
      const updating = target.existing !== undefined;
      progress.step('commit', 0.95, 'Committing');
      const result = await this.commit(
        job,
        item,
        updating ? 'updated' : 'success',
        assetHandle,
        undefined,
        [
          ...warnings,
          updating
            ? {
                logType: 'FileUpdated',
                messageKey: 'fileUpdated',
                messageArgs: { path, name: target.name },
                assetName: path,
                assetType: 'MasterImage',
                assetHandle,
              }
            : { logType: 'UploadSuccess', messageKey: 'fileProcessed', messageArgs: { path }, assetName: path, assetType: 'MasterImage', assetHandle },
          ...(video ? this.deps.videoService!.details(video.master, video.prepared, 'UploadSuccess') : []),
        ],
        [
          updating ? 'file_update_count' : 'file_success_count',
          'total_file_count',
          'transfer_success_count',
          ...(warnings.length ? (['file_warning_count'] as const) : []),
        ],
        async (repos) => {
          if (updating) await repos.assets.update(assetHandle, row);
          else await repos.assets.insert(row);
          if (video) await this.deps.videoService!.writePrepared(repos, video.master, video.prepared);
        },
        options,
      );
      if (target.existing) await this.removeSuperseded(target.existing, row);
      if (video) await this.deps.videoService!.removeSuperseded(video.prepared);
      return result;
    } catch (err) {
      if (!(err instanceof FileRejected || err instanceof UnreadableImageError || err instanceof RenderOptionError || err instanceof VideoRejected)) throw err; // transient: let Temporal retry
      return this.reject(job, item, err instanceof UnreadableImageError ? decoderReason(format, err.message) : err.message);
    }
  }

  /**
   * Records a file that could not be ingested and keeps its bytes under
   * rejected/ (nothing uploaded is lost). The staged file goes only once the
   * error is committed: were it moved first, a commit that fails (a busy
   * catalog) would leave the retried attempt without its input, and the
   * file's real reason would be lost to an ENOENT.
   */
  async reject(job: JobIdentity, item: UploadItem, reason: string): Promise<FileResult> {
    const done = await this.deps.ledger.recorded(job, item.itemId);
    if (done) return done;
    const path = item.source ?? `${item.folder}${item.fileName}`;
    const keys = storageKeys(job.companyHandle, item.assetHandle, item.itemId, item.fileName);
    const staged = await this.deps.storage.exists(item.stagingKey);
    if (staged) await this.deps.storage.copy(item.stagingKey, keys.rejected);
    await this.deps.storage.delete(keys.optimized);
    await this.deps.storage.delete(keys.mask);
    const result = await this.commit(
      job,
      item,
      'error',
      undefined,
      reason,
      [{ logType: 'UploadError', messageKey: 'fileError', messageArgs: { path, reason }, assetName: path, assetType: 'MasterImage' }],
      ['file_error_count', 'total_file_count', 'transfer_error_count'],
    );
    if (staged) await this.deps.storage.delete(item.stagingKey);
    return result;
  }

  private async commit(
    job: JobIdentity,
    item: UploadItem,
    status: FileResult['status'],
    assetHandle: string | undefined,
    reason: string | undefined,
    details: NewDetail[],
    counters: readonly JobLogCounter[],
    write?: UnitOfWork,
    jobOptions?: Pick<UploadPostJob, 'projectHandleArray' | 'metadataOptions'>,
  ): Promise<FileResult> {
    const entry = {
      itemId: item.itemId,
      status,
      ...(assetHandle ? { assetHandle } : {}),
      ...(reason ? { reason } : {}),
      details,
      counters,
      ...(write ? { write } : {}),
    };
    const result = await recordWithJobOptions(this.deps, job, entry, {
      projectHandles: jobOptions?.projectHandleArray,
      metadataUpdates: jobOptions?.metadataOptions?.updateArray,
      path: item.source ?? `${item.folder}${item.fileName}`,
    });
    if (status !== 'error') await this.deps.storage.delete(item.stagingKey);
    return result;
  }

  /**
   * The optimised pyramid TIFF (and mask) of an uploaded image, through the
   * same per-asset pipeline as ReprocessAssetsJob: the upload options' crop,
   * knockout, mask, colour management and unsharp mask. Overwriting keeps the
   * previous version's crop unless preserveCrop is false or a new crop is asked
   * for (ReprocessAssetsJob's rule, which the upload jobs share;
   * Adobe IPS: data-types/r-reprocess-assets-job). Without any of these the
   * original is streamed into the pyramid as before.
   */
  private async optimise(
    job: JobIdentity,
    options: UploadPostJob,
    file: string,
    format: DetectedFormat,
    probe: ImageProbe,
    keys: ReturnType<typeof storageKeys>,
    existing: AssetRow | undefined,
    path: string,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<Optimised> {
    const color = await this.deps.colors.resolve(job, options.colorManagementOptions);
    if (typeof color === 'string') throw new FileRejected(color);
    const plan = { ...renderPlanFor(options, existing?.crop_json ?? null), ...(color ? { color } : {}) };
    if (!planChangesPixels(plan)) {
      progress.step('pyramid', 0.1, 'Building the pyramid');
      await writePyramid({ storage: this.deps.storage, scratch: this.deps.scratch, media: this.deps.media }, file, format, keys.optimized, probe);
      return { width: probe.width, height: probe.height, crop: null, maskKey: null, warnings: [] };
    }
    const tmp = { ptiff: await this.deps.scratch.file('.ptif'), mask: await this.deps.scratch.file('.png') };
    try {
      progress.step('rendering', 0.1, renderingMessage(plan));
      const result = await this.deps.renderer.renderDerivatives(file, format, plan, tmp);
      progress.step('storing', 0.85, 'Storing the pyramid');
      await this.deps.storage.putFile(keys.optimized, tmp.ptiff, { move: true });
      if (result.maskWritten) await this.deps.storage.putFile(keys.mask, tmp.mask, { move: true });
      return {
        width: result.width,
        height: result.height,
        crop: result.crop ? { ...result.crop, source: cropSource(plan) } : null,
        maskKey: result.maskWritten ? keys.mask : null,
        warnings:
          options.createMask && !result.maskWritten
            ? [
                {
                  logType: 'UploadWarning',
                  messageKey: 'fileWarning',
                  messageArgs: { path, reason: 'no mask: the image has no transparency and no knockout was requested' },
                  assetName: path,
                  assetType: 'Mask',
                },
              ]
            : [],
      };
    } finally {
      await this.deps.scratch.remove(tmp.ptiff, tmp.mask);
    }
  }

  /**
   * A video: probed (a file ffprobe refuses fails alone with its reason), and
   * the upload's mediaOptions applied: the thumbnail under the item's
   * optimised key, encodings under keys of the item.
   */
  private async prepareVideo(
    job: JobIdentity,
    options: UploadPostJob,
    item: UploadItem,
    target: Target,
    assetHandle: string,
    file: string,
    keys: ReturnType<typeof storageKeys>,
    signal?: AbortSignal,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<{ master: VideoMaster; prepared: PreparedVideo }> {
    if (!this.deps.videoService) throw new FileRejected('video files need ffmpeg, and this server runs without the video service');
    const master: VideoMaster = { companyHandle: job.companyHandle, assetHandle, name: target.name, folder: item.folder, publish: target.publish };
    return {
      master,
      prepared: await this.deps.videoService.prepare(
        job,
        master,
        file,
        options.mediaOptions,
        { thumbnail: keys.optimized, tag: item.itemId },
        signal,
        progress,
      ),
    };
  }

  private async target(companyHandle: string, item: UploadItem, rule: PublishRule): Promise<Target> {
    const uploaded = assetNameOf(item.fileName);
    const existing = await this.deps.assets.findLiveByName(companyHandle, nameKey(uploaded));
    const name = existing ? uploaded : await this.unreservedName(companyHandle, uploaded);
    return { name, existing, publish: { rule, sourceFlag: publishFlag(rule, existing?.ready_for_publish) } };
  }

  /**
   * A trashed asset keeps its name reserved until the trash is emptied: a new
   * upload of that name gets a number appended (`name_2`, `name_3`, … as
   * byproduct names do; docs/assets.md).
   */
  private async unreservedName(companyHandle: string, base: string): Promise<string> {
    for (let i = 1; ; i++) {
      const name = i === 1 ? base : `${base}_${i}`;
      if ((await this.deps.assets.reservedNameKeys(companyHandle, [nameKey(name)])).size === 0) return name;
    }
  }

  private async probe(file: string, format: DetectedFormat): Promise<ImageProbe> {
    return this.deps.media.probe(file, format);
  }

  private assetRow(
    job: JobIdentity,
    options: UploadPostJob,
    item: UploadItem,
    target: Target,
    format: DetectedFormat,
    probe: ImageProbe | undefined,
    optimised: Optimised | undefined,
    x: { assetHandle: string; sha256: string; keys: ReturnType<typeof storageKeys> },
  ): AssetRow {
    return newAssetVersion(target.existing, job, {
      asset_handle: x.assetHandle,
      company_handle: job.companyHandle,
      type: FORMAT_ASSET_TYPE[format],
      name: target.name,
      file_name: target.name === assetNameOf(item.fileName) ? item.fileName : `${target.name}${item.fileName.slice(assetNameOf(item.fileName).length)}`,
      folder: item.folder,
      ready_for_publish: target.publish.sourceFlag,
      format,
      original_key: x.keys.original,
      file_size: item.size,
      sha256: x.sha256,
      optimized_key: probe ? x.keys.optimized : null,
      mask_key: optimised?.maskKey ?? null,
      width: optimised?.width ?? probe?.width ?? null,
      height: optimised?.height ?? probe?.height ?? null,
      resolution: probe?.resolution ?? null,
      optimizer_version: probe ? OPTIMIZER_VERSION : 0,
      // The crop applied to this version: a new one, the previous version's kept by preserveCrop, or none.
      crop_json: optimised?.crop ? JSON.stringify(optimised.crop) : null,
    });
  }

  private async removeSuperseded(previous: AssetRow, current: AssetRow): Promise<void> {
    for (const key of [previous.original_key, previous.optimized_key, previous.mask_key]) {
      if (key && key !== current.original_key && key !== current.optimized_key && key !== current.mask_key) await this.deps.storage.delete(key);
    }
  }
}

/**
 * The decoder's own words ("libpng read error", "unsupported image format") do not
 * tell a user that the bytes after a valid header are damaged; say so, and keep
 * them for the details. Limit refusals already explain themselves.
 */
function decoderReason(format: DetectedFormat | undefined, message: string): string {
  if (!format || /above the limit/.test(message)) return message;
  // libvips sometimes reports only that a decoder warning stopped it, without the warning: say what that means.
  const said = /^Warning treated as error due to failOn setting/.test(message) ? 'the decoder stopped at damaged or missing data' : message;
  return `the ${format.toUpperCase()} data cannot be decoded (the file is damaged or truncated): ${said}`;
}

/** What an upload does to a file of this format, as the image options see it (render-plan.ts, APPLIES). */
export function imageOptionTarget(format: DetectedFormat): ImageOptionTarget {
  if (RASTER_FORMATS.has(format)) return 'Image';
  if (isVideoFormat(format)) return 'Video';
  const type = FORMAT_ASSET_TYPE[format];
  return type === 'Pdf' || type === 'PostScript' || type === 'Illustrator' ? 'UploadedDocument' : 'Other';
}

function extensionWarnings(fileName: string, format: DetectedFormat, path: string): NewDetail[] {
  const ext = fileName.includes('.') ? fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase() : '';
  const expected: Record<DetectedFormat, string[]> = {
    jpeg: ['jpg', 'jpeg', 'jpe', 'jfif'],
    png: ['png'],
    tiff: ['tif', 'tiff'],
    webp: ['webp'],
    gif: ['gif'],
    psd: ['psd', 'psb'],
    pdf: ['pdf'],
    postscript: ['ps', 'eps', 'epsf'],
    eps: ['eps', 'epsf', 'ps'],
    illustrator: ['ai', 'pdf', 'eps'],
    icc: ['icc', 'icm'],
    mp4: ['mp4', 'm4v', 'f4v', '3gp', '3g2'],
    mov: ['mov', 'qt'],
    webm: ['webm'],
    mkv: ['mkv', 'mk3d'],
    avi: ['avi'],
  };
  if (expected[format].includes(ext)) return [];
  return [
    {
      logType: 'UploadWarning',
      messageKey: 'fileWarning',
      messageArgs: { path, reason: `the content is ${format.toUpperCase()} although the name ends in '.${ext || '(none)'}'; the content decides` },
      assetName: path,
      assetType: 'MasterImage',
    },
  ];
}
