import fs from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readIccHeader, writeTaggedTiff } from '../../src/adapters/media/icc-profile.js';
import type { ColorPlan } from '../../src/adapters/media/media-types.js';
import {
  bytesOf,
  cmykPatches,
  DEFAULT_CMYK_TO_BUILTIN_SRGB,
  DEFAULT_CMYK_TO_PS_CMYK,
  DEFAULT_CMYK_TO_SRGB,
  expectClose,
  file,
  icc,
  media,
  PATCH_INKS,
  PATCHES,
  PS_CMYK_TO_SRGB,
  ptiff,
  SIZE,
  stored,
  useColorScratch,
} from '../support/media-color-fixtures.js';

// The colour modes of the pyramid TIFF (Convert, MaintainOriginal, Default), checked
// against reference values from an independent CMM (media-color-fixtures.ts).
useColorScratch();

describe('Convert', () => {
  it('reads an untagged CMYK original in sourceProfile and matches an independent CMM', async () => {
    const src = await cmykPatches('untagged.tif');
    const dest = await ptiff(src, 'tiff', { mode: 'Convert', sourceProfile: icc('default_cmyk.icc'), outputProfile: icc('srgb.icc') }, 'untagged-srgb.tif');
    const { meta, patch } = await stored(dest);
    expect(meta).toMatchObject({ space: 'srgb', channels: 3, width: SIZE * PATCHES.length, height: SIZE });
    expect(meta.icc?.equals(await bytesOf('srgb.icc'))).toBe(true);
    for (const name of PATCHES) expectClose(patch(name), DEFAULT_CMYK_TO_SRGB[name]!);
  });

  it('reads the embedded profile when no sourceProfile is given', async () => {
    const src = await cmykPatches('tagged.tif', 'default_cmyk.icc');
    const { patch } = await stored(await ptiff(src, 'tiff', { mode: 'Convert', outputProfile: icc('srgb.icc') }, 'tagged-srgb.tif'));
    for (const name of PATCHES) expectClose(patch(name), DEFAULT_CMYK_TO_SRGB[name]!);
  });

  it('lets sourceProfile override the embedded profile', async () => {
    const src = await cmykPatches('mistagged.tif', 'default_cmyk.icc');
    const color: ColorPlan = { mode: 'Convert', sourceProfile: icc('ps_cmyk.icc'), outputProfile: icc('srgb.icc') };
    const { patch } = await stored(await ptiff(src, 'tiff', color, 'overridden.tif'));
    for (const name of PATCHES) expectClose(patch(name), PS_CMYK_TO_SRGB[name]!);
    // and the result is really different from the embedded profile's
    expect(patch('black')).not.toEqual(DEFAULT_CMYK_TO_SRGB.black);
  });

  it('converts to a CMYK output profile and gives a CMYK pyramid TIFF', async () => {
    const src = await cmykPatches('to-cmyk.tif', 'default_cmyk.icc');
    const dest = await ptiff(src, 'tiff', { mode: 'Convert', outputProfile: icc('ps_cmyk.icc') }, 'to-cmyk-out.tif');
    const { meta, patch } = await stored(dest);
    expect(meta).toMatchObject({ format: 'tiff', space: 'cmyk', channels: 4, hasAlpha: false });
    expect(meta.pages ?? 1).toBeGreaterThan(1);
    expect(meta.icc?.equals(await bytesOf('ps_cmyk.icc'))).toBe(true);
    for (const name of PATCHES) expectClose(patch(name), DEFAULT_CMYK_TO_PS_CMYK[name]!);
  });

  it('converts a gray original to sRGB through its gray profile', async () => {
    const src = file('gray.tif');
    const data = Uint8Array.from({ length: 16 * 16 }, (_, i) => (i < 128 ? 64 : 200));
    await writeTaggedTiff(src, { data, width: 16, height: 16, channels: 1, space: 'b-w' }, await bytesOf('default_gray.icc'));
    const dest = await ptiff(src, 'tiff', { mode: 'Convert', outputProfile: icc('ps_cmyk.icc') }, 'gray-cmyk.tif');
    const meta = await sharp(dest).metadata();
    expect(meta).toMatchObject({ space: 'cmyk', channels: 4 });
  });

  it('keeps alpha through the conversion (CMYK + alpha → sRGB + alpha)', async () => {
    const src = await cmykPatches('cmyka.tif', undefined, 128);
    const dest = await ptiff(src, 'tiff', { mode: 'Convert', sourceProfile: icc('default_cmyk.icc'), outputProfile: icc('srgb.icc') }, 'cmyka-srgb.tif');
    const { meta, patch } = await stored(dest);
    expect(meta).toMatchObject({ space: 'srgb', channels: 4, hasAlpha: true });
    // deflate tiles: only the colour transform's rounding remains
    for (const name of PATCHES) expectClose(patch(name), [...DEFAULT_CMYK_TO_SRGB[name]!, 128], 1);
  });

  it('without profiles converts to sRGB like Default', async () => {
    const src = await cmykPatches('convert-plain.tif', 'default_cmyk.icc');
    const { meta, patch } = await stored(await ptiff(src, 'tiff', { mode: 'Convert' }, 'convert-plain-out.tif'));
    expect(meta.space).toBe('srgb');
    for (const name of PATCHES) expectClose(patch(name), DEFAULT_CMYK_TO_BUILTIN_SRGB[name]!);
  });
});

describe('MaintainOriginal', () => {
  it('keeps a CMYK original CMYK, with its own profile', async () => {
    const src = await cmykPatches('keep-cmyk.tif', 'default_cmyk.icc');
    const dest = await ptiff(src, 'tiff', { mode: 'MaintainOriginal' }, 'keep-cmyk-out.tif');
    const { meta, patch } = await stored(dest);
    expect(meta).toMatchObject({ format: 'tiff', space: 'cmyk', channels: 4, hasProfile: true, density: 72 });
    expect(meta.pages ?? 1).toBeGreaterThan(1);
    expect(meta.icc?.equals((await sharp(src).metadata()).icc!)).toBe(true);
    for (const name of PATCHES) expectClose(patch(name), PATCH_INKS[name]!, 1);
  });

  it('keeps an Adobe RGB original in Adobe RGB', async () => {
    const src = file('a98.png');
    await sharp({ create: { width: 64, height: 32, channels: 3, background: { r: 200, g: 30, b: 60 } } })
      .withIccProfile(icc('a98.icc'))
      .png()
      .toFile(src);
    const original = await stored(src);
    const { meta, patch } = await stored(await ptiff(src, 'png', { mode: 'MaintainOriginal' }, 'a98-out.tif'));
    expect(meta.space).toBe('srgb'); // libvips' name for any 3-band RGB
    expect(meta.icc?.equals(await bytesOf('a98.icc'))).toBe(true);
    expectClose(patch('white'), original.patch('white'), 1);
  });

  it('keeps a gray original gray, with its profile', async () => {
    const src = file('keep-gray.tif');
    await writeTaggedTiff(src, { data: new Uint8Array(64 * 64).fill(90), width: 64, height: 64, channels: 1, space: 'b-w' }, await bytesOf('default_gray.icc'));
    const dest = await ptiff(src, 'tiff', { mode: 'MaintainOriginal' }, 'keep-gray-out.tif');
    const meta = await sharp(dest).metadata();
    expect(meta).toMatchObject({ space: 'b-w', channels: 1 });
    expect(meta.icc?.equals(await bytesOf('default_gray.icc'))).toBe(true);
  });

  it('leaves an untagged CMYK original untagged and an untagged RGB one sRGB', async () => {
    const cmyk = await stored(await ptiff(await cmykPatches('keep-untagged.tif'), 'tiff', { mode: 'MaintainOriginal' }, 'keep-untagged-out.tif'));
    expect(cmyk.meta).toMatchObject({ space: 'cmyk', hasProfile: false });
    const png = file('plain.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#406080' } })
      .png()
      .toFile(png);
    const rgb = await readIccHeader(await writeIcc(await ptiff(png, 'png', { mode: 'MaintainOriginal' }, 'plain-out.tif')));
    expect(rgb.colorSpace).toBe('RGB');
  });
});

/** Writes the profile a TIFF embeds to a file, to read its header. */
async function writeIcc(tiff: string): Promise<string> {
  const { icc: bytes } = await sharp(tiff).metadata();
  expect(bytes).toBeDefined();
  const target = `${tiff}.icc`;
  await fs.writeFile(target, bytes!);
  return target;
}

/** A 16-bit CMYK TIFF (one strip, little-endian), written here because the adapter's own writer is 8-bit only. */
async function cmyk16(name: string, inks: number[], width: number, height: number, profile: Buffer): Promise<string> {
  const pixels = Buffer.alloc(width * height * 8);
  for (let i = 0; i < width * height * 4; i++) pixels.writeUInt16LE(inks[i % 4]!, i * 2);
  // tag, type (3 SHORT, 4 LONG, 7 UNDEFINED), values
  const tags: [number, number, number[] | Buffer][] = [
    [256, 4, [width]],
    [257, 4, [height]],
    [258, 3, [16, 16, 16, 16]],
    [259, 3, [1]],
    [262, 3, [5]],
    [273, 4, [0]],
    [277, 3, [4]],
    [278, 4, [height]],
    [279, 4, [pixels.length]],
    [284, 3, [1]],
    [34675, 7, profile],
  ];
  const size = (t: (typeof tags)[number]) => (Buffer.isBuffer(t[2]) ? t[2].length : t[2].length * (t[1] === 3 ? 2 : 4));
  let cursor = 8 + 2 + tags.length * 12 + 4;
  const offsets = tags.map((t) => {
    const n = size(t);
    if (n <= 4) return -1; // fits in the entry itself
    const at = cursor;
    cursor += n + (n % 2);
    return at;
  });
  tags[5]![2] = [cursor];
  const head = Buffer.alloc(cursor);
  head.write('II*\0', 0, 'latin1');
  head.writeUInt32LE(8, 4);
  head.writeUInt16LE(tags.length, 8);
  tags.forEach((t, i) => {
    const at = 10 + i * 12;
    const value = offsets[i]! < 0 ? at + 8 : offsets[i]!;
    head.writeUInt16LE(t[0], at);
    head.writeUInt16LE(t[1], at + 2);
    head.writeUInt32LE(t[2].length, at + 4);
    if (offsets[i]! >= 0) head.writeUInt32LE(value, at + 8);
    if (Buffer.isBuffer(t[2])) t[2].copy(head, value);
    else t[2].forEach((v, k) => (t[1] === 3 ? head.writeUInt16LE(v, value + 2 * k) : head.writeUInt32LE(v, value + 4 * k)));
  });
  const target = file(name);
  await fs.writeFile(target, Buffer.concat([head, pixels]));
  return target;
}

describe('16-bit CMYK', () => {
  // 50 % cyan as 16-bit (0x8080 = 128 × 257) must come out as 128, not clipped to 255
  const inks = [0x8080, 0, 0, 0];

  it('is kept (and scaled to 8 bits) by MaintainOriginal, also through the pixel path', async () => {
    const src = await cmyk16('c16.tif', inks, SIZE, SIZE, await bytesOf('default_cmyk.icc'));
    expect(await sharp(src).metadata()).toMatchObject({ space: 'cmyk', depth: 'ushort' });
    const streamed = await stored(await ptiff(src, 'tiff', { mode: 'MaintainOriginal' }, 'c16-keep.tif'));
    expect(streamed.meta).toMatchObject({ space: 'cmyk', depth: 'uchar' });
    expectClose(streamed.patch('white'), [128, 0, 0, 0], 1);
    const out = { ptiff: file('c16-knockout.tif') };
    await media.renderDerivatives(
      src,
      'tiff',
      { mask: false, knockout: { corner: 'UpperLeft', tolerance: 0, fillMethod: 'MatchPixel' }, color: { mode: 'MaintainOriginal' } },
      out,
    );
    const knocked = await sharp(out.ptiff, { ignoreIcc: true }).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer();
    expect([...knocked.subarray(0, 5)]).toEqual([128, 0, 0, 0, 0]);
  });

  it('is read in a source profile without clipping', async () => {
    const src = await cmyk16('c16-src.tif', inks, SIZE, SIZE, await bytesOf('srgb.icc'));
    const converted = await ptiff(src, 'tiff', { mode: 'Convert', sourceProfile: icc('ps_cmyk.icc'), outputProfile: icc('srgb.icc') }, 'c16-convert.tif');
    // printf '50.196 0 0 0\n' | transicc -n -c0 -t0 -i /usr/share/color/icc/ghostscript/ps_cmyk.icc \
    //   -o /usr/share/color/icc/ghostscript/srgb.icc  →  148.4202 255.0000 254.9689
    expectClose((await stored(converted)).patch('white'), [148, 255, 255]);
  });
});

describe('Default', () => {
  it.each([undefined, { mode: 'Default' } as ColorPlan])('converts CMYK to sRGB through the embedded profile (%o)', async (color) => {
    const src = await cmykPatches(`default-${color ? 'explicit' : 'absent'}.tif`, 'default_cmyk.icc');
    const dest = await ptiff(src, 'tiff', color, `default-${color ? 'explicit' : 'absent'}-out.tif`);
    const { meta, patch } = await stored(dest);
    expect(meta).toMatchObject({ space: 'srgb', channels: 3 });
    expect((await readIccHeader(await writeIcc(dest))).colorSpace).toBe('RGB');
    for (const name of PATCHES) expectClose(patch(name), DEFAULT_CMYK_TO_BUILTIN_SRGB[name]!);
  });

  it('ignores profiles outside Convert', async () => {
    const src = await cmykPatches('default-ignores.tif', 'default_cmyk.icc');
    const { meta } = await stored(
      await ptiff(src, 'tiff', { mode: 'Default', sourceProfile: file('missing.icc'), outputProfile: icc('ps_cmyk.icc') }, 'default-ignores-out.tif'),
    );
    expect(meta.space).toBe('srgb');
  });
});
