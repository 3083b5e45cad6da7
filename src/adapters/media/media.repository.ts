import fs from 'node:fs/promises';
import { readPsd } from 'ag-psd';
import sharp, { type Sharp } from 'sharp';
import type { DetectedFormat } from '../../domain/asset-types.js';
import { type OpenImage, colourRoute } from './colour-route.js';
import { renderPixels, renderSharpened, renderStreamed } from './derivative-renders.js';
import { UnreadableImageError, wrapDecoder } from './media-errors.js';
import type { ColorPlan, ImageProbe, RenderPlan, RenderResult } from './media-types.js';
import './psd-canvas.js';
import { writePyramidTiff } from './pyramid-tiff.js';
import { Scratch } from './render-scratch.js';

/**
 * The only place that touches sharp (and the PSD reader). Every decode is
 * bounded by `maxPixels` so a decompression bomb fails that one file.
 * Colour management is in colour-route.ts, the reprocessing renders in
 * derivative-renders.ts, the pyramid TIFF recipe in pyramid-tiff.ts.
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
    const meta = await wrapDecoder(() => img.metadata()).catch((err: unknown) => this.explainPixelLimit(file, format, err));
    if (!meta.width || !meta.height) throw new UnreadableImageError('the image has no dimensions');
    // The PSD composite always arrives as RGBA; only a non-opaque one really has alpha.
    const hasAlpha = format === 'psd' ? !(await wrapDecoder(() => img.stats())).isOpaque : Boolean(meta.hasAlpha);
    return {
      width: meta.autoOrient?.width ?? meta.width,
      height: meta.autoOrient?.height ?? meta.height,
      resolution: meta.density ?? 72,
      hasAlpha,
    };
  }

  /**
   * The optimised image of an original as uploaded: upright, in the colour
   * space `color` asks for (see ColorPlan; absent = Default), streamed without
   * touching pixels in JS.
   */
  async buildPyramidTiff(file: string, format: DetectedFormat, dest: string, probe: ImageProbe, color?: ColorPlan): Promise<void> {
    const scratch = new Scratch(dest);
    try {
      const route = await colourRoute(this.opener(file, format), color, probe.hasAlpha, scratch);
      await writePyramidTiff(await route.output(), { alpha: probe.hasAlpha, space: route.space, density: probe.resolution }, dest);
      route.check();
    } finally {
      await scratch.dispose();
    }
  }

  /**
   * Reprocessing: crop, knockout, mask and unsharp mask on the upright image,
   * then the pyramid TIFF (and the mask as a grayscale PNG) in the colour space
   * `plan.color` asks for. Crop boxes and knockout masks are found on an sRGB
   * rendition (the colours a user sees and states tolerances against); crop,
   * alpha and sharpening are applied to the pixels in the output space.
   * Pixels reach JS only when knockout, unsharp mask or an automatic crop
   * needs them; otherwise libvips streams the image.
   */
  async renderDerivatives(file: string, format: DetectedFormat, plan: RenderPlan, out: { ptiff: string; mask?: string }): Promise<RenderResult> {
    const probe = await this.probe(file, format);
    const scratch = new Scratch(out.ptiff);
    try {
      const open = this.opener(file, format);
      const route = await colourRoute(open, plan.color, probe.hasAlpha, scratch);
      const autoCrop = plan.crop !== undefined && ('autoColor' in plan.crop || 'autoTransparent' in plan.crop);
      const needsPixels = autoCrop || plan.knockout !== undefined || (plan.usm !== undefined && plan.usm.amount > 0);
      const result = !needsPixels
        ? await renderStreamed(open, route, plan, probe, out)
        : !autoCrop && plan.knockout === undefined && !probe.hasAlpha
          ? await renderSharpened(route, plan, probe, out, scratch)
          : await renderPixels(route, plan, probe, out, scratch);
      route.check();
      return result;
    } finally {
      await scratch.dispose();
    }
  }

  /** Opens `file` with this repository's decoder and pixel limit, as often as the colour route and the renders need it. */
  private opener(file: string, format: DetectedFormat): OpenImage {
    return (options) => this.open(file, format, options);
  }

  private async open(file: string, format: DetectedFormat, options: { ignoreIcc?: boolean } = {}): Promise<Sharp> {
    if (format === 'psd') return this.openPsd(file);
    return sharp(file, { limitInputPixels: this.maxPixels, failOn: 'warning', animated: false, ...options });
  }

  /**
   * libvips only says "Input image exceeds pixel limit"; the job log should say
   * how large the image claims to be and which setting limits it. The header is
   * read again without the limit (metadata decodes no pixels).
   */
  private async explainPixelLimit(file: string, format: DetectedFormat, err: unknown): Promise<never> {
    if (!(err instanceof UnreadableImageError) || format === 'psd' || !/exceeds pixel limit/i.test(err.message)) throw err;
    const { width, height } = await wrapDecoder(() => sharp(file, { limitInputPixels: false }).metadata());
    throw new UnreadableImageError(`the image is ${width}x${height}, above the limit of ${this.maxPixels} pixels (MAX_IMAGE_PIXELS)`);
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
    const psd = await wrapDecoder(async () => readPsd(buffer, { skipLayerImageData: true, skipThumbnail: true, useImageData: true }));
    const data = psd.imageData;
    if (!data) throw new UnreadableImageError('the PSD has no composite image (saved without "Maximize Compatibility")');
    return sharp(Buffer.from(data.data.buffer, data.data.byteOffset, data.data.byteLength), {
      raw: { width: data.width, height: data.height, channels: 4 },
      limitInputPixels: this.maxPixels,
    });
  }
}
