import fs from 'node:fs/promises';
import type { KernelEnum, OutputInfo } from 'sharp';
import { IS_FORMAT_INFO, type IsColor, type IsOutputFormat, type IsRequest } from '../../../domain/image-serving/is-request.js';
import { TRANSPARENT, WHITE, toRgba } from './colour.js';
import { IsLimitError } from './errors.js';
import { openSource } from './frame.js';
import { pixels } from './geometry.js';
import type { IsContext, IsStep } from './is-context.js';
import { extend } from './steps/extend.js';
import { FILTER_STEPS } from './steps/filters.js';
import { flip } from './steps/flip.js';
import { checkLimits } from './steps/limits.js';
import { planOutput, writeOutput } from './steps/output.js';
import { rect } from './steps/rect.js';
import { region } from './steps/region.js';
import { rotate } from './steps/rotate.js';
import { sourceCrop } from './steps/source-crop.js';
import { sourceResize } from './steps/source-size.js';
import { view } from './steps/view.js';

export { IsLimitError };

export interface IsRenderOptions {
  /** reply pixel limit (w*h), IS attribute::MaxPix; 100_000_000 default in config; 0 = no limit */
  maxPixels: number;
  /** absolute path of the ICC file named by req.icc.profile, resolved by the caller (undefined when req.icc absent) */
  iccProfilePath?: string;
  /** attribute::JpegQuality default when qlt absent: 80 */
  defaultQuality?: number;
  /** attribute::BkgColor default (white) */
  defaultBackground?: IsColor;
}

/** The reply as written: its size and byte count are libvips' account of the encode (no read-back of the file). */
export interface IsRenderResult {
  width: number;
  height: number;
  format: IsOutputFormat;
  mime: string;
  extension: string;
  bytes: number;
}

/**
 * The Image Serving pipeline (docs/image-serving.md#rendering-order), in order: limits (every
 * size checked on the source's header before decoding), the source transforms
 * crop → size/scale → flip → rotate → extend, the view's rgn, then the view
 * (wid/hei/fit/scl/align, MaxPix), the filters, rect (a tile of the filtered
 * view), and the output. Each step returns at once when its commands are absent.
 */
const STEPS: readonly IsStep[] = [checkLimits, sourceCrop, sourceResize, flip, rotate, extend, region, view, ...FILTER_STEPS, rect];

/**
 * resMode → sharp kernel. bilin and bicub are libvips' linear and cubic
 * (Catmull-Rom); sharp2, IS's "modified Lanczos window", is lanczos3 and the
 * default (attribute::ResMode is not configurable here); bisharp, Photoshop's
 * "bicubic sharper" for reductions, is lanczos2: the same 4-tap support as
 * bicubic with a stronger negative lobe, i.e. a sharper bicubic (mitchell
 * would be softer than bicub, the opposite of what bisharp asks).
 */
const KERNELS: Record<NonNullable<IsRequest['resMode']>, keyof KernelEnum> = {
  bilin: 'linear',
  bicub: 'cubic',
  sharp2: 'lanczos3',
  bisharp: 'lanczos2',
};

/**
 * Largest image a request may make on the way, as a multiple of the larger of
 * the source and MaxPix: room for a rotation or extend of a full-size source
 * and a 2x rect= scale, while `scale=100` or `extend=99999,…` fails fast
 * instead of exhausting memory (4 × 100 MP RGBA ≈ 1.6 GB).
 */
const WORK_LIMIT_FACTOR = 4;

/** Renders `source` (any file sharp reads: JPEG/PNG/TIFF incl. pyramid TIFF) through `req` and writes the reply to `outFile` (write to outFile + '.part' then rename, so no half file is ever left). */
export async function renderIsImage(source: string, req: IsRequest, outFile: string, opts: IsRenderOptions): Promise<IsRenderResult> {
  const frame = await openSource(source);
  const format = req.fmt?.format ?? 'jpeg';
  const alphaFormat = IS_FORMAT_INFO[format]?.alpha ?? false;
  // bgc is opaque whatever alpha it states
  const background = { ...(req.bgc ? toRgba(req.bgc) : opts.defaultBackground ? toRgba(opts.defaultBackground) : WHITE), alpha: 255 };
  const ctx: IsContext = {
    req,
    format,
    alphaFormat,
    kernel: KERNELS[req.resMode ?? 'sharp2'],
    viewBackground: alphaFormat ? TRANSPARENT : background,
    flattenBackground: background,
    layerBackground: req.bgColor ? toRgba(req.bgColor) : TRANSPARENT,
    maxPixels: Math.max(0, opts.maxPixels),
    workPixels: opts.maxPixels > 0 ? WORK_LIMIT_FACTOR * Math.max(opts.maxPixels, pixels(frame)) : 0,
    defaultQuality: opts.defaultQuality ?? 80,
    ...(opts.iccProfilePath ? { iccProfilePath: opts.iccProfilePath } : {}),
    ...(frame.density ? { sourceDensity: frame.density } : {}),
    frame,
    sourceScale: 1,
    viewScale: 1,
  };
  const output = await planOutput(ctx);
  for (const step of STEPS) await step(ctx);

  const part = `${outFile}.part`;
  let written: OutputInfo;
  try {
    written = await writeOutput(ctx, output, part);
    await fs.rename(part, outFile);
  } catch (err) {
    await fs.rm(part, { force: true });
    throw err;
  }
  // The reply's size and bytes as libvips wrote them: reading its header back cost another file open and parse.
  const { width, height, size: bytes } = written;
  const info = IS_FORMAT_INFO[format];
  return { width, height, format, mime: info.mime, extension: info.extension, bytes };
}
