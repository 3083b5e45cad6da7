import type { ColorPlan } from '../../adapters/media/media-types.js';
import { RenderOptionError, UnreadableImageError } from '../../adapters/media/media-errors.js';
import { RipError } from '../../adapters/ghostscript/rip-pool.js';
import type { AssetRow } from '../../adapters/repositories/asset.repository.js';
import type { ProjectRepository } from '../../adapters/repositories/project.repository.js';
import { AssetNotLiveError } from '../../adapters/repositories/asset-not-live.error.js';
import type { TransactionRepositories, UnitOfWork } from '../../adapters/repositories/unit-of-work.js';
import type { NewDetail } from '../../adapters/repositories/job-log.repository.js';
import { nowIso } from '../../domain/handles.js';
import type { MetadataUpdate } from '../../domain/schemas/metadata.schema.js';
import type { AssetRef, FileResult, JobIdentity } from '../../jobs/contracts.js';
import type { ItemLedger, LedgerEntry } from '../assets/item-ledger.js';
import { recordWithJobOptions } from '../metadata/job-metadata.js';
import { OPTIMIZER_VERSION } from '../assets/pyramid.js';
import { ITEM_WARNING_TYPE, itemLogTypes } from '../job-items.js';
import { type ImageOptionTarget, type ImageProcessingOptions, optionWarnings } from '../render-plan.js';
import { type PublishRule, publishFlag } from '../../domain/publish-state.js';
import { type ItemProgress, NO_PROGRESS } from '../item-progress.js';
import { storeThumbnail } from './document-thumbnail.js';
import { upsertECatalog } from './ecatalog.js';
import { PAGES_TO } from './page-progress.js';
import { ripPages } from './page-ripper.js';
import { retireSurplusPages } from './page-writer.js';
import type { DocumentRun, PageJob, RipLimits, RipOptions, RipTools } from './rip-types.js';

// What the rest of the server names from the document rip, importable from the service itself.
export { pageCropAt } from './page-writer.js';
export { RIP_ENGINE, type RipLimits, type RipOptions } from './rip-types.js';

export interface DocumentRipDeps extends RipTools {
  ledger: ItemLedger;
  /** the job's projectHandleArray: the document, its pages and its eCatalog join them (docs/projects.md#jobs) */
  projects: ProjectRepository;
  limits: RipLimits;
}

/** The document an item rips: its log path, the job's projects its result joins and the metadata updates it gets. */
type DocumentItem = AssetRef & { path: string; projects?: readonly string[]; metadata?: readonly MetadataUpdate[] };

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
  constructor(private readonly deps: DocumentRipDeps) {}

  /**
   * `applied`: the job's image options, applied to each page image (see
   * render-plan.ts, APPLIES; a document that is not rasterised gets a warning
   * per option instead), and its publish rule, which marks the document, its
   * pages and its eCatalog; `projects`, the job's projectHandleArray, which
   * the document and what the rip made join when its result commits, and
   * `metadata`, its metadataOptions updates, which they get then.
   */
  async ripDocument(
    job: JobIdentity,
    asset: AssetRow,
    o: RipOptions,
    color: ColorPlan | undefined,
    applied: { image: ImageProcessingOptions; publish: PublishRule; projects?: readonly string[]; metadata?: readonly MetadataUpdate[] },
    signal?: AbortSignal,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<FileResult> {
    const ref: AssetRef = { assetHandle: asset.asset_handle, name: asset.name };
    const docPath = `${asset.folder}${asset.file_name}`;
    const item: DocumentItem = { ...ref, path: docPath, projects: applied.projects, metadata: applied.metadata };
    const docFlag = publishFlag(applied.publish, asset.ready_for_publish);
    const pageJob: PageJob = { image: applied.image, publish: { rule: applied.publish, sourceFlag: docFlag } };
    const notApplied = (target: ImageOptionTarget) =>
      optionWarnings(applied.image, target, { path: docPath, type: asset.type, fileType: 'MasterImage', handle: asset.asset_handle });
    // The document's result commits only while it is live: one trashed meanwhile is never made live again (docs/assets.md).
    const committed = (repos: TransactionRepositories) => repos.assets.updateLive(asset.asset_handle, { ready_for_publish: docFlag });
    const marked = docFlag === asset.ready_for_publish ? undefined : committed;
    if (o.process === 'None') {
      const warnings = notApplied('UnrasterisedDocument');
      return this.record(
        job,
        item,
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
    if (!(await this.deps.storage.exists(asset.original_key))) return this.fail(job, ref, 'the original file is missing from storage');
    const input = await this.deps.storage.localPath(asset.original_key);
    const work = await this.deps.scratch.dir('.rip');
    const run: DocumentRun = { job, doc: asset, input, options: o, color, pageJob, work, signal };
    try {
      progress.step('counting', 0, 'Counting pages');
      const count = await this.deps.rip.pageCount(input, signal);
      if (count < 1) return await this.fail(job, ref, 'Ghostscript found no page in the document');
      if (o.process === 'Thumbnail') return await this.thumbnail(run, item, { docFlag, warnings: notApplied('DocumentThumbnail') }, progress);
      if (count > this.deps.limits.maxPages) {
        return await this.record(
          job,
          item,
          [
            this.warning(docPath, ref, `not rasterised: ${count} pages is more than the ${this.deps.limits.maxPages} this server extracts (MAX_RIP_PAGES)`),
            ...notApplied('UnrasterisedDocument'),
          ],
          true,
          marked,
        );
      }
      const warnings: NewDetail[] = [];
      if (o.extractLinks)
        warnings.push(this.warning(docPath, ref, 'extractLinks: link rectangles are not extracted by this server (Ghostscript reports none)'));
      const pages = await ripPages(this.deps, run, count, progress);
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
          ? await upsertECatalog(
              this.deps,
              job,
              asset,
              pages.map((p) => p.handle),
              pageJob.publish,
            )
          : undefined;
      await retireSurplusPages(this.deps, job, asset, pages.length);
      return await this.record(
        job,
        item,
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
        committed,
      );
    } catch (err) {
      if (err instanceof RipError && (err.kind === 'unreadable' || err.kind === 'timeout'))
        return this.fail(job, ref, err.message.split('\n')[0]!.slice(0, 500));
      if (err instanceof UnreadableImageError || err instanceof RenderOptionError || err instanceof AssetNotLiveError) return this.fail(job, ref, err.message);
      throw err; // aborted (stop/pause), or I/O: the batch decides
    } finally {
      await this.deps.scratch.remove(work);
    }
  }

  /** pdfOptions.process Thumbnail: the first page becomes the document's own preview image. */
  private async thumbnail(run: DocumentRun, ref: DocumentItem, thumb: { docFlag: number; warnings: NewDetail[] }, progress: ItemProgress): Promise<FileResult> {
    const { job, doc: asset, options: o } = run;
    const thumbnail = await storeThumbnail(this.deps, run, progress);
    progress.step('commit', PAGES_TO, 'Committing');
    const previous = asset.optimized_key;
    const details: NewDetail[] = [
      {
        ...this.about(`${asset.folder}${asset.file_name}`, ref),
        logType: itemLogTypes(job).success,
        messageKey: 'documentThumbnail',
        messageArgs: { path: `${asset.folder}${asset.file_name}` },
      },
      ...thumb.warnings,
    ];
    const result = await this.record(
      job,
      ref,
      details,
      thumb.warnings.length > 0,
      (repos) =>
        repos.assets.updateLive(asset.asset_handle, {
          optimized_key: thumbnail.key,
          width: thumbnail.width,
          height: thumbnail.height,
          resolution: o.resolution,
          optimizer_version: OPTIMIZER_VERSION,
          ready_for_publish: thumb.docFlag,
          last_modified: nowIso(),
          last_modify_user: job.submitUserEmail,
        }),
      thumbnail.key === previous ? [] : [thumbnail.key],
    );
    if (previous && previous !== thumbnail.key) await this.deps.storage.delete(previous);
    return result;
  }

  private about(docPath: string, ref: AssetRef) {
    return { assetName: docPath, assetType: 'MasterImage', assetHandle: ref.assetHandle };
  }

  private warning(docPath: string, ref: AssetRef, reason: string): NewDetail {
    return { ...this.about(docPath, ref), logType: ITEM_WARNING_TYPE, messageKey: 'fileWarning', messageArgs: { path: docPath, reason } };
  }

  /**
   * The document's success: its rows, counted once (a retry that raced the
   * first attempt gets the first result). A document trashed or emptied while
   * the item ran fails it instead, and `discard` (files written for the
   * document itself) is removed.
   */
  private async record(
    job: JobIdentity,
    ref: DocumentItem,
    details: NewDetail[],
    warned = false,
    write?: UnitOfWork,
    discard: readonly string[] = [],
  ): Promise<FileResult> {
    try {
      const entry: LedgerEntry = {
        itemId: ref.assetHandle,
        status: 'success',
        assetHandle: ref.assetHandle,
        details,
        counters: ['file_success_count', 'total_file_count', ...(warned ? (['file_warning_count'] as const) : [])],
        write,
      };
      return await recordWithJobOptions(this.deps, job, entry, { projectHandles: ref.projects, metadataUpdates: ref.metadata, path: ref.path });
    } catch (err) {
      if (!(err instanceof AssetNotLiveError)) throw err;
      for (const key of discard) await this.deps.storage.delete(key);
      return this.fail(job, ref, err.message);
    }
  }

  async fail(job: JobIdentity, ref: AssetRef, reason: string): Promise<FileResult> {
    return this.deps.ledger.error(job, ref, reason);
  }
}

function optionName(type: string): string {
  return type === 'Pdf' ? 'pdfOptions' : type === 'Illustrator' ? 'illustratorOptions' : 'postScriptOptions';
}
