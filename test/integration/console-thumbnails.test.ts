import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderIsImage } from '../../src/adapters/media/image-serving/is-renderer.js';
import { ThumbnailCache } from '../../src/adapters/storage/thumbnail-cache.js';
import { loadConfig } from '../../src/config/config.js';
import { IpsFault } from '../../src/domain/faults.js';
import { ConsoleThumbnailService, type ThumbnailReply } from '../../src/services/console/console-thumbnails.service.js';
import { squarePdf } from '../support/fixtures.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeClip } from '../support/seed-video.js';

/** Left half red, right half blue: a crop to the left half changes both the size and the colours. */
async function halves(file: string, width: number, height: number): Promise<string> {
  const half = (fill: string) => Buffer.from(`<svg width="${width / 2}" height="${height}"><rect width="100%" height="100%" fill="${fill}"/></svg>`);
  await sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite([
      { input: half('rgb(255,0,0)'), left: 0, top: 0 },
      { input: half('rgb(0,0,255)'), left: width / 2, top: 0 },
    ])
    .png()
    .toFile(file);
  return file;
}

async function jpeg(reply: ThumbnailReply): Promise<{ format: string; width: number; height: number; rgb: (x: number, y: number) => number[] }> {
  expect(reply.status).toBe(200);
  expect(reply.headers['Content-Type']).toBe('image/jpeg');
  const bytes = reply.body as Buffer;
  const meta = await sharp(bytes).metadata();
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const rgb = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
  return { format: meta.format, width: info.width, height: info.height, rgb };
}

/** JPEG is lossy: a flat colour comes back within a few levels. */
const near = (actual: number[], expected: number[]) =>
  expected.forEach((v, i) => expect(Math.abs(actual[i]! - v), `${actual} vs ${expected}`).toBeLessThan(24));

async function folderBytes(dir: string): Promise<{ names: string[]; bytes: number }> {
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.jpg'));
  const sizes = await Promise.all(names.map(async (n) => (await fs.stat(path.join(dir, n))).size));
  return { names, bytes: sizes.reduce((a, b) => a + b, 0) };
}

describe(`console thumbnails (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let globex: Awaited<ReturnType<typeof companyWithUser>>;
  let assets: Record<string, string>;
  let foreign: string;
  let renders = 0;

  /** A service of its own over a cache folder of its own, counting the renders it asks for. */
  const service = (cacheDir: string, maxBytes = 256 * 1024 ** 2) =>
    new ConsoleThumbnailService({
      ...h.ctx.repositories,
      storage: h.ctx.storage,
      renderIsImage: async (...args: Parameters<typeof renderIsImage>) => {
        renders += 1;
        return renderIsImage(...args);
      },
      thumbnailCache: new ThumbnailCache(cacheDir, maxBytes),
      thumbnails: { maxPixels: 100_000_000 },
    });

  const reprocess = async (assetHandles: string[], options: Record<string, unknown>) => {
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'rp',
        reprocessAssetsJob: { assetHandleArray: assetHandles, createMask: false, emailSetting: 'None', ...options },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    return r.body.jobHandle as string;
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-thumbs-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    globex = await companyWithUser(h, 'Globex', 'IpsUser');
    const files = [
      await halves(path.join(dir, 'photo.png'), 640, 480),
      await halves(path.join(dir, 'cropme.png'), 640, 480),
      await halves(path.join(dir, 'broken.png'), 200, 100),
      await squarePdf(path.join(dir, 'leaflet.pdf'), ['one']),
      await makeClip(path.join(dir, 'clip.mp4'), { seconds: 1, audio: false }),
    ];
    assets = await seedAssets(
      h,
      acme,
      files.map((f) => ({ path: f })),
    );
    foreign = (await seedAssets(h, globex, [{ path: await halves(path.join(dir, 'theirs.png'), 200, 100) }])).theirs!;
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('renders a JPEG of the asked size once, then serves it from the disk cache', async () => {
    const cacheDir = path.join(dir, 'cache-a');
    const thumbs = service(cacheDir);
    const before = renders;
    const first = await thumbs.assetThumbnail([acme.companyHandle], assets.photo!, 160);
    const image = await jpeg(first);
    expect([image.format, image.width, image.height]).toEqual(['jpeg', 160, 120]);
    near(image.rgb(20, 60), [255, 0, 0]);
    near(image.rgb(140, 60), [0, 0, 255]);
    expect(first.kind).toBe('image');
    expect(first.headers['Cache-Control']).toBe('private, max-age=3600');
    expect(renders - before).toBe(1);

    const again = await thumbs.assetThumbnail([acme.companyHandle], assets.photo!, 160);
    // A fresh service over the same folder: the picture comes from disk, not from the first service's memory.
    const fresh = await service(cacheDir).assetThumbnail([acme.companyHandle], assets.photo!, 160);
    expect(renders - before).toBe(1);
    expect(Buffer.compare(again.body as Buffer, first.body as Buffer)).toBe(0);
    expect(Buffer.compare(fresh.body as Buffer, first.body as Buffer)).toBe(0);
    expect(fresh.headers.ETag).toBe(first.headers.ETag);
    expect((await folderBytes(cacheDir)).names).toEqual([`${first.headers.ETag!.slice(1, -1)}.jpg`]);

    // Other sizes are other renders; an IpsAdmin (no scope) sees every company's assets.
    expect(await jpeg(await thumbs.assetThumbnail(undefined, assets.photo!, 320))).toMatchObject({ width: 320, height: 240 });
    expect(await jpeg(await thumbs.assetThumbnail(undefined, foreign, 96))).toMatchObject({ width: 96, height: 48 });
    expect(renders - before).toBe(3);
  });

  it('the wired service keeps its cache under DATA_DIR/console-thumbnails', async () => {
    const reply = await h.ctx.services.consoleThumbnails.assetThumbnail([acme.companyHandle], assets.photo!, 96);
    expect(await jpeg(reply)).toMatchObject({ width: 96, height: 72 });
    expect(h.ctx.config.consoleThumbnails.cacheDir).toBe(path.join(h.ctx.config.dataDir, 'console-thumbnails'));
    expect((await folderBytes(h.ctx.config.consoleThumbnails.cacheDir)).names).toContain(`${reply.headers.ETag!.slice(1, -1)}.jpg`);
  });

  it('answers 304 to a matching If-None-Match, without rendering', async () => {
    const thumbs = service(path.join(dir, 'cache-b'));
    const first = await thumbs.assetThumbnail([acme.companyHandle], assets.photo!, 96);
    const etag = first.headers.ETag!;
    const before = renders;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const reply = await thumbs.assetThumbnail([acme.companyHandle], assets.photo!, 96, header);
      expect(reply).toMatchObject({ status: 304, body: '', kind: 'not-modified', headers: { ETag: etag, 'Cache-Control': 'private, max-age=3600' } });
    }
    expect(renders).toBe(before);
    expect((await thumbs.assetThumbnail([acme.companyHandle], assets.photo!, 96, '"other"')).status).toBe(200);
  });

  it("another company's asset answers exactly as an unknown one", async () => {
    const thumbs = service(path.join(dir, 'cache-c'));
    const theirs = await thumbs.assetThumbnail([acme.companyHandle], foreign, 160);
    const unknown = await thumbs.assetThumbnail([acme.companyHandle], 'a|no-such-asset', 160);
    expect(theirs).toEqual(unknown);
    expect(theirs).toMatchObject({ status: 404, kind: 'not-found' });
    // Theirs in their own scope.
    expect((await thumbs.assetThumbnail([globex.companyHandle], foreign, 160)).status).toBe(200);
  });

  it('refuses a size other than 96, 160 and 320, naming size', async () => {
    const thumbs = service(path.join(dir, 'cache-d'));
    for (const size of [0, 100, 640, 160.5]) {
      const err = await thumbs.assetThumbnail([acme.companyHandle], assets.photo!, size).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IpsFault);
      expect(err).toMatchObject({ field: 'size', message: `size: expected one of 96, 160, 320 (pixels), received ${size}` });
    }
  });

  it('a PDF or video without a thumbnail answers "none" (the view shows an icon)', async () => {
    const thumbs = service(path.join(dir, 'cache-e'));
    for (const name of ['leaflet', 'clip']) {
      const row = await h.ctx.repositories.assets.findByHandle(acme.companyHandle, assets[name]!);
      expect(row?.optimized_key, name).toBeNull();
      expect(await thumbs.assetThumbnail([acme.companyHandle], assets[name]!, 160)).toEqual({
        status: 204,
        headers: { 'Cache-Control': 'no-store' },
        body: '',
        kind: 'none',
      });
    }
  });

  it('a broken or missing stored file answers "unreadable", never a failure', async () => {
    const thumbs = service(path.join(dir, 'cache-f'));
    const row = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, assets.broken!))!;
    const garbage = path.join(dir, 'garbage.ptif');
    await fs.writeFile(garbage, 'II*\0 this is not a TIFF');
    await h.ctx.storage.putFile(row.optimized_key!, garbage);
    expect(await thumbs.assetThumbnail([acme.companyHandle], assets.broken!, 96)).toMatchObject({ status: 422, kind: 'unreadable' });
    await h.ctx.storage.delete(row.optimized_key!);
    expect(await thumbs.assetThumbnail([acme.companyHandle], assets.broken!, 160)).toMatchObject({ status: 422, kind: 'unreadable' });
    expect(await fs.readdir(path.join(dir, 'cache-f'))).toEqual([]);
  });

  it("a reprocessed image's before (its original) and after (the job's pyramid) are both pictures, and differ", async () => {
    const thumbs = service(path.join(dir, 'cache-g'));
    // manualCropOptions give the pixels cut from each side: right 320 keeps the red left half.
    const jobHandle = await reprocess([assets.cropme!], { manualCropOptions: { left: 0, top: 0, right: 320, bottom: 0 } });
    const scope = [acme.companyHandle];
    expect(await thumbs.beforeAfter(scope, jobHandle, assets.cropme!)).toMatchObject({ state: 'ready' });

    const before = await jpeg(await thumbs.beforeAfterThumbnail(scope, jobHandle, assets.cropme!, 'before', 160));
    const after = await jpeg(await thumbs.beforeAfterThumbnail(scope, jobHandle, assets.cropme!, 'after', 160));
    expect([before.width, before.height]).toEqual([160, 120]);
    // The left half, 320×480, fits 160 pixels high.
    expect([after.width, after.height]).toEqual([107, 160]);
    near(before.rgb(140, 60), [0, 0, 255]);
    near(after.rgb(100, 80), [255, 0, 0]);

    // The pair is the job's, in the job's company, for its items only.
    expect(await thumbs.beforeAfter([globex.companyHandle], jobHandle, assets.cropme!)).toBeUndefined();
    expect(await thumbs.beforeAfterThumbnail([globex.companyHandle], jobHandle, assets.cropme!, 'after', 160)).toMatchObject({ status: 404 });
    expect(await thumbs.beforeAfterThumbnail(scope, jobHandle, assets.photo!, 'after', 160)).toMatchObject({ status: 404 });
    expect(await thumbs.beforeAfterThumbnail(scope, 'j|no-such-job', assets.cropme!, 'before', 160)).toMatchObject({ status: 404 });
    const err = await thumbs.beforeAfterThumbnail(scope, jobHandle, assets.cropme!, 'after', 161).catch((e: unknown) => e);
    expect(err).toMatchObject({ field: 'size' });

    // A later job replaces the pyramid (and deletes this job's): this job's pair is gone, the later one's is there.
    const later = await reprocess([assets.cropme!], { preserveCrop: false });
    expect(await thumbs.beforeAfter(scope, jobHandle, assets.cropme!)).toEqual({ state: 'superseded' });
    expect(await thumbs.beforeAfterThumbnail(scope, jobHandle, assets.cropme!, 'after', 160)).toMatchObject({ status: 410, kind: 'superseded' });
    expect(await jpeg(await thumbs.beforeAfterThumbnail(scope, later, assets.cropme!, 'after', 160))).toMatchObject({ width: 160, height: 120 });
  });

  it('keeps the cache within CONSOLE_THUMBNAIL_CACHE_BYTES, least recently used out first', async () => {
    // The sizes of the three renders, from an unbounded cache.
    const sized = service(path.join(dir, 'cache-h'));
    const size = async (edge: number) => ((await sized.assetThumbnail(undefined, assets.photo!, edge)).body as Buffer).length;
    const [s96, s160, s320] = [await size(96), await size(160), await size(320)];

    // Room for the two larger ones, never all three.
    const bounded = loadConfig({ DATA_DIR: path.join(dir, 'bounded'), CONSOLE_THUMBNAIL_CACHE_BYTES: String(s160 + s320 - 1) }).consoleThumbnails;
    const thumbs = service(bounded.cacheDir, bounded.cacheMaxBytes);
    const etags: string[] = [];
    for (const edge of [96, 160, 320]) {
      const reply = await thumbs.assetThumbnail(undefined, assets.photo!, edge);
      expect(reply.status).toBe(200);
      etags.push(`${reply.headers.ETag!.slice(1, -1)}.jpg`);
      expect((await folderBytes(bounded.cacheDir)).bytes).toBeLessThanOrEqual(bounded.cacheMaxBytes);
    }
    const { names } = await folderBytes(bounded.cacheDir);
    expect(names).toContain(etags[2]);
    expect(names).not.toContain(etags[0]);
    expect(s96).toBeLessThan(s320);
  });
});
