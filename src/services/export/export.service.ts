import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import type { DerivationRepository } from '../../adapters/repositories/derivation.repository.js';
import type { ImageFormatRepository } from '../../adapters/repositories/image-format.repository.js';
import { UnreadableImageError } from '../../adapters/media/media-errors.js';
import { IsLimitError, type IsRenderOptions, type IsRenderResult } from '../../adapters/media/image-serving/is-renderer.js';
import type { Scratch } from '../../adapters/storage/scratch.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import { nameKey } from '../../domain/handles.js';
import { IsCommandError, type IsRequest } from '../../domain/image-serving/is-request.js';
import { EXPORT_FILE_TYPE } from '../../domain/job-log-types.js';
import type { ExportItemOptions } from '../../jobs/contracts.js';
import type { AssetRef, FileResult, JobIdentity } from '../../jobs/contracts.js';
import type { ItemLedger } from '../assets/item-ledger.js';
import { RIP_ENGINE } from '../rip/document-rip.service.js';
import { companyMacros, exportExtension, parseExportRequest } from './export-query.js';
import { type ExportManifest, type StagedEntry, exportKeys } from './export-keys.js';
import { type ItemProgress, NO_PROGRESS } from '../item-progress.js';

/** Sets and eCatalogs are not exportable (Adobe IPS: data-types/r-exportjob), nor templates, not even as originals (DMC's export page; docs/jobs/export.md). */
export const UNEXPORTABLE_TYPES: ReadonlySet<string> = new Set([
  'AssetSet',
  'ImageSet',
  'RenderSet',
  'SpinSet',
  'MediaSet',
  'AdaptiveVideoSet',
  'VideoSet',
  'Catalog',
  'OfferSet',
  'Template',
  'PsdTemplate',
  'RenderScene',
]);

/** Documents whose converted export is their ripped pages (DMC's export page: "PDF yields converted pages"; docs/jobs/export.md). */
const DOCUMENT_TYPES: ReadonlySet<string> = new Set(['Pdf', 'PostScript', 'Illustrator']);

/** Formats that are compressed already: stored in the ZIP as they are. */
const PRECOMPRESSED = new Set(['jpg', 'jpeg', 'png', 'gif', 'webp', 'avif', 'zip', 'pdf', 'mp4', 'mov', 'm4v', 'gz', 'heic']);

export function compressInZip(fileName: string): boolean {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 || !PRECOMPRESSED.has(fileName.slice(dot + 1).toLowerCase());
}

export type IsRender = (source: string, req: IsRequest, outFile: string, opts: IsRenderOptions) => Promise<IsRenderResult>;

export interface ExportDeps {
  storage: StorageDriver;
  scratch: Scratch;
  assets: AssetRepository;
  derivations: DerivationRepository;
  /** the company's image presets, as macros of the conversion request */
  imageFormats: ImageFormatRepository;
  ledger: ItemLedger;
  /**
   * The Image Serving renderer conversions run on: in the worker with RENDER_THREADS > 0 the
   * render pool's (RenderPool.renderIsImage says why), else the one in this thread.
   */
  renderIsImage: IsRender;
  limits: { maxPixels: number };
}

/** A conversion request resolved once per batch: the parsed request and its ICC profile file, or why it cannot run. */
export type PreparedConversion = { req: IsRequest; iccProfilePath?: string } | { error: string };

/**
 * ExportJob's per-asset step: stages what goes into the ZIP. For fmt=orig the
 * original file as uploaded (referenced, not copied); for fmt=convert the
 * asset rendered through the Image Serving engine from its optimised image
 * (what Image Serving itself would serve: crops, knockout and colour of the
 * last reprocess included), or for a ripped document each page. As in DMC,
 * an asset that cannot be converted (an ICC profile, a font…) goes in as its
 * original, and sets, eCatalogs and templates are refused in the log.
 * Nothing of the asset is modified.
 */
export class ExportService {
  constructor(private readonly deps: ExportDeps) {}

  /**
   * Parses the conversion request with the company's presets as they are now
   * (they may have changed since the submit) and finds its ICC profile: once
   * per batch, not per asset.
   */
  async prepare(job: JobIdentity, options: ExportItemOptions): Promise<PreparedConversion | undefined> {
    if (options.fmt !== 'convert') return undefined;
    let req: IsRequest;
    try {
      req = parseExportRequest('exportJob', options, await companyMacros(this.deps.imageFormats, job.companyHandle));
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
    if (!req.icc) return { req };
    const profile = await this.iccProfile(job.companyHandle, req.icc.profile);
    if (!profile) return { error: `icc: the company has no ICC profile named '${req.icc.profile}'` };
    return { req, iccProfilePath: await this.deps.storage.localPath(profile.original_key) };
  }

  async stage(
    job: JobIdentity,
    options: ExportItemOptions,
    ref: AssetRef,
    signal?: AbortSignal,
    prepared?: PreparedConversion,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<FileResult> {
    const done = await this.deps.ledger.recorded(job, ref.assetHandle);
    if (done) return done;
    const asset = await this.deps.assets.findByHandle(job.companyHandle, ref.assetHandle);
    if (!asset || asset.trash_state !== 'NotInTrash') return this.fail(job, ref, `no asset with handle '${ref.assetHandle}' in this company`);
    const named = { assetHandle: asset.asset_handle, name: `${asset.folder}${asset.name}` };
    const fail = (reason: string) => this.fail(job, named, reason, asset.name);
    if (UNEXPORTABLE_TYPES.has(asset.type)) return fail(`${asset.type} assets cannot be exported (sets, eCatalogs and templates are not exportable)`);

    let entries: StagedEntry[];
    let asOriginal: string | undefined;
    if (options.fmt === 'convert' && (asset.type === 'Image' || DOCUMENT_TYPES.has(asset.type))) {
      const staged = await this.convert(job, prepared ?? (await this.prepare(job, options))!, asset, signal, progress);
      if (typeof staged === 'string') return fail(staged);
      entries = staged;
    } else {
      if (!(await this.deps.storage.exists(asset.original_key))) return fail('the original file is missing from storage');
      entries = [{ key: asset.original_key, name: asset.file_name, size: asset.file_size, compress: compressInZip(asset.file_name) }];
      if (options.fmt === 'convert') asOriginal = asset.type;
    }
    progress.step('staging', 0.95, 'Staging for the archive');
    const manifest: ExportManifest = { path: named.name, name: asset.name, fileName: asset.file_name, ...(asOriginal ? { asOriginal } : {}), entries };
    // No row yet: a file's row names its entry in the ZIP, known only when the archive is written, which logs
    // it (docs/job-log-types.md#exportjob-export). The asset counts as one success now, so fileSuccessCount moves while the job
    // runs; the archive adds its files beyond the first. No totalFileCount: IPS's export keeps it at 0. The manifest
    // commits with the result, for the archive to read back.
    return this.deps.ledger.record(job, {
      itemId: asset.asset_handle,
      status: 'success',
      assetHandle: asset.asset_handle,
      details: [],
      counters: ['file_success_count'],
      payload: manifest,
    });
  }

  /** An asset that cannot be exported: its ExportJobRenderFileError row, named as IPS names exported files (docs/job-log-types.md#exportjob-export). */
  fail(job: JobIdentity, ref: AssetRef, reason: string, assetName = ref.name): Promise<FileResult> {
    return this.deps.ledger.error(job, ref, reason, { assetName, assetType: EXPORT_FILE_TYPE, counters: ['file_error_count'] });
  }

  /** The ICC profile named by `icc=`: an IccProfile asset of the company, by name. */
  async iccProfile(companyHandle: string, name: string): Promise<AssetRow | undefined> {
    const asset = await this.deps.assets.findLiveByName(companyHandle, nameKey(name));
    return asset?.type === 'IccProfile' ? asset : undefined;
  }

  /** The staged files of a converted asset, or the reason it could not be converted. */
  private async convert(
    job: JobIdentity,
    prepared: PreparedConversion,
    asset: AssetRow,
    signal?: AbortSignal,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<StagedEntry[] | string> {
    if ('error' in prepared) return prepared.error;
    const { req, iccProfilePath } = prepared;
    const sources = DOCUMENT_TYPES.has(asset.type)
      ? await this.pages(asset)
      : [{ key: asset.optimized_key ?? asset.original_key, base: baseName(asset.file_name) }];
    if (sources.length === 0)
      return `${asset.type} has no page images to convert: reprocess it with ${asset.type === 'Pdf' ? 'pdfOptions' : asset.type === 'PostScript' ? 'postScriptOptions' : 'illustratorOptions'} process Rasterize first (or export it with fmt=orig)`;
    const keys = exportKeys(job.companyHandle, job.jobHandle);
    const ext = exportExtension(req);
    const entries: StagedEntry[] = [];
    for (const [i, source] of sources.entries()) {
      if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
      // A document converts page by page: the fraction is pages done (the archive step comes after).
      progress.step(
        'converting',
        (0.9 * i) / sources.length,
        sources.length > 1 ? `Converting page ${i + 1} of ${sources.length}` : 'Converting (Image Serving)',
      );
      const file = await this.storedFile(source.key);
      if (!file) return `the ${source.key.startsWith('optimized/') ? 'optimised image' : 'original file'} is missing from storage`;
      const converted = await this.deps.scratch.withFile(`.${ext}`, async (tmp) => {
        try {
          const result = await this.deps.renderIsImage(file, req, tmp, {
            maxPixels: this.deps.limits.maxPixels,
            ...(iccProfilePath ? { iccProfilePath } : {}),
          });
          const key = keys.converted(asset.asset_handle, i + 1, result.extension);
          const { size } = await this.deps.storage.putFile(key, tmp, { move: true });
          return { key, name: `${source.base}.${result.extension}`, size, compress: compressInZip(key) };
        } catch (err) {
          // The request or the file is at fault, not the machine: this asset's error, never a retry.
          if (err instanceof IsCommandError || err instanceof IsLimitError || err instanceof UnreadableImageError) return err.message;
          throw err;
        }
      });
      if (typeof converted === 'string') return converted;
      entries.push(converted);
    }
    return entries;
  }

  /**
   * The stored file's local path, or undefined when storage has no such key. Asked whether the key exists
   * only when the path cannot be had: one look-up per converted file (on S3 one HEAD request, not two).
   */
  private async storedFile(key: string): Promise<string | undefined> {
    try {
      return await this.deps.storage.localPath(key);
    } catch (err) {
      if (await this.deps.storage.exists(key)) throw err;
      return undefined;
    }
  }

  /** A ripped document's live page images, in page order. */
  private async pages(doc: AssetRow): Promise<Array<{ key: string; base: string }>> {
    const derived = await this.deps.derivations.bySource(doc.asset_handle, RIP_ENGINE);
    const rows = new Map(
      (derived.length
        ? await this.deps.assets.findByHandles(
            doc.company_handle,
            derived.map((d) => d.asset_handle),
          )
        : []
      ).map((r) => [r.asset_handle, r]),
    );
    return derived.flatMap((d) => {
      const page = rows.get(d.asset_handle);
      return page && page.trash_state === 'NotInTrash' ? [{ key: page.optimized_key ?? page.original_key, base: page.name }] : [];
    });
  }
}

function baseName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}
