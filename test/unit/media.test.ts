import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writePsdBuffer } from 'ag-psd';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffFormat } from '../../src/adapters/media/format-sniffer.js';
import { UnreadableImageError } from '../../src/adapters/media/media-errors.js';
import { MediaRepository } from '../../src/adapters/media/media.repository.js';
import { pyramidTiffOptions, writePyramidTiff } from '../../src/adapters/media/pyramid-tiff.js';
import { tiffTags } from '../support/tiff-tags.js';

let dir: string;
const media = new MediaRepository(100_000_000);
const file = (name: string) => path.join(dir, name);

/** A solid or noisy synthetic image as an encoded buffer. */
function synth(width: number, height: number, channels: 3 | 4, noise = false) {
  const background = channels === 4 ? { r: 200, g: 40, b: 40, alpha: 0.5 } : { r: 30, g: 120, b: 200 };
  return sharp({
    create: { width, height, channels, background, ...(noise ? { noise: { type: 'gaussian' as const, mean: 128, sigma: 60 } } : {}) },
  });
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-media-unit-'));
  // Every image is saved under a misleading extension: sniffing must use the bytes.
  await synth(64, 48, 3).jpeg().toFile(file('jpeg.png'));
  await synth(64, 48, 4).png().toFile(file('png-alpha.jpg'));
  await synth(64, 48, 3).tiff().toFile(file('tiff.gif'));
  await synth(64, 48, 3).webp().toFile(file('webp.tif'));
  await synth(64, 48, 3).gif().toFile(file('gif.webp'));
  await synth(2000, 1500, 3).jpeg().toFile(file('big.jpg'));
  await synth(100, 100, 3).png().toFile(file('100.png'));
  const noisy = await synth(400, 300, 3, true).jpeg({ quality: 90 }).toBuffer();
  expect(noisy.length).toBeGreaterThan(6000);
  await fs.writeFile(file('truncated.jpg'), noisy.subarray(0, 3000));
  await fs.writeFile(file('notes.jpg'), 'just some text, not an image\n'.repeat(20));
  await fs.writeFile(file('empty.jpg'), '');
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const pdf = (body: string) => `%PDF-1.4\n${body}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`;

describe('sniffFormat', () => {
  it.each([
    ['jpeg.png', 'jpeg'],
    ['png-alpha.jpg', 'png'],
    ['tiff.gif', 'tiff'],
    ['webp.tif', 'webp'],
    ['gif.webp', 'gif'],
  ])('%s is %s', async (name, format) => {
    expect(await sniffFormat(file(name))).toBe(format);
  });

  it('text and empty files are not recognised', async () => {
    expect(await sniffFormat(file('notes.jpg'))).toBeUndefined();
    expect(await sniffFormat(file('empty.jpg'))).toBeUndefined();
  });

  it.each([
    ['plain PDF', pdf('2 0 obj << /Producer (Some Writer) >> endobj'), 'pdf'],
    ['Illustrator PDF', pdf('2 0 obj << /Creator (Adobe Illustrator 27.0) >> endobj'), 'illustrator'],
    ['PDF with AIPrivateData', pdf('%AIPrivateData1'), 'illustrator'],
    ['EPS', '%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n', 'eps'],
    ['Illustrator EPS', '%!PS-Adobe-3.0 EPSF-3.0\n%%Creator: Adobe Illustrator(R) 24.0\nshowpage\n', 'illustrator'],
    ['PostScript', '%!PS-Adobe-3.0\n%%Pages: 1\nshowpage\n', 'postscript'],
  ])('%s', async (_name, content, format) => {
    const target = file(`doc-${format}-${Math.random().toString(36).slice(2)}.bin`);
    await fs.writeFile(target, content, 'latin1');
    expect(await sniffFormat(target)).toBe(format);
  });

  it('only looks for Illustrator marks near the start', async () => {
    const target = file('late-mark.pdf');
    await fs.writeFile(target, pdf(`${' '.repeat(300 * 1024)}/Creator (Adobe Illustrator 27.0)`), 'latin1');
    expect(await sniffFormat(target)).toBe('pdf');
  });
});

describe('MediaRepository.probe', () => {
  it('reads size and alpha', async () => {
    expect(await media.probe(file('jpeg.png'), 'jpeg')).toMatchObject({ width: 64, height: 48, hasAlpha: false });
    expect(await media.probe(file('png-alpha.jpg'), 'png')).toMatchObject({ width: 64, height: 48, hasAlpha: true });
    expect(await media.probe(file('big.jpg'), 'jpeg')).toMatchObject({ width: 2000, height: 1500, hasAlpha: false });
  });

  it('reports 72 ppi when the file states none and the stated density otherwise', async () => {
    const target = file('dense.png');
    await synth(10, 10, 3).withMetadata({ density: 300 }).png().toFile(target);
    expect((await media.probe(target, 'png')).resolution).toBeCloseTo(300, 0);
    const plain = await media.probe(file('webp.tif'), 'webp');
    expect(plain.resolution).toBe(72);
  });

  it('reports the upright size of an EXIF-rotated JPEG', async () => {
    const target = file('rotated.jpg');
    await synth(40, 20, 3).withMetadata({ orientation: 6 }).jpeg().toFile(target);
    expect(await media.probe(target, 'jpeg')).toMatchObject({ width: 20, height: 40 });
  });

  it('refuses images above the pixel limit', async () => {
    const small = new MediaRepository(1000);
    const err = await small.probe(file('100.png'), 'png').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableImageError);
    expect((err as Error).message).toBe('the image is 100x100, above the limit of 1000 pixels (MAX_IMAGE_PIXELS)');
  });

  it('refuses a file that is not an image', async () => {
    await expect(media.probe(file('notes.jpg'), 'jpeg')).rejects.toBeInstanceOf(UnreadableImageError);
  });

  it('I/O errors are not turned into UnreadableImageError', async () => {
    const err = await media.probe(file('does-not-exist.jpg'), 'jpeg').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    // sharp reports a missing file as an input error; the repository only keeps ENOSPC/EIO/EMFILE/ENFILE/EACCES
    expect((err as Error).message).toMatch(/missing|not exist|no such file/i);
  });
});

describe('MediaRepository.buildPyramidTiff', () => {
  it('writes a tiled pyramid TIFF of the same size', async () => {
    const src = file('big.jpg');
    const dest = file('big-opt.tif');
    await media.buildPyramidTiff(src, 'jpeg', dest, await media.probe(src, 'jpeg'));
    const meta = await sharp(dest).metadata();
    expect(meta.format).toBe('tiff');
    expect(meta.width).toBe(2000);
    expect(meta.height).toBe(1500);
    expect(meta.pages ?? 1).toBeGreaterThan(1);
    expect(meta.hasAlpha).toBe(false);
    expect(await sniffFormat(dest)).toBe('tiff');
  });

  it("writes an RGB photo's tiles as JPEG with 2×2 chroma downsampling, as Adobe's ic does by default", async () => {
    const src = file('big.jpg');
    const dest = file('big-opt-tags.tif');
    await media.buildPyramidTiff(src, 'jpeg', dest, await media.probe(src, 'jpeg'));
    const tags = await tiffTags(dest);
    // Compression 7 = JPEG; Photometric 6 = YCbCr (libvips writes RGB, 2, with full-sample chroma at quality 90 and
    // above); YCbCrSubSampling absent is the TIFF default, 2×2.
    expect([tags.get(259), tags.get(262), tags.get(530) ?? [2, 2]]).toEqual([[7], [6], [2, 2]]);
  });

  it('keeps quality 95 for grey and CMYK, which have no chroma to downsample', async () => {
    const noisy = await synth(600, 400, 3, true).png().toBuffer();
    for (const [space, photometric] of [
      ['b-w', 1],
      ['cmyk', 5],
    ] as const) {
      const dest = file(`quality-${space}.tif`);
      const pixels = () => (space === 'cmyk' ? sharp(noisy).pipelineColourspace('cmyk').toColourspace('cmyk') : sharp(noisy).toColourspace('b-w'));
      await writePyramidTiff(pixels(), { alpha: false, space, density: 72 }, dest);
      const same = (quality: number) =>
        pixels()
          .keepMetadata()
          .tiff({ ...pyramidTiffOptions({ alpha: false, space, density: 72 }), quality })
          .toBuffer();
      const written = await fs.readFile(dest);
      expect((await tiffTags(dest)).get(262)).toEqual([photometric]);
      expect(written.length).toBe((await same(95)).length);
      expect(written.length).not.toBe((await same(89)).length);
    }
  });

  it('keeps alpha for a transparent PNG', async () => {
    const src = file('png-alpha.jpg');
    const dest = file('alpha-opt.tif');
    await media.buildPyramidTiff(src, 'png', dest, await media.probe(src, 'png'));
    const meta = await sharp(dest).metadata();
    expect(meta).toMatchObject({ format: 'tiff', width: 64, height: 48, hasAlpha: true });
  });

  it('a truncated JPEG fails with UnreadableImageError', async () => {
    const src = file('truncated.jpg');
    const dest = file('truncated-opt.tif');
    const err = await (async () => {
      const probe = await media.probe(src, 'jpeg');
      await media.buildPyramidTiff(src, 'jpeg', dest, probe);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableImageError);
  });
});

describe('PSD', () => {
  async function writePsd(name: string, width: number, height: number): Promise<string> {
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < data.length; i += 4) data.set([10, 200, 30, 255], i);
    const target = file(name);
    await fs.writeFile(target, writePsdBuffer({ width, height, imageData: { width, height, data } }));
    return target;
  }

  it('sniffs a PSD', async () => {
    expect(await sniffFormat(await writePsd('sniff.dat', 24, 16))).toBe('psd');
  });

  it('probes a PSD from its composite image and builds its TIFF', async () => {
    const psd = await writePsd('tiny.dat', 24, 16);
    expect(await media.probe(psd, 'psd')).toMatchObject({ width: 24, height: 16 });
    const dest = file('tiny-opt.tif');
    await media.buildPyramidTiff(psd, 'psd', dest, await media.probe(psd, 'psd'));
    expect(await sharp(dest).metadata()).toMatchObject({ format: 'tiff', width: 24, height: 16 });
  });

  it('refuses a PSD above the pixel limit from its header', async () => {
    const psd = await writePsd('limit.psd', 20, 20);
    const err = await new MediaRepository(100).probe(psd, 'psd').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableImageError);
    expect((err as Error).message).toContain('20x20, above the limit of 100 pixels');
  });

  it('refuses a file that is not a PSD', async () => {
    await expect(media.probe(file('notes.jpg'), 'psd')).rejects.toThrow('not a PSD file');
  });
});
