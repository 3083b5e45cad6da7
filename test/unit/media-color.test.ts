import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readIccHeader, writeTaggedTiff } from '../../src/adapters/media/icc-profile.js';
import { RenderOptionError } from '../../src/adapters/media/media-errors.js';
import type { ColorPlan } from '../../src/adapters/media/media-types.js';
import { MediaRepository } from '../../src/adapters/media/media.repository.js';
import type { DetectedFormat } from '../../src/domain/asset-types.js';

// Profiles Debian's ghostscript package ships.
const GS = '/usr/share/color/icc/ghostscript';
const icc = (name: string) => path.join(GS, name);

/**
 * Reference values, computed once by an independent CMM (Little CMS 2.14's
 * transicc, Debian liblcms2-utils), never by sharp. Perceptual intent (-t0)
 * and no black-point compensation (no -b), what sharp asks libvips for; -c0
 * evaluates the profiles in floating point without a precalculated transform.
 * Inputs are ink percentages, RGB outputs 0-255, CMYK outputs percentages
 * (× 2.55 below). Rounded to the nearest integer.
 *
 * Tolerance ±2 per channel: libvips runs lcms with 8-bit buffers, for which
 * lcms precalculates the transform on a grid and interpolates (about ±1 level
 * against the floating-point evaluation), and the pyramid's JPEG tiles
 * (quality 95, flat 128x128 patches on JPEG block boundaries) add at most one
 * more level of rounding.
 */
const PATCH_INKS: Record<string, number[]> = {
  white: [0, 0, 0, 0],
  black: [0, 0, 0, 255], // K = 100 %
  cyan: [255, 0, 0, 0],
  magenta: [0, 255, 0, 0],
  yellow: [0, 0, 255, 0],
};
const PATCHES = Object.keys(PATCH_INKS);

// printf '0 0 0 0\n0 0 0 100\n100 0 0 0\n0 100 0 0\n0 0 100 0\n' | \
//   transicc -n -c0 -t0 -i /usr/share/color/icc/ghostscript/default_cmyk.icc -o /usr/share/color/icc/ghostscript/srgb.icc
//   → 254.9767 255.0000 254.9689 / 55.0856 52.9027 53.3658 / 0.0000 175.9805 239.5486 /
//     236.5837 39.4008 143.7276 / 255.0000 242.2296 21.1051
const DEFAULT_CMYK_TO_SRGB: Record<string, number[]> = {
  white: [255, 255, 255],
  black: [55, 53, 53],
  cyan: [0, 176, 240],
  magenta: [237, 39, 144],
  yellow: [255, 242, 21],
};

// printf '0 0 0 0\n0 0 0 100\n100 0 0 0\n0 100 0 0\n0 0 100 0\n' | \
//   transicc -n -c0 -t0 -i /usr/share/color/icc/ghostscript/ps_cmyk.icc -o /usr/share/color/icc/ghostscript/srgb.icc
//   → 254.9844 255.0000 254.9689 / 0.0000 0.0000 0.0000 / 0.0000 255.0000 254.9650 /
//     255.0000 0.1984 255.0000 / 254.9767 255.0000 0.0000
const PS_CMYK_TO_SRGB: Record<string, number[]> = {
  white: [255, 255, 255],
  black: [0, 0, 0],
  cyan: [0, 255, 255],
  magenta: [255, 0, 255],
  yellow: [255, 255, 0],
};

// printf '0 0 0 0\n0 0 0 100\n100 0 0 0\n0 100 0 0\n0 0 100 0\n' | \
//   transicc -n -c0 -t0 -i /usr/share/color/icc/ghostscript/default_cmyk.icc -o /usr/share/color/icc/ghostscript/ps_cmyk.icc
//   → 0 0 0 0 / 97.2457 97.3877 97.3953 0 / 93.6446 57.1893 16.0845 0 /
//     39.4934 95.3979 74.0383 0 / 5.3498 14.0963 92.1202 0   (percent; × 2.55 below)
const DEFAULT_CMYK_TO_PS_CMYK: Record<string, number[]> = {
  white: [0, 0, 0, 0],
  black: [248, 248, 248, 0],
  cyan: [239, 146, 41, 0],
  magenta: [101, 243, 189, 0],
  yellow: [14, 36, 235, 0],
};

// The profile Default embeds is sharp's built-in sRGB (a v4 lcms profile); the
// test reads it out of the pyramid TIFF and wrote it to builtin-srgb.icc for:
// printf '0 0 0 0\n0 0 0 100\n100 0 0 0\n0 100 0 0\n0 0 100 0\n' | \
//   transicc -s -n -c0 -t0 -i /usr/share/color/icc/ghostscript/default_cmyk.icc -o builtin-srgb.icc
//   → 254.9993 255.0000 254.9991 / 43.7578 40.8746 41.5076 / 0.0000 174.5175 239.3513 /
//     236.3115 20.1588 141.3424 / 255.0000 242.0349 0.0000   (-s clips out-of-gamut values)
const DEFAULT_CMYK_TO_BUILTIN_SRGB: Record<string, number[]> = {
  white: [255, 255, 255],
  black: [44, 41, 42],
  cyan: [0, 175, 239],
  magenta: [236, 20, 141],
  yellow: [255, 242, 0],
};

const SIZE = 128; // five patches side by side: wider than a tile, so the TIFF has a pyramid
let dir: string;
const media = new MediaRepository(100_000_000);
const file = (name: string) => path.join(dir, name);

/** One square patch per ink, side by side; alpha (when given) on every pixel. */
async function cmykPatches(name: string, profile?: string, alpha?: number): Promise<string> {
  const channels = alpha === undefined ? 4 : 5;
  const width = SIZE * PATCHES.length;
  const data = new Uint8Array(width * SIZE * channels);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < width; x++) {
      const inks = PATCH_INKS[PATCHES[Math.floor(x / SIZE)]!]!;
      data.set(alpha === undefined ? inks : [...inks, alpha], (y * width + x) * channels);
    }
  }
  const target = file(name);
  await writeTaggedTiff(target, { data, width, height: SIZE, channels, space: 'cmyk' }, profile ? await fs.readFile(icc(profile)) : undefined);
  return target;
}

/** The pixels as stored (no profile applied), sampled in the middle of each patch. */
async function stored(target: string): Promise<{ meta: Metadata; patch: (name: string) => number[] }> {
  const meta = await sharp(target).metadata();
  const img = sharp(target, { ignoreIcc: true });
  const inSpace = meta.space === 'cmyk' ? img.pipelineColourspace('cmyk').toColourspace('cmyk') : img.toColourspace(meta.space === 'b-w' ? 'b-w' : 'srgb');
  const { data, info } = await inSpace.raw().toBuffer({ resolveWithObject: true });
  const patch = (name: string) => {
    const x = PATCHES.indexOf(name) * SIZE + SIZE / 2;
    const at = ((SIZE / 2) * info.width + x) * info.channels;
    return [...data.subarray(at, at + info.channels)];
  };
  return { meta, patch };
}

function expectClose(actual: number[], expected: number[], tolerance = 2): void {
  expect(actual).toHaveLength(expected.length);
  const off = actual.map((v, i) => Math.abs(v - expected[i]!));
  if (off.some((d) => d > tolerance)) expect(actual).toEqual(expected); // shows both
}

async function ptiff(src: string, format: DetectedFormat, color: ColorPlan | undefined, name: string): Promise<string> {
  const dest = file(name);
  await media.buildPyramidTiff(src, format, dest, await media.probe(src, format), color);
  return dest;
}

const bytesOf = (name: string) => fs.readFile(icc(name));

async function rawOf(target: string) {
  const meta = await sharp(target).metadata();
  const img = sharp(target, { ignoreIcc: true });
  const kept = meta.space === 'cmyk' ? img.pipelineColourspace('cmyk').toColourspace('cmyk') : img.toColourspace('srgb');
  const { data, info } = await kept.raw().toBuffer({ resolveWithObject: true });
  return { meta, info, at: (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels)] };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-media-color-'));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

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

describe('bad profiles', () => {
  async function failure(src: string, color: ColorPlan): Promise<Error> {
    const err = await ptiff(src, 'tiff', color, `fail-${Math.random().toString(36).slice(2)}.tif`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderOptionError);
    return err as Error;
  }

  it('a file that is not a profile names the field', async () => {
    const notIcc = file('not-a-profile.icc');
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .png()
      .toFile(notIcc);
    const src = await cmykPatches('bad-src.tif');
    expect((await failure(src, { mode: 'Convert', sourceProfile: notIcc })).message).toBe(
      "colorManagementOptions.sourceProfileHandle: expected an ICC profile, received a file that is not one (bytes 36-39 are not 'acsp')",
    );
    expect((await failure(src, { mode: 'Convert', sourceProfile: icc('default_cmyk.icc'), outputProfile: notIcc })).message).toMatch(
      /^colorManagementOptions\.outputProfileHandle: expected an ICC profile/,
    );
  });

  it('an RGB profile for a CMYK image is refused', async () => {
    const src = await cmykPatches('rgb-for-cmyk.tif');
    expect((await failure(src, { mode: 'Convert', sourceProfile: icc('srgb.icc') })).message).toBe(
      'colorManagementOptions.sourceProfileHandle: expected a CMYK profile for this CMYK image, received an RGB profile ("Artifex Software sRGB ICC Profile")',
    );
  });

  it('a CMYK profile for an RGB image is refused', async () => {
    const png = file('rgb.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#406080' } })
      .png()
      .toFile(png);
    const err = await media
      .buildPyramidTiff(png, 'png', file('rgb-out.tif'), await media.probe(png, 'png'), { mode: 'Convert', sourceProfile: icc('ps_cmyk.icc') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderOptionError);
    expect((err as Error).message).toBe(
      'colorManagementOptions.sourceProfileHandle: expected an RGB profile for this RGB image, received a CMYK profile ("Artifex PS CMYK Profile")',
    );
  });

  it('an output profile that is not RGB, CMYK or gray is refused', async () => {
    const src = await cmykPatches('lab-out.tif', 'default_cmyk.icc');
    expect((await failure(src, { mode: 'Convert', outputProfile: icc('lab.icc') })).message).toMatch(
      /^colorManagementOptions\.outputProfileHandle: expected an RGB, CMYK or GRAY profile, received a Lab profile/,
    );
  });

  it('an embedded profile that does not fit the pixels asks for a sourceProfileHandle', async () => {
    const src = file('rgb-tagged-cmyk.tif');
    await writeTaggedTiff(src, { data: new Uint8Array(8 * 8 * 4), width: 8, height: 8, channels: 4, space: 'cmyk' }, await bytesOf('srgb.icc'));
    expect((await failure(src, { mode: 'Convert' })).message).toMatch(
      /embedded profile \(an RGB profile .*\) does not fit its CMYK pixels; give a sourceProfileHandle/,
    );
    // with one, the file converts
    const fixed = await ptiff(src, 'tiff', { mode: 'Convert', sourceProfile: icc('default_cmyk.icc') }, 'fixed.tif');
    expect((await sharp(fixed).metadata()).space).toBe('srgb');
  });
});

describe('renderDerivatives in colour', () => {
  /** Cyan field with a white border: knockout from the corner removes the border. */
  async function bordered(name: string, profile?: string): Promise<string> {
    const width = 48;
    const height = 40;
    const data = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = x >= 8 && x < 40 && y >= 8 && y < 32;
        data.set(inside ? [255, 0, 0, 0] : [0, 0, 0, 0], (y * width + x) * 4);
      }
    }
    const target = file(name);
    await writeTaggedTiff(target, { data, width, height, channels: 4, space: 'cmyk' }, profile ? await bytesOf(profile) : undefined);
    return target;
  }

  it('knocks out the background of a CMYK original kept in CMYK, inks untouched', async () => {
    const src = await bordered('ko-cmyk.tif', 'default_cmyk.icc');
    const out = { ptiff: file('ko-cmyk-out.tif'), mask: file('ko-cmyk-mask.png') };
    const result = await media.renderDerivatives(
      src,
      'tiff',
      { mask: true, knockout: { corner: 'UpperLeft', tolerance: 0, fillMethod: 'FloodFill' }, color: { mode: 'MaintainOriginal' } },
      out,
    );
    expect(result).toEqual({ width: 48, height: 40, maskWritten: true });
    const { meta, at } = await rawOf(out.ptiff);
    expect(meta).toMatchObject({ space: 'cmyk', channels: 5, hasAlpha: true });
    expect(meta.icc?.equals(await bytesOf('default_cmyk.icc'))).toBe(true);
    // deflate tiles: exact
    expect(at(20, 20)).toEqual([255, 0, 0, 0, 255]);
    expect(at(0, 0)).toEqual([0, 0, 0, 0, 0]);
    expect((await sharp(out.mask).metadata()).channels).toBe(1);
    const mask = await sharp(out.mask).extractChannel(0).raw().toBuffer();
    expect([mask[0], mask[20 * 48 + 20]]).toEqual([0, 255]);
  });

  it('auto-crops on the sRGB rendition and crops the CMYK pixels to the same box', async () => {
    const src = await bordered('crop-cmyk.tif', 'default_cmyk.icc');
    const out = { ptiff: file('crop-cmyk-out.tif') };
    const result = await media.renderDerivatives(
      src,
      'tiff',
      { mask: false, crop: { autoColor: { corner: 'UpperLeft', tolerance: 0 } }, color: { mode: 'Convert', outputProfile: icc('ps_cmyk.icc') } },
      out,
    );
    expect(result).toEqual({ width: 32, height: 24, crop: { left: 8, top: 8, width: 32, height: 24 }, maskWritten: false });
    const { meta, at } = await rawOf(out.ptiff);
    expect(meta).toMatchObject({ space: 'cmyk', channels: 4, width: 32, height: 24 });
    expectClose(at(16, 12), DEFAULT_CMYK_TO_PS_CMYK.cyan!);
  });

  it('crops manually without reading pixels, in the output space', async () => {
    const src = await bordered('manual-cmyk.tif', 'default_cmyk.icc');
    const out = { ptiff: file('manual-cmyk-out.tif') };
    const result = await media.renderDerivatives(
      src,
      'tiff',
      { mask: false, crop: { manual: { left: 8, top: 8, right: 8, bottom: 8 } }, color: { mode: 'Convert', outputProfile: icc('srgb.icc') } },
      out,
    );
    expect(result).toMatchObject({ width: 32, height: 24, crop: { left: 8, top: 8, width: 32, height: 24 } });
    const { meta, at } = await rawOf(out.ptiff);
    expect(meta).toMatchObject({ space: 'srgb', width: 32, height: 24 });
    expectClose(at(16, 12), DEFAULT_CMYK_TO_SRGB.cyan!);
  });

  it('sharpens CMYK ink by ink and leaves flat areas alone', async () => {
    // cyan 60 on the left half, 180 on the right: an edge down the middle, no other ink
    const width = 64;
    const height = 32;
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) data[i * 4] = i % width < 32 ? 60 : 180;
    const src = file('usm-cmyk.tif');
    await writeTaggedTiff(src, { data, width, height, channels: 4, space: 'cmyk' }, await bytesOf('default_cmyk.icc'));
    const out = { ptiff: file('usm-cmyk-out.tif') };
    // monochrome = 1 asks for brightness-only sharpening, which CMYK has no channel for
    await media.renderDerivatives(
      src,
      'tiff',
      { mask: false, usm: { amount: 1, radius: 1.5, threshold: 0, monochrome: 1 }, color: { mode: 'MaintainOriginal' } },
      out,
    );
    const { meta, at } = await rawOf(out.ptiff);
    expect(meta).toMatchObject({ space: 'cmyk', channels: 4 });
    expectClose(at(4, 16), [60, 0, 0, 0], 1);
    expectClose(at(60, 16), [180, 0, 0, 0], 1);
    // the edge gains contrast in cyan only: no magenta, yellow or black appears
    const [left, right] = [at(31, 16), at(32, 16)];
    expect(left[0]).toBeLessThan(50);
    expect(right[0]).toBeGreaterThan(190);
    for (const px of [left, right]) expect(px.slice(1).every((v) => v <= 1)).toBe(true);
  });

  it('keeps a gray original with alpha gray through knockout and sharpening', async () => {
    const src = file('ga.tif');
    const width = 32;
    const data = new Uint8Array(width * width * 2);
    for (let i = 0; i < width * width; i++) data.set([i % width < 16 ? 250 : 40, 255], i * 2);
    await writeTaggedTiff(src, { data, width, height: width, channels: 2, space: 'b-w' }, await bytesOf('default_gray.icc'));
    const out = { ptiff: file('ga-out.tif'), mask: file('ga-mask.png') };
    const result = await media.renderDerivatives(
      src,
      'tiff',
      {
        mask: true,
        knockout: { corner: 'UpperLeft', tolerance: 0, fillMethod: 'MatchPixel' },
        usm: { amount: 1, radius: 1, threshold: 0, monochrome: 0 },
        color: { mode: 'MaintainOriginal' },
      },
      out,
    );
    expect(result.maskWritten).toBe(true);
    const meta = await sharp(out.ptiff).metadata();
    expect(meta).toMatchObject({ space: 'b-w', channels: 2, hasAlpha: true });
    expect(meta.icc?.equals(await bytesOf('default_gray.icc'))).toBe(true);
    const alpha = await sharp(out.ptiff).extractChannel('alpha').raw().toBuffer();
    expect([alpha[0], alpha[width - 1]]).toEqual([0, 255]);
  });

  it('Default still renders sRGB, and the streamed path writes the own-alpha mask', async () => {
    const png = file('alpha.png');
    await sharp({ create: { width: 20, height: 10, channels: 4, background: { r: 200, g: 40, b: 40, alpha: 0.5 } } })
      .png()
      .toFile(png);
    const out = { ptiff: file('alpha-out.tif'), mask: file('alpha-mask.png') };
    const result = await media.renderDerivatives(png, 'png', { mask: true, crop: { manual: { left: 2, top: 0, right: 0, bottom: 0 } } }, out);
    expect(result).toEqual({ width: 18, height: 10, crop: { left: 2, top: 0, width: 18, height: 10 }, maskWritten: true });
    expect(await sharp(out.ptiff).metadata()).toMatchObject({ space: 'srgb', channels: 4, width: 18 });
    expect(await sharp(out.mask).metadata()).toMatchObject({ format: 'png', width: 18, height: 10, channels: 1 });
    expect((await sharp(out.mask).extractChannel(0).raw().toBuffer())[0]).toBe(128);
  });

  it('leaves no scratch files beside the output', async () => {
    const sub = file('clean');
    await fs.mkdir(sub);
    const src = await cmykPatches('clean-src.tif');
    await media.renderDerivatives(
      src,
      'tiff',
      {
        mask: false,
        usm: { amount: 1, radius: 1, threshold: 0, monochrome: 0 },
        color: { mode: 'Convert', sourceProfile: icc('default_cmyk.icc'), outputProfile: icc('ps_cmyk.icc') },
      },
      { ptiff: path.join(sub, 'out.tif') },
    );
    expect(await fs.readdir(sub)).toEqual(['out.tif']);
  });
});

/**
 * Opaque images whose only pixel step is the unsharp mask take a shorter
 * route (output pixels only, no sRGB analysis copy, no alpha band). Each case
 * is checked against the formula applied by hand to the same pixels: sharp's
 * Gaussian blur, then applyUnsharp. The pyramid's JPEG tiles allow a few levels.
 */
describe('unsharp mask on opaque images', () => {
  const usm = { amount: 1.5, radius: 1.5, threshold: 4, monochrome: 0 as const };
  /** 64x32, `left` colour on the left half, `right` on the right: one vertical edge. */
  const edge = (channels: number, left: number[], right: number[]) => {
    const data = new Uint8Array(64 * 32 * channels);
    for (let i = 0; i < 64 * 32; i++) data.set(i % 64 < 32 ? left : right, i * channels);
    return data;
  };
  /** What the formula gives at row 16 for x = 0…63, on raw pixels blurred by sharp. */
  const expected = async (data: Uint8Array, channels: 1 | 3, params = usm) => {
    const { applyUnsharp } = await import('../../src/adapters/media/unsharp.js');
    const blurred = await sharp(Buffer.from(data), { raw: { width: 64, height: 32, channels } })
      .blur(params.radius)
      .raw()
      .toBuffer();
    const bands = blurred.length / (64 * 32);
    const oneBand = new Uint8Array(64 * 32 * channels);
    for (let i = 0; i < 64 * 32; i++) for (let c = 0; c < channels; c++) oneBand[i * channels + c] = blurred[i * bands + c]!;
    const out = applyUnsharp(data, oneBand, channels, false, params);
    return (x: number) => [...out.subarray((16 * 64 + x) * channels, (16 * 64 + x + 1) * channels)];
  };

  it('sharpens an untagged RGB photo edge as the formula does (Default)', async () => {
    const data = edge(3, [60, 120, 200], [180, 40, 90]);
    const src = file('usm-rgb.png');
    await sharp(Buffer.from(data), { raw: { width: 64, height: 32, channels: 3 } })
      .png()
      .toFile(src);
    const out = { ptiff: file('usm-rgb-out.tif') };
    const result = await media.renderDerivatives(src, 'png', { mask: true, usm, crop: { manual: { left: 0, top: 0, right: 0, bottom: 0 } } }, out);
    expect(result).toEqual({ width: 64, height: 32, maskWritten: false });
    const { meta, at } = await rawOf(out.ptiff);
    expect(meta).toMatchObject({ space: 'srgb', channels: 3, hasAlpha: false });
    const want = await expected(data, 3);
    // the edge overshoots on both sides; the flat halves stay as they were
    expect(want(31)[0]).toBeLessThan(45);
    expect(want(32)[0]).toBeGreaterThan(195);
    for (const x of [2, 29, 30, 31, 32, 33, 34, 61]) expectClose(at(x, 16), want(x), 6);
  });

  it('sharpens a gray original kept gray (MaintainOriginal) in its one band', async () => {
    const data = edge(1, [100], [150]);
    const src = file('usm-gray.tif');
    await writeTaggedTiff(src, { data, width: 64, height: 32, channels: 1, space: 'b-w' }, await bytesOf('default_gray.icc'));
    const out = { ptiff: file('usm-gray-out.tif') };
    await media.renderDerivatives(src, 'tiff', { mask: false, usm: { ...usm, monochrome: 1 }, color: { mode: 'MaintainOriginal' } }, out);
    const meta = await sharp(out.ptiff).metadata();
    expect(meta).toMatchObject({ space: 'b-w', channels: 1 });
    const level0 = await sharp(out.ptiff, { page: 0 }).extractChannel(0).raw().toBuffer();
    const want = await expected(data, 1);
    for (const x of [2, 30, 31, 32, 33, 61]) expectClose([level0[16 * 64 + x]!], want(x), 6);
    expect(level0[16 * 64 + 31]).toBeLessThan(90);
    expect(level0[16 * 64 + 32]).toBeGreaterThan(160);
  });

  it('sharpens after a Convert into another RGB profile, which the PTIFF embeds', async () => {
    const data = edge(3, [60, 120, 200], [180, 40, 90]);
    const src = file('usm-a98.png');
    await sharp(Buffer.from(data), { raw: { width: 64, height: 32, channels: 3 } })
      .png()
      .toFile(src);
    const out = { ptiff: file('usm-a98-out.tif') };
    await media.renderDerivatives(src, 'png', { mask: false, usm, color: { mode: 'Convert', outputProfile: icc('a98.icc') } }, out);
    const meta = await sharp(out.ptiff).metadata();
    expect(meta).toMatchObject({ space: 'srgb', channels: 3 });
    expect(meta.icc?.equals(await bytesOf('a98.icc'))).toBe(true);
    // the same pixels converted without sharpening, then sharpened by the formula
    const converted = await sharp(src).withIccProfile(icc('a98.icc')).raw().toBuffer();
    const want = await expected(new Uint8Array(converted), 3);
    const level0 = await sharp(out.ptiff, { page: 0, ignoreIcc: true }).raw().toBuffer();
    const at = (x: number) => [...level0.subarray((16 * 64 + x) * 3, (16 * 64 + x + 1) * 3)];
    for (const x of [2, 30, 31, 32, 33, 61]) expectClose(at(x), want(x), 6);
  });

  it('leaves pixels whose difference is within the threshold untouched', async () => {
    const data = edge(3, [100, 100, 100], [104, 104, 104]); // a 4-level step: |in − blurred| ≤ 4 everywhere
    const src = file('usm-flat.png');
    await sharp(Buffer.from(data), { raw: { width: 64, height: 32, channels: 3 } })
      .png()
      .toFile(src);
    const out = { ptiff: file('usm-flat-out.tif') };
    await media.renderDerivatives(src, 'png', { mask: false, usm: { ...usm, amount: 5 } }, out);
    const { at } = await rawOf(out.ptiff);
    const want = await expected(data, 3, { ...usm, amount: 5 });
    for (const x of [31, 32]) expect(want(x)).toEqual(x < 32 ? [100, 100, 100] : [104, 104, 104]);
    for (const x of [31, 32]) expectClose(at(x, 16), want(x), 2);
  });
});

describe('unsharp mask in place', () => {
  it('gives exactly what the copying form gives, for colour, monochrome and alpha layouts', async () => {
    const { applyUnsharp } = await import('../../src/adapters/media/unsharp.js');
    const n = 4 * 5 * 7;
    const original = new Uint8Array(n);
    const blurred = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      original[i] = (i * 37) % 256;
      blurred[i] = (i * 53 + 11) % 256;
    }
    for (const [channels, hasAlpha, monochrome] of [
      [3, false, 0],
      [4, true, 0],
      [4, true, 1],
      [3, false, 1],
      [1, false, 0],
    ] as const) {
      const p = { amount: 2.5, threshold: 3, monochrome } as const;
      const copy = applyUnsharp(original.slice(0, 60 * channels), blurred.slice(0, 60 * channels), channels, hasAlpha, p);
      const own = original.slice(0, 60 * channels);
      const inPlace = applyUnsharp(own, blurred.slice(0, 60 * channels), channels, hasAlpha, p, true);
      expect(Array.from(inPlace), `${channels}/${hasAlpha}/${monochrome}`).toEqual(Array.from(copy));
      // it really wrote into the given pixels
      expect(Array.from(own)).toEqual(Array.from(copy));
    }
  });
});
