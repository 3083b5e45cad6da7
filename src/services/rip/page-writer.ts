import type { AssetRow } from '../../adapters/repositories/asset.repository.js';
import { AssetNotLiveError } from '../../adapters/repositories/asset-not-live.error.js';
import { newHandle, nowIso } from '../../domain/handles.js';
import { byproductFlag } from '../../domain/publish-state.js';
import type { JobIdentity } from '../../jobs/contracts.js';
import { newAssetVersion } from '../assets/asset-version.js';
import { OPTIMIZER_VERSION } from '../assets/pyramid.js';
import { keyPart } from '../assets/storage-keys.js';
import { freeAssetName } from '../byproduct-names.js';
import { type StoredCrop, cropSource, planChangesPixels, renderPlanFor } from '../render-plan.js';
import { type DocumentRun, RIP_ENGINE, type RipTools, type RippedPage, jobTag, rasterFormat } from './rip-types.js';

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

/** A page file Ghostscript wrote, to become the page's image asset. */
export interface PageFile {
  page: number;
  file: string;
  /** the page's image asset from an earlier rip, which keeps its handle and name */
  existingHandle: string | undefined;
  /** the PDF to read the page's search words from (extractSearchWords); none for a whole-document PostScript rip */
  textSource?: string;
}

/**
 * Commits one page: its pyramid (and mask) built with the job's image
 * options, its file stored as the page asset's read-only original, the asset
 * and its derivation row written in one transaction; files an earlier
 * version of the page had are removed afterwards.
 */
export async function writePage(tools: RipTools, run: DocumentRun, pageFile: PageFile): Promise<RippedPage> {
  const { job, doc, options: o, color, pageJob } = run;
  const { page, file } = pageFile;
  const format = rasterFormat(file);
  const probe = await tools.media.probe(file, format);
  const previous = pageFile.existingHandle ? await tools.assets.findByHandle(doc.company_handle, pageFile.existingHandle) : undefined;
  const handle = previous?.asset_handle ?? newHandle.asset();
  const name = previous?.name ?? (await freeAssetName(tools.assets, doc.company_handle, `${doc.name}_${page}`));
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
  const tmp = { ptiff: await tools.scratch.file('.ptif'), mask: await tools.scratch.file('.png') };
  try {
    if (planChangesPixels(plan)) {
      const result = await tools.renderer.renderDerivatives(file, format, { ...plan, ...(color ? { color } : {}) }, tmp);
      Object.assign(built, {
        width: result.width,
        height: result.height,
        crop: result.crop ? { ...result.crop, source: cropSource(plan) } : null,
        masked: result.maskWritten,
      });
      if (result.maskWritten) await tools.storage.putFile(keys.mask, tmp.mask);
    } else {
      await tools.media.buildPyramidTiff(file, format, tmp.ptiff, { ...probe, resolution: o.resolution }, color);
    }
    await tools.storage.putFile(keys.optimized, tmp.ptiff);
  } finally {
    await tools.scratch.remove(tmp.ptiff, tmp.mask);
  }
  await tools.storage.putFile(keys.original, file, { readOnly: true });
  const data: PageData = { page, resolution: o.resolution };
  if (o.extractSearchWords && pageFile.textSource) data.searchWords = (await tools.rip.extractText(pageFile.textSource, page, run.signal)).trim();
  const row = newAssetVersion(previous, job, {
    asset_handle: handle,
    company_handle: doc.company_handle,
    type: 'Image',
    name,
    file_name: `${name}.${ext}`,
    folder: doc.folder,
    ready_for_publish: byproductFlag(pageJob.publish, previous?.ready_for_publish),
    format,
    original_key: keys.original,
    file_size: await tools.scratch.size(file),
    sha256: await tools.scratch.sha256(file),
    optimized_key: keys.optimized,
    mask_key: built.masked ? keys.mask : null,
    width: built.width,
    height: built.height,
    resolution: o.resolution,
    optimizer_version: OPTIMIZER_VERSION,
    crop_json: built.crop ? JSON.stringify(built.crop) : null,
  });
  try {
    await tools.derivations.commitDerived(row, previous !== undefined, {
      asset_handle: handle,
      company_handle: doc.company_handle,
      source_handle: doc.asset_handle,
      engine: RIP_ENGINE,
      position: page,
      job_handle: job.jobHandle,
      data_json: JSON.stringify(data),
    });
  } catch (err) {
    // The document went to the trash while the page was made: the page has no asset to belong to.
    if (err instanceof AssetNotLiveError) {
      const kept = new Set([previous?.original_key, previous?.optimized_key, previous?.mask_key]);
      for (const key of Object.values(keys)) if (!kept.has(key)) await tools.storage.delete(key);
    }
    throw err;
  }
  if (previous) {
    for (const key of [previous.original_key, previous.optimized_key, previous.mask_key]) {
      if (key && key !== keys.original && key !== keys.optimized && key !== keys.mask) await tools.storage.delete(key);
    }
  }
  return { page, handle, path: `${doc.folder}${name}`, masked: built.masked };
}

/** Pages of an earlier rip beyond the new page count go to the trash (the document got shorter). */
export async function retireSurplusPages(tools: Pick<RipTools, 'assets' | 'derivations'>, job: JobIdentity, doc: AssetRow, count: number): Promise<void> {
  for (const d of await tools.derivations.bySource(doc.asset_handle, RIP_ENGINE)) {
    if (d.position > count)
      await tools.assets.update(d.asset_handle, { trash_state: 'InTrash', last_modified: nowIso(), last_modify_user: job.submitUserEmail });
  }
}
