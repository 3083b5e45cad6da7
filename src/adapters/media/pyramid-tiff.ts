import type { Sharp } from 'sharp';
import { wrapDecoder } from './media-errors.js';

/**
 * The IPS "optimised" image: a tiled pyramid TIFF in the colour space (and
 * with the profile) `img` delivers, keeping the original's metadata. JPEG
 * tiles for opaque images (small, what IS serves); deflate when there is
 * alpha, because JPEG cannot carry it. The resolution goes in as TIFF
 * xres/yres (pixels per mm): withMetadata({ density }) would also force sRGB.
 */
export async function writePyramidTiff(img: Sharp, alpha: boolean, density: number, dest: string): Promise<void> {
  const perMm = density / 25.4;
  const p = (alpha ? img : img.removeAlpha()).keepMetadata().tiff({
    tile: true,
    tileWidth: 256,
    tileHeight: 256,
    pyramid: true,
    compression: alpha ? 'deflate' : 'jpeg',
    predictor: alpha ? 'horizontal' : 'none',
    quality: 95,
    xres: perMm,
    yres: perMm,
    resolutionUnit: 'inch',
  });
  await wrapDecoder(() => p.toFile(dest));
}
