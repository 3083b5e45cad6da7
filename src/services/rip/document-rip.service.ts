import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ColorPlan } from '../../adapters/media/media-types.js';
import type { MediaRepository } from '../../adapters/media/media.repository.js';
import { RenderOptionError, UnreadableImageError } from '../../adapters/media/media-errors.js';
import { RipError, type RipPool } from '../../adapters/ghostscript/rip-pool.js';
import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import type { TransactionRepositories, UnitOfWork } from '../../adapters/repositories/unit-of-work.js';
import type { DerivationRepository } from '../../adapters/repositories/derivation.repository.js';
import type { JobLogRepository, NewDetail } from '../../adapters/repositories/job-log.repository.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import type { DetectedFormat } from '../../domain/asset-types.js';
import { nameKey, newHandle, nowIso } from '../../domain/handles.js';
import type { AssetRef, FileResult, JobIdentity } from '../../jobs/contracts.js';
import { OPTIMIZER_VERSION } from '../assets/pyramid.js';
import { keyPart } from '../assets/storage-keys.js';
import { freeAssetName, upsertSetByproduct } from '../byproduct-names.js';
import { fileSha256 } from '../../adapters/storage/file-hash.js';
import { ITEM_WARNING_TYPE, itemLogTypes, recordItemError, recordedResult } from '../job-items.js';
import type { DerivativeRenderer } from '../../adapters/media/render-pool.js';
import {
  type ImageOptionTarget,
  type ImageProcessingOptions,
  type StoredCrop,
  cropSource,
  optionWarnings,
  planChangesPixels,
  renderPlanFor,
} from '../render-plan.js';
import { type ByproductPublish, type PublishRule, byproductFlag, publishFlag } from '../../domain/publish-state.js';
import { type ItemProgress, NO_PROGRESS, between } from '../item-progress.js';

/** IPS ExcludeByproductCondition engine of ripped pages. */
export const RIP_ENGINE = 'PostScriptRip';

/** pdfOptions / postScriptOptions / illustratorOptions as one shape, defaults filled in. */
export interface RipOptions {
  process: 'None' | 'Rasterize' | 'Thumbnail';
  resolution: number;
  colorspace: 'Auto' | 'Rgb' | 'Cmyk' | 'Gray';
  alpha: boolean;
  pdfCatalog: boolean;
  extractSearchWords: boolean;
  extractLinks: boolean;
}

export interface RipLimits {
  /** documents with more pages are kept whole, with a warning (DMC: 100) */
  maxPages: number;
}

/** What a job applies to every page it makes: its image options and its publish rule (pages inherit the document's flag). */
interface PageJob {
  image: ImageProcessingOptions;
  publish: ByproductPublish;
}

/** A page image of the document, as committed by this job. */
interface RippedPage {
  page: number;
  handle: string;
  path: string;
  /** it has a mask (createMask) */
  masked: boolean;
}

/**
 * A page's stored crop for a rip at `resolution`: crops are pixels of the
 * page image, so one made at another resolution is scaled to keep the same
 * part of the page.
 */
export function pageCropAt(previous: Pick<AssetRow, 'crop_json' | 'resolution'>, resolution: number): string | null {
  if (!previous.crop_json || !previous.resolution || previous.resolution === resolution) return previous.crop_json;
  const crop = JSON.parse(previous.crop_json) as StoredCrop;
  const k = resolution / previous.resolution;
  const scaled: StoredCrop = {
    ...crop,
    left: Math.round(crop.left * k),
    top: Math.round(crop.top * k),
    width: Math.max(1, Math.round(crop.width * k)),
    height: Math.max(1, Math.round(crop.height * k)),
  };
  return JSON.stringify(scaled);
}

/** What the page step records about a page, beside its image asset. */
interface PageData {
  page: number;
  resolution: number;
  searchWords?: string;
}

/**
 * Reprocessing of PDF, PostScript/EPS and Illustrator assets
 * (docs/jobs/reprocess-assets.md#pdf-postscript-eps-and-illustrator): Ghostscript rasterises pages in a pool of child
 * processes, several pages at once; every page becomes an image asset tied to
 * the document (an IPS "byproduct", engine PostScriptRip) with its own pyramid
 * TIFF, and a multi-page PDF with pdfCatalog becomes an eCatalog (a Catalog
 * asset listing the pages in order). The document itself is never changed.
 *
 * Pages are committed one at a time and re-used by a retried or resumed
 * activity (same job), so a stop or pause between pages loses nothing and a
 * retry does not rip finished pages again.
 */
export class DocumentRipService {
  constructor(
    private readonly storage: StorageDriver,
    private readonly media: MediaRepository,
    readonly assets: AssetRepository,
    readonly derivations: DerivationRepository,
    private readonly jobLogs: JobLogRepository,
    private readonly rip: RipPool,
    private readonly limits: RipLimits,
    /** renderDerivatives for pages the image options change (the worker's render threads) */
    private readonly renderer: DerivativeRenderer,
  ) {}

  /**
   * `applied`: the job's image options, applied to each page image (see
   * render-plan.ts, APPLIES; a document that is not rasterised gets a warning
   * per option instead), and its publish rule, which marks the document, its
   * pages and its eCatalog.
   */
  async ripDocument(
    job: JobIdentity,
    asset: AssetRow,
    o: RipOptions,
    color: ColorPlan | undefined,
    applied: { image: ImageProcessingOptions; publish: PublishRule },
    signal?: AbortSignal,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<FileResult> {
    const ref: AssetRef = { assetHandle: asset.asset_handle, name: asset.name };
    const docPath = `${asset.folder}${asset.file_name}`;
    const docFlag = publishFlag(applied.publish, asset.ready_for_publish);
    const pageJob: PageJob = { image: applied.image, publish: { rule: applied.publish, sourceFlag: docFlag } };
    const notApplied = (target: ImageOptionTarget) =>
      optionWarnings(applied.image, target, { path: docPath, type: asset.type, fileType: 'MasterImage', handle: asset.asset_handle });
    const marked =
      docFlag === asset.ready_for_publish
        ? undefined
        : (repos: TransactionRepositories) => repos.assets.update(asset.asset_handle, { ready_for_publish: docFlag });
    if (o.process === 'None') {
      const warnings = notApplied('UnrasterisedDocument');
      return this.record(
        job,
        ref,
        'success',
        [
          {
            ...this.about(docPath, ref),
            logType: itemLogTypes(job).success,
            messageKey: 'documentKept',
            messageArgs: { path: docPath, option: optionName(asset.type) },
          },
          ...warnings,
        ],
        warnings.length > 0,
        marked,
      );
    }
    if (!(await this.storage.exists(asset.original_key))) return this.fail(job, ref, 'the original file is missing from storage');
    const input = await this.storage.localPath(asset.original_key);
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-rip-'));
    try {
      progress.step('counting', 0, 'Counting pages');
      const count = await this.rip.pageCount(input, signal);
      if (count < 1) return await this.fail(job, ref, 'Ghostscript found no page in the document');
      if (o.process === 'Thumbnail')
        return await this.thumbnail(job, asset, ref, input, o, color, { docFlag, warnings: notApplied('DocumentThumbnail') }, work, signal, progress);
      if (count > this.limits.maxPages) {
        return await this.record(
          job,
          ref,
          'success',
          [
            this.warning(docPath, ref, `not rasterised: ${count} pages is more than the ${this.limits.maxPages} this server extracts (MAX_RIP_PAGES)`),
            ...notApplied('UnrasterisedDocument'),
          ],
          true,
          marked,
        );
      }
      const warnings: NewDetail[] = [];
      if (o.extractLinks)
        warnings.push(this.warning(docPath, ref, 'extractLinks: link rectangles are not extracted by this server (Ghostscript reports none)'));
      const pages = await this.ripPages(job, asset, input, count, o, color, pageJob, work, signal, progress);
      if (applied.image.createMask) {
        for (const p of pages.filter((x) => !x.masked)) {
          warnings.push({
            logType: ITEM_WARNING_TYPE,
            messageKey: 'fileWarning',
            messageArgs: { path: p.path, reason: 'no mask: the page has no transparency and no knockout was requested' },
            assetName: p.path,
            assetType: 'Mask',
            assetHandle: p.handle,
          });
        }
      }
      progress.step('commit', PAGES_TO, `Committing ${pages.length} pages`);
      const catalog =
        asset.type === 'Pdf' && o.pdfCatalog && pages.length > 1
          ? await this.upsertCatalog(
              job,
              asset,
              pages.map((p) => p.handle),
              pageJob.publish,
            )
          : undefined;
      await this.retireSurplusPages(job, asset, pages.length);
      return await this.record(
        job,
        ref,
        'success',
        [
          {
            ...this.about(docPath, ref),
            logType: itemLogTypes(job).success,
            messageKey: 'documentRasterized',
            messageArgs: { path: docPath, pages: pages.length, resolution: o.resolution },
          },
          ...pages.map((p) => ({
            logType: itemLogTypes(job).success,
            messageKey: 'fileProcessed',
            messageArgs: { path: p.path },
            assetName: p.path,
            assetType: 'Image',
            assetHandle: p.handle,
          })),
          ...(catalog
            ? [
                {
                  logType: itemLogTypes(job).success,
                  messageKey: 'fileProcessed',
                  messageArgs: { path: catalog.path },
                  assetName: catalog.path,
                  assetType: 'Catalog',
                  assetHandle: catalog.handle,
                },
              ]
            : []),
          ...warnings,
        ],
        warnings.length > 0,
        marked,
      );
    } catch (err) {
      if (err instanceof RipError && (err.kind === 'unreadable' || err.kind === 'timeout'))
        return this.fail(job, ref, err.message.split('\n')[0]!.slice(0, 500));
      if (err instanceof UnreadableImageError || err instanceof RenderOptionError) return this.fail(job, ref, err.message);
      throw err; // aborted (stop/pause), or I/O: the batch decides
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }

  /** pdfOptions.process Thumbnail: the first page becomes the document's own preview image. */
  private async thumbnail(
    job: JobIdentity,
    asset: AssetRow,
    ref: AssetRef,
    input: string,
    o: RipOptions,
    color: ColorPlan | undefined,
    doc: { docFlag: number; warnings: NewDetail[] },
    work: string,
    signal?: AbortSignal,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<FileResult> {
    progress.step('ripping', PAGES_FROM, 'Ripping page 1 of 1');
    const [first] = (
      await this.rip.rip({ input, outputDir: work, firstPage: 1, lastPage: 1, resolution: o.resolution, colorspace: o.colorspace, alpha: o.alpha }, signal)
    ).pages;
    const format = rasterFormat(first!.file);
    const probe = await this.media.probe(first!.file, format);
    const key = `optimized/${keyPart(asset.company_handle)}/${keyPart(asset.asset_handle)}/th-${jobTag(job)}.ptif`;
    const tmp = await this.storage.tempPath('.ptif');
    try {
      progress.step('pyramid', between(PAGES_FROM, PAGES_TO, 0.5), 'Thumbnail: pyramid');
      await this.media.buildPyramidTiff(first!.file, format, tmp, { ...probe, resolution: o.resolution }, color);
      await this.storage.putFile(key, tmp);
    } finally {
      await fs.rm(tmp, { force: true });
    }
    progress.step('commit', PAGES_TO, 'Committing');
    const previous = asset.optimized_key;
    const details: NewDetail[] = [
      {
        ...this.about(`${asset.folder}${asset.file_name}`, ref),
        logType: itemLogTypes(job).success,
        messageKey: 'documentThumbnail',
        messageArgs: { path: `${asset.folder}${asset.file_name}` },
      },
      ...doc.warnings,
    ];
    const result = await this.record(job, ref, 'success', details, doc.warnings.length > 0, (repos) =>
      repos.assets.update(asset.asset_handle, {
        optimized_key: key,
        width: probe.width,
        height: probe.height,
        resolution: o.resolution,
        optimizer_version: OPTIMIZER_VERSION,
        ready_for_publish: doc.docFlag,
        last_modified: nowIso(),
        last_modify_user: job.submitUserEmail,
      }),
    );
    if (previous && previous !== key) await this.storage.delete(previous);
    return result;
  }

  /**
   * Rips the pages not yet done by this job, as many at a time as the pool has
   * children, committing each page as soon as it is built. Between pages the
   * abort signal (stop, pause) is honoured; the page at hand is killed with its
   * Ghostscript child.
   */
  private async ripPages(
    job: JobIdentity,
    doc: AssetRow,
    input: string,
    count: number,
    o: RipOptions,
    color: ColorPlan | undefined,
    pageJob: PageJob,
    work: string,
    signal?: AbortSignal,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<RippedPage[]> {
    const existing = new Map((await this.derivations.bySource(doc.asset_handle, RIP_ENGINE)).map((d) => [d.position, d]));
    const done: RippedPage[] = [];
    const todo: number[] = [];
    // Pages this job already committed (a resumed or retried activity), looked up in one query.
    const mine = [...existing.values()].filter((d) => d.job_handle === job.jobHandle).map((d) => d.asset_handle);
    const rows = new Map((mine.length ? await this.assets.findByHandles(doc.company_handle, mine) : []).map((r) => [r.asset_handle, r]));
    for (let page = 1; page <= count; page++) {
      const d = existing.get(page);
      const row = d && d.job_handle === job.jobHandle ? rows.get(d.asset_handle) : undefined;
      if (row && row.trash_state === 'NotInTrash')
        done.push({ page, handle: row.asset_handle, path: `${row.folder}${row.name}`, masked: row.mask_key !== null });
      else todo.push(page);
    }
    // PostScript cannot jump to a page: one Ghostscript run renders the whole document.
    if (!(await isPdf(input))) {
      if (todo.length > 0) {
        const counter = pageProgress(count, 0, progress);
        const onPages = (begun: number) => counter.begun(begun);
        const { pages } = await this.rip.rip({ input, outputDir: work, resolution: o.resolution, colorspace: o.colorspace, alpha: o.alpha, onPages }, signal);
        counter.ripped(count);
        for (const p of pages) {
          done.push(await this.commitPage(job, doc, p.page, p.file, o, color, pageJob, existing.get(p.page)?.asset_handle, signal));
          counter.stored();
        }
      }
    } else {
      const counter = pageProgress(count, done.length, progress);
      let next = 0;
      const lane = async () => {
        for (;;) {
          if (signal?.aborted) throw new RipError('stopped', 'aborted');
          const page = todo[next++];
          if (page === undefined) return;
          const dir = path.join(work, `p${page}`);
          const { pages } = await this.rip.rip(
            { input, outputDir: dir, firstPage: page, lastPage: page, resolution: o.resolution, colorspace: o.colorspace, alpha: o.alpha },
            signal,
          );
          counter.ripped(1);
          done.push(await this.commitPage(job, doc, page, pages[0]!.file, o, color, pageJob, existing.get(page)?.asset_handle, signal, input));
          counter.stored();
          await fs.rm(dir, { recursive: true, force: true });
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.rip.size, Math.max(1, todo.length)) }, lane));
    }
    return done.sort((a, b) => a.page - b.page);
  }

  private async commitPage(
    job: JobIdentity,
    doc: AssetRow,
    page: number,
    file: string,
    o: RipOptions,
    color: ColorPlan | undefined,
    pageJob: PageJob,
    existingHandle: string | undefined,
    signal?: AbortSignal,
    input?: string,
  ): Promise<RippedPage> {
    const format = rasterFormat(file);
    const probe = await this.media.probe(file, format);
    const previous = existingHandle ? await this.assets.findByHandle(doc.company_handle, existingHandle) : undefined;
    const handle = previous?.asset_handle ?? newHandle.asset();
    const name = previous?.name ?? (await freeAssetName(this.assets, doc.company_handle, `${doc.name}_${page}`));
    const ext = format === 'tiff' ? 'tif' : 'png';
    const tag = jobTag(job);
    const keys = {
      original: `pages/${keyPart(doc.company_handle)}/${keyPart(doc.asset_handle)}/${tag}/${name.replace(/[^A-Za-z0-9._-]/g, '_')}.${ext}`,
      optimized: `optimized/${keyPart(doc.company_handle)}/${keyPart(handle)}/rp-${tag}.ptif`,
      mask: `masks/${keyPart(doc.company_handle)}/${keyPart(handle)}/rp-${tag}.png`,
    };
    // The page is an image: the job's crop, knockout, mask and unsharp mask go through the same step as an image's, with preserveCrop keeping its crop.
    const plan = renderPlanFor(pageJob.image, previous ? pageCropAt(previous, o.resolution) : null);
    const built = { width: probe.width, height: probe.height, crop: null as StoredCrop | null, masked: false };
    const tmp = { ptiff: await this.storage.tempPath('.ptif'), mask: await this.storage.tempPath('.png') };
    try {
      if (planChangesPixels(plan)) {
        const result = await this.renderer.renderDerivatives(file, format, { ...plan, ...(color ? { color } : {}) }, tmp);
        Object.assign(built, {
          width: result.width,
          height: result.height,
          crop: result.crop ? { ...result.crop, source: cropSource(plan) } : null,
          masked: result.maskWritten,
        });
        if (result.maskWritten) await this.storage.putFile(keys.mask, tmp.mask);
      } else {
        await this.media.buildPyramidTiff(file, format, tmp.ptiff, { ...probe, resolution: o.resolution }, color);
      }
      await this.storage.putFile(keys.optimized, tmp.ptiff);
    } finally {
      await Promise.all([fs.rm(tmp.ptiff, { force: true }), fs.rm(tmp.mask, { force: true })]);
    }
    await this.storage.putFile(keys.original, file, { readOnly: true });
    const data: PageData = { page, resolution: o.resolution };
    if (o.extractSearchWords && input) data.searchWords = (await this.rip.extractText(input, page, signal)).trim();
    const now = nowIso();
    const stat = await fs.stat(file);
    const row: AssetRow = {
      asset_handle: handle,
      company_handle: doc.company_handle,
      type: 'Image',
      sub_type: null,
      name,
      name_key: nameKey(name),
      file_name: `${name}.${ext}`,
      folder: doc.folder,
      ready_for_publish: byproductFlag(pageJob.publish, previous?.ready_for_publish),
      trash_state: 'NotInTrash',
      created: previous?.created ?? now,
      create_user: previous?.create_user ?? job.submitUserEmail,
      last_modified: now,
      last_modify_user: job.submitUserEmail,
      format,
      original_key: keys.original,
      file_size: stat.size,
      sha256: await fileSha256(file),
      optimized_key: keys.optimized,
      mask_key: built.masked ? keys.mask : null,
      width: built.width,
      height: built.height,
      resolution: o.resolution,
      version: (previous?.version ?? 0) + 1,
      optimizer_version: OPTIMIZER_VERSION,
      crop_json: built.crop ? JSON.stringify(built.crop) : null,
    };
    await this.derivations.commitDerived(row, previous !== undefined, {
      asset_handle: handle,
      company_handle: doc.company_handle,
      source_handle: doc.asset_handle,
      engine: RIP_ENGINE,
      position: page,
      job_handle: job.jobHandle,
      data_json: JSON.stringify(data),
    });
    if (previous) {
      for (const key of [previous.original_key, previous.optimized_key, previous.mask_key]) {
        if (key && key !== keys.original && key !== keys.optimized && key !== keys.mask) await this.storage.delete(key);
      }
    }
    return { page, handle, path: `${doc.folder}${name}`, masked: built.masked };
  }

  /** The eCatalog of a multi-page PDF: a Catalog asset named `<pdf>_eCatalog` whose members are the pages in order. */
  private async upsertCatalog(job: JobIdentity, doc: AssetRow, pages: string[], publish: ByproductPublish): Promise<{ handle: string; path: string }> {
    const row = await upsertSetByproduct(this, job, doc, {
      engine: 'Catalog',
      type: 'Catalog',
      suffix: '_eCatalog',
      members: pages,
      data: undefined,
      readyForPublish: (current) => byproductFlag(publish, current),
    });
    return { handle: row.asset_handle, path: `${doc.folder}${row.name}` };
  }

  /** Pages of an earlier rip beyond the new page count go to the trash (the document got shorter). */
  private async retireSurplusPages(job: JobIdentity, doc: AssetRow, count: number): Promise<void> {
    for (const d of await this.derivations.bySource(doc.asset_handle, RIP_ENGINE)) {
      if (d.position > count)
        await this.assets.update(d.asset_handle, { trash_state: 'InTrash', last_modified: nowIso(), last_modify_user: job.submitUserEmail });
    }
  }

  private about(docPath: string, ref: AssetRef) {
    return { assetName: docPath, assetType: 'MasterImage', assetHandle: ref.assetHandle };
  }

  private warning(docPath: string, ref: AssetRef, reason: string): NewDetail {
    return { ...this.about(docPath, ref), logType: ITEM_WARNING_TYPE, messageKey: 'fileWarning', messageArgs: { path: docPath, reason } };
  }

  private async record(job: JobIdentity, ref: AssetRef, status: 'success', details: NewDetail[], warned = false, write?: UnitOfWork): Promise<FileResult> {
    const recorded = await this.jobLogs.recordItem(
      { job_handle: job.jobHandle, item_id: ref.assetHandle, status, asset_handle: ref.assetHandle, reason: null, updated_at: nowIso() },
      job.companyHandle,
      details,
      ['file_success_count', 'total_file_count', ...(warned ? (['file_warning_count'] as const) : [])],
      write,
    );
    if (!recorded) return recordedResult(this.jobLogs, job, ref);
    return { itemId: ref.assetHandle, status, assetHandle: ref.assetHandle };
  }

  async fail(job: JobIdentity, ref: AssetRef, reason: string): Promise<FileResult> {
    return recordItemError(this.jobLogs, job, ref, reason);
  }
}

/** The share of a document's item its pages take: counting them comes before, the commit after. */
const PAGES_FROM = 0.02;
const PAGES_TO = 0.95;

/**
 * A document's page steps as its item's progress: "Ripping page n of N"
 * while pages are being rasterised, then "Pages: pyramid n of N" for the
 * pyramids still being built. Every page counts twice in the fraction (ripped,
 * then stored), so it rises with either; pages a retried activity already
 * has count as done.
 */
function pageProgress(total: number, alreadyDone: number, progress: ItemProgress) {
  let ripped = Math.min(total, alreadyDone);
  let stored = ripped;
  const report = () => {
    const fraction = between(PAGES_FROM, PAGES_TO, (ripped + stored) / (2 * total));
    if (ripped < total) progress.step('ripping', fraction, `Ripping page ${ripped + 1} of ${total}`);
    // With every page stored the commit is next, and it reports itself.
    else if (stored < total) progress.step('pyramid', fraction, `Pages: pyramid ${stored + 1} of ${total}`);
  };
  report();
  return {
    ripped(pages: number) {
      ripped = Math.min(total, ripped + pages);
      report();
    },
    /** A whole-document rip has begun its n-th page: the ones before it are done. */
    begun(n: number) {
      const before = Math.min(total, n - 1);
      if (before <= ripped) return;
      ripped = before;
      report();
    },
    stored() {
      stored = Math.min(total, stored + 1);
      report();
    },
  };
}

async function isPdf(file: string): Promise<boolean> {
  const fh = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(5);
    await fh.read(head, 0, 5, 0);
    return head.toString('latin1') === '%PDF-';
  } finally {
    await fh.close();
  }
}

function rasterFormat(file: string): DetectedFormat {
  return file.endsWith('.tif') ? 'tiff' : 'png';
}

/** Keys written by a job carry a short digest of its handle, so each job's files are distinct and a retry rewrites the same ones. */
function jobTag(job: JobIdentity): string {
  return createHash('sha256').update(job.jobHandle).digest('hex').slice(0, 16);
}

function optionName(type: string): string {
  return type === 'Pdf' ? 'pdfOptions' : type === 'Illustrator' ? 'illustratorOptions' : 'postScriptOptions';
}
