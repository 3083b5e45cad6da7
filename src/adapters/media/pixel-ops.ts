import type { AutoColorCropOptions, AutoTransparentCropOptions, Corner, KnockoutBackgroundOptions } from '../../domain/schemas/options.schema.js';

/**
 * Pure pixel operations behind the IPS options KnockoutBackgroundOptions,
 * AutoColorCropOptions and AutoTransparentCropOptions (docs/jobs/reprocess-assets.md#crops).
 *
 * Everything works on raw, interleaved, 8-bit pixel buffers (what sharp's
 * `.raw().toBuffer({ resolveWithObject: true })` produces) and imports no
 * image library, so it can be unit-tested exactly and reused anywhere.
 *
 * The IPS documentation is vague; these are the rules we chose:
 *
 * - Reference colour: the pixel at the given corner — UpperLeft = (0,0),
 *   UpperRight = (w-1,0), BottomLeft = (0,h-1), BottomRight = (w-1,h-1) —
 *   colour channels only. Alpha is ignored for colour matching.
 * - Tolerance t in [0,1]: a pixel matches when the maximum per-channel
 *   absolute difference from the reference, divided by 255, is ≤ t. t = 0
 *   matches only exactly equal colours; t = 1 matches every pixel. Grayscale
 *   images (1 or 2 channels) compare their single gray channel.
 * - knockoutMask / MatchPixel: every matching pixel anywhere → 0 (transparent),
 *   every other pixel → 255 (kept).
 * - knockoutMask / FloodFill: only the matching pixels 4-connected to the
 *   corner pixel through matching pixels → 0. Iterative scanline fill with a
 *   growable typed-array stack; the mask itself doubles as the visited map.
 * - autoColorCropBox: the smallest box containing every pixel that does NOT
 *   match the corner colour; null when every pixel matches.
 * - autoTransparentCropBox: a pixel is transparent when alpha/255 ≤ t (t = 0
 *   trims only fully transparent pixels, t = 1 trims everything). Box of all
 *   non-transparent pixels; null when the image has no alpha channel (1 or 3
 *   channels) or when every pixel is transparent.
 *
 * A null box means "nothing to crop / the crop would remove everything": the
 * caller keeps the image as is.
 */

/** Interleaved 8-bit pixels; alpha is the last channel when channels is 2 or 4. */
export interface RawImage {
  data: Uint8Array | Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Guards against float noise such as 3/255*255 = 2.9999999999999996. */
const EPSILON = 1e-9;

function validate(img: RawImage): void {
  const { data, width, height, channels } = img;
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`image width must be an integer ≥ 1, got ${width}`);
  if (!Number.isInteger(height) || height < 1) throw new RangeError(`image height must be an integer ≥ 1, got ${height}`);
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new RangeError(`image channels must be 1, 2, 3 or 4, got ${String(channels)}`);
  }
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw new RangeError(`pixel data length ${data.length} does not match ${width}×${height}×${channels} = ${expected}`);
  }
}

/**
 * Converts a tolerance in [0,1] to the largest allowed difference in 8-bit
 * levels: an integer difference d satisfies d/255 ≤ t exactly when
 * d ≤ toleranceLevels(t).
 */
export function toleranceLevels(tolerance: number): number {
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > 1) {
    throw new RangeError(`tolerance must be a number in [0, 1], got ${tolerance}`);
  }
  return Math.min(255, Math.floor(tolerance * 255 + EPSILON));
}

/**
 * Distance between two colours in [0,1]: the maximum per-component absolute
 * difference divided by 255. Compares min(a.length, b.length) components, so
 * pass colour components only (no alpha).
 */
export function colorDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > max) max = d;
  }
  return max / 255;
}

/** Pixel index (y*width + x) of the given corner. */
export function cornerIndex(width: number, height: number, corner: Corner): number {
  switch (corner) {
    case 'UpperLeft':
      return 0;
    case 'UpperRight':
      return width - 1;
    case 'BottomLeft':
      return (height - 1) * width;
    case 'BottomRight':
      return height * width - 1;
    default:
      throw new RangeError(`unknown corner ${String(corner)}`);
  }
}

/** Returns a predicate telling whether pixel p (y*width + x) matches the corner colour. */
function colorMatcher(img: RawImage, corner: Corner, tolerance: number): (p: number) => boolean {
  const { data, width, height, channels } = img;
  const levels = toleranceLevels(tolerance);
  const ref = cornerIndex(width, height, corner) * channels;
  if (levels >= 255) return () => true;
  if (channels >= 3) {
    const r = data[ref]!;
    const g = data[ref + 1]!;
    const b = data[ref + 2]!;
    return (p) => {
      const o = p * channels;
      return Math.abs(data[o]! - r) <= levels && Math.abs(data[o + 1]! - g) <= levels && Math.abs(data[o + 2]! - b) <= levels;
    };
  }
  const v = data[ref]!;
  return (p) => Math.abs(data[p * channels]! - v) <= levels;
}

/**
 * Knockout mask: 0 = transparent (knocked out), 255 = kept. One byte per
 * pixel, width*height, row-major.
 */
export function knockoutMask(img: RawImage, opts: KnockoutBackgroundOptions): Uint8Array {
  validate(img);
  const { width, height } = img;
  const total = width * height;
  const matches = colorMatcher(img, opts.corner, opts.tolerance ?? 0);
  const mask = new Uint8Array(total).fill(255);

  if (opts.fillMethod === 'MatchPixel') {
    for (let p = 0; p < total; p++) if (matches(p)) mask[p] = 0;
    return mask;
  }
  if (opts.fillMethod !== 'FloodFill') throw new RangeError(`unknown fillMethod ${String(opts.fillMethod)}`);

  // Scanline flood fill. The mask is the visited map: a pixel is "open" when
  // it is still 255 and matches. Each popped seed is widened into a full
  // horizontal span, which is filled; then one seed is pushed per run of open
  // pixels in the rows directly above and below the span. Seeds are pixel
  // indices in a Uint32Array that doubles when full (never recursion).
  const open = (p: number) => mask[p] === 255 && matches(p);
  let stack = new Uint32Array(Math.min(total, 1024));
  let sp = 0;
  const push = (p: number) => {
    if (sp === stack.length) {
      const bigger = new Uint32Array(stack.length * 2);
      bigger.set(stack);
      stack = bigger;
    }
    stack[sp++] = p;
  };
  // Pushes one seed per run of open pixels in row `row`, columns lo..hi.
  const scanRow = (row: number, lo: number, hi: number) => {
    const base = row * width;
    let inRun = false;
    for (let x = lo; x <= hi; x++) {
      if (open(base + x)) {
        if (!inRun) {
          push(base + x);
          inRun = true;
        }
      } else {
        inRun = false;
      }
    }
  };

  push(cornerIndex(width, height, opts.corner)); // the corner always matches itself
  while (sp > 0) {
    const seed = stack[--sp]!;
    if (!open(seed)) continue; // already filled through another seed
    const y = Math.floor(seed / width);
    const base = y * width;
    let lo = seed - base;
    let hi = lo;
    while (lo > 0 && open(base + lo - 1)) lo--;
    while (hi < width - 1 && open(base + hi + 1)) hi++;
    mask.fill(0, base + lo, base + hi + 1);
    if (y > 0) scanRow(y - 1, lo, hi);
    if (y < height - 1) scanRow(y + 1, lo, hi);
  }
  return mask;
}

/** Smallest box containing every pixel for which `keep` is true, or null when none is. */
function boundingBox(width: number, height: number, keep: (p: number) => boolean): Box | null {
  // Top: first row with a kept pixel.
  let top = -1;
  for (let y = 0; y < height && top < 0; y++) {
    const base = y * width;
    for (let x = 0; x < width; x++) {
      if (keep(base + x)) {
        top = y;
        break;
      }
    }
  }
  if (top < 0) return null;
  // Bottom: last row with a kept pixel (exists, at worst `top`).
  let bottom = top;
  for (let y = height - 1; y > top; y--) {
    const base = y * width;
    let found = false;
    for (let x = 0; x < width; x++) {
      if (keep(base + x)) {
        found = true;
        break;
      }
    }
    if (found) {
      bottom = y;
      break;
    }
  }
  // Left / right: scan only the rows in between.
  let left = width;
  let right = -1;
  for (let y = top; y <= bottom; y++) {
    const base = y * width;
    for (let x = 0; x < left; x++) {
      if (keep(base + x)) {
        left = x;
        break;
      }
    }
    for (let x = width - 1; x > right; x--) {
      if (keep(base + x)) {
        right = x;
        break;
      }
    }
  }
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/**
 * "Trim based on colour": the smallest box containing every pixel that does
 * not match the corner colour. null when every pixel matches (the caller
 * keeps the image as is).
 */
export function autoColorCropBox(img: RawImage, opts: AutoColorCropOptions): Box | null {
  validate(img);
  const matches = colorMatcher(img, opts.corner, opts.tolerance);
  return boundingBox(img.width, img.height, (p) => !matches(p));
}

/**
 * "Trim based on transparency": the smallest box containing every pixel whose
 * alpha/255 > t. null when the image has no alpha channel or every pixel is
 * transparent (the caller keeps the image as is).
 */
export function autoTransparentCropBox(img: RawImage, opts: AutoTransparentCropOptions): Box | null {
  validate(img);
  const levels = toleranceLevels(opts.tolerance);
  const { data, channels } = img;
  if (channels === 1 || channels === 3) return null;
  const a = channels - 1;
  return boundingBox(img.width, img.height, (p) => data[p * channels + a]! > levels);
}
