import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Layer, type Psd, writePsdBuffer } from 'ag-psd';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnreadableImageError } from '../../src/adapters/media/media-errors.js';
import { openPsdLayers, readPsdLayers, renderLayerPyramid } from '../../src/adapters/media/psd-layers.js';
import { layerAssetNames, layerPlacement } from '../../src/domain/psd-layer-naming.js';
import { tiffTags } from '../support/tiff-tags.js';

let dir: string;
const file = (name: string) => path.join(dir, name);
const LIMIT = 10_000_000;

type Rgba = [number, number, number, number];
function solid(width: number, height: number, rgba: Rgba) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(rgba, i * 4);
  return { width, height, data };
}

/** A pixel layer whose bounds come from its position and pixels. */
const pixels = (name: string, left: number, top: number, width: number, height: number, rgba: Rgba, extra: Partial<Layer> = {}): Layer => ({
  name,
  left,
  top,
  imageData: solid(width, height, rgba),
  ...extra,
});

// 64x48, bottom to top as Photoshop's Layers panel shows them from the bottom up.
const fixture: Psd = {
  width: 64,
  height: 48,
  imageData: solid(64, 48, [255, 255, 255, 255]),
  children: [
    pixels('Red', 5, 5, 20, 10, [255, 0, 0, 255]), // 1
    pixels('Blue half', 50, 40, 30, 20, [0, 0, 255, 128], { opacity: 0.5, blendMode: 'multiply' }), // 2: partly off the canvas
    {
      name: 'Shirts',
      opened: true,
      children: [
        pixels('Blue', 0, 0, 4, 4, [0, 0, 255, 255]), // 3
        { name: 'Sleeves', children: [pixels('Blue', 60, 44, 4, 4, [0, 0, 200, 255])] }, // 4
      ],
    },
    pixels('Hidden', 1, 1, 3, 3, [0, 255, 0, 255], { hidden: true }), // 5
    pixels('Hello', 10, 30, 8, 4, [0, 0, 0, 255], { text: { text: 'Hello\rworld' } }), // 6
    { name: 'Empty' }, // 7: no pixels
    pixels('Off canvas', 70, 0, 5, 5, [9, 9, 9, 255]), // 8
    {
      // 9: left half shown, right half hidden by the layer mask
      ...pixels('Masked', 30, 0, 10, 10, [0, 255, 0, 255]),
      mask: { left: 30, top: 0, right: 35, bottom: 10, defaultColor: 0, imageData: solid(5, 10, [255, 255, 255, 255]) },
    },
    pixels('Red', 40, 20, 2, 2, [255, 0, 0, 255]), // 10: duplicate name
    { name: 'Hidden group', hidden: true, children: [pixels('Inside', 2, 40, 2, 2, [1, 2, 3, 255])] }, // 11
  ],
};

async function rgbaAt(tiff: string, x: number, y: number, page = 0): Promise<number[]> {
  const { data, info } = await sharp(tiff, { page }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * 4;
  return Array.from(data.subarray(i, i + 4));
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-psd-layers-'));
  await fs.writeFile(file('doc.psd'), writePsdBuffer(fixture));
  // Big enough for a three-level pyramid (600 -> 300 -> 150).
  await fs.writeFile(
    file('big.psd'),
    writePsdBuffer({
      width: 600,
      height: 400,
      imageData: solid(600, 400, [0, 0, 0, 255]),
      imageResources: {
        resolutionInfo: {
          horizontalResolution: 118.11,
          horizontalResolutionUnit: 'PPCM',
          widthUnit: 'Centimeters',
          verticalResolution: 118.11,
          verticalResolutionUnit: 'PPCM',
          heightUnit: 'Centimeters',
        },
      },
      children: [pixels('Wide', 0, 0, 600, 400, [10, 200, 30, 255])],
    }),
  );
  const good = await fs.readFile(file('doc.psd'));
  const corrupt = Buffer.from(good.subarray(0, 200));
  corrupt.fill(0xee, 40);
  await fs.writeFile(file('corrupt.psd'), corrupt);
  await fs.writeFile(file('not-a-psd.psd'), 'hello');
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('readPsdLayers', () => {
  it('lists pixel layers bottom to top with their groups, bounds and attributes', async () => {
    const doc = await readPsdLayers(file('doc.psd'), { maxPixels: LIMIT, extractText: false });
    expect(doc).toMatchObject({ width: 64, height: 48, resolution: 72 });
    expect(doc.layers.map((l) => [l.index, l.name, l.folderPath])).toEqual([
      [1, 'Red', []],
      [2, 'Blue half', []],
      [3, 'Blue', ['Shirts']],
      [4, 'Blue', ['Shirts', 'Sleeves']],
      [5, 'Hidden', []],
      [6, 'Hello', []],
      [9, 'Masked', []],
      [10, 'Red', []],
      [11, 'Inside', ['Hidden group']],
    ]);
    expect(doc.layers[0]).toEqual({
      index: 1,
      name: 'Red',
      folderPath: [],
      left: 5,
      top: 5,
      width: 20,
      height: 10,
      hidden: false,
      opacity: 1,
      blendMode: 'normal',
      clipped: false,
      kind: 'pixel',
    });
    expect(doc.layers[1]).toMatchObject({ left: 50, top: 40, width: 30, height: 20, blendMode: 'multiply' });
    expect(doc.layers[1]!.opacity).toBeCloseTo(0.5, 2);
    expect(doc.layers.filter((l) => l.hidden).map((l) => l.name)).toEqual(['Hidden', 'Inside']);
    expect(doc.layers.find((l) => l.index === 6)).toMatchObject({ kind: 'text' });
    expect(doc.layers.some((l) => 'text' in l)).toBe(false);
    expect(doc.skipped).toEqual([
      { index: 7, name: 'Empty', reason: 'empty' },
      { index: 8, name: 'Off canvas', reason: 'offCanvas' },
    ]);
  });

  it('extracts the text of text layers when asked', async () => {
    const doc = await readPsdLayers(file('doc.psd'), { maxPixels: LIMIT, extractText: true });
    expect(doc.layers.filter((l) => l.text !== undefined).map((l) => [l.name, l.text])).toEqual([['Hello', 'Hello\nworld']]);
  });

  it('feeds the naming rules', async () => {
    const doc = await readPsdLayers(file('doc.psd'), { maxPixels: LIMIT, extractText: false });
    expect(layerAssetNames('doc', doc.layers, 'LayerName').map((n) => n.name)).toEqual([
      'Red',
      'Blue half',
      'Blue',
      'Blue_2',
      'Hidden',
      'Hello',
      'Masked',
      'Red_2',
      'Inside',
    ]);
    expect(layerAssetNames('doc', doc.layers, 'Folders')[3]).toEqual({ name: 'Blue_2', folder: 'doc/Shirts/Sleeves/' });
  });

  it('refuses a document above maxPixels before decoding it', async () => {
    const attempt = readPsdLayers(file('doc.psd'), { maxPixels: 64 * 48 - 1, extractText: false });
    await expect(attempt).rejects.toThrow(UnreadableImageError);
    await expect(attempt).rejects.toThrow('the image is 64x48, above the limit of 3071 pixels');
  });

  it('refuses a layer above maxPixels even when the canvas fits', async () => {
    await fs.writeFile(file('huge-layer.psd'), writePsdBuffer({ width: 10, height: 10, children: [pixels('Huge', -100, -100, 300, 300, [1, 1, 1, 255])] }));
    await expect(readPsdLayers(file('huge-layer.psd'), { maxPixels: 50_000, extractText: false })).rejects.toThrow(
      new UnreadableImageError('layer 1 ("Huge") is 300x300, above the limit of 50000 pixels'),
    );
  });

  it('a corrupt or foreign file is an UnreadableImageError', async () => {
    await expect(readPsdLayers(file('corrupt.psd'), { maxPixels: LIMIT, extractText: false })).rejects.toThrow(UnreadableImageError);
    await expect(readPsdLayers(file('not-a-psd.psd'), { maxPixels: LIMIT, extractText: false })).rejects.toThrow(new UnreadableImageError('not a PSD file'));
  });

  it('a missing file stays an I/O error (retryable)', async () => {
    const attempt = readPsdLayers(file('missing.psd'), { maxPixels: LIMIT, extractText: false });
    await expect(attempt).rejects.toThrow(/ENOENT/);
    await expect(attempt).rejects.not.toBeInstanceOf(UnreadableImageError);
  });
});

describe('renderLayerPyramid', () => {
  it('writes a layer cropped to its bounds as a tiled TIFF with alpha, sRGB and density', async () => {
    const dest = file('red.tif');
    const placed = await renderLayerPyramid(file('doc.psd'), 1, { maxPixels: LIMIT, extendLayers: false }, dest);
    expect(placed).toEqual({ left: 5, top: 5, width: 20, height: 10, resolution: 72 });
    const meta = await sharp(dest).metadata();
    expect(meta).toMatchObject({ format: 'tiff', width: 20, height: 10, channels: 4, hasAlpha: true, density: 72 });
    expect(meta.icc).toBeDefined();
    const tags = await tiffTags(dest);
    // TileWidth, TileLength 256; Compression 8 = deflate; Predictor 2 = horizontal.
    expect([322, 323, 259, 317].map((tag) => tags.get(tag)?.[0])).toEqual([256, 256, 8, 2]);
    expect(await rgbaAt(dest, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(await rgbaAt(dest, 5, 5)).toEqual([255, 0, 0, 255]);
    expect(await rgbaAt(dest, 19, 9)).toEqual([255, 0, 0, 255]);
  });

  it('clips a layer reaching past the canvas and keeps its partial transparency', async () => {
    const dest = file('blue.tif');
    const placed = await renderLayerPyramid(file('doc.psd'), 2, { maxPixels: LIMIT, extendLayers: false }, dest);
    expect(placed).toMatchObject({ left: 50, top: 40, width: 14, height: 8 });
    expect(await sharp(dest).metadata()).toMatchObject({ width: 14, height: 8 });
    // Opacity and blend mode are reported, not applied: the pixels are the layer's own.
    expect(await rgbaAt(dest, 13, 7)).toEqual([0, 0, 255, 128]);
  });

  it('extendLayers puts the layer on a transparent canvas the size of the document', async () => {
    const dest = file('red-extended.tif');
    const placed = await renderLayerPyramid(file('doc.psd'), 1, { maxPixels: LIMIT, extendLayers: true }, dest);
    expect(placed).toEqual({ left: 0, top: 0, width: 64, height: 48, resolution: 72 });
    expect(await sharp(dest).metadata()).toMatchObject({ width: 64, height: 48, hasAlpha: true });
    expect(await rgbaAt(dest, 5, 5)).toEqual([255, 0, 0, 255]);
    expect(await rgbaAt(dest, 24, 14)).toEqual([255, 0, 0, 255]);
    expect(await rgbaAt(dest, 4, 5)).toEqual([0, 0, 0, 0]);
    expect(await rgbaAt(dest, 25, 14)).toEqual([0, 0, 0, 0]);
    expect(await rgbaAt(dest, 63, 47)).toEqual([0, 0, 0, 0]);
  });

  it('extendLayers with a layer partly off the canvas keeps the part on it', async () => {
    const dest = file('blue-extended.tif');
    await renderLayerPyramid(file('doc.psd'), 2, { maxPixels: LIMIT, extendLayers: true }, dest);
    expect(await rgbaAt(dest, 50, 40)).toEqual([0, 0, 255, 128]);
    expect(await rgbaAt(dest, 63, 47)).toEqual([0, 0, 255, 128]);
    expect(await rgbaAt(dest, 49, 40)).toEqual([0, 0, 0, 0]);
  });

  it('applies the layer mask to alpha', async () => {
    const dest = file('masked.tif');
    await renderLayerPyramid(file('doc.psd'), 9, { maxPixels: LIMIT, extendLayers: false }, dest);
    expect(await rgbaAt(dest, 4, 5)).toEqual([0, 255, 0, 255]);
    expect(await rgbaAt(dest, 5, 5)).toEqual([0, 0, 0, 0]);
  });

  it('writes pyramid levels for a large layer', async () => {
    const dest = file('big.tif');
    const placed = await renderLayerPyramid(file('big.psd'), 1, { maxPixels: LIMIT, extendLayers: false }, dest);
    // The PSD's 118.11 pixels per centimetre are reported, and written, per inch.
    expect(placed.resolution).toBeCloseTo(300, 1);
    const meta = await sharp(dest).metadata();
    expect(meta.density).toBeCloseTo(300, 0);
    expect(meta.pages).toBe(3);
    const sizes = [];
    for (let page = 0; page < 3; page++) {
      const m = await sharp(dest, { page }).metadata();
      sizes.push([m.width, m.height]);
    }
    expect(sizes).toEqual([
      [600, 400],
      [300, 200],
      [150, 100],
    ]);
    expect(await rgbaAt(dest, 599, 399)).toEqual([10, 200, 30, 255]);
    expect(await rgbaAt(dest, 100, 50, 2)).toEqual([10, 200, 30, 255]);
  });

  it('openPsdLayers renders several layers from one parse, placed as layerPlacement says', async () => {
    const psd = await openPsdLayers(file('doc.psd'), { maxPixels: LIMIT, extractText: false });
    for (const layer of psd.document.layers) {
      for (const extendLayers of [false, true]) {
        const dest = file(`each-${layer.index}-${extendLayers}.tif`);
        const placed = await psd.renderLayer(layer.index, { extendLayers }, dest);
        const { resolution: _r, ...rect } = placed;
        expect(rect).toEqual(layerPlacement(layer, psd.document, extendLayers));
        expect(await sharp(dest).metadata()).toMatchObject({ width: rect.width, height: rect.height });
      }
    }
    const group = file('group-blue.tif');
    await psd.renderLayer(4, { extendLayers: true }, group);
    expect(await rgbaAt(group, 62, 46)).toEqual([0, 0, 200, 255]);
  });

  it('refuses a layer that yields no image', async () => {
    const psd = await openPsdLayers(file('doc.psd'), { maxPixels: LIMIT, extractText: false });
    await expect(psd.renderLayer(7, { extendLayers: false }, file('x.tif'))).rejects.toThrow(RangeError);
    await expect(psd.renderLayer(99, { extendLayers: false }, file('x.tif'))).rejects.toThrow(
      'layer 99 yields no image (expected one of 1, 2, 3, 4, 5, 6, 9, 10, 11)',
    );
  });

  it('refuses a document above maxPixels', async () => {
    await expect(renderLayerPyramid(file('big.psd'), 1, { maxPixels: 1000, extendLayers: false }, file('y.tif'))).rejects.toThrow(UnreadableImageError);
  });
});
