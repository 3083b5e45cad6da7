import sharp, { type Sharp } from 'sharp';
import type { UnsharpMaskOptions } from '../../domain/schemas/options.schema.js';
import { type ColourRoute, type OpenImage, type Space, inSpace } from './colour-route.js';
import { writeTaggedTiff } from './icc-profile.js';
import { RenderOptionError, wrapDecoder } from './media-errors.js';
import type { ImageProbe, RenderPlan, RenderResult } from './media-types.js';
import { type Box, autoColorCropBox, autoTransparentCropBox, knockoutMask } from './pixel-ops.js';
import { type Pixels, type RawRgba, extract, narrow, view } from './pixel-buffers.js';
import { writePyramidTiff } from './pyramid-tiff.js';
import type { Scratch } from './render-scratch.js';
import { applyUnsharp } from './unsharp.js';

/**
 * The three ways reprocessing renders an image, from cheapest to dearest;
 * MediaRepository.renderDerivatives picks the first that covers the plan.
 * Each writes the pyramid TIFF (and the mask) through a ColourRoute.
 */

/** Where the pyramid TIFF and (when asked for) the mask are written. */
type Outputs = { ptiff: string; mask?: string };

/** No step needs pixels: a manual or stored crop is a libvips extract. */
export async function renderStreamed(open: OpenImage, route: ColourRoute, plan: RenderPlan, probe: ImageProbe, out: Outputs): Promise<RenderResult> {
  const crop = cropBox({ width: probe.width, height: probe.height }, plan.crop);
  const cut = (img: Sharp) => (crop ? img.extract(crop) : img);
  await writePyramidTiff(cut(await route.output()), { alpha: probe.hasAlpha, space: route.space, density: probe.resolution }, out.ptiff);
  const maskWritten = plan.mask && probe.hasAlpha;
  if (maskWritten && out.mask) {
    // Alpha does not depend on colour: the sRGB rendition has it as its fourth band whatever the original's space.
    const srgb = cut((await open()).rotate().toColourspace('srgb'));
    await wrapDecoder(() => srgb.extractChannel(3).png().toFile(out.mask!));
  }
  return { width: crop?.width ?? probe.width, height: crop?.height ?? probe.height, ...(crop ? { crop } : {}), maskWritten };
}

/**
 * Only the unsharp mask needs pixels (an opaque image, no automatic crop,
 * no knockout): the output rendition alone is read, without an alpha band,
 * and no sRGB copy is made for analysis. The common reprocess of photos;
 * bench/reprocess.mjs measures it.
 */
export async function renderSharpened(
  route: ColourRoute,
  plan: RenderPlan,
  probe: ImageProbe,
  out: { ptiff: string },
  scratch: Scratch,
): Promise<RenderResult> {
  const crop = cropBox({ width: probe.width, height: probe.height }, plan.crop);
  const output = await route.output();
  const raw = await wrapDecoder(() =>
    (crop ? output.extract(crop) : output)
      .removeAlpha()
      .raw({ depth: route.wide ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true }),
  );
  const { info } = raw;
  // The decoded pixels are used only here: sharpened in place.
  const data = route.wide ? narrow(raw.data) : view(raw.data);
  const pixels = { data, width: info.width, height: info.height, channels: info.channels };
  const img = await sharpened(pixels, route, false, plan.usm!, scratch, true);
  await writePyramidTiff(await fromPixels(img, route, scratch), { alpha: false, space: route.space, density: probe.resolution }, out.ptiff);
  return { width: img.width, height: img.height, ...(crop ? { crop } : {}), maskWritten: false };
}

/** Automatic crops and knockout look at the sRGB pixels; the output space's pixels are cut, masked and sharpened. */
export async function renderPixels(route: ColourRoute, plan: RenderPlan, probe: ImageProbe, out: Outputs, scratch: Scratch): Promise<RenderResult> {
  const rendition = await route.analysis();
  const { data, info } = await wrapDecoder(() => rendition.ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }));
  const full: RawRgba = { data: view(data), width: info.width, height: info.height, channels: 4 };
  const crop = cropBox(full, plan.crop);
  const seen = crop ? extract(full, crop) : full;
  // With sharp's sRGB as the output the rendition is the output; otherwise the output space's colour, with the rendition's alpha.
  let img: Pixels = route.space === 'srgb' && route.profile === 'srgb' ? seen : await outputPixels(route, crop, seen);
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
  if (plan.usm && plan.usm.amount > 0) img = await sharpened(img, route, true, plan.usm, scratch);

  await writePyramidTiff(await fromPixels(img, route, scratch), { alpha: alphaUsed, space: route.space, density: probe.resolution }, out.ptiff);
  if (plan.mask && maskPixels && out.mask) {
    await wrapDecoder(() =>
      sharp(Buffer.from(maskPixels!), { raw: { width: img.width, height: img.height, channels: 1 } })
        .toColourspace('b-w')
        .png()
        .toFile(out.mask!),
    );
  }
  return { width: img.width, height: img.height, ...(crop ? { crop } : {}), maskWritten: Boolean(plan.mask && maskPixels) };
}

async function sharpened(img: Pixels, route: ColourRoute, hasAlpha: boolean, usm: UnsharpMaskOptions, scratch: Scratch, inPlace = false): Promise<Pixels> {
  const blur = await blurred(img, route.space, hasAlpha, Math.max(0.3, usm.radius), scratch);
  // monochrome = 1 sharpens brightness, which CMYK has no channel for: its inks are sharpened one by one, as Photoshop does.
  const monochrome = route.space === 'cmyk' ? 0 : usm.monochrome;
  return { ...img, data: applyUnsharp(img.data, blur, img.channels, hasAlpha, { amount: usm.amount, threshold: usm.threshold, monochrome }, inPlace) };
}

/** The output space's colour bands, cropped like `seen`, with `seen`'s alpha as the last channel. */
async function outputPixels(route: ColourRoute, crop: Box | undefined, seen: RawRgba): Promise<Pixels> {
  const img = await route.output();
  // A gray result arrives as one band: libvips hands back only the first band of a gray image as raw.
  const raw = await wrapDecoder(() =>
    (crop ? img.extract(crop) : img)
      .removeAlpha()
      .raw({ depth: route.wide ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true }),
  );
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
async function blurred(img: Pixels, space: Space, hasAlpha: boolean, sigma: number, scratch: Scratch): Promise<Uint8Array> {
  const { width, height, channels } = img;
  if (space === 'cmyk') {
    // Raw input would read four bands as RGB + alpha, and sharp takes at most four: CMYK (+ alpha) goes in as a TIFF.
    const tmp = await scratch.file('blur.tif');
    await writeTaggedTiff(tmp, { ...img, space: 'cmyk' });
    return view(
      await inSpace(sharp(tmp, { limitInputPixels: false }), 'cmyk')
        .blur(sigma)
        .raw()
        .toBuffer(),
    );
  }
  if (channels < 1 || channels > 4 || (hasAlpha && channels !== 2 && channels !== 4) || (!hasAlpha && channels !== 1 && channels !== 3)) {
    throw new RangeError(`no blur for ${channels} ${space} channels${hasAlpha ? ' with alpha' : ''}`);
  }
  const out = view(
    await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } })
      .blur(sigma)
      .raw()
      .toBuffer(),
  );
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
async function fromPixels(img: Pixels, route: ColourRoute, scratch: Scratch): Promise<Sharp> {
  if (route.profile === 'srgb') {
    return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
      raw: { width: img.width, height: img.height, channels: img.channels as 3 | 4 },
    }).withIccProfile('srgb');
  }
  const tmp = await scratch.file('render.tif');
  await writeTaggedTiff(tmp, { ...img, space: route.space }, route.profile);
  return inSpace(sharp(tmp, { ignoreIcc: true, limitInputPixels: false }), route.space).keepIccProfile();
}

/** Automatic crops need the sRGB pixels; manual and stored crops only the size. */
function cropBox(img: RawRgba | { width: number; height: number }, crop: RenderPlan['crop']): Box | undefined {
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
