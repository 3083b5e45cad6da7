import type { Sharp, TiffOptions } from 'sharp';
import type { Space } from './colour-route.js';
import { wrapDecoder } from './media-errors.js';

/**
 * JPEG quality of an opaque pyramid's tiles, by colour space. Adobe's ic writes photographic PTIFFs at quality 95
 * with chroma downsampling (its -fullsamplechrominance opts out). libvips downsamples chroma (YCbCr 4:2:0) only
 * below quality 90: at 90 and above it writes RGB JPEG tiles with full-sample chroma, which on the bench photos
 * (bench/README.md, "The pyramid's JPEG tiles") are 4× the bytes, cost half again the CPU to write and 12 % more
 * to read than 89 with downsampling, for 53 against 48 dB PSNR. So RGB takes the highest quality libvips
 * downsamples at; grey and CMYK have no chroma to downsample and keep 95.
 */
export const PYRAMID_JPEG_QUALITY: Readonly<Record<Space, number>> = { srgb: 89, 'b-w': 95, cmyk: 95 };

/** What a pyramid is written as besides its pixels. */
export interface PyramidFormat {
  /** keep the alpha band (deflate tiles) rather than drop it (JPEG tiles) */
  alpha: boolean;
  /** the image's colour space, which picks the JPEG quality */
  space: Space;
  /** print resolution, pixels per inch */
  density: number;
}

/** The sharp TIFF options of a pyramid in `format`: 256×256 tiles, every level, JPEG or deflate, the resolution. */
export function pyramidTiffOptions({ alpha, space, density }: PyramidFormat): TiffOptions {
  const perMm = density / 25.4;
  return {
    tile: true,
    tileWidth: 256,
    tileHeight: 256,
    pyramid: true,
    compression: alpha ? 'deflate' : 'jpeg',
    predictor: alpha ? 'horizontal' : 'none',
    quality: PYRAMID_JPEG_QUALITY[space],
    xres: perMm,
    yres: perMm,
    resolutionUnit: 'inch',
  };
}

/**
 * The IPS "optimised" image: a tiled pyramid TIFF in the colour space (and
 * with the profile) `img` delivers, keeping the original's metadata. JPEG
 * tiles for opaque images (small, what IS serves); deflate when there is
 * alpha, because JPEG cannot carry it. The resolution goes in as TIFF
 * xres/yres (pixels per mm): withMetadata({ density }) would also force sRGB.
 */
export async function writePyramidTiff(img: Sharp, format: PyramidFormat, dest: string): Promise<void> {
  const p = (format.alpha ? img : img.removeAlpha()).keepMetadata().tiff(pyramidTiffOptions(format));
  await wrapDecoder(() => p.toFile(dest));
}
