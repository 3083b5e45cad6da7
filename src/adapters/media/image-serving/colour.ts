import type { IsColor } from '../../../domain/image-serving/is-request.js';

/** An 8-bit sRGB colour with alpha (0 = transparent). */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  alpha: number;
}

export const TRANSPARENT: Rgba = { r: 0, g: 0, b: 0, alpha: 0 };
export const WHITE: Rgba = { r: 255, g: 255, b: 255, alpha: 255 };

const level = (n: number | undefined): number => Math.min(255, Math.max(0, Math.round(n ?? 0)));
const fraction = (percent: number | undefined): number => Math.min(1, Math.max(0, (percent ?? 0) / 100));

/**
 * An IS colour value as sRGB. The pipeline works in sRGB, so a colour's `s`
 * suffix ("in the source's colour space") changes nothing here. CMYK percentages
 * use the naive formula r = 255·(1−c)(1−k) (as IS does for gray/CMYK in
 * op_colorbalance): fine for background fills, not colour-managed.
 */
export function toRgba(color: IsColor): Rgba {
  const v = color.values;
  const alpha = level(color.alpha);
  switch (color.space) {
    case 'gray':
      return { r: level(v[0]), g: level(v[0]), b: level(v[0]), alpha };
    case 'rgb':
      return { r: level(v[0]), g: level(v[1]), b: level(v[2]), alpha };
    case 'cmyk': {
      const k = 1 - fraction(v[3]);
      return { r: level(255 * (1 - fraction(v[0])) * k), g: level(255 * (1 - fraction(v[1])) * k), b: level(255 * (1 - fraction(v[2])) * k), alpha };
    }
    default:
      throw new RangeError(`unknown colour space ${String(color.space)}`);
  }
}

/** sharp's colour object. */
export function sharpColour(c: Rgba): { r: number; g: number; b: number; alpha: number } {
  return { r: c.r, g: c.g, b: c.b, alpha: c.alpha / 255 };
}
