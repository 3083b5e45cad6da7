import { keyPart } from '../assets/storage-keys.js';
import { type ItemProgress, between } from '../item-progress.js';
import { PAGES_FROM, PAGES_TO } from './page-progress.js';
import { type DocumentRun, type RipTools, jobTag, rasterFormat } from './rip-types.js';

/** The document's own preview image, stored; the catalog is not yet changed. */
export interface StoredThumbnail {
  key: string;
  width: number;
  height: number;
}

/**
 * pdfOptions.process Thumbnail: page 1 rasterised into the document's pyramid
 * TIFF, stored under a key of this job (a retry rewrites the same one).
 */
export async function storeThumbnail(tools: RipTools, run: DocumentRun, progress: ItemProgress): Promise<StoredThumbnail> {
  const { job, doc, input, options: o, color, work, signal } = run;
  progress.step('ripping', PAGES_FROM, 'Ripping page 1 of 1');
  const [first] = (
    await tools.rip.rip({ input, outputDir: work, firstPage: 1, lastPage: 1, resolution: o.resolution, colorspace: o.colorspace, alpha: o.alpha }, signal)
  ).pages;
  const format = rasterFormat(first!.file);
  const probe = await tools.media.probe(first!.file, format);
  const key = `optimized/${keyPart(doc.company_handle)}/${keyPart(doc.asset_handle)}/th-${jobTag(job)}.ptif`;
  await tools.scratch.withFile('.ptif', async (tmp) => {
    progress.step('pyramid', between(PAGES_FROM, PAGES_TO, 0.5), 'Thumbnail: pyramid');
    await tools.media.buildPyramidTiff(first!.file, format, tmp, { ...probe, resolution: o.resolution }, color);
    await tools.storage.putFile(key, tmp);
  });
  return { key, width: probe.width, height: probe.height };
}
