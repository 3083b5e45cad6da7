import fs from 'node:fs/promises';
import { initializeCanvas, readPsd } from 'ag-psd';
import sharp, { type Sharp } from 'sharp';
import type { DetectedFormat } from '../../domain/asset-types.js';

export interface ImageProbe {
  width: number;
  height: number;
  /** pixels per inch; IPS reports 72 when the file states none */
  resolution: number;
  hasAlpha: boolean;
}

// The PSD reader wants a canvas only to allocate pixel buffers; plain arrays do,
// so no native canvas library is needed. Drawing is never requested (no layer images).
initializeCanvas(
  () => {
    throw new Error('canvas drawing is not available');
  },
  (width: number, height: number) => ({ width, height, data: new Uint8ClampedArray(width * height * 4), colorSpace: 'srgb' }) as never,
);

/** A file the decoder refused: bad input, never worth a retry. */
export class UnreadableImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableImageError';
  }
}

/**
 * The only place that touches sharp (and the PSD reader). Every decode is
 * bounded by `maxPixels` so a decompression bomb fails that one file.
 */
export class MediaRepository {
  constructor(private readonly maxPixels: number) {
    // Parallel activities already use the cores; one libvips thread pool per
    // image would oversubscribe them and grow memory.
    sharp.concurrency(1);
    sharp.cache(false);
  }

  async probe(file: string, format: DetectedFormat): Promise<ImageProbe> {
    const img = await this.open(file, format);
    const meta = await wrap(() => img.metadata());
    if (!meta.width || !meta.height) throw new UnreadableImageError('the image has no dimensions');
    // The PSD composite always arrives as RGBA; only a non-opaque one really has alpha.
    const hasAlpha = format === 'psd' ? !(await wrap(() => img.stats())).isOpaque : Boolean(meta.hasAlpha);
    return {
      width: meta.autoOrient?.width ?? meta.width,
      height: meta.autoOrient?.height ?? meta.height,
      resolution: meta.density ?? 72,
      hasAlpha,
    };
  }

  /**
   * Builds the IPS "optimised" image: a tiled pyramid TIFF in sRGB, oriented
   * upright. JPEG tiles for opaque images (small, what IS serves); deflate
   * when there is alpha, because JPEG cannot carry it.
   */
  async buildPyramidTiff(file: string, format: DetectedFormat, dest: string, probe: ImageProbe): Promise<void> {
    const img = await this.open(file, format);
    const pipeline = (probe.hasAlpha ? img : img.removeAlpha())
      .rotate()
      .toColourspace('srgb')
      .withIccProfile('srgb')
      .withMetadata({ density: probe.resolution })
      .tiff({
        tile: true,
        tileWidth: 256,
        tileHeight: 256,
        pyramid: true,
        compression: probe.hasAlpha ? 'deflate' : 'jpeg',
        predictor: probe.hasAlpha ? 'horizontal' : 'none',
        quality: 95,
      });
    await wrap(() => pipeline.toFile(dest));
  }

  private async open(file: string, format: DetectedFormat): Promise<Sharp> {
    if (format === 'psd') return this.openPsd(file);
    return sharp(file, { limitInputPixels: this.maxPixels, failOn: 'warning', animated: false });
  }

  /** PSD: read the flattened composite Photoshop stores with the layers. */
  private async openPsd(file: string): Promise<Sharp> {
    const buffer = await fs.readFile(file);
    if (buffer.length < 26 || buffer.toString('latin1', 0, 4) !== '8BPS') throw new UnreadableImageError('not a PSD file');
    const height = buffer.readUInt32BE(14);
    const width = buffer.readUInt32BE(18);
    if (width * height > this.maxPixels) {
      throw new UnreadableImageError(`the image is ${width}x${height}, above the limit of ${this.maxPixels} pixels`);
    }
    const psd = await wrap(async () =>
      readPsd(buffer, { skipLayerImageData: true, skipThumbnail: true, useImageData: true }),
    );
    const data = psd.imageData;
    if (!data) throw new UnreadableImageError('the PSD has no composite image (saved without "Maximize Compatibility")');
    return sharp(Buffer.from(data.data.buffer, data.data.byteOffset, data.data.byteLength), {
      raw: { width: data.width, height: data.height, channels: 4 },
      limitInputPixels: this.maxPixels,
    });
  }
}

/** Decoder failures become UnreadableImageError; anything else (I/O) stays retryable. */
async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/ENOSPC|EIO|EMFILE|ENFILE|EACCES/.test(message)) throw err;
    throw new UnreadableImageError(message.split('\n')[0]!.slice(0, 300));
  }
}
