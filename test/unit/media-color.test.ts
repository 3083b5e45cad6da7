import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { writeTaggedTiff } from '../../src/adapters/media/icc-profile.js';
import { RenderOptionError } from '../../src/adapters/media/media-errors.js';
import type { ColorPlan } from '../../src/adapters/media/media-types.js';
import {
  bytesOf,
  cmykPatches,
  DEFAULT_CMYK_TO_PS_CMYK,
  DEFAULT_CMYK_TO_SRGB,
  expectClose,
  file,
  icc,
  media,
  ptiff,
  rawOf,
  useColorScratch,
} from '../support/media-color-fixtures.js';

// Colour on the pixel path: refused profiles, and knockout, crop and sharpening of
// CMYK and gray originals (the colour modes themselves: media-color-modes.test.ts).
useColorScratch();

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
