import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { IsCommandError } from '../../src/domain/image-serving/is-request.js';
import { image, read, render, useRenderScratch } from '../support/is-render-fixtures.js';
import { tiffTag } from '../support/tiff-tags.js';

useRenderScratch();

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
    expect(result).toMatchObject({ format, width: 32, height: 16, extension, mime });
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
      tiffTag((await render(noisy, { fmt: { format: 'tif', ...(compression ? { compression } : {}) } })).out, 259);
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
