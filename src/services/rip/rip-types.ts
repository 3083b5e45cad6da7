import { createHash } from 'node:crypto';
import type { ColorPlan } from '../../adapters/media/media-types.js';
import type { MediaRepository } from '../../adapters/media/media.repository.js';
import type { DerivativeRenderer } from '../../adapters/media/render-pool.js';
import type { RipPool } from '../../adapters/ghostscript/rip-pool.js';
import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import type { DerivationRepository } from '../../adapters/repositories/derivation.repository.js';
import type { Scratch } from '../../adapters/storage/scratch.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import type { DetectedFormat } from '../../domain/asset-types.js';
import type { ByproductPublish } from '../../domain/publish-state.js';
import type { JobIdentity } from '../../jobs/contracts.js';
import type { ImageProcessingOptions } from '../render-plan.js';

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

/** What the steps of a rip (pages, thumbnail, eCatalog) work with. */
export interface RipTools {
  storage: StorageDriver;
  scratch: Scratch;
  media: MediaRepository;
  /** renderDerivatives for pages the image options change (the worker's render threads) */
  renderer: DerivativeRenderer;
  /** the Ghostscript pool */
  rip: RipPool;
  assets: AssetRepository;
  derivations: DerivationRepository;
}

/** What a job applies to every page it makes: its image options and its publish rule (pages inherit the document's flag). */
export interface PageJob {
  image: ImageProcessingOptions;
  publish: ByproductPublish;
}

/** One document being rasterised by one job: what each page step needs. */
export interface DocumentRun {
  job: JobIdentity;
  doc: AssetRow;
  /** the document's local file */
  input: string;
  options: RipOptions;
  color: ColorPlan | undefined;
  pageJob: PageJob;
  /** this rip's scratch folder, for Ghostscript's page files */
  work: string;
  signal?: AbortSignal;
}

/** A page image of the document, as committed by this job. */
export interface RippedPage {
  page: number;
  handle: string;
  path: string;
  /** it has a mask (createMask) */
  masked: boolean;
}

/** The format of a page file Ghostscript wrote (TIFF for the CMYK device, PNG otherwise). */
export function rasterFormat(file: string): DetectedFormat {
  return file.endsWith('.tif') ? 'tiff' : 'png';
}

/** Keys written by a job carry a short digest of its handle, so each job's files are distinct and a retry rewrites the same ones. */
export function jobTag(job: JobIdentity): string {
  return createHash('sha256').update(job.jobHandle).digest('hex').slice(0, 16);
}
