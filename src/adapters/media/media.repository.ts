import fs from 'node:fs/promises';
import path from 'node:path';
import { readPsd } from 'ag-psd';
import sharp, { type Metadata, type Sharp } from 'sharp';
import type { DetectedFormat } from '../../domain/asset-types.js';
import type { AutoColorCropOptions, AutoTransparentCropOptions, KnockoutBackgroundOptions, ManualCropOptions, UnsharpMaskOptions } from '../../domain/schemas/options.schema.js';
import { type IccHeader, type TaggedPixels, parseIccHeader, writeTaggedTiff } from './icc-profile.js';
import { type Box, autoColorCropBox, autoTransparentCropBox, knockoutMask } from './pixel-ops.js';
import './psd-canvas.js';
import { applyUnsharp } from './unsharp.js';

export interface ImageProbe {
  width: number;
  height: number;
  /** pixels per inch; IPS reports 72 when the file states none */
  resolution: number;
  hasAlpha: boolean;
}

/**
 * IPS colorManagementOptions (ips-reference §6 ColorManagementOptions), the
 * profile handles already resolved to ICC files on local disk. IPS documents
 * little more than the names; what each mode does here:
 *
 * - `Default` (and no plan at all): the optimiser as it always was. Pixels go
 *   to sRGB through their embedded profile (CMYK without one: libvips'
 *   built-in CMYK profile; RGB and gray without one are read as sRGB) and the
 *   pyramid TIFF embeds sharp's built-in sRGB profile.
 * - `MaintainOriginal`: the pyramid TIFF stays in the original's colour space
 *   (CMYK, gray or RGB; alpha kept) and embeds the original's profile byte for
 *   byte, e.g. Adobe RGB stays Adobe RGB. An untagged CMYK or gray original
 *   stays untagged: inventing a profile would change what the file says, and
 *   a reader falls back to the same defaults as Default. Untagged RGB, PSD
 *   composites (always RGB here) and other spaces (Lab, XYZ…) take Default.
 * - `Convert`: the pixels are read in `sourceProfile` when given (it overrides
 *   an embedded profile: how a user fixes an untagged or mis-tagged file),
 *   else in the embedded profile, else in Default's defaults; then one
 *   transform into `outputProfile` (default: sharp's built-in sRGB), which is
 *   embedded. A CMYK or gray output profile gives a CMYK or gray pyramid TIFF.
 *   An embedded profile that does not fit the pixels is refused (the user
 *   should name a sourceProfileHandle) rather than silently skipped.
 *
 * The profiles only matter to Convert (IPS: "used with Convert"); the other
 * modes ignore them. Transforms are lcms through libvips, perceptual intent
 * without black-point compensation (sharp's fixed choice); alpha passes
 * through unchanged. A profile file that is not ICC, is not a device profile,
 * or whose colour space does not fit is a RenderOptionError naming the field.
 */
export interface ColorPlan {
  mode: 'Default' | 'MaintainOriginal' | 'Convert';
  /** absolute path of an ICC profile: the colour space the original's pixels are in (Convert) */
  sourceProfile?: string;
  /** absolute path of an ICC profile: the colour space of the pyramid TIFF (Convert) */
  outputProfile?: string;
}

/** What reprocessing asks of one image (ips-reference §5.2). */
export interface RenderPlan {
  crop?: { manual: ManualCropOptions } | { autoColor: AutoColorCropOptions } | { autoTransparent: AutoTransparentCropOptions } | { box: Box };
  knockout?: KnockoutBackgroundOptions;
  /** write a mask file: the knockout mask, else the image's own transparency */
  mask: boolean;
  usm?: UnsharpMaskOptions;
  /** colorManagementOptions; absent = Default */
  color?: ColorPlan;
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
    const meta = await wrap(() => img.metadata()).catch((err: unknown) => this.explainPixelLimit(file, format, err));
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
   * The optimised image of an original as uploaded: upright, in the colour
   * space `color` asks for (see ColorPlan; absent = Default), streamed without
   * touching pixels in JS.
   */
  async buildPyramidTiff(file: string, format: DetectedFormat, dest: string, probe: ImageProbe, color?: ColorPlan): Promise<void> {
    const scratch = new Scratch(dest);
    try {
      const route = await this.colourRoute(file, format, color, probe.hasAlpha, scratch);
      await this.writePtiff(await route.output(), probe.hasAlpha, probe.resolution, dest);
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
      const route = await this.colourRoute(file, format, plan.color, probe.hasAlpha, scratch);
      const autoCrop = plan.crop !== undefined && ('autoColor' in plan.crop || 'autoTransparent' in plan.crop);
      const needsPixels = autoCrop || plan.knockout !== undefined || (plan.usm !== undefined && plan.usm.amount > 0);
      const result = !needsPixels
        ? await this.renderStreamed(file, format, route, plan, probe, out)
        : !autoCrop && plan.knockout === undefined && !probe.hasAlpha
          ? await this.renderSharpened(route, plan, probe, out, scratch)
          : await this.renderPixels(route, plan, probe, out, scratch);
      route.check();
      return result;
    } finally {
      await scratch.dispose();
    }
  }

  /** No step needs pixels: a manual or stored crop is a libvips extract. */
  private async renderStreamed(
    file: string,
    format: DetectedFormat,
    route: ColourRoute,
    plan: RenderPlan,
    probe: ImageProbe,
    out: { ptiff: string; mask?: string },
  ): Promise<RenderResult> {
    const crop = this.cropBox({ width: probe.width, height: probe.height }, plan.crop);
    const cut = (img: Sharp) => (crop ? img.extract(crop) : img);
    await this.writePtiff(cut(await route.output()), probe.hasAlpha, probe.resolution, out.ptiff);
    const maskWritten = plan.mask && probe.hasAlpha;
    if (maskWritten && out.mask) {
      // Alpha does not depend on colour: the sRGB rendition has it as its fourth band whatever the original's space.
      const srgb = cut((await this.open(file, format)).rotate().toColourspace('srgb'));
      await wrap(() => srgb.extractChannel(3).png().toFile(out.mask!));
    }
    return { width: crop?.width ?? probe.width, height: crop?.height ?? probe.height, ...(crop ? { crop } : {}), maskWritten };
  }

  /**
   * Only the unsharp mask needs pixels (an opaque image, no automatic crop,
   * no knockout): the output rendition alone is read, without an alpha band,
   * and no sRGB copy is made for analysis. The common reprocess of photos;
   * bench/reprocess.mjs measures it.
   */
  private async renderSharpened(route: ColourRoute, plan: RenderPlan, probe: ImageProbe, out: { ptiff: string }, scratch: Scratch): Promise<RenderResult> {
    const crop = this.cropBox({ width: probe.width, height: probe.height }, plan.crop);
    const output = await route.output();
    const raw = await wrap(() => (crop ? output.extract(crop) : output).removeAlpha().raw({ depth: route.wide ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true }));
    const { info } = raw;
    // The decoded pixels are used only here: sharpened in place.
    const img = await this.sharpened({ data: route.wide ? narrow(raw.data) : view(raw.data), width: info.width, height: info.height, channels: info.channels }, route, false, plan.usm!, scratch, true);
    await this.writePtiff(await this.fromPixels(img, route, scratch), false, probe.resolution, out.ptiff);
    return { width: img.width, height: img.height, ...(crop ? { crop } : {}), maskWritten: false };
  }

  private async sharpened(img: Pixels, route: ColourRoute, hasAlpha: boolean, usm: UnsharpMaskOptions, scratch: Scratch, inPlace = false): Promise<Pixels> {
    const blurred = await this.blurred(img, route.space, hasAlpha, Math.max(0.3, usm.radius), scratch);
    // monochrome = 1 sharpens brightness, which CMYK has no channel for: its inks are sharpened one by one, as Photoshop does.
    const monochrome = route.space === 'cmyk' ? 0 : usm.monochrome;
    return { ...img, data: applyUnsharp(img.data, blurred, img.channels, hasAlpha, { amount: usm.amount, threshold: usm.threshold, monochrome }, inPlace) };
  }

  private async renderPixels(
    route: ColourRoute,
    plan: RenderPlan,
    probe: ImageProbe,
    out: { ptiff: string; mask?: string },
    scratch: Scratch,
  ): Promise<RenderResult> {
    const rendition = await route.analysis();
    const { data, info } = await wrap(() => rendition.ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }));
    const full: RawRgba = { data: view(data), width: info.width, height: info.height, channels: 4 };
    const crop = this.cropBox(full, plan.crop);
    const seen = crop ? extract(full, crop) : full;
    // With sharp's sRGB as the output the rendition is the output; otherwise the output space's colour, with the rendition's alpha.
    let img: Pixels = route.space === 'srgb' && route.profile === 'srgb' ? seen : await this.outputPixels(route, crop, seen);
    const ch = img.channels;
    let alphaUsed = probe.hasAlpha;
    let maskPixels: Uint8Array | undefined;
    if (plan.knockout) {
      maskPixels = knockoutMask(seen, plan.knockout);
      const px = new Uint8Array(img.data);
      for (let i = 0; i < maskPixels.length; i++) px[i * ch + ch - 1] = Math.min(px[i * ch + ch - 1]!, maskPixels[i]!);
      img = { ...img, data: px };
      alphaUsed = true;
    } else if (plan.mask && probe.hasAlpha) {
      maskPixels = new Uint8Array(img.width * img.height);
      for (let i = 0; i < maskPixels.length; i++) maskPixels[i] = img.data[i * ch + ch - 1]!;
    }
    if (plan.usm && plan.usm.amount > 0) img = await this.sharpened(img, route, true, plan.usm, scratch);

    await this.writePtiff(await this.fromPixels(img, route, scratch), alphaUsed, probe.resolution, out.ptiff);
    if (plan.mask && maskPixels && out.mask) {
      await wrap(() => sharp(Buffer.from(maskPixels!), { raw: { width: img.width, height: img.height, channels: 1 } }).toColourspace('b-w').png().toFile(out.mask!));
    }
    return { width: img.width, height: img.height, ...(crop ? { crop } : {}), maskWritten: Boolean(plan.mask && maskPixels) };
  }

  /** The output space's colour bands, cropped like `seen`, with `seen`'s alpha as the last channel. */
  private async outputPixels(route: ColourRoute, crop: Box | undefined, seen: RawRgba): Promise<Pixels> {
    const img = await route.output();
    // A gray result arrives as one band: libvips hands back only the first band of a gray image as raw.
    const raw = await wrap(() => (crop ? img.extract(crop) : img).removeAlpha().raw({ depth: route.wide ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true }));
    const { info } = raw;
    const data = route.wide ? narrow(raw.data) : raw.data;
    if (info.width !== seen.width || info.height !== seen.height) throw new Error('the output and sRGB renditions differ in size');
    const bands = info.channels;
    const out = new Uint8Array(seen.width * seen.height * (bands + 1));
    for (let i = 0, o = 0; i < seen.width * seen.height; i++) {
      for (let c = 0; c < bands; c++) out[o++] = data[i * bands + c]!;
      out[o++] = seen.data[i * 4 + 3]!;
    }
    return { data: out, width: seen.width, height: seen.height, channels: bands + 1 };
  }

  /** Gaussian blur of every channel, for the unsharp mask; alpha-weighted, as sharp blurs images with alpha. */
  private async blurred(img: Pixels, space: Space, hasAlpha: boolean, sigma: number, scratch: Scratch): Promise<Uint8Array> {
    const { width, height, channels } = img;
    if (space === 'cmyk') {
      // Raw input would read four bands as RGB + alpha, and sharp takes at most four: CMYK (+ alpha) goes in as a TIFF.
      const tmp = await scratch.file('blur.tif');
      await writeTaggedTiff(tmp, { ...img, space: 'cmyk' });
      return view(await inSpace(sharp(tmp, { limitInputPixels: false }), 'cmyk').blur(sigma).raw().toBuffer());
    }
    if (channels < 1 || channels > 4 || (hasAlpha && channels !== 2 && channels !== 4) || (!hasAlpha && channels !== 1 && channels !== 3)) {
      throw new RangeError(`no blur for ${channels} ${space} channels${hasAlpha ? ' with alpha' : ''}`);
    }
    const out = view(await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } }).blur(sigma).raw().toBuffer());
    const bands = out.length / (width * height);
    if (bands === channels) return out;
    // Gray (+ alpha) can come back as sRGB (+ alpha), sharp's default output space: keep one gray band (and the alpha).
    const kept = new Uint8Array(width * height * channels);
    for (let i = 0; i < width * height; i++) {
      kept[i * channels] = out[i * bands]!;
      if (hasAlpha) kept[i * channels + 1] = out[i * bands + bands - 1]!;
    }
    return kept;
  }

  /** Pixels in the output space, back in sharp with the output profile attached (not applied). */
  private async fromPixels(img: Pixels, route: ColourRoute, scratch: Scratch): Promise<Sharp> {
    if (route.profile === 'srgb') {
      return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: img.channels as 3 | 4 } }).withIccProfile('srgb');
    }
    const tmp = await scratch.file('render.tif');
    await writeTaggedTiff(tmp, { ...img, space: route.space }, route.profile);
    return inSpace(sharp(tmp, { ignoreIcc: true, limitInputPixels: false }), route.space).keepIccProfile();
  }

  /**
   * How the pixels reach the output colour space (see ColorPlan). Default
   * touches nothing but the original; the other modes read its metadata, and
   * Convert may write an intermediate that carries the input profile.
   */
  private async colourRoute(file: string, format: DetectedFormat, color: ColorPlan | undefined, hasAlpha: boolean, scratch: Scratch): Promise<ColourRoute> {
    const srgb = async () => (await this.open(file, format)).rotate().toColourspace('srgb');
    const byDefault: ColourRoute = {
      space: 'srgb',
      profile: 'srgb',
      wide: false,
      output: async () => (await srgb()).withIccProfile('srgb'),
      analysis: srgb,
      check: () => undefined,
    };
    if (!color || color.mode === 'Default') return byDefault;

    const meta = await wrap(async () => (await this.open(file, format)).metadata());
    const native = NATIVE_SPACE[meta.space ?? ''];
    // 16-bit RGB and gray become 8-bit on the way; 16-bit CMYK stays 16-bit until written.
    const wide = native === 'cmyk' && meta.depth === 'ushort';
    if (color.mode === 'MaintainOriginal') {
      // Untagged RGB is sRGB already; Lab, XYZ and the like are not served as such.
      if (!native || (native === 'srgb' && !meta.icc)) return byDefault;
      return {
        space: native,
        profile: meta.icc,
        wide,
        // keepIccProfile also stops sharp's conversion from the embedded profile to sRGB.
        output: async () => inSpace((await this.open(file, format)).rotate(), native).keepIccProfile(),
        analysis: srgb,
        check: () => undefined,
      };
    }

    const output = color.outputProfile ? await readProfile(color.outputProfile, 'outputProfileHandle') : undefined;
    const outSpace = output ? SPACE_OF_ICC[output.header.colorSpace] : 'srgb';
    if (!outSpace) {
      throw new RenderOptionError(`colorManagementOptions.outputProfileHandle: expected an RGB, CMYK or GRAY profile, received ${describe(output!.header)}`);
    }
    const source = await this.convertSource(file, format, color, meta, native, hasAlpha, scratch, srgb);
    const warnings: string[] = [];
    // One transform from the input profile (embedded in `source`) to the output profile.
    const to = async (profile: string) => (await source()).withIccProfile(profile).on('warning', (w: string) => warnings.push(w));
    return {
      space: outSpace,
      profile: output?.bytes ?? 'srgb',
      wide: false, // withIccProfile writes 8-bit
      output: () => to(color.outputProfile ? path.resolve(color.outputProfile) : 'srgb'),
      analysis: () => to('srgb'),
      check: () => {
        // libvips skips a transform it cannot build and only warns; here that is the asset's error.
        const problem = warnings.find((w) => /profile/i.test(w));
        if (problem) throw new RenderOptionError(`colorManagementOptions: the profiles could not be applied to this image (${problem})`);
      },
    };
  }

  /** The upright original in its own colour space, carrying the profile Convert reads it in. */
  private async convertSource(
    file: string,
    format: DetectedFormat,
    color: ColorPlan,
    meta: Metadata,
    native: Space | undefined,
    hasAlpha: boolean,
    scratch: Scratch,
    srgb: () => Promise<Sharp>,
  ): Promise<() => Promise<Sharp>> {
    if (color.sourceProfile) {
      if (!native) {
        throw new RenderOptionError(`colorManagementOptions.sourceProfileHandle: expected an RGB, CMYK or gray image to read in a profile, received a ${meta.space ?? 'unknown'} image`);
      }
      const source = await readProfile(color.sourceProfile, 'sourceProfileHandle');
      if (source.header.colorSpace !== ICC_SPACE[native]) {
        throw new RenderOptionError(
          `colorManagementOptions.sourceProfileHandle: expected ${withArticle(ICC_SPACE[native])} profile for this ${ICC_SPACE[native]} image, received ${describe(source.header)}`,
        );
      }
      return this.tagged(file, format, native, hasAlpha, meta, source.bytes, scratch);
    }
    if (!native) return srgb; // Lab, XYZ…: sharp's own conversion to sRGB, then sRGB is the input profile
    if (meta.icc) {
      const embedded = parseIccHeader(meta.icc);
      if (typeof embedded === 'string' || embedded.colorSpace !== ICC_SPACE[native]) {
        const what = typeof embedded === 'string' ? `not an ICC profile: ${embedded}` : describe(embedded);
        throw new RenderOptionError(
          `colorManagementOptions: the image's embedded profile (${what}) does not fit its ${ICC_SPACE[native]} pixels; give a sourceProfileHandle`,
        );
      }
      // ignoreIcc stops sharp's own conversion to sRGB; withIccProfile then reads the embedded profile.
      return async () => inSpace((await this.open(file, format, { ignoreIcc: true })).rotate(), native);
    }
    if (meta.space === 'srgb') return srgb; // untagged 8-bit RGB: withIccProfile reads it as sRGB
    // Untagged CMYK gets libvips' CMYK profile, as Default does; untagged gray and 16-bit RGB are sRGB (gray as three equal bands).
    const space = native === 'cmyk' ? 'cmyk' : 'srgb';
    return this.tagged(file, format, space, hasAlpha, meta, await builtinProfile(space), scratch);
  }

  /**
   * The original's upright pixels, untransformed, in a lossless TIFF that
   * carries `icc`: sharp cannot be told which profile input pixels are in,
   * but it reads a profile embedded in the file.
   */
  private async tagged(
    file: string,
    format: DetectedFormat,
    space: Space,
    hasAlpha: boolean,
    meta: Metadata,
    icc: Uint8Array,
    scratch: Scratch,
  ): Promise<() => Promise<Sharp>> {
    const wide = space === 'cmyk' && meta.depth === 'ushort';
    const px = await readPixels(async () => inSpace((await this.open(file, format, { ignoreIcc: true })).rotate(), space), space, hasAlpha, wide);
    const tmp = await scratch.file('source.tif');
    await writeTaggedTiff(tmp, { ...px, space }, icc);
    return async () => inSpace(sharp(tmp, { ignoreIcc: true, limitInputPixels: false }), space);
  }

  /**
   * The IPS "optimised" image: a tiled pyramid TIFF in the colour space (and
   * with the profile) `img` delivers, keeping the original's metadata. JPEG
   * tiles for opaque images (small, what IS serves); deflate when there is
   * alpha, because JPEG cannot carry it. The resolution goes in as TIFF
   * xres/yres (pixels per mm): withMetadata({ density }) would also force sRGB.
   */
  private async writePtiff(img: Sharp, alpha: boolean, density: number, dest: string): Promise<void> {
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
    await wrap(() => p.toFile(dest));
  }

  /** Automatic crops need the sRGB pixels; manual and stored crops only the size. */
  private cropBox(img: RawRgba | { width: number; height: number }, crop: RenderPlan['crop']): Box | undefined {
    if (!crop) return undefined;
    let box: Box | null;
    if ('manual' in crop) {
      const m = crop.manual;
      if (m.left + m.right === 0 && m.top + m.bottom === 0) return undefined;
      box = { left: m.left, top: m.top, width: img.width - m.left - m.right, height: img.height - m.top - m.bottom };
      if (box.width < 1 || box.height < 1) {
        throw new RenderOptionError(`manualCropOptions remove the whole ${img.width}x${img.height} image`);
      }
    } else if ('box' in crop) {
      box = crop.box;
      if (box.left + box.width > img.width || box.top + box.height > img.height) return undefined; // stale crop of an older original
    } else if (!('data' in img)) {
      throw new Error('an automatic crop needs the pixels');
    } else if ('autoColor' in crop) {
      box = autoColorCropBox(img, crop.autoColor);
    } else {
      box = autoTransparentCropBox(img, crop.autoTransparent);
    }
    if (!box || (box.left === 0 && box.top === 0 && box.width === img.width && box.height === img.height)) return undefined;
    return box;
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
    const { width, height } = await wrap(() => sharp(file, { limitInputPixels: false }).metadata());
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

/** Interleaved 8-bit pixels, alpha (when present) last. */
interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

interface RawRgba extends Pixels {
  channels: 4;
}

function view(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function extract<T extends Pixels>(img: T, box: Box): T {
  const ch = img.channels;
  const out = new Uint8Array(box.width * box.height * ch);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.top + y) * img.width + box.left) * ch;
    out.set(img.data.subarray(from, from + box.width * ch), y * box.width * ch);
  }
  return { ...img, data: out, width: box.width, height: box.height };
}

type Space = TaggedPixels['space'];

/** How one image reaches its output colour space (built by MediaRepository.colourRoute). */
interface ColourRoute {
  /** colour space of the pyramid TIFF */
  space: Space;
  /** what the pyramid TIFF embeds: sharp's built-in sRGB, these bytes, or nothing (an untagged original kept) */
  profile: 'srgb' | Uint8Array | undefined;
  /** output() has 16-bit samples (a 16-bit CMYK original kept) */
  wide: boolean;
  /** the upright image in `space`, its profile applied and attached */
  output(): Promise<Sharp>;
  /** the upright image in sRGB: what crop and knockout look at */
  analysis(): Promise<Sharp>;
  /** after writing: throws when libvips skipped a transform */
  check(): void;
}

/** libvips interpretations whose pixels can stay in their colour space. */
const NATIVE_SPACE: Partial<Record<string, Space>> = { srgb: 'srgb', rgb: 'srgb', rgb16: 'srgb', cmyk: 'cmyk', 'b-w': 'b-w', grey16: 'b-w' };
/** the ICC data colour space each needs */
const ICC_SPACE: Record<Space, string> = { srgb: 'RGB', cmyk: 'CMYK', 'b-w': 'GRAY' };
const SPACE_OF_ICC: Partial<Record<string, Space>> = { RGB: 'srgb', CMYK: 'cmyk', GRAY: 'b-w' };
/** profile classes that describe a device or colour space (not links, abstract or named-colour profiles) */
const DEVICE_CLASSES: ReadonlySet<string> = new Set(['scnr', 'mntr', 'prtr', 'spac']);
const OTHER_CLASSES: Record<string, string> = { link: 'device link', abst: 'abstract', nmcl: 'named colour' };

/** Keeps an image in `space`: no conversion to sRGB when it is read (CMYK), none when it is written. */
function inSpace(img: Sharp, space: Space): Sharp {
  return space === 'cmyk' ? img.pipelineColourspace('cmyk').toColourspace('cmyk') : img.toColourspace(space);
}

async function readProfile(file: string, field: 'sourceProfileHandle' | 'outputProfileHandle'): Promise<{ bytes: Buffer; header: IccHeader }> {
  const bytes = await fs.readFile(file);
  const header = parseIccHeader(bytes);
  if (typeof header === 'string') {
    throw new RenderOptionError(`colorManagementOptions.${field}: expected an ICC profile, received a file that is not one (${header})`);
  }
  if (!DEVICE_CLASSES.has(header.deviceClass)) {
    const name = OTHER_CLASSES[header.deviceClass] ?? `'${header.deviceClass}'`;
    throw new RenderOptionError(`colorManagementOptions.${field}: expected an input, display, output or colour space profile, received a ${name} profile`);
  }
  return { bytes, header };
}

/** 'an RGB profile ("Adobe RGB (1998)")' */
function describe(header: IccHeader): string {
  return `${withArticle(header.colorSpace)} profile${header.description ? ` ("${header.description}")` : ''}`;
}

function withArticle(colorSpace: string): string {
  return `${/^[AEIOUR]/.test(colorSpace) ? 'an' : 'a'} ${colorSpace}`;
}

/**
 * Interleaved 8-bit pixels of an image that `open` keeps in `space`, with or
 * without alpha; `wide`: its samples are 16-bit (CMYK), read as such and
 * scaled. libvips hands back only the first band of a gray image as raw, so
 * gray + alpha is read as (equal) RGB bands + alpha and two are kept.
 */
async function readPixels(open: () => Promise<Sharp>, space: Space, alpha: boolean, wide: boolean): Promise<Pixels> {
  const img = await open();
  if (space === 'b-w' && alpha) {
    const { data, info } = await wrap(() => img.toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }));
    const ga = new Uint8Array(info.width * info.height * 2);
    for (let i = 0; i < info.width * info.height; i++) {
      ga[i * 2] = data[i * 4]!;
      ga[i * 2 + 1] = data[i * 4 + 3]!;
    }
    return { data: ga, width: info.width, height: info.height, channels: 2 };
  }
  const { data, info } = await wrap(() => (alpha ? img.ensureAlpha() : img.removeAlpha()).raw({ depth: wide ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true }));
  return { data: wide ? narrow(data) : view(data), width: info.width, height: info.height, channels: info.channels };
}

/** 16-bit samples to 8-bit, rounded: libvips' raw output would clip them instead of scaling. */
function narrow(data: Buffer): Uint8Array {
  const aligned = data.byteOffset % 2 ? Buffer.from(data) : data;
  const wide = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
  const out = new Uint8Array(wide.length);
  for (let i = 0; i < wide.length; i++) out[i] = Math.round(wide[i]! / 257);
  return out;
}

const builtinProfiles = new Map<'srgb' | 'cmyk', Promise<Buffer>>();

/**
 * The bytes of a profile libvips has built in. sharp names them but does not
 * hand them out, so one pixel is converted to it and the attached copy read.
 */
function builtinProfile(name: 'srgb' | 'cmyk'): Promise<Buffer> {
  let bytes = builtinProfiles.get(name);
  if (!bytes) {
    bytes = (async () => {
      const tiff = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }).withIccProfile(name).tiff().toBuffer();
      const { icc } = await sharp(tiff).metadata();
      if (!icc) throw new Error(`libvips attached no '${name}' profile`);
      return icc;
    })();
    bytes.catch(() => builtinProfiles.delete(name));
    builtinProfiles.set(name, bytes);
  }
  return bytes;
}

/** Temporary files of one render, beside its output (same volume, removed with it). */
class Scratch {
  private dir?: string;

  constructor(private readonly beside: string) {}

  async file(name: string): Promise<string> {
    this.dir ??= await fs.mkdtemp(`${this.beside}.colour-`);
    return path.join(this.dir, name);
  }

  async dispose(): Promise<void> {
    if (this.dir) await fs.rm(this.dir, { recursive: true, force: true });
  }
}
