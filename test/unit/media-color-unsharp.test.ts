import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { writeTaggedTiff } from '../../src/adapters/media/icc-profile.js';
import { writePyramidTiff } from '../../src/adapters/media/pyramid-tiff.js';
import { bytesOf, expectClose, file, icc, media, rawOf, useColorScratch } from '../support/media-color-fixtures.js';

useColorScratch();

/**
 * Opaque images whose only pixel step is the unsharp mask take a shorter
 * route (output pixels only, no sRGB analysis copy, no alpha band). Each case
 * is checked against the formula applied by hand to the same pixels: sharp's
 * Gaussian blur, then applyUnsharp. The pyramid's JPEG tiles allow a few levels;
 * an RGB pyramid's tiles also downsample chroma 2×2, which moves the pixels of
 * a colour edge by more, so RGB results are compared with the formula's output
 * as the same tiles store it (`asStored`).
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
  /** The formula's RGB output (from `expected`) written as an sRGB pyramid's tiles and read back. */
  const asStored = async (want: (x: number) => number[], name: string) => {
    const rgb = new Uint8Array(64 * 32 * 3);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 64; x++) rgb.set(want(x), (y * 64 + x) * 3);
    const tif = file(`${name}-formula.tif`);
    await writePyramidTiff(sharp(Buffer.from(rgb), { raw: { width: 64, height: 32, channels: 3 } }), { alpha: false, space: 'srgb', density: 72 }, tif);
    const { at } = await rawOf(tif);
    return (x: number) => at(x, 16);
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
    const stored = await asStored(want, 'usm-rgb');
    for (const x of [2, 29, 30, 31, 32, 33, 34, 61]) expectClose(at(x, 16), stored(x), 6);
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
    const stored = await asStored(want, 'usm-a98');
    for (const x of [2, 30, 31, 32, 33, 61]) expectClose(at(x), stored(x), 6);
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
