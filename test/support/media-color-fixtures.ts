import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { writeTaggedTiff } from '../../src/adapters/media/icc-profile.js';
import type { ColorPlan } from '../../src/adapters/media/media-types.js';
import { MediaRepository } from '../../src/adapters/media/media.repository.js';
import type { DetectedFormat } from '../../src/domain/asset-types.js';

// Colour-managed rendering fixtures of the media-color*.test.ts files: CMYK patch images,
// reference values from an independent CMM, and readers that sample pixels as stored.

let dir: string | undefined;

/** Gives the calling test file a scratch directory of its own, removed after its tests. */
export function useColorScratch(): void {
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-media-color-'));
  });
  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
}

/** A path in the test file's scratch directory. */
export function file(name: string): string {
  if (!dir) throw new Error('call useColorScratch() in the test file: the scratch directory exists only while its tests run');
  return path.join(dir, name);
}

// Profiles Debian's ghostscript package ships.
const GS = '/usr/share/color/icc/ghostscript';
export const icc = (name: string) => path.join(GS, name);

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
export const PATCH_INKS: Record<string, number[]> = {
  white: [0, 0, 0, 0],
  black: [0, 0, 0, 255], // K = 100 %
  cyan: [255, 0, 0, 0],
  magenta: [0, 255, 0, 0],
  yellow: [0, 0, 255, 0],
};
export const PATCHES = Object.keys(PATCH_INKS);

// printf '0 0 0 0\n0 0 0 100\n100 0 0 0\n0 100 0 0\n0 0 100 0\n' | \
//   transicc -n -c0 -t0 -i /usr/share/color/icc/ghostscript/default_cmyk.icc -o /usr/share/color/icc/ghostscript/srgb.icc
//   → 254.9767 255.0000 254.9689 / 55.0856 52.9027 53.3658 / 0.0000 175.9805 239.5486 /
//     236.5837 39.4008 143.7276 / 255.0000 242.2296 21.1051
export const DEFAULT_CMYK_TO_SRGB: Record<string, number[]> = {
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
export const PS_CMYK_TO_SRGB: Record<string, number[]> = {
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
export const DEFAULT_CMYK_TO_PS_CMYK: Record<string, number[]> = {
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
export const DEFAULT_CMYK_TO_BUILTIN_SRGB: Record<string, number[]> = {
  white: [255, 255, 255],
  black: [44, 41, 42],
  cyan: [0, 175, 239],
  magenta: [236, 20, 141],
  yellow: [255, 242, 0],
};

export const SIZE = 128; // five patches side by side: wider than a tile, so the TIFF has a pyramid
export const media = new MediaRepository(100_000_000);

/** One square patch per ink, side by side; alpha (when given) on every pixel. */
export async function cmykPatches(name: string, profile?: string, alpha?: number): Promise<string> {
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
export async function stored(target: string): Promise<{ meta: Metadata; patch: (name: string) => number[] }> {
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

/** Every channel within `tolerance` levels; a miss shows both arrays. */
export function expectClose(actual: number[], expected: number[], tolerance = 2): void {
  expect(actual).toHaveLength(expected.length);
  const off = actual.map((v, i) => Math.abs(v - expected[i]!));
  if (off.some((d) => d > tolerance)) expect(actual).toEqual(expected); // shows both
}

/** The pyramid TIFF the media repository builds from `src` with the colour plan, in the scratch directory. */
export async function ptiff(src: string, format: DetectedFormat, color: ColorPlan | undefined, name: string): Promise<string> {
  const dest = file(name);
  await media.buildPyramidTiff(src, format, dest, await media.probe(src, format), color);
  return dest;
}

export const bytesOf = (name: string) => fs.readFile(icc(name));

/** The stored pixels (no profile applied) at any x, y, with the metadata. */
export async function rawOf(target: string) {
  const meta = await sharp(target).metadata();
  const img = sharp(target, { ignoreIcc: true });
  const kept = meta.space === 'cmyk' ? img.pipelineColourspace('cmyk').toColourspace('cmyk') : img.toColourspace('srgb');
  const { data, info } = await kept.raw().toBuffer({ resolveWithObject: true });
  return { meta, info, at: (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels)] };
}
