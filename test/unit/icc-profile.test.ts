import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffFormat } from '../../src/adapters/media/format-sniffer.js';
import { parseIccHeader, readIccHeader, writeTaggedTiff } from '../../src/adapters/media/icc-profile.js';
import { UnreadableImageError } from '../../src/adapters/media/media-errors.js';
import { FORMAT_ASSET_TYPE, RASTER_FORMATS } from '../../src/domain/asset-types.js';

// Profiles Debian's ghostscript package ships (a test dependency, like the fonts of the PDF tests).
const GS = '/usr/share/color/icc/ghostscript';
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-icc-unit-'));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('readIccHeader', () => {
  it.each([
    ['default_cmyk.icc', 'CMYK', 'prtr'],
    ['ps_cmyk.icc', 'CMYK', 'prtr'],
    ['srgb.icc', 'RGB', 'mntr'],
    ['a98.icc', 'RGB', 'mntr'],
    ['default_gray.icc', 'GRAY', 'mntr'],
    ['lab.icc', 'Lab', 'spac'],
  ])('%s is a %s %s profile', async (name, colorSpace, deviceClass) => {
    const header = await readIccHeader(path.join(GS, name));
    expect(header).toMatchObject({ colorSpace, deviceClass });
    expect(header.version).toMatch(/^[24]\.\d$/);
  });

  it('reads the description of a v2 (desc) and a v4 (mluc) profile', async () => {
    expect((await readIccHeader(path.join(GS, 'default_gray.icc'))).description).toBe('Artifex Software sGray ICC Profile');
    const v4 = await readIccHeader(path.join(GS, 'ps_cmyk.icc'));
    expect(v4.version).toMatch(/^4\./);
    expect(v4.description).toBe('Artifex PS CMYK Profile');
  });

  it('does not change the bytes it reads', async () => {
    const bytes = await fs.readFile(path.join(GS, 'srgb.icc'));
    const copy = Buffer.from(bytes);
    parseIccHeader(bytes);
    expect(bytes.equals(copy)).toBe(true);
  });

  it('refuses a file that is not a profile', async () => {
    const jpeg = path.join(dir, 'photo.icc');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
      .jpeg()
      .toFile(jpeg);
    const err = await readIccHeader(jpeg).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableImageError);
    expect((err as Error).message).toBe("not an ICC profile: bytes 36-39 are not 'acsp'");
  });

  it('refuses a truncated profile', async () => {
    const bytes = await fs.readFile(path.join(GS, 'default_cmyk.icc'));
    expect(parseIccHeader(bytes.subarray(0, 1000))).toBe(`the header declares ${bytes.length} bytes but the file has 1000`);
    expect(parseIccHeader(bytes.subarray(0, 40))).toBe('40 bytes, shorter than a profile header');
  });
});

describe('ICC profile uploads', () => {
  it('sniffs a profile by its content, whatever its name', async () => {
    const renamed = path.join(dir, 'cmyk.jpg');
    await fs.copyFile(path.join(GS, 'default_cmyk.icc'), renamed);
    expect(await sniffFormat(renamed)).toBe('icc');
    expect(await sniffFormat(path.join(GS, 'srgb.icc'))).toBe('icc');
  });

  it('does not take other files for profiles', async () => {
    const jpeg = path.join(dir, 'photo-named.icc');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
      .jpeg()
      .toFile(jpeg);
    expect(await sniffFormat(jpeg)).toBe('jpeg');
    // the signature alone is not enough: a profile also declares its own size
    const text = path.join(dir, 'fake.icc');
    await fs.writeFile(text, `${'x'.repeat(36)}acsp is not enough without a profile\n`.repeat(4));
    expect(await sniffFormat(text)).toBeUndefined();
    const truncated = path.join(dir, 'truncated.icc');
    await fs.writeFile(truncated, (await fs.readFile(path.join(GS, 'default_cmyk.icc'))).subarray(0, 2000));
    expect(await sniffFormat(truncated)).toBeUndefined();
  });

  it('is an IccProfile asset, not an image to optimise', () => {
    expect(FORMAT_ASSET_TYPE.icc).toBe('IccProfile');
    expect(RASTER_FORMATS.has('icc')).toBe(false);
  });
});

describe('writeTaggedTiff', () => {
  it('hands CMYK pixels and their profile to libvips unchanged', async () => {
    const icc = await fs.readFile(path.join(GS, 'default_cmyk.icc'));
    const data = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
    const dest = path.join(dir, 'cmyk.tif');
    await writeTaggedTiff(dest, { data, width: 3, height: 2, channels: 4, space: 'cmyk' }, icc);
    const meta = await sharp(dest).metadata();
    expect(meta).toMatchObject({ format: 'tiff', space: 'cmyk', channels: 4, width: 3, height: 2, hasAlpha: false });
    expect(meta.icc?.equals(icc)).toBe(true);
    const back = await sharp(dest, { ignoreIcc: true }).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer();
    expect([...back]).toEqual([...data]);
  });

  it('writes gray + alpha and RGB without a profile', async () => {
    const gray = path.join(dir, 'ga.tif');
    await writeTaggedTiff(gray, { data: Uint8Array.from([10, 255, 20, 0, 30, 128, 40, 64]), width: 2, height: 2, channels: 2, space: 'b-w' });
    expect(await sharp(gray).metadata()).toMatchObject({ space: 'b-w', channels: 2, hasAlpha: true, hasProfile: false });
    expect([...(await sharp(gray).extractChannel('alpha').raw().toBuffer())]).toEqual([255, 0, 128, 64]);

    // more rows than one strip holds, so the strip table has several entries
    const width = 300;
    const height = 400;
    const data = Uint8Array.from({ length: width * height * 3 }, (_, i) => i % 251);
    const rgb = path.join(dir, 'rgb.tif');
    await writeTaggedTiff(rgb, { data, width, height, channels: 3, space: 'srgb' });
    expect(await sharp(rgb).metadata()).toMatchObject({ space: 'srgb', channels: 3, width, height });
    expect((await sharp(rgb).raw().toBuffer()).equals(Buffer.from(data))).toBe(true);
  });

  it('refuses a channel count that does not fit the colour space', async () => {
    await expect(writeTaggedTiff(path.join(dir, 'bad.tif'), { data: new Uint8Array(12), width: 2, height: 2, channels: 3, space: 'cmyk' })).rejects.toThrow(
      '3 channels do not fit cmyk',
    );
  });
});
