import path from 'node:path';
import type { RasterDevice } from './gs-args.js';

export type RipColorspace = 'Auto' | 'Rgb' | 'Cmyk' | 'Gray';

export interface RipRequest {
  /** absolute path of a PDF, PostScript, EPS or Illustrator file */
  input: string;
  /** absolute path; created when missing */
  outputDir: string;
  firstPage?: number;
  lastPage?: number;
  /** dots per inch */
  resolution: number;
  colorspace: RipColorspace;
  /** transparent background (Rgb/Auto only: the gray and CMYK devices have no alpha channel) */
  alpha: boolean;
  /** longest time without a finished page before the rip is killed; defaults to the pool's */
  pageTimeoutMs?: number;
  /**
   * Told, as Ghostscript goes, how many page files it has begun (the last may
   * still be being written): the only view into a whole-document rip while it
   * runs. Checked with the page clock (every 200 ms); must not throw.
   */
  onPages?: (pagesBegun: number) => void;
}

/** One file per page, named after the source page: page-0003.png for page 3 (page-0003.tif for Cmyk). */
export interface RipResult {
  pages: Array<{ page: number; file: string }>;
}

/** Every parameter is checked before a child is involved; the error names it, the range expected and what was received. */
function invalid(name: string, expected: string, received: unknown): Error {
  return new Error(`Expected ${expected} for ${name} but received ${typeof received === 'string' ? JSON.stringify(received) : String(received)}`);
}

export function checkInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalid(name, `integer between ${min} and ${max}`, value);
}

export function checkPath(name: string, value: unknown): void {
  // Absolute paths begin with '/', so gs can never read them as an option ('-…') or an @file.
  if (typeof value !== 'string' || !path.isAbsolute(value) || value.includes('\0')) throw invalid(name, 'absolute path', value);
}

const COLORSPACES: readonly RipColorspace[] = ['Auto', 'Rgb', 'Cmyk', 'Gray'];

export function checkRequest(req: RipRequest): void {
  checkPath('input', req.input);
  checkPath('outputDir', req.outputDir);
  if (typeof req.resolution !== 'number' || !Number.isFinite(req.resolution) || req.resolution < 1 || req.resolution > 2400) {
    throw invalid('resolution', 'number between 1 and 2400', req.resolution);
  }
  if (!COLORSPACES.includes(req.colorspace)) throw invalid('colorspace', `one of ${COLORSPACES.join(', ')}`, req.colorspace);
  if (typeof req.alpha !== 'boolean') throw invalid('alpha', 'boolean', req.alpha);
  if (req.firstPage !== undefined) checkInteger('firstPage', req.firstPage, 1, 1_000_000);
  if (req.lastPage !== undefined) checkInteger('lastPage', req.lastPage, req.firstPage ?? 1, 1_000_000);
  if (req.pageTimeoutMs !== undefined) checkInteger('pageTimeoutMs', req.pageTimeoutMs, 100, 86_400_000);
  if (req.onPages !== undefined && typeof req.onPages !== 'function') throw invalid('onPages', 'function', req.onPages);
}

/** The Ghostscript device that writes pages in the requested colorspace (CMYK as TIFF, the others as PNG). */
export function deviceFor(colorspace: RipColorspace, alpha: boolean): RasterDevice {
  switch (colorspace) {
    case 'Gray':
      return 'pnggray';
    case 'Cmyk':
      return 'tiff32nc';
    case 'Rgb':
    case 'Auto':
      return alpha ? 'pngalpha' : 'png16m';
  }
}
