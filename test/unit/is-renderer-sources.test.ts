import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { IsLimitError, renderIsImage } from '../../src/adapters/media/image-serving/is-renderer.js';
import { UnreadableImageError } from '../../src/adapters/media/media-errors.js';
import { IsCommandError, type IsRequest } from '../../src/domain/image-serving/is-request.js';
import {
  BLUE,
  expectArea,
  expectColour,
  expectSize,
  halves,
  pixelsOf,
  PNG,
  read,
  RED,
  render,
  type Rgb,
  scratchPath,
  useRenderScratch,
} from '../support/is-render-fixtures.js';

// What the renderer reads (pyramid levels, libvips pyramids, a JPEG straight to the encoder)
// and what it refuses (MaxPix, unreadable files, commands it cannot honour).
useRenderScratch();

describe('limits and faults', () => {
  it('a reply above MaxPix is an IsLimitError before any pixel is made', async () => {
    const src = await halves();
    const out = scratchPath('too-big.png');
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
    const bad = scratchPath('bad.jpg');
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
    const file = scratchPath('levels.tif');
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
    const file = scratchPath('pyramid.tif');
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
    const file = scratchPath('dense.jpg');
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
