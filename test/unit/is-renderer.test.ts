import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsLimitError, type IsRenderOptions, renderIsImage } from '../../src/adapters/media/image-serving/is-renderer.js';
import { UnreadableImageError } from '../../src/adapters/media/media-errors.js';
import { type IsColor, IsCommandError, type IsRequest } from '../../src/domain/image-serving/is-request.js';

type Rgb = [number, number, number];
const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];
const YELLOW: Rgb = [255, 255, 0];

const rgb = (r: number, g: number, b: number, alpha = 255): IsColor => ({ space: 'rgb', values: [r, g, b], alpha, source: false });
/** view background of most tests: pure green, which no test image contains */
const BGC = rgb(...GREEN);
const PNG = { format: 'png' } as const;

let dir: string;
let seq = 0;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'is-renderer-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A lossless PNG whose pixel (x, y) is `colour(x, y)` (3 or 4 values). */
async function image(width: number, height: number, colour: (x: number, y: number) => number[]): Promise<string> {
  const channels = colour(0, 0).length as 3 | 4;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(colour(x, y), (y * width + x) * channels);
  const file = path.join(dir, `src-${++seq}.png`);
  await sharp(data, { raw: { width, height, channels } }).png().toFile(file);
  return file;
}

/** 40×20: left half red, right half blue. */
const halves = () => image(40, 20, (x) => (x < 20 ? RED : BLUE));

async function render(source: string, req: IsRequest, opts: Partial<IsRenderOptions> = {}) {
  const out = path.join(dir, `out-${++seq}`);
  const result = await renderIsImage(source, req, out, { maxPixels: 100_000_000, ...opts });
  return { out, result };
}

interface Pixels {
  width: number;
  height: number;
  channels: number;
  at(x: number, y: number): number[];
}

async function read(file: string): Promise<Pixels> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    at: (x, y) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels)],
  };
}

/** Renders and reads back the reply's pixels. */
async function pixelsOf(source: string, req: IsRequest, opts: Partial<IsRenderOptions> = {}): Promise<Pixels> {
  const { out } = await render(source, { fmt: PNG, bgc: BGC, ...req }, opts);
  return read(out);
}

/** Colour channels within `tol` levels (resampling rounds inside flat areas too). */
function expectColour(px: Pixels, x: number, y: number, want: Rgb, tol = 2): void {
  const got = px.at(x, y).slice(0, 3);
  const ok = got.every((v, i) => Math.abs(v - want[i]!) <= tol);
  expect(ok, `pixel ${x},${y} is ${got.join(',')}, expected ${want.join(',')} ±${tol}`).toBe(true);
}

/** Every pixel of the rows/columns box is `want`, exactly (padding is never resampled). */
function expectArea(px: Pixels, x0: number, y0: number, x1: number, y1: number, want: Rgb): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) expectColour(px, x, y, want, 0);
}

function expectSize(px: Pixels, width: number, height: number): void {
  expect([px.width, px.height]).toEqual([width, height]);
}

describe('view: wid / hei / fit / align', () => {
  let src: string;
  beforeAll(async () => {
    src = await halves();
  });

  it('without fit= scales to fit inside wid×hei and pads with bgc, centred by default', async () => {
    const px = await pixelsOf(src, { wid: 20, hei: 20 });
    expectSize(px, 20, 20);
    // 40×20 → 20×10 at y = 5
    expectArea(px, 0, 0, 20, 5, GREEN);
    expectArea(px, 0, 15, 20, 20, GREEN);
    expectColour(px, 2, 5, RED);
    expectColour(px, 17, 14, BLUE);
  });

  it('align=h,v moves the image to the top (−1) or bottom (1) of the padding', async () => {
    const top = await pixelsOf(src, { wid: 20, hei: 20, align: { h: 0, v: -1 } });
    expectColour(top, 2, 0, RED);
    expectArea(top, 0, 10, 20, 20, GREEN);
    const bottom = await pixelsOf(src, { wid: 20, hei: 20, align: { h: 0, v: 1 } });
    expectArea(bottom, 0, 0, 20, 10, GREEN);
    expectColour(bottom, 17, 19, BLUE);
  });

  it('fit=constrain shrinks the reply instead of padding', async () => {
    const px = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'constrain', upscale: false } });
    expectSize(px, 20, 10);
    expectColour(px, 2, 0, RED);
    expectColour(px, 17, 9, BLUE);
  });

  it('fit=crop fills wid×hei with the larger scale and crops by align', async () => {
    const centre = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'crop', upscale: false } });
    expectSize(centre, 20, 20);
    // scale 1, columns 10–29 of the source
    expectArea(centre, 0, 0, 10, 20, RED);
    expectArea(centre, 10, 0, 20, 20, BLUE);
    const left = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'crop', upscale: false }, align: { h: -1, v: 0 } });
    expectArea(left, 0, 0, 20, 20, RED);
    const right = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'crop', upscale: false }, align: { h: 1, v: 0 } });
    expectArea(right, 0, 0, 20, 20, BLUE);
  });

  it('fit=wrap grows the reply instead of cropping', async () => {
    const px = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'wrap', upscale: false } });
    expectSize(px, 40, 20);
    expectArea(px, 0, 0, 20, 20, RED);
    expectArea(px, 20, 0, 40, 20, BLUE);
  });

  it('fit=stretch scales x and y independently to exactly wid×hei', async () => {
    const px = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'stretch', upscale: false } });
    expectSize(px, 20, 20);
    expectColour(px, 2, 0, RED);
    expectColour(px, 2, 19, RED);
    expectColour(px, 17, 0, BLUE);
    expectColour(px, 17, 19, BLUE);
  });

  it('fit=hfit uses the x scale only (crops or pads vertically), vfit the y scale', async () => {
    // hfit 20×8: x scale 0.5 → 20×10, cropped to 8 rows: no padding at all (fit would pad left and right)
    const hfit = await pixelsOf(src, { wid: 20, hei: 8, fit: { mode: 'hfit', upscale: false } });
    expectSize(hfit, 20, 8);
    expectColour(hfit, 0, 0, RED);
    expectColour(hfit, 19, 7, BLUE);
    const fit = await pixelsOf(src, { wid: 20, hei: 8, fit: { mode: 'fit', upscale: false } });
    expectArea(fit, 0, 0, 2, 8, GREEN);
    // hfit 8×20: x scale 0.2 → 8×4, padded vertically
    const hpad = await pixelsOf(src, { wid: 8, hei: 20, fit: { mode: 'hfit', upscale: false } });
    expectArea(hpad, 0, 0, 8, 8, GREEN);
    expectArea(hpad, 0, 12, 8, 20, GREEN);
    // vfit 8×20: y scale 1 → 40×20 cropped to columns 16–23
    const vfit = await pixelsOf(src, { wid: 8, hei: 20, fit: { mode: 'vfit', upscale: false } });
    expectSize(vfit, 8, 20);
    expectArea(vfit, 0, 0, 4, 20, RED);
    expectArea(vfit, 4, 0, 8, 20, BLUE);
  });

  it('upscale=0 keeps 1:1 and pads; upscale=1 and no fit= at all scale up', async () => {
    const capped = await pixelsOf(src, { wid: 80, hei: 80, fit: { mode: 'fit', upscale: false } });
    expectSize(capped, 80, 80);
    // 40×20 at 20,30
    expectArea(capped, 0, 0, 80, 30, GREEN);
    expectArea(capped, 0, 30, 20, 50, GREEN);
    expectArea(capped, 20, 30, 40, 50, RED);
    expectArea(capped, 40, 30, 60, 50, BLUE);
    const up = await pixelsOf(src, { wid: 80, hei: 80, fit: { mode: 'fit', upscale: true } });
    // 80×40 at 0,20
    expectArea(up, 0, 0, 80, 20, GREEN);
    expectColour(up, 0, 20, RED);
    expectColour(up, 79, 59, BLUE);
    const noFit = await pixelsOf(src, { wid: 80, hei: 80 });
    expectColour(noFit, 0, 20, RED);
    const constrained = await pixelsOf(src, { wid: 80, hei: 80, fit: { mode: 'constrain', upscale: false } });
    expectSize(constrained, 40, 20);
  });

  it('with only wid or hei the other side follows the aspect ratio', async () => {
    expectSize(await pixelsOf(src, { wid: 20 }), 20, 10);
    expectSize(await pixelsOf(src, { hei: 5 }), 10, 5);
    // upscale=0 with one side: the reply keeps the asked size, the image stays 1:1, centred
    const capped = await pixelsOf(src, { wid: 80, fit: { mode: 'fit', upscale: false }, align: { h: -1, v: -1 } });
    expectSize(capped, 80, 40);
    expectArea(capped, 0, 0, 20, 40, GREEN);
    expectArea(capped, 20, 10, 40, 30, RED);
  });

  it('scl=n scales by 1/n; with wid/hei the result is cropped/padded by align', async () => {
    const half = await pixelsOf(src, { scl: 2 });
    expectSize(half, 20, 10);
    expectColour(half, 2, 5, RED);
    const padded = await pixelsOf(src, { scl: 2, wid: 30, hei: 30, align: { h: -1, v: -1 } });
    expectSize(padded, 30, 30);
    expectColour(padded, 0, 0, RED);
    expectColour(padded, 19, 9, BLUE);
    expectArea(padded, 20, 0, 30, 30, GREEN);
    expectArea(padded, 0, 10, 30, 30, GREEN);
    const cropped = await pixelsOf(src, { scl: 1, wid: 10, hei: 20, align: { h: 1, v: 0 } });
    expectArea(cropped, 0, 0, 10, 20, BLUE);
  });

  it('rgn= takes a region of the composite, padded with bgc outside it', async () => {
    const px = await pixelsOf(src, { rgn: { x: 30, y: 0, w: 20, h: 20 } });
    expectSize(px, 20, 20);
    expectArea(px, 0, 0, 10, 20, BLUE);
    expectArea(px, 10, 0, 20, 20, GREEN);
    // rgn before the view scaling: the 20×20 region becomes 10×10
    const scaled = await pixelsOf(src, { rgn: { x: 10, y: 0, w: 20, h: 20 }, wid: 10 });
    expectSize(scaled, 10, 10);
    expectColour(scaled, 1, 5, RED);
    expectColour(scaled, 8, 5, BLUE);
  });

  it('rect= cuts a tile of the final view (optionally rescaled), padded with bgc', async () => {
    const tile = await pixelsOf(src, { rect: { x: 15, y: 5, w: 10, h: 10, scale: 1 } });
    expectSize(tile, 10, 10);
    expectArea(tile, 0, 0, 5, 10, RED);
    expectArea(tile, 5, 0, 10, 10, BLUE);
    const edge = await pixelsOf(src, { rect: { x: 35, y: 0, w: 10, h: 10, scale: 1 } });
    expectArea(edge, 0, 0, 5, 10, BLUE);
    expectArea(edge, 5, 0, 10, 10, GREEN);
    // the view (wid=20 → 20×10) scaled by 2 back to 40×20, tile of its right part
    const rescaled = await pixelsOf(src, { wid: 20, rect: { x: 30, y: 0, w: 10, h: 20, scale: 2 } });
    expectSize(rescaled, 10, 20);
    expectColour(rescaled, 5, 10, BLUE);
  });
});

describe('source transforms', () => {
  it('run in the order crop → scale → flip → rotate → extend', async () => {
    // 60×30: red | green | blue thirds
    const src = await image(60, 30, (x) => (x < 20 ? RED : x < 40 ? GREEN : BLUE));
    const px = await pixelsOf(src, {
      crop: { x: 0, y: 0, w: 40, h: 30, normalized: false }, // red | green, 40×30
      scale: 0.5, // 20×15
      flip: 'lr', // green | red
      rotate: 90, // clockwise: the left column goes to the top → green over red, 15×20
      extend: { l: 0, t: 0, r: 0, b: 5, normalized: false }, // 5 rows of bgColor below
      bgColor: rgb(...YELLOW),
    });
    // any other order gives other sizes or colours (rotate before flip: red on top; extend before rotate: yellow on the left; scale before crop: a 40×30 crop)
    expectSize(px, 15, 25);
    expectColour(px, 7, 2, GREEN);
    expectColour(px, 7, 17, RED);
    expectArea(px, 0, 20, 15, 25, YELLOW);
  });

  it('flip and rotate apply to the cropped part of the source', async () => {
    const src = await halves();
    const crop = { x: 0, y: 0, w: 30, h: 20, normalized: false }; // red 20 | blue 10
    const flipped = await pixelsOf(src, { crop, flip: 'lr' });
    expectArea(flipped, 0, 0, 10, 20, BLUE);
    expectArea(flipped, 10, 0, 30, 20, RED);
    const turned = await pixelsOf(src, { crop, rotate: 270 }); // counter-clockwise: the right column goes to the top
    expectSize(turned, 20, 30);
    expectArea(turned, 0, 0, 20, 10, BLUE);
    expectArea(turned, 0, 10, 20, 30, RED);
  });

  it('rotate=90 swaps the sides; other angles grow the layer, filled with bgColor', async () => {
    const src = await halves();
    const px = await pixelsOf(src, { rotate: 90 });
    expectSize(px, 20, 40);
    expectArea(px, 0, 0, 20, 20, RED);
    expectArea(px, 0, 20, 20, 40, BLUE);
    const tilted = await pixelsOf(src, { rotate: 30, bgColor: rgb(...YELLOW) });
    expectSize(tilted, 45, 37); // 40·cos30 + 20·sin30 = 44.6, 40·sin30 + 20·cos30 = 37.3
    expectColour(tilted, 0, 0, YELLOW);
    expectColour(tilted, 44, 36, YELLOW);
  });

  it('crop outside the image and extend fill with bgColor, else transparent (then bgc for non-alpha formats)', async () => {
    const src = await halves();
    const layerFill = await pixelsOf(src, { crop: { x: -10, y: 0, w: 20, h: 20, normalized: false }, bgColor: rgb(...YELLOW) });
    expectSize(layerFill, 20, 20);
    expectArea(layerFill, 0, 0, 10, 20, YELLOW);
    expectArea(layerFill, 10, 0, 20, 20, RED);
    const flattened = await pixelsOf(src, { extend: { l: 5, t: 0, r: 0, b: 0, normalized: false } });
    expectSize(flattened, 45, 20);
    expectArea(flattened, 0, 0, 5, 20, GREEN);
    const { out } = await render(src, { fmt: { format: 'png-alpha' }, bgc: BGC, extend: { l: 5, t: 0, r: 0, b: 0, normalized: false } });
    const alpha = await read(out);
    expect(alpha.channels).toBe(4);
    expect(alpha.at(2, 2)[3]).toBe(0);
    expect(alpha.at(10, 2)).toEqual([...RED, 255]);
  });

  it('size= with 0 derives the other side; cropN is relative to the image', async () => {
    const src = await halves();
    expectSize(await pixelsOf(src, { size: { w: 20, h: 0, normalized: false } }), 20, 10);
    const right = await pixelsOf(src, { crop: { x: 0.5, y: 0, w: 0.5, h: 1, normalized: true } });
    expectSize(right, 20, 20);
    expectArea(right, 0, 0, 20, 20, BLUE);
  });
});

describe('backgrounds and alpha', () => {
  it('bgc pads opaque for non-alpha formats and is ignored (transparent) for *-alpha formats', async () => {
    const src = await halves();
    const opaque = await pixelsOf(src, { wid: 20, hei: 20, bgc: rgb(0, 255, 0, 0) }); // bgc alpha is ignored
    expect(opaque.channels).toBe(3);
    expectArea(opaque, 0, 0, 20, 5, GREEN);
    const { out, result } = await render(src, { wid: 20, hei: 20, bgc: BGC, fmt: { format: 'png-alpha' } });
    expect(result.channels).toBe(4);
    const px = await read(out);
    expect(px.at(5, 0)[3]).toBe(0);
    expect(px.at(2, 10)).toEqual([...RED, 255]);
  });

  it('non-alpha formats flatten the source transparency onto bgc, else onto attribute::BkgColor', async () => {
    const src = await image(10, 10, (x) => (x < 5 ? [255, 0, 0, 255] : [0, 0, 255, 0]));
    const onBgc = await pixelsOf(src, {});
    expectArea(onBgc, 5, 0, 10, 10, GREEN);
    expectArea(onBgc, 0, 0, 5, 10, RED);
    const { out } = await render(src, { fmt: PNG }, { defaultBackground: rgb(...YELLOW) });
    expectArea(await read(out), 5, 0, 10, 10, YELLOW);
    const { out: white } = await render(src, { fmt: PNG });
    expectArea(await read(white), 5, 0, 10, 10, [255, 255, 255]);
  });

  it('CMYK colours become RGB by 255·(1−c)(1−k)', async () => {
    const src = await halves();
    const cyan: IsColor = { space: 'cmyk', values: [100, 0, 0, 50], alpha: 255, source: false };
    const px = await pixelsOf(src, { wid: 20, hei: 20, bgc: cyan });
    expectArea(px, 0, 0, 20, 5, [0, 128, 128]);
  });
});

/** Compression tag (259) of the first IFD of a TIFF. */
async function tiffCompression(file: string): Promise<number> {
  const b = await fs.readFile(file);
  const le = b.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const ifd = le ? b.readUInt32LE(4) : b.readUInt32BE(4);
  for (let i = 0; i < u16(ifd); i++) {
    const e = ifd + 2 + i * 12;
    if (u16(e) === 259) return u16(e + 8);
  }
  throw new Error('no compression tag');
}

/** A deterministic pseudo-random level for pixel x, y (an integer hash): incompressible for lossless codecs. */
function noise(x: number, y: number, channel: number): number {
  let h = Math.imul(x + 1, 0x9e3779b1) ^ Math.imul(y + 1, 0x85ebca6b) ^ Math.imul(channel, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) & 0xff;
}

describe('output formats', () => {
  let src: string;
  let noisy: string;
  beforeAll(async () => {
    src = await image(32, 16, (x, y) => [x * 8, y * 16, 128, x < 16 ? 255 : 128]);
    // deterministic noise: what makes JPEG quality show in the file size
    noisy = await image(64, 64, (x, y) => [noise(x, y, 1), noise(x, y, 2), noise(x, y, 3)]);
  });

  it.each([
    ['jpeg', 'jpeg', 3, 'jpg', 'image/jpeg'],
    ['png', 'png', 3, 'png', 'image/png'],
    ['png-alpha', 'png', 4, 'png', 'image/png'],
    ['gif', 'gif', 3, 'gif', 'image/gif'],
    ['tif', 'tiff', 3, 'tiff', 'image/tiff'],
    ['tif-alpha', 'tiff', 4, 'tiff', 'image/tiff'],
    ['webp', 'webp', 3, 'webp', 'image/webp'],
    ['webp-alpha', 'webp', 4, 'webp', 'image/webp'],
    ['avif', 'heif', 3, 'avif', 'image/avif'],
    ['avif-alpha', 'heif', 4, 'avif', 'image/avif'],
  ] as const)('fmt=%s is read back as %s with %d channels', async (format, sharpFormat, channels, extension, mime) => {
    const { out, result } = await render(src, { fmt: { format } });
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual([sharpFormat, 32, 16, channels]);
    expect(result).toMatchObject({ format, width: 32, height: 16, channels, extension, mime });
    expect(result.bytes).toBe((await fs.stat(out)).size);
    if (format === 'avif') expect(meta.compression).toBe('av1');
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it('webp and avif lossless/lossy compression', async () => {
    const lossy = await render(noisy, { fmt: { format: 'webp', compression: 'lossy' }, qlt: { quality: 50, chroma: false } });
    const lossless = await render(noisy, { fmt: { format: 'webp', compression: 'lossless' } });
    expect(lossy.result.bytes).toBeLessThan(lossless.result.bytes);
    const avif = await render(noisy, { fmt: { format: 'avif', compression: 'lossless' } });
    expect((await sharp(avif.out).metadata()).format).toBe('heif');
  });

  it('jpeg is baseline, pjpeg progressive', async () => {
    expect((await sharp((await render(src, { fmt: { format: 'jpeg' } })).out).metadata()).isProgressive).toBe(false);
    expect((await sharp((await render(src, { fmt: { format: 'pjpeg' } })).out).metadata()).isProgressive).toBe(true);
  });

  it('png8 is a palette PNG with quantize= colours', async () => {
    const { out } = await render(noisy, { fmt: { format: 'png8' }, quantize: { type: 'adaptive', dither: false, colors: 16 } });
    const meta = await sharp(out).metadata();
    expect(meta.isPalette).toBe(true);
    expect(meta.bitsPerSample).toBe(4);
    expect(await colourCount(out)).toBeLessThanOrEqual(16);
  });

  it('gif takes quantize= colours', async () => {
    const { out } = await render(noisy, { fmt: { format: 'gif' }, quantize: { type: 'adaptive', dither: false, colors: 4 } });
    expect(await colourCount(out)).toBeLessThanOrEqual(4);
    const { out: full } = await render(noisy, { fmt: { format: 'gif' } });
    expect(await colourCount(full)).toBeGreaterThan(16);
  });

  it('tif compression none|lzw|zip|jpeg', async () => {
    const tag = async (compression?: 'none' | 'lzw' | 'zip' | 'jpeg') =>
      tiffCompression((await render(noisy, { fmt: { format: 'tif', ...(compression ? { compression } : {}) } })).out);
    expect(await tag()).toBe(1);
    expect(await tag('lzw')).toBe(5);
    expect(await tag('zip')).toBe(8);
    expect(await tag('jpeg')).toBe(7);
  });

  it('webp lossless keeps every pixel', async () => {
    const { out } = await render(noisy, { fmt: { format: 'webp', compression: 'lossless' } });
    const want = await read(noisy);
    const got = await read(out);
    for (let y = 0; y < 64; y += 7) for (let x = 0; x < 64; x += 5) expect(got.at(x, y)).toEqual(want.at(x, y));
  });

  it('pixelType gray gives one channel (two with alpha)', async () => {
    const gray = await render(src, { fmt: { format: 'png', pixelType: 'gray' } });
    expect((await sharp(gray.out).metadata()).channels).toBe(1);
    expect(gray.result.channels).toBe(1);
    const grayAlpha = await render(src, { fmt: { format: 'png-alpha', pixelType: 'gray' } });
    expect((await sharp(grayAlpha.out).metadata()).channels).toBe(2);
  });

  it('pixelType cmyk gives CMYK JPEG and TIFF; other formats refuse it', async () => {
    expect((await sharp((await render(src, { fmt: { format: 'jpeg', pixelType: 'cmyk' } })).out).metadata()).space).toBe('cmyk');
    expect((await sharp((await render(src, { fmt: { format: 'tif', pixelType: 'cmyk' } })).out).metadata()).space).toBe('cmyk');
    const err = await render(src, { fmt: { format: 'png', pixelType: 'cmyk' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IsCommandError);
    expect((err as IsCommandError).command).toBe('fmt');
  });

  it('refuses compression a format cannot use', async () => {
    const err = await render(src, { fmt: { format: 'tif-alpha', compression: 'jpeg' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IsCommandError);
    expect((err as IsCommandError).command).toBe('fmt');
  });

  it('qlt: a lower quality gives a smaller JPEG', async () => {
    const low = await render(noisy, { fmt: { format: 'jpeg' }, qlt: { quality: 10, chroma: false } });
    const high = await render(noisy, { fmt: { format: 'jpeg' }, qlt: { quality: 95, chroma: false } });
    const highChroma = await render(noisy, { fmt: { format: 'jpeg' }, qlt: { quality: 95, chroma: true } });
    expect(low.result.bytes).toBeLessThan(high.result.bytes);
    // no chroma downsampling: more chroma data
    expect(highChroma.result.bytes).toBeGreaterThan(high.result.bytes);
    expect((await sharp(highChroma.out).metadata()).chromaSubsampling).toBe('4:4:4');
  });

  it('iccEmbed=1 embeds the profile, its absence strips it; printRes sets the density', async () => {
    const none = await render(src, { fmt: { format: 'jpeg' } });
    expect((await sharp(none.out).metadata()).icc).toBeUndefined();
    const embedded = await render(src, { fmt: { format: 'jpeg' }, iccEmbed: true, printRes: 300 });
    const meta = await sharp(embedded.out).metadata();
    expect(meta.icc).toBeDefined();
    expect(meta.density).toBe(300);
  });

  const CMYK_PROFILE = '/usr/share/color/icc/ghostscript/default_cmyk.icc';
  it('icc= converts into the profile, whose space decides the pixel type', async () => {
    const icc = { profile: 'WebCoated', intent: 'relative', blackpointComp: true, dither: false } as const;
    const { out } = await render(src, { fmt: { format: 'jpeg' }, icc, iccEmbed: true }, { iccProfilePath: CMYK_PROFILE });
    const meta = await sharp(out).metadata();
    expect(meta.space).toBe('cmyk');
    expect(meta.icc?.subarray(16, 20).toString('latin1')).toBe('CMYK');
    const err = await render(src, { fmt: { format: 'png' }, icc }, { iccProfilePath: CMYK_PROFILE }).catch((e: unknown) => e);
    expect((err as IsCommandError).command).toBe('icc');
    const missing = await render(src, { fmt: { format: 'jpeg' }, icc }).catch((e: unknown) => e);
    expect((missing as IsCommandError).command).toBe('icc');
  });
});

async function colourCount(file: string): Promise<number> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i += info.channels) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
  return seen.size;
}

describe('filters', () => {
  let flat: string;
  beforeAll(async () => {
    flat = await image(8, 8, (x) => (x < 4 ? [10, 200, 30] : [100, 100, 100]));
  });

  it('op_invert inverts every colour level exactly', async () => {
    const px = await pixelsOf(flat, { invert: true });
    expect(px.at(0, 0)).toEqual([245, 55, 225]);
    expect(px.at(7, 7)).toEqual([155, 155, 155]);
  });

  it('op_brightness brightens (>0) and darkens (<0)', async () => {
    const up = await pixelsOf(flat, { brightness: 50 });
    expect(up.at(7, 0)).toEqual([178, 178, 178]); // 100 + 155·0.5 = 177.5
    const down = await pixelsOf(flat, { brightness: -50 });
    expect(down.at(7, 0)).toEqual([50, 50, 50]);
  });

  it('op_contrast spreads levels away from mid-grey (>0) and towards it (<0)', async () => {
    const more = await pixelsOf(flat, { contrast: 50 });
    expect(more.at(7, 0)[0]).toBeLessThan(100);
    expect(more.at(0, 0)[1]).toBeGreaterThan(200);
    const less = await pixelsOf(flat, { contrast: -50 });
    expect(less.at(7, 0)[0]).toBeGreaterThan(100);
    expect(less.at(0, 0)[1]).toBeLessThan(200);
  });

  it('op_saturation=-100 makes grey; op_colorbalance moves only its channel', async () => {
    const grey = await pixelsOf(flat, { saturation: -100 });
    const [r, g, b] = grey.at(0, 0);
    expect(r).toBe(g);
    expect(g).toBe(b);
    const redder = await pixelsOf(flat, { colorbalance: { r: 50, g: 0, b: -50 } });
    expect(redder.at(7, 0)).toEqual([178, 100, 50]);
  });

  it('op_usm sharpens an edge (op_usmR radius as given)', async () => {
    const edge = await image(20, 4, (x) => (x < 10 ? [100, 100, 100] : [150, 150, 150]));
    const plain = await pixelsOf(edge, {});
    const sharpened = await pixelsOf(edge, { usm: { amount: 2, radius: 2, threshold: 0, monochrome: false, absoluteRadius: true } });
    expect(plain.at(9, 1)).toEqual([100, 100, 100]);
    expect(sharpened.at(9, 1)[0]).toBeLessThan(100);
    expect(sharpened.at(10, 1)[0]).toBeGreaterThan(150);
    expect(sharpened.at(0, 1)).toEqual([100, 100, 100]); // far from the edge: unchanged
  });

  it('op_hue turns the colour', async () => {
    const px = await pixelsOf(flat, { hue: 120 });
    expect(px.at(0, 0)).not.toEqual([10, 200, 30]);
    expect(px.at(7, 0)).toEqual([100, 100, 100]); // grey has no hue
  });
});

describe('limits and faults', () => {
  it('a reply above MaxPix is an IsLimitError before any pixel is made', async () => {
    const src = await halves();
    const out = path.join(dir, 'too-big.png');
    const err = await renderIsImage(src, { wid: 100_000, hei: 100_000, fmt: PNG }, out, { maxPixels: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IsLimitError);
    expect((err as Error).message).toMatch(/100000x100000.*wid=100000&hei=100000.*MaxPix \(10000 pixels\)/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(false);
    // the whole 40×20 view is above a MaxPix of 400, a 20×20 rect= tile of it is not
    const whole = await renderIsImage(src, { fmt: PNG }, out, { maxPixels: 400 }).catch((e: unknown) => e);
    expect(whole).toBeInstanceOf(IsLimitError);
    expect((err as Error).message).toMatch(/MaxPix/);
    const tile = await renderIsImage(src, { rect: { x: 20, y: 0, w: 20, h: 20, scale: 1 }, fmt: PNG }, out, { maxPixels: 400 });
    expect([tile.width, tile.height]).toEqual([20, 20]);
    expectArea(await read(out), 0, 0, 20, 20, BLUE);
  });

  it('an intermediate image far above the source and MaxPix is an IsLimitError naming the command', async () => {
    const src = await halves();
    const err = await render(src, { scale: 1000, wid: 10 }, { maxPixels: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IsLimitError);
    expect((err as Error).message).toMatch(/^scale /);
  });

  it('a file that is not an image is an UnreadableImageError', async () => {
    const bad = path.join(dir, 'bad.jpg');
    await fs.writeFile(bad, 'not an image');
    await expect(render(bad, {})).rejects.toBeInstanceOf(UnreadableImageError);
  });

  it('commands that cannot be honoured name the command', async () => {
    const src = await halves();
    const command = async (req: IsRequest) => ((await render(src, req).catch((e: unknown) => e)) as IsCommandError).command;
    expect(await command({ fit: { mode: 'crop', upscale: false } })).toBe('fit');
    expect(await command({ crop: { x: 0, y: 0, w: 0, h: 10, normalized: false } })).toBe('crop');
    expect(await command({ extend: { l: -30, t: 0, r: -30, b: 0, normalized: false } })).toBe('extend');
    expect(await command({ fmt: { format: 'gif' }, quantize: { type: 'web', dither: true, colors: 216 } })).toBe('quantize');
    expect(await command({ qlt: { quality: 0, chroma: false } })).toBe('qlt');
  });
});

/**
 * A two-page TIFF shaped like a pyramid (page 1 is half of page 0) whose pages
 * have different colours, so a reply shows which page was read. Uncompressed
 * RGB strips, little-endian.
 */
async function twoLevelTiff(file: string, pages: { width: number; height: number; colour: Rgb }[]): Promise<void> {
  const parts: Buffer[] = [Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0])];
  let offset = 8;
  pages.forEach((page, i) => {
    const entries = 10;
    const ifdSize = 2 + entries * 12 + 4;
    const bitsAt = offset + ifdSize;
    const dataAt = bitsAt + 6;
    const bytes = page.width * page.height * 3;
    const next = i + 1 < pages.length ? dataAt + bytes : 0;
    const ifd = Buffer.alloc(ifdSize);
    ifd.writeUInt16LE(entries, 0);
    const tags: [number, number, number, number][] = [
      [254, 4, 1, i === 0 ? 0 : 1], // NewSubfileType: reduced-resolution page
      [256, 4, 1, page.width],
      [257, 4, 1, page.height],
      [258, 3, 3, bitsAt],
      [259, 3, 1, 1],
      [262, 3, 1, 2],
      [273, 4, 1, dataAt],
      [277, 3, 1, 3],
      [278, 4, 1, page.height],
      [279, 4, 1, bytes],
    ];
    tags.forEach(([tag, type, count, value], k) => {
      const at = 2 + k * 12;
      ifd.writeUInt16LE(tag, at);
      ifd.writeUInt16LE(type, at + 2);
      ifd.writeUInt32LE(count, at + 4);
      if (type === 3 && count === 1) ifd.writeUInt16LE(value, at + 8);
      else ifd.writeUInt32LE(value, at + 8);
    });
    ifd.writeUInt32LE(next, ifdSize - 4);
    const pixels = Buffer.alloc(bytes);
    for (let p = 0; p < bytes; p += 3) pixels.set(page.colour, p);
    parts.push(ifd, Buffer.from([8, 0, 8, 0, 8, 0]), pixels);
    offset = next;
  });
  await fs.writeFile(file, Buffer.concat(parts));
}

describe('sources', () => {
  it('reads a pyramid TIFF from the smallest level still at least the view size', async () => {
    const file = path.join(dir, 'levels.tif');
    await twoLevelTiff(file, [
      { width: 64, height: 32, colour: RED },
      { width: 32, height: 16, colour: BLUE },
    ]);
    expectColour(await pixelsOf(file, { wid: 16 }), 8, 4, BLUE);
    expectColour(await pixelsOf(file, { wid: 40 }), 20, 10, RED);
    // a region of the source is read from the full-resolution page
    expectColour(await pixelsOf(file, { rgn: { x: 0, y: 0, w: 32, h: 16 }, wid: 8 }), 4, 2, RED);
  });

  it('reads a libvips pyramid TIFF', async () => {
    const file = path.join(dir, 'pyramid.tif');
    await sharp({ create: { width: 1024, height: 512, channels: 3, background: { r: 200, g: 50, b: 10 } } })
      .tiff({ tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, compression: 'deflate' })
      .toFile(file);
    const px = await pixelsOf(file, { wid: 100 });
    expectSize(px, 100, 50);
    expectColour(px, 50, 25, [200, 50, 10]);
  });
});

describe('one pipeline from file to reply', () => {
  it('resizes a JPEG with wid= alone straight into the encoder, keeping the source density and the exact size', async () => {
    const file = path.join(dir, `dense-${++seq}.jpg`);
    await sharp({ create: { width: 400, height: 200, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .jpeg()
      .withMetadata({ density: 300 })
      .toFile(file);
    const { out, result } = await render(file, { wid: 100, fmt: { format: 'png' } });
    expect(result).toMatchObject({ width: 100, height: 50, format: 'png' });
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height, meta.density]).toEqual([100, 50, 300]);
    const px = await read(out);
    expect(Math.abs(px.at(50, 25)[0]! - 200)).toBeLessThan(6);
  });
});
