import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ColorPlan, MediaRepository } from '../../adapters/media/media.repository.js';
import { UnreadableImageError } from '../../adapters/media/media.repository.js';
import { RipError, type RipPool } from '../../adapters/ghostscript/rip-pool.js';
import { type AssetRepository, type AssetRow, AssetRepository as AssetRepositoryImpl } from '../../adapters/repositories/asset.repository.js';
import type { DerivationRepository } from '../../adapters/repositories/derivation.repository.js';
import type { JobLogRepository, NewDetail } from '../../adapters/repositories/job-log.repository.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import type { DetectedFormat } from '../../domain/asset-types.js';
import { nameKey, newHandle, nowIso } from '../../domain/handles.js';
import type { AssetRef, FileResult, JobIdentity } from '../../../workflows/contracts.js';
import { OPTIMIZER_VERSION } from '../ingest/pyramid.js';
import { keyPart } from '../ingest/storage-keys.js';
import { freeAssetName, upsertSetByproduct } from '../byproduct-names.js';
import { fileSha256 } from '../ingest/file-hash.js';
import { itemLogTypes, recordItemError, recordedResult } from '../job-items.js';

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

/** What the page step records about a page, beside its image asset. */
interface PageData {
  page: number;
  resolution: number;
  searchWords?: string;
}

/**
 * Reprocessing of PDF, PostScript/EPS and Illustrator assets (ips-reference
 * §5.2, §6 PDFOptions): Ghostscript rasterises pages in a pool of child
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
  ) {}

  async ripDocument(job: JobIdentity, asset: AssetRow, o: RipOptions, color: ColorPlan | undefined, signal?: AbortSignal): Promise<FileResult> {
    const ref: AssetRef = { assetHandle: asset.asset_handle, name: asset.name };
    const docPath = `${asset.folder}${asset.file_name}`;
    if (o.process === 'None') {
      return this.record(job, ref, 'success', [{ ...this.about(docPath, ref), logType: itemLogTypes(job).success, messageKey: 'documentKept', messageArgs: { path: docPath, option: optionName(asset.type) } }]);
    }
    if (!(await this.storage.exists(asset.original_key))) return this.fail(job, ref, 'the original file is missing from storage');
    const input = await this.storage.localPath(asset.original_key);
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-rip-'));
    try {
      const count = await this.rip.pageCount(input, signal);
      if (count < 1) return await this.fail(job, ref, 'Ghostscript found no page in the document');
      if (o.process === 'Thumbnail') return await this.thumbnail(job, asset, ref, input, o, color, work, signal);
      if (count > this.limits.maxPages) {
        return await this.record(job, ref, 'success', [
          this.warning(docPath, ref, `not rasterised: ${count} pages is more than the ${this.limits.maxPages} this server extracts (MAX_RIP_PAGES)`),
        ], true);
      }
      const warnings: NewDetail[] = [];
      if (o.extractLinks) warnings.push(this.warning(docPath, ref, 'extractLinks: link rectangles are not extracted by this server (Ghostscript reports none)'));
      const pages = await this.ripPages(job, asset, input, count, o, color, work, signal);
      const catalog = asset.type === 'Pdf' && o.pdfCatalog && pages.length > 1 ? await this.upsertCatalog(job, asset, pages.map((p) => p.handle)) : undefined;
      await this.retireSurplusPages(job, asset, pages.length);
      return await this.record(
        job,
        ref,
        'success',
        [
          { ...this.about(docPath, ref), logType: itemLogTypes(job).success, messageKey: 'documentRasterized', messageArgs: { path: docPath, pages: pages.length, resolution: o.resolution } },
          ...pages.map((p) => ({ logType: itemLogTypes(job).success, messageKey: 'fileProcessed', messageArgs: { path: p.path }, assetName: p.path, assetType: 'Image', assetHandle: p.handle })),
          ...(catalog ? [{ logType: itemLogTypes(job).success, messageKey: 'fileProcessed', messageArgs: { path: catalog.path }, assetName: catalog.path, assetType: 'Catalog', assetHandle: catalog.handle }] : []),
          ...warnings,
        ],
        warnings.length > 0,
      );
    } catch (err) {
      if (err instanceof RipError && (err.kind === 'unreadable' || err.kind === 'timeout')) return this.fail(job, ref, err.message.split('\n')[0]!.slice(0, 500));
      if (err instanceof UnreadableImageError) return this.fail(job, ref, err.message);
      throw err; // aborted (stop/pause), or I/O: the batch decides
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }

  /** pdfOptions.process Thumbnail: the first page becomes the document's own preview image. */
  private async thumbnail(job: JobIdentity, asset: AssetRow, ref: AssetRef, input: string, o: RipOptions, color: ColorPlan | undefined, work: string, signal?: AbortSignal): Promise<FileResult> {
    const [first] = (await this.rip.rip({ input, outputDir: work, firstPage: 1, lastPage: 1, resolution: o.resolution, colorspace: o.colorspace, alpha: o.alpha }, signal)).pages;
    const format = rasterFormat(first!.file);
    const probe = await this.media.probe(first!.file, format);
    const key = `optimized/${keyPart(asset.company_handle)}/${keyPart(asset.asset_handle)}/th-${jobTag(job)}.ptif`;
    const tmp = await this.storage.tempPath('.ptif');
    try {
      await this.media.buildPyramidTiff(first!.file, format, tmp, { ...probe, resolution: o.resolution }, color);
      await this.storage.putFile(key, tmp);
    } finally {
      await fs.rm(tmp, { force: true });
    }
    const previous = asset.optimized_key;
    const result = await this.record(job, ref, 'success', [{ ...this.about(`${asset.folder}${asset.file_name}`, ref), logType: itemLogTypes(job).success, messageKey: 'documentThumbnail', messageArgs: { path: `${asset.folder}${asset.file_name}` } }], false, (tx) =>
      tx.update(asset.asset_handle, { optimized_key: key, width: probe.width, height: probe.height, resolution: o.resolution, optimizer_version: OPTIMIZER_VERSION, last_modified: nowIso(), last_modify_user: job.submitUserEmail }),
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
    work: string,
    signal?: AbortSignal,
  ): Promise<Array<{ page: number; handle: string; path: string }>> {
    const existing = new Map((await this.derivations.bySource(doc.asset_handle, RIP_ENGINE)).map((d) => [d.position, d]));
    const done: Array<{ page: number; handle: string; path: string }> = [];
    const todo: number[] = [];
    // Pages this job already committed (a resumed or retried activity), looked up in one query.
    const mine = [...existing.values()].filter((d) => d.job_handle === job.jobHandle).map((d) => d.asset_handle);
    const rows = new Map((mine.length ? await this.assets.findByHandles(doc.company_handle, mine) : []).map((r) => [r.asset_handle, r]));
    for (let page = 1; page <= count; page++) {
      const d = existing.get(page);
      const row = d && d.job_handle === job.jobHandle ? rows.get(d.asset_handle) : undefined;
      if (row && row.trash_state === 'NotInTrash') done.push({ page, handle: row.asset_handle, path: `${row.folder}${row.name}` });
      else todo.push(page);
    }
    // PostScript cannot jump to a page: one Ghostscript run renders the whole document.
    if (!(await isPdf(input))) {
      if (todo.length > 0) {
        const { pages } = await this.rip.rip({ input, outputDir: work, resolution: o.resolution, colorspace: o.colorspace, alpha: o.alpha }, signal);
        for (const p of pages) done.push(await this.commitPage(job, doc, p.page, p.file, o, color, existing.get(p.page)?.asset_handle, signal));
      }
    } else {
      let next = 0;
      const lane = async () => {
        for (;;) {
          if (signal?.aborted) throw new RipError('stopped', 'aborted');
          const page = todo[next++];
          if (page === undefined) return;
          const dir = path.join(work, `p${page}`);
          const { pages } = await this.rip.rip({ input, outputDir: dir, firstPage: page, lastPage: page, resolution: o.resolution, colorspace: o.colorspace, alpha: o.alpha }, signal);
          done.push(await this.commitPage(job, doc, page, pages[0]!.file, o, color, existing.get(page)?.asset_handle, signal, input));
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
    existingHandle: string | undefined,
    signal?: AbortSignal,
    input?: string,
  ): Promise<{ page: number; handle: string; path: string }> {
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
    };
    const tmp = await this.storage.tempPath('.ptif');
    try {
      await this.media.buildPyramidTiff(file, format, tmp, { ...probe, resolution: o.resolution }, color);
      await this.storage.putFile(keys.optimized, tmp);
    } finally {
      await fs.rm(tmp, { force: true });
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
      // Derived images follow their parent's publish state (ips-reference §2.3).
      ready_for_publish: doc.ready_for_publish,
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
      mask_key: null,
      width: probe.width,
      height: probe.height,
      resolution: o.resolution,
      version: (previous?.version ?? 0) + 1,
      optimizer_version: OPTIMIZER_VERSION,
      crop_json: null,
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
      for (const key of [previous.original_key, previous.optimized_key]) if (key && key !== keys.original && key !== keys.optimized) await this.storage.delete(key);
    }
    return { page, handle, path: `${doc.folder}${name}` };
  }

  /** The eCatalog of a multi-page PDF: a Catalog asset named `<pdf>_eCatalog` whose members are the pages in order. */
  private async upsertCatalog(job: JobIdentity, doc: AssetRow, pages: string[]): Promise<{ handle: string; path: string }> {
    const row = await upsertSetByproduct(this, job, doc, { engine: 'Catalog', type: 'Catalog', suffix: '_eCatalog', members: pages, data: undefined });
    return { handle: row.asset_handle, path: `${doc.folder}${row.name}` };
  }

  /** Pages of an earlier rip beyond the new page count go to the trash (the document got shorter). */
  private async retireSurplusPages(job: JobIdentity, doc: AssetRow, count: number): Promise<void> {
    for (const d of await this.derivations.bySource(doc.asset_handle, RIP_ENGINE)) {
      if (d.position > count) await this.assets.update(d.asset_handle, { trash_state: 'InTrash', last_modified: nowIso(), last_modify_user: job.submitUserEmail });
    }
  }

  private about(docPath: string, ref: AssetRef) {
    return { assetName: docPath, assetType: 'MasterImage', assetHandle: ref.assetHandle };
  }

  private warning(docPath: string, ref: AssetRef, reason: string): NewDetail {
    return { ...this.about(docPath, ref), logType: 'UploadWarning', messageKey: 'fileWarning', messageArgs: { path: docPath, reason } };
  }

  private async record(
    job: JobIdentity,
    ref: AssetRef,
    status: 'success',
    details: NewDetail[],
    warned = false,
    write?: (assets: AssetRepository) => Promise<void>,
  ): Promise<FileResult> {
    const recorded = await this.jobLogs.recordItem(
      { job_handle: job.jobHandle, item_id: ref.assetHandle, status, asset_handle: ref.assetHandle, reason: null, updated_at: nowIso() },
      job.companyHandle,
      details,
      ['file_success_count', 'total_file_count', ...(warned ? (['file_warning_count'] as const) : [])],
      write ? (tx) => write(new AssetRepositoryImpl(tx)) : undefined,
    );
    if (!recorded) return recordedResult(this.jobLogs, job, ref);
    return { itemId: ref.assetHandle, status, assetHandle: ref.assetHandle };
  }

  async fail(job: JobIdentity, ref: AssetRef, reason: string): Promise<FileResult> {
    return recordItemError(this.jobLogs, job, ref, reason);
  }

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

