import fs from 'node:fs/promises';
import { initializeCanvas, readPsd } from 'ag-psd';
import sharp, { type Sharp } from 'sharp';
import type { DetectedFormat } from '../../domain/asset-types.js';
import type { AutoColorCropOptions, AutoTransparentCropOptions, KnockoutBackgroundOptions, ManualCropOptions, UnsharpMaskOptions } from '../../domain/schemas/options.schema.js';
import { type Box, autoColorCropBox, autoTransparentCropBox, knockoutMask } from './pixel-ops.js';
import { applyUnsharp } from './unsharp.js';

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

/** What reprocessing asks of one image (ips-reference §5.2). */
export interface RenderPlan {
  crop?: { manual: ManualCropOptions } | { autoColor: AutoColorCropOptions } | { autoTransparent: AutoTransparentCropOptions } | { box: Box };
  knockout?: KnockoutBackgroundOptions;
  /** write a mask file: the knockout mask, else the image's own transparency */
  mask: boolean;
  usm?: UnsharpMaskOptions;
}

export interface RenderResult {
  width: number;
  height: number;
  /** the crop applied, in the upright original's pixels */
  crop?: Box;
  /** false when a mask was asked for but the image has neither knockout nor transparency */
  maskWritten: boolean;
}

/** An option that cannot apply to this image (e.g. a crop larger than it): the asset's error, not a retry. */
export class RenderOptionError extends Error {}

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

  /** The optimised image of an original as uploaded (upright, sRGB), streamed without touching pixels in JS. */
  async buildPyramidTiff(file: string, format: DetectedFormat, dest: string, probe: ImageProbe): Promise<void> {
    const img = await this.open(file, format);
    await this.writePtiff(img.rotate().toColourspace('srgb'), probe.hasAlpha, probe.resolution, dest);
  }

  /**
   * Reprocessing: crop, knockout, mask and unsharp mask on the upright image,
   * then the pyramid TIFF (and the mask as a grayscale PNG). Works on raw RGBA
   * pixels only when one of those steps needs them.
   */
  async renderDerivatives(file: string, format: DetectedFormat, plan: RenderPlan, out: { ptiff: string; mask?: string }): Promise<RenderResult> {
    const probe = await this.probe(file, format);
    const base = (await this.open(file, format)).rotate();
    const { data, info } = await wrap(() => base.toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }));
    const full: RawRgba = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 4 };

    const crop = this.cropBox(full, plan.crop);
    let img: RawRgba = crop ? extract(full, crop) : full;
    const hadAlpha = probe.hasAlpha;
    let alphaUsed = hadAlpha;
    let maskPixels: Uint8Array | undefined;
    if (plan.knockout) {
      maskPixels = knockoutMask(img, plan.knockout);
      const rgba = new Uint8Array(img.data);
      for (let i = 0; i < maskPixels.length; i++) rgba[i * 4 + 3] = Math.min(rgba[i * 4 + 3]!, maskPixels[i]!);
      img = { ...img, data: rgba };
      alphaUsed = true;
    } else if (plan.mask && hadAlpha) {
      maskPixels = new Uint8Array(img.width * img.height);
      for (let i = 0; i < maskPixels.length; i++) maskPixels[i] = img.data[i * 4 + 3]!;
    }
    if (plan.usm && plan.usm.amount > 0) {
      const sigma = Math.max(0.3, plan.usm.radius);
      const blurred = await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 4 } }).blur(sigma).raw().toBuffer();
      img = { ...img, data: applyUnsharp(img.data, blurred, 4, true, { amount: plan.usm.amount, threshold: plan.usm.threshold, monochrome: plan.usm.monochrome }) };
    }

    await this.writePtiff(sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 4 } }), alphaUsed, probe.resolution, out.ptiff);
    if (plan.mask && maskPixels && out.mask) {
      await wrap(() => sharp(Buffer.from(maskPixels!), { raw: { width: img.width, height: img.height, channels: 1 } }).toColourspace('b-w').png().toFile(out.mask!));
    }
    return { width: img.width, height: img.height, ...(crop ? { crop } : {}), maskWritten: Boolean(plan.mask && maskPixels) };
  }

  /**
   * The IPS "optimised" image: a tiled pyramid TIFF in sRGB. JPEG tiles for
   * opaque images (small, what IS serves); deflate when there is alpha, because
   * JPEG cannot carry it.
   */
  private async writePtiff(img: Sharp, alpha: boolean, density: number, dest: string): Promise<void> {
    const withProfile = img.withIccProfile('srgb');
    const p = (alpha ? withProfile : withProfile.removeAlpha()).withMetadata({ density }).tiff({
      tile: true,
      tileWidth: 256,
      tileHeight: 256,
      pyramid: true,
      compression: alpha ? 'deflate' : 'jpeg',
      predictor: alpha ? 'horizontal' : 'none',
      quality: 95,
    });
    await wrap(() => p.toFile(dest));
  }

  private cropBox(img: RawRgba, crop: RenderPlan['crop']): Box | undefined {
    if (!crop) return undefined;
    let box: Box | null;
    if ('manual' in crop) {
      const m = crop.manual;
      if (m.left + m.right === 0 && m.top + m.bottom === 0) return undefined;
      box = { left: m.left, top: m.top, width: img.width - m.left - m.right, height: img.height - m.top - m.bottom };
      if (box.width < 1 || box.height < 1) {
        throw new RenderOptionError(`manualCropOptions remove the whole ${img.width}x${img.height} image`);
      }
    } else if ('autoColor' in crop) {
      box = autoColorCropBox(img, crop.autoColor);
    } else if ('autoTransparent' in crop) {
      box = autoTransparentCropBox(img, crop.autoTransparent);
    } else {
      box = crop.box;
      if (box.left + box.width > img.width || box.top + box.height > img.height) return undefined; // stale crop of an older original
    }
    if (!box || (box.left === 0 && box.top === 0 && box.width === img.width && box.height === img.height)) return undefined;
    return box;
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

interface RawRgba {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 4;
}

function extract(img: RawRgba, box: Box): RawRgba {
  const out = new Uint8Array(box.width * box.height * 4);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.top + y) * img.width + box.left) * 4;
    out.set(img.data.subarray(from, from + box.width * 4), y * box.width * 4);
  }
  return { data: out, width: box.width, height: box.height, channels: 4 };
}
