import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg } from '../support/fixtures.js';

interface Detail {
  logType: string;
  logMessage: string;
  assetName?: string;
}

/**
 * Publishes and the trash (docs/assets.md#interplay-with-jobs): a trashed
 * asset is never published; what was served for it stays served until a
 * publish that withdraws (a Full Image Serving publish, any Image Rendering or
 * server-directory publish), while an Incremental one leaves it; a restored
 * asset is published again by the next publish.
 */
describe(`publishes and the trash (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;
  let root: string;

  const is = async (name: string) => (await fetch(`${h.baseUrl}/is/image/Acme/${name}`)).status;
  const served = (name: string) => h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles[name]!);
  const inContext = (context: 'ImageRendering' | 'ServerDirectory', name: string) =>
    h.ctx.repositories.contextPublications.find(acme.companyHandle, context, handles[name]!);
  const onDisk = (file: string) =>
    fs.stat(path.join(root, file)).then(
      () => true,
      () => false,
    );
  const call = (operation: string, body: Record<string, unknown>) => h.api(operation, { companyHandle: acme.companyHandle, ...body }, acme.who);

  /** Runs a publish job to the end; the rows naming an asset, as [name, message]. */
  async function publish(element: string, options: Record<string, unknown> = {}) {
    const r = await call('submitJob', { jobName: element, [element]: { emailSetting: 'None', ...options } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const outcome = await h.client.workflow.getHandle(r.body.jobHandle).result();
    expect(outcome).toMatchObject({ outcome: 'done', errors: 0 });
    const log = (await call('getJobLogDetails', { jobHandle: r.body.jobHandle, recordsPerPage: 1000 })).body.jobLogArray.items[0];
    return (log.detailArray.items as Detail[]).filter((d) => d.assetName && d.logType.endsWith('Success')).map((d) => [d.assetName, d.logMessage]);
  }
  const namesIn = (rows: Array<Array<string | undefined>>) => rows.map(([name]) => name).sort();

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-pubtrash-'));
    root = h.ctx.config.serverPublishRoot;
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    handles = await seedAssets(
      h,
      acme,
      await Promise.all(['keep', 'gone', 'never'].map(async (n) => ({ path: await makeJpeg(path.join(dir, `${n}.jpg`), 200, 150) }))),
    );
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('publishes refuse a trashed asset: trashed before its first publish, no context ever publishes it', async () => {
    expect((await call('deleteAssets', { assetHandleArray: [handles.never] })).body).toMatchObject({ successCount: 1 });
    expect(namesIn(await publish('imageServingPublishJob', { publishType: 'Full' }))).toEqual(['gone', 'keep']);
    expect(namesIn(await publish('imageRenderingPublishJob'))).toEqual(['gone', 'keep']);
    expect(namesIn(await publish('serverDirectoryPublishJob'))).toEqual(['gone', 'keep']);
    expect(await is('never')).toBe(404);
    expect([await served('never'), await inContext('ImageRendering', 'never'), await inContext('ServerDirectory', 'never')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(await onDisk('Acme/never.jpg')).toBe(false);
    // Nor can its publish state be changed, nor a republish forced, while it is in the trash.
    expect((await call('setAssetPublishState', { assetHandle: handles.never, publishState: 'MarkedForPublish' })).status).toBe(400);
    expect((await call('forceRepublishAssets', { assetHandleArray: [handles.never] })).body).toMatchObject({ errorCount: 1 });
  });

  it('an Incremental Image Serving publish leaves a trashed asset served; a Full one withdraws it (404, its record gone)', async () => {
    expect(await is('gone')).toBe(200);
    expect((await call('deleteAssets', { assetHandleArray: [handles.gone] })).body).toMatchObject({ successCount: 1 });
    // Trashing withdraws nothing by itself: delivery reads what was published.
    expect(await is('gone')).toBe(200);

    expect(await publish('imageServingPublishJob', { publishType: 'Incremental' })).toEqual([]);
    expect(await is('gone')).toBe(200);
    expect(await served('gone')).toBeDefined();

    const full = await publish('imageServingPublishJob', { publishType: 'Full' });
    expect(full).toContainEqual(['gone', expect.stringContaining('gone was unpublished')]);
    expect(await is('gone')).toBe(404);
    expect(await served('gone')).toBeUndefined();
    expect(await is('keep')).toBe(200);
    expect(
      (await call('getAssetPublishHistory', { assetHandle: handles.gone })).body.pubHistoryArray.items.map((e: { contextName: string }) => e.contextName),
    ).toEqual(['ImageRendering', 'ServerDirectory']);
  });

  it('the next Image Rendering and server-directory publishes withdraw it too, its files removed from the directory', async () => {
    expect(await onDisk('Acme/gone.jpg')).toBe(true);
    expect(await publish('imageRenderingPublishJob')).toContainEqual(['gone', expect.stringContaining('gone was unpublished')]);
    expect(await inContext('ImageRendering', 'gone')).toBeUndefined();
    expect(await publish('serverDirectoryPublishJob')).toContainEqual(['gone', expect.stringContaining('gone was unpublished')]);
    expect(await inContext('ServerDirectory', 'gone')).toBeUndefined();
    expect([await onDisk('Acme/gone.jpg'), await onDisk('Acme/gone.ptif'), await onDisk('Acme/keep.jpg')]).toEqual([false, false, true]);
    expect((await call('getAssetPublishHistory', { assetHandle: handles.gone })).body.pubHistoryArray.items).toEqual([]);
  });

  it('a restored asset is published again by the next publish', async () => {
    expect((await call('restoreAssetsFromTrash', { assetHandleArray: [handles.gone] })).body).toMatchObject({ successCount: 1 });
    expect(await publish('imageServingPublishJob', { publishType: 'Incremental' })).toEqual([['gone', expect.stringContaining('gone was published')]]);
    expect(await is('gone')).toBe(200);
  });
});
