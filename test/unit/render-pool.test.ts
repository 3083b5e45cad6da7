import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IsLimitError, renderIsImage } from '../../src/adapters/media/image-serving/is-renderer.js';
import { RenderOptionError, UnreadableImageError } from '../../src/adapters/media/media-errors.js';
import { IsCommandError, type IsRequest } from '../../src/domain/image-serving/is-request.js';
import type { RenderPlan } from '../../src/adapters/media/media-types.js';
import { MediaRepository } from '../../src/adapters/media/media.repository.js';
import { RenderPool } from '../../src/adapters/media/render-pool.js';

let dir: string;
const pool = new RenderPool({ threads: 2, maxPixels: 100_000_000 });
const media = new MediaRepository(100_000_000);
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-render-pool-'));
  await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 30, g: 120, b: 200 }, noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
    .jpeg({ quality: 90 })
    .toFile(file('photo.jpg'));
  await fs.writeFile(file('notes.jpg'), 'just some text, not an image\n'.repeat(20));
});

afterAll(async () => {
  await pool.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const plan: RenderPlan = {
  mask: true,
  crop: { manual: { left: 10, top: 5, right: 20, bottom: 15 } },
  knockout: { corner: 'UpperLeft', tolerance: 0.2, fillMethod: 'FloodFill' },
  usm: { amount: 1.5, radius: 1, threshold: 2, monochrome: 0 },
};

describe('RenderPool', () => {
  it.runIf(process.platform === 'linux')('start() starts its threads before any render', async () => {
    const threads = () => readdirSync('/proc/self/task').length;
    const before = threads();
    const early = new RenderPool({ threads: 2, maxPixels: 100_000_000 });
    try {
      early.start();
      await vi.waitFor(() => expect(threads()).toBeGreaterThanOrEqual(before + 2), { timeout: 10_000, interval: 50 });
    } finally {
      await early.close();
    }
  });

  it('renders in a worker thread exactly what MediaRepository renders in-process', async () => {
    const inThread = await pool.renderDerivatives(file('photo.jpg'), 'jpeg', plan, { ptiff: file('pool.tif'), mask: file('pool.png') });
    const inProcess = await media.renderDerivatives(file('photo.jpg'), 'jpeg', plan, { ptiff: file('main.tif'), mask: file('main.png') });
    expect(inThread).toEqual(inProcess);
    expect(inThread).toMatchObject({ width: 90, height: 60, maskWritten: true });
    const pixels = async (f: string) => sharp(f).raw().toBuffer();
    expect((await pixels(file('pool.tif'))).equals(await pixels(file('main.tif')))).toBe(true);
    expect((await pixels(file('pool.png'))).equals(await pixels(file('main.png')))).toBe(true);
  });

  it('runs renders in parallel threads and keeps each result with its call', async () => {
    const crops = [0, 4, 8, 12, 16, 20];
    const results = await Promise.all(
      crops.map((left, i) =>
        pool.renderDerivatives(
          file('photo.jpg'),
          'jpeg',
          { mask: false, crop: { manual: { left, top: 0, right: 0, bottom: 0 } } },
          { ptiff: file(`par-${i}.tif`) },
        ),
      ),
    );
    expect(results.map((r) => r.width)).toEqual(crops.map((left) => 120 - left));
  });

  it('hands back a file the decoder refuses as UnreadableImageError (the asset fails, no retry)', async () => {
    const err = await pool.renderDerivatives(file('notes.jpg'), 'jpeg', plan, { ptiff: file('x.tif') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableImageError);
    // The threads keep serving after a refused file.
    await expect(pool.renderDerivatives(file('photo.jpg'), 'jpeg', { mask: false }, { ptiff: file('after.tif') })).resolves.toMatchObject({
      width: 120,
      height: 80,
    });
  });

  it('hands back options that cannot apply as RenderOptionError with the same message', async () => {
    const tooMuch: RenderPlan = { mask: false, crop: { manual: { left: 100, top: 0, right: 100, bottom: 0 } } };
    const err = await pool.renderDerivatives(file('photo.jpg'), 'jpeg', tooMuch, { ptiff: file('y.tif') }).catch((e: unknown) => e);
    const direct = await media.renderDerivatives(file('photo.jpg'), 'jpeg', tooMuch, { ptiff: file('z.tif') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderOptionError);
    expect((err as Error).message).toBe((direct as Error).message);
    expect((err as Error).message).toMatch(/manualCropOptions/);
  });

  describe('Image Serving renders (export conversions)', () => {
    const webp: IsRequest = { wid: 60, fmt: { format: 'webp' } };

    it('renders in a worker thread exactly what renderIsImage renders in-process', async () => {
      const inThread = await pool.renderIsImage(file('photo.jpg'), webp, file('pool.webp'), { maxPixels: 100_000 });
      const inProcess = await renderIsImage(file('photo.jpg'), webp, file('main.webp'), { maxPixels: 100_000 });
      expect(inThread).toEqual(inProcess);
      expect(inThread).toMatchObject({ width: 60, height: 40, format: 'webp', extension: 'webp' });
      expect((await fs.readFile(file('pool.webp'))).equals(await fs.readFile(file('main.webp')))).toBe(true);
    });

    it('hands back a refused command as IsCommandError with its command and detail', async () => {
      const req: IsRequest = { ...webp, icc: { profile: 'Missing', intent: 'perceptual', blackpointComp: false, dither: false } };
      const err = await pool.renderIsImage(file('photo.jpg'), req, file('icc.webp'), { maxPixels: 100_000 }).catch((e: unknown) => e);
      const direct = await renderIsImage(file('photo.jpg'), req, file('icc-main.webp'), { maxPixels: 100_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IsCommandError);
      expect(err).toMatchObject({ command: 'icc', detail: (direct as IsCommandError).detail, message: (direct as Error).message });
    });

    it('hands back a reply above MaxPix as IsLimitError and an unreadable file as UnreadableImageError', async () => {
      const big = await pool
        .renderIsImage(file('photo.jpg'), { wid: 1000, fmt: { format: 'webp' } }, file('big.webp'), { maxPixels: 10_000 })
        .catch((e: unknown) => e);
      expect(big).toBeInstanceOf(IsLimitError);
      expect((big as Error).message).toMatch(/MaxPix/);
      const bad = await pool.renderIsImage(file('notes.jpg'), webp, file('bad.webp'), { maxPixels: 100_000 }).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(UnreadableImageError);
    });
  });
});
