import sharp from 'sharp';
import { applyUnsharp } from '../../unsharp.js';
import type { IsContext, IsStep } from '../is-context.js';
import { type PixelFrame, materialise, transform } from '../frame.js';

/**
 * The op_* filters on the view image, in the order docs/image-serving.md#rendering-order lists them (IS
 * documents none): sharpen, usm, blur, then the tone and colour adjustments
 * brightness, contrast, saturation, hue, invert, colorbalance. The pipeline is sRGB throughout (a CMYK source was
 * converted when it was read), which is what IS asks for: "CMYK is converted
 * to RGB before brightness/contrast/saturation/hue/colorbalance". Alpha is
 * never changed.
 *
 * IS documents ranges, not formulas; the formulas here, for adj in −100…100
 * and p = adj/100, per 8-bit level v:
 * - brightness: p ≥ 0 moves v towards white, v + (255 − v)·p; p < 0 towards
 *   black, v·(1 + p). −100 = black, 100 = white.
 * - contrast: stretches around mid-grey 127.5 by f = 1 + p for p ≤ 0 (−100 =
 *   flat grey) and f = 1/(1 − p) for p > 0 (100 = a threshold at 127.5).
 * - saturation: moves each pixel away from (p > 0) or towards (p < 0) its
 *   Rec.601 luma by factor 1 + p; −100 = grey.
 * - hue: rotates the LCh hue by the given degrees (sharp's modulate).
 * - colorbalance r,g,b: brightness's formula on each channel on its own.
 * - invert: 255 − v.
 * Levels are rounded half up and clamped to 0–255.
 */

/** Sigma libvips accepts (sharp refuses less than 0.3). */
const MIN_SIGMA = 0.3;

/** `op_blur=radius`: Gaussian blur, the radius (used as sigma) in composite pixels, so it shrinks with the view. */
const blur: IsStep = async (ctx) => {
  const radius = ctx.req.blur;
  if (!radius) return;
  ctx.frame = await transform(ctx.frame, (img) => img.blur(Math.max(MIN_SIGMA, radius * ctx.viewScale)));
};

/** `op_sharpen=1`: sharp's mild fast sharpen (a 3x3 convolution), after scaling. */
const sharpen: IsStep = async (ctx) => {
  if (!ctx.req.sharpen) return;
  ctx.frame = await transform(ctx.frame, (img) => img.sharpen());
};

/**
 * `op_usm` / `op_usmR`: IPS's unsharp mask formula (unsharp.ts) against a
 * Gaussian blur whose sigma is the radius; op_usm's radius is for the
 * full-resolution source and scales with the image, op_usmR's is used as is.
 */
const usm: IsStep = async (ctx) => {
  const p = ctx.req.usm;
  if (!p || p.amount === 0 || p.radius === 0) return;
  const img = await materialise(ctx.frame);
  const sigma = Math.max(MIN_SIGMA, p.absoluteRadius ? p.radius : p.radius * ctx.sourceScale);
  const blurred = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels }, limitInputPixels: false })
    .blur(sigma)
    .raw()
    .toBuffer();
  const out = applyUnsharp(img.data, blurred, img.channels, img.channels === 4, { amount: p.amount, threshold: p.threshold, monochrome: p.monochrome ? 1 : 0 });
  ctx.frame = { ...img, data: Buffer.from(out.buffer, out.byteOffset, out.byteLength) };
};

const toLevel = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5));

/** 256-entry lookup table of a tone curve. */
function lut(curve: (v: number) => number): Uint8Array {
  const t = new Uint8Array(256);
  for (let v = 0; v < 256; v++) t[v] = toLevel(curve(v));
  return t;
}

/** Tone curve towards white (p > 0) or black (p < 0). */
const lighten = (p: number) => (v: number) => (p >= 0 ? v + (255 - v) * p : v * (1 + p));

/** Applies one lookup table per colour channel, in place (the frame's buffer is the pipeline's own). */
async function applyLuts(ctx: IsContext, tables: [Uint8Array, Uint8Array, Uint8Array]): Promise<void> {
  const img: PixelFrame = await materialise(ctx.frame);
  const { data, channels } = img;
  const [r, g, b] = tables;
  for (let i = 0; i < data.length; i += channels) {
    data[i] = r[data[i]!]!;
    data[i + 1] = g[data[i + 1]!]!;
    data[i + 2] = b[data[i + 2]!]!;
  }
  ctx.frame = img;
}

const brightness: IsStep = async (ctx) => {
  const adj = ctx.req.brightness;
  if (!adj) return;
  const t = lut(lighten(adj / 100));
  await applyLuts(ctx, [t, t, t]);
};

const contrast: IsStep = async (ctx) => {
  const adj = ctx.req.contrast;
  if (!adj) return;
  const p = adj / 100;
  const f = p <= 0 ? 1 + p : 1 / Math.max(1e-6, 1 - p);
  const t = lut((v) => 127.5 + (v - 127.5) * f);
  await applyLuts(ctx, [t, t, t]);
};

const saturation: IsStep = async (ctx) => {
  const adj = ctx.req.saturation;
  if (!adj) return;
  const k = Math.max(0, 1 + adj / 100);
  const img = await materialise(ctx.frame);
  const { data, channels } = img;
  for (let i = 0; i < data.length; i += channels) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    const luma = 0.299 * r + 0.587 * g + 0.114 * b;
    data[i] = toLevel(luma + (r - luma) * k);
    data[i + 1] = toLevel(luma + (g - luma) * k);
    data[i + 2] = toLevel(luma + (b - luma) * k);
  }
  ctx.frame = img;
};

const hue: IsStep = async (ctx) => {
  const deg = ctx.req.hue;
  if (!deg) return;
  ctx.frame = await transform(ctx.frame, (img) => img.modulate({ hue: Math.round(deg) }));
};

const invert: IsStep = async (ctx) => {
  if (!ctx.req.invert) return;
  const t = lut((v) => 255 - v);
  await applyLuts(ctx, [t, t, t]);
};

const colorbalance: IsStep = async (ctx) => {
  const cb = ctx.req.colorbalance;
  if (!cb || (cb.r === 0 && cb.g === 0 && cb.b === 0)) return;
  await applyLuts(ctx, [lut(lighten(cb.r / 100)), lut(lighten(cb.g / 100)), lut(lighten(cb.b / 100))]);
};

export const FILTER_STEPS: readonly IsStep[] = [sharpen, usm, blur, brightness, contrast, saturation, hue, invert, colorbalance];
