import fs from 'node:fs/promises';
import { type Layer, type PixelData, type Psd, getLayerImageData, getLayerMaskImageData, readPsd } from 'ag-psd';
import sharp from 'sharp';
import { type Rect, layerPlacement } from '../../domain/psd-layer-naming.js';
import { UnreadableImageError } from './media-errors.js';
import './psd-canvas.js';

/**
 * PSD layer extraction for IPS `photoshopOptions.process = MaintainLayers`: list the
 * layers of a PSD/PSB, then write one layer at a time as an IPS pyramid TIFF. Names,
 * placement rules and the template are pure and live in domain/psd-layer-naming.ts.
 *
 * Usage (one parse for every layer of a file):
 *   const psd = await openPsdLayers(file, { maxPixels, extractText });
 *   for (const layer of psd.document.layers) await psd.renderLayer(layer.index, { extendLayers }, dest);
 * or, one activity per layer, `readPsdLayers` then `renderLayerPyramid` (re-parses the file).
 *
 * Memory: the header is checked against `maxPixels` before anything is parsed, every
 * layer that would be written is checked before any pixel is decoded, and only one
 * layer's pixels are decoded at a time (ag-psd `useRawData` keeps the compressed
 * channels and decodes on request).
 */

/** What a layer holds, from its PSD records. Adjustment layers and groups yield no asset. */
export type PsdLayerKind = 'pixel' | 'text' | 'shape' | 'fill' | 'smartObject';

export interface PsdLayer {
  /**
   * 1-based, counted over every non-group layer from the bottom of Photoshop's Layers
   * panel upwards, skipped layers included (domain/psd-layer-naming.ts explains why).
   */
  index: number;
  name: string;
  /** the enclosing groups' names, outermost first */
  folderPath: string[];
  /** the layer's pixel bounds on the canvas; may reach beyond it (negative left/top, or past the edges) */
  left: number;
  top: number;
  width: number;
  height: number;
  /** hidden itself or inside a hidden group */
  hidden: boolean;
  /** the layer's own opacity, 0–1 (not applied to the pixels) */
  opacity: number;
  /** Photoshop blend mode as ag-psd names it (`normal`, `multiply`, …; not applied) */
  blendMode: string;
  /** clipped to the layer below (a clipping mask; not applied) */
  clipped: boolean;
  kind: PsdLayerKind;
  /** a text layer's text (Photoshop's `\r` line breaks as `\n`), only when text extraction was asked */
  text?: string;
}

export type SkipReason = 'adjustment' | 'empty' | 'offCanvas';

export interface PsdDocument {
  width: number;
  height: number;
  /** pixels per inch; 72 when the file states none */
  resolution: number;
  /** the layers that yield an asset, bottom to top */
  layers: PsdLayer[];
  /** layers that yield none, so the job log can say why */
  skipped: Array<{ index: number; name: string; reason: SkipReason }>;
}

/**
 * What `renderLayer` wrote: its rectangle is where the image lies on the canvas (the
 * whole canvas with extendLayers, else the layer clipped to it) and equals
 * `layerPlacement(layer, document, extendLayers)`.
 */
export interface LayerRender extends Rect {
  /** pixels per inch written into the TIFF (the PSD's) */
  resolution: number;
}

export interface PsdLayerFile {
  readonly document: PsdDocument;
  /**
   * Write layer `index` as a tiled pyramid TIFF with alpha at `dest`.
   * `extendLayers`: a transparent canvas the size of the document with the layer at its
   * position; otherwise just the layer's bounds, clipped to the canvas.
   */
  renderLayer(index: number, opts: { extendLayers: boolean }, dest: string): Promise<LayerRender>;
}

export interface ReadPsdOptions {
  /** refuse documents (and layers) with more pixels than this */
  maxPixels: number;
  /** report the text of text layers */
  extractText: boolean;
}

/** The layer list of a PSD, decoding no pixels. */
export async function readPsdLayers(file: string, opts: ReadPsdOptions): Promise<PsdDocument> {
  return (await openPsdLayers(file, opts)).document;
}

/** One layer of a PSD as a pyramid TIFF (parses the file again; prefer `openPsdLayers` for several). */
export async function renderLayerPyramid(file: string, index: number, opts: { maxPixels: number; extendLayers: boolean }, dest: string): Promise<LayerRender> {
  const psd = await openPsdLayers(file, { maxPixels: opts.maxPixels, extractText: false });
  return psd.renderLayer(index, { extendLayers: opts.extendLayers }, dest);
}

/** Parse a PSD/PSB once and keep its compressed layer data for `renderLayer`. */
export async function openPsdLayers(file: string, opts: ReadPsdOptions): Promise<PsdLayerFile> {
  const buffer = await fs.readFile(file);
  const header = psdHeader(buffer);
  if (header.width * header.height > opts.maxPixels) {
    throw new UnreadableImageError(`the image is ${header.width}x${header.height}, above the limit of ${opts.maxPixels} pixels`);
  }
  if (header.depth === 32) throw new UnreadableImageError('32-bit-per-channel PSD layers are not supported');

  const psd = decode(() =>
    readPsd(buffer, {
      // Structure only: channels stay compressed until one layer is rendered.
      useRawData: true,
      // Pixels as plain arrays, never canvases (no canvas library is installed).
      useImageData: true,
      skipCompositeImageData: true,
      skipThumbnail: true,
      skipLinkedFilesData: true,
    }),
  );

  const sources = new Map<number, Layer>();
  const document: PsdDocument = { width: psd.width, height: psd.height, resolution: resolutionOf(psd), layers: [], skipped: [] };
  let counter = 0;
  const visit = (layer: Layer, folderPath: string[], hiddenAbove: boolean): void => {
    const name = layer.name ?? '';
    const hidden = hiddenAbove || Boolean(layer.hidden);
    if (layer.children) {
      for (const child of layer.children) visit(child, [...folderPath, name], hidden);
      return;
    }
    const index = ++counter;
    const bounds = boundsOf(layer);
    const reason: SkipReason | undefined = layer.adjustment
      ? 'adjustment'
      : bounds.width === 0 || bounds.height === 0
        ? 'empty'
        : layerPlacement(bounds, psd, false)
          ? undefined
          : 'offCanvas';
    if (reason) {
      document.skipped.push({ index, name, reason });
      return;
    }
    if (bounds.width * bounds.height > opts.maxPixels) {
      throw new UnreadableImageError(`layer ${index} ("${name}") is ${bounds.width}x${bounds.height}, above the limit of ${opts.maxPixels} pixels`);
    }
    const text = opts.extractText && layer.text ? layer.text.text.replace(/\r\n?/g, '\n') : undefined;
    document.layers.push({
      index,
      name,
      folderPath,
      ...bounds,
      hidden,
      opacity: layer.opacity ?? 1,
      blendMode: layer.blendMode ?? 'normal',
      clipped: Boolean(layer.clipping),
      kind: kindOf(layer),
      ...(text !== undefined ? { text } : {}),
    });
    sources.set(index, layer);
  };
  // ag-psd lists children bottom to top, the order PSD files store layer records.
  for (const layer of psd.children ?? []) visit(layer, [], false);

  return {
    document,
    async renderLayer(index, renderOpts, dest) {
      const layer = sources.get(index);
      const info = document.layers.find((l) => l.index === index);
      if (!layer || !info) throw new RangeError(`layer ${index} yields no image (expected one of ${document.layers.map((l) => l.index).join(', ') || 'none'})`);
      const place = layerPlacement(info, document, renderOpts.extendLayers)!;
      const pixels = decode(() => getLayerImageData(layer));
      if (!pixels) throw new UnreadableImageError(`layer ${index} ("${info.name}") has no pixel data`);
      const mask =
        layer.mask && !layer.mask.disabled
          ? { rect: maskRect(layer), data: decode(() => getLayerMaskImageData(layer)), outside: layer.mask.defaultColor ?? 0 }
          : undefined;
      const rgba = placeLayer(pixels, info, place, mask);
      await writeLayerPtiff(rgba, place, document.resolution, opts.maxPixels, dest);
      return { ...place, resolution: document.resolution };
    },
  };
}

/** The PSD header fields needed before parsing (same layout for PSD and PSB). */
function psdHeader(buffer: Buffer): { width: number; height: number; depth: number } {
  if (buffer.length < 26 || buffer.toString('latin1', 0, 4) !== '8BPS') throw new UnreadableImageError('not a PSD file');
  return { height: buffer.readUInt32BE(14), width: buffer.readUInt32BE(18), depth: buffer.readUInt16BE(22) };
}

/** ag-psd throws plain errors on malformed data: bad input, never worth a retry. */
function decode<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UnreadableImageError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new UnreadableImageError(`unreadable PSD: ${message.split('\n')[0]!.slice(0, 300)}`);
  }
}

function resolutionOf(psd: Psd): number {
  const info = psd.imageResources?.resolutionInfo;
  if (!info || !(info.horizontalResolution > 0)) return 72;
  return info.horizontalResolutionUnit === 'PPCM' ? info.horizontalResolution * 2.54 : info.horizontalResolution;
}

function boundsOf(layer: Layer): Rect {
  const left = layer.left ?? 0;
  const top = layer.top ?? 0;
  return { left, top, width: Math.max(0, (layer.right ?? left) - left), height: Math.max(0, (layer.bottom ?? top) - top) };
}

function kindOf(layer: Layer): PsdLayerKind {
  if (layer.text) return 'text';
  if (layer.placedLayer) return 'smartObject';
  // A fill layer with a vector mask is what Photoshop's shape tools create.
  if (layer.vectorFill) return layer.vectorMask ? 'shape' : 'fill';
  return 'pixel';
}

function maskRect(layer: Layer): Rect {
  const m = layer.mask!;
  const dx = m.positionRelativeToLayer ? (layer.left ?? 0) : 0;
  const dy = m.positionRelativeToLayer ? (layer.top ?? 0) : 0;
  const left = (m.left ?? 0) + dx;
  const top = (m.top ?? 0) + dy;
  return { left, top, width: Math.max(0, (m.right ?? 0) + dx - left), height: Math.max(0, (m.bottom ?? 0) + dy - top) };
}

interface LayerMask {
  rect: Rect;
  data: PixelData | undefined;
  /** the mask value outside its rectangle (0 hides, 255 shows) */
  outside: number;
}

/**
 * The layer's pixels as 8-bit RGBA covering `place` (canvas coordinates), transparent
 * where the layer has none, with the layer mask multiplied into alpha.
 */
function placeLayer(pixels: PixelData, bounds: Rect, place: Rect, mask: LayerMask | undefined): Uint8Array {
  const out = new Uint8Array(place.width * place.height * 4);
  const src = pixels.data;
  // 16-bit layers arrive as 0–65535; 1- and 8-bit as 0–255 (32-bit is refused earlier).
  const scale = src instanceof Uint16Array ? 1 / 257 : 1;
  const x0 = Math.max(bounds.left, place.left);
  const x1 = Math.min(bounds.left + bounds.width, place.left + place.width);
  const y0 = Math.max(bounds.top, place.top);
  const y1 = Math.min(bounds.top + bounds.height, place.top + place.height);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const s = ((y - bounds.top) * pixels.width + (x - bounds.left)) * 4;
      const d = ((y - place.top) * place.width + (x - place.left)) * 4;
      let alpha = Math.round(src[s + 3]! * scale);
      if (mask) alpha = Math.round((alpha * maskValue(mask, x, y)) / 255);
      if (alpha === 0) continue; // stays fully transparent black
      out[d] = Math.round(src[s]! * scale);
      out[d + 1] = Math.round(src[s + 1]! * scale);
      out[d + 2] = Math.round(src[s + 2]! * scale);
      out[d + 3] = alpha;
    }
  }
  return out;
}

function maskValue(mask: LayerMask, x: number, y: number): number {
  const { rect, data } = mask;
  if (!data || x < rect.left || y < rect.top || x >= rect.left + rect.width || y >= rect.top + rect.height) return mask.outside;
  // ag-psd expands the grey mask into RGBA; its red channel is the mask value.
  const v = data.data[((y - rect.top) * data.width + (x - rect.left)) * 4]!;
  return data.data instanceof Uint16Array ? Math.round(v / 257) : v;
}

/**
 * The same pyramid TIFF recipe as writePyramidTiff (pyramid-tiff.ts) for images with alpha:
 * 256×256 tiles, a pyramid, sRGB profile, density. Always with alpha and deflate +
 * horizontal predictor (never JPEG): a layer asset is an overlay, so its transparency
 * and exact edge pixels matter more than size.
 */
async function writeLayerPtiff(rgba: Uint8Array, size: Rect, density: number, maxPixels: number, dest: string): Promise<void> {
  await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), {
    raw: { width: size.width, height: size.height, channels: 4 },
    limitInputPixels: maxPixels,
  })
    .withIccProfile('srgb')
    .withMetadata({ density })
    .tiff({ tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, compression: 'deflate', predictor: 'horizontal' })
    .toFile(dest);
}
