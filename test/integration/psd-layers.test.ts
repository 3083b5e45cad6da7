import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Layer, type Psd, writePsdBuffer } from 'ag-psd';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYER_ENGINE } from '../../src/services/psd/psd-layer.service.js';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { uploadPost } from '../support/fixtures.js';

type Rgba = [number, number, number, number];
const solid = (width: number, height: number, rgba: Rgba) => {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(rgba, i * 4);
  return { width, height, data };
};
const pixels = (name: string, left: number, top: number, width: number, height: number, rgba: Rgba, extra: Partial<Layer> = {}): Layer => ({
  name,
  left,
  top,
  imageData: solid(width, height, rgba),
  ...extra,
});

/** 64×48: a red layer, a group "Shirts" holding "Blue", a text layer and a default-named layer, bottom to top. */
const layered: Psd = {
  width: 64,
  height: 48,
  imageData: solid(64, 48, [255, 255, 255, 255]),
  children: [
    pixels('Red', 5, 5, 20, 10, [255, 0, 0, 255]),
    { name: 'Shirts', opened: true, children: [pixels('Blue', 40, 30, 8, 6, [0, 0, 255, 255])] },
    pixels('Caption', 10, 30, 8, 4, [0, 0, 0, 255], { text: { text: 'Spring\rsale' } }),
    pixels('Layer 4', 0, 0, 4, 4, [0, 255, 0, 255]),
  ],
};

async function rgbaAt(file: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(file, { page: 0 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * 4;
  return Array.from(data.subarray(i, i + 4));
}

describe(`photoshopOptions MaintainLayers (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let psdHandle: string;

  const reprocess = async (layerOptions: Record<string, unknown>) => {
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'layers',
        reprocessAssetsJob: {
          assetHandleArray: [psdHandle],
          createMask: false,
          emailSetting: 'None',
          photoshopOptions: { process: 'MaintainLayers', layerOptions },
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return h.client.workflow.getHandle(r.body.jobHandle).result();
  };
  const layers = () =>
    h.ctx.database.db
      .selectFrom('asset_derivations')
      .innerJoin('assets', 'assets.asset_handle', 'asset_derivations.asset_handle')
      .selectAll()
      .where('source_handle', '=', psdHandle)
      .where('engine', '=', LAYER_ENGINE)
      .where('trash_state', '=', 'NotInTrash')
      .orderBy('position')
      .execute();
  const stored = (key: string) => path.join(h.ctx.config.storage.root, key);

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-psd-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const file = path.join(dir, 'Spring Ad.psd');
    await fs.writeFile(file, writePsdBuffer(layered));
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'seed', endJob: true },
      files: [{ path: file }],
      authorization: basic(acme.who),
    });
    await h.client.workflow.getHandle(up.body.jobHandle).result();
    psdHandle = (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, 'spring ad'))!.asset_handle;
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('LayerName: one image asset per layer, cropped to the layer, with its text', async () => {
    expect(await reprocess({ layerNaming: 'LayerName', extractText: true })).toMatchObject({ outcome: 'done', errors: 0 });
    const rows = await layers();
    expect(rows.map((r) => r.name)).toEqual(['Red', 'Blue', 'Caption', 'Spring Ad_4']);
    const red = rows[0]!;
    expect([red.width, red.height]).toEqual([20, 10]);
    expect(await rgbaAt(stored(red.optimized_key!), 0, 0)).toEqual([255, 0, 0, 255]);
    expect(JSON.parse(rows[2]!.data_json!).text).toBe('Spring\nsale');
    // Center anchor of a 20×10 layer.
    expect(JSON.parse(red.data_json!).anchor).toEqual({ x: 10, y: 5 });
  });

  it('AppendNumber, AppendName and Folders name the same layer assets differently, keeping their handles', async () => {
    const handles = (await layers()).map((r) => r.asset_handle);
    await reprocess({ layerNaming: 'AppendNumber' });
    expect((await layers()).map((r) => r.name)).toEqual(['Spring Ad_1', 'Spring Ad_2', 'Spring Ad_3', 'Spring Ad_4']);
    expect((await layers()).map((r) => r.asset_handle)).toEqual(handles);
    await reprocess({ layerNaming: 'AppendName' });
    expect((await layers()).map((r) => r.name)).toEqual(['Spring Ad_Red', 'Spring Ad_Blue', 'Spring Ad_Caption', 'Spring Ad_4']);
    await reprocess({ layerNaming: 'Folders' });
    const rows = await layers();
    const psd = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, psdHandle))!;
    expect(rows.map((r) => `${r.folder}${r.name}`)).toEqual([
      `${psd.folder}Spring Ad/Red`,
      `${psd.folder}Spring Ad/Shirts/Blue`,
      `${psd.folder}Spring Ad/Caption`,
      `${psd.folder}Spring Ad/Spring Ad_4`,
    ]);
  });

  it('extendLayers places each layer on the full canvas; createTemplate records where every layer goes', async () => {
    await reprocess({ layerNaming: 'LayerName', extendLayers: true, createTemplate: true, anchor: 'Northwest' });
    const rows = await layers();
    const blue = rows[1]!;
    expect([blue.width, blue.height]).toEqual([64, 48]);
    expect(await rgbaAt(stored(blue.optimized_key!), 40, 30)).toEqual([0, 0, 255, 255]);
    expect((await rgbaAt(stored(blue.optimized_key!), 0, 0))[3]).toBe(0);
    const template = await h.ctx.database.db
      .selectFrom('asset_derivations')
      .selectAll()
      .where('source_handle', '=', psdHandle)
      .where('engine', '=', 'PsdTemplate')
      .executeTakeFirstOrThrow();
    const asset = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, template.asset_handle))!;
    expect(asset).toMatchObject({ type: 'PsdTemplate', name: 'Spring Ad_template', width: 64, height: 48 });
    const spec = JSON.parse(template.data_json!);
    expect(spec).toMatchObject({ width: 64, height: 48, anchor: 'Northwest', extendLayers: true });
    expect(spec.layers.map((l: { name: string }) => l.name)).toEqual(rows.map((r) => r.name));
    expect(await h.ctx.repositories.derivations.members(template.asset_handle)).toEqual(rows.map((r) => r.asset_handle));
  });

  it('marks the layers and the template per readyForPublish and preservePublishState, the company setting standing in for an absent one', async () => {
    const run = async (psd: string, options: Record<string, unknown>) => {
      const layerOptions = { layerNaming: 'LayerName', createTemplate: true };
      const r = await h.api(
        'submitJob',
        {
          companyHandle: acme.companyHandle,
          jobName: 'layers',
          reprocessAssetsJob: {
            assetHandleArray: [psd],
            createMask: false,
            emailSetting: 'None',
            photoshopOptions: { process: 'MaintainLayers', layerOptions },
            ...options,
          },
        },
        acme.who,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(await h.client.workflow.getHandle(r.body.jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
    };
    const flags = async (psd: string) => {
      const byproducts = await h.ctx.database.db
        .selectFrom('asset_derivations')
        .innerJoin('assets', 'assets.asset_handle', 'asset_derivations.asset_handle')
        .select(['engine', 'ready_for_publish'])
        .where('source_handle', '=', psd)
        .where('trash_state', '=', 'NotInTrash')
        .orderBy('engine')
        .orderBy('position')
        .execute();
      return {
        psd: (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, psd))!.ready_for_publish,
        byproducts: byproducts.map((b) => `${b.engine}:${b.ready_for_publish}`),
      };
    };
    const retain = async (retainPublishState: boolean) =>
      expect((await h.api('setCompanySettings', { companyHandle: acme.companyHandle, retainPublishState })).status).toBe(200);

    await run(psdHandle, { readyForPublish: false });
    expect(await flags(psdHandle)).toEqual({
      psd: 0,
      byproducts: ['PhotoshopLayers:0', 'PhotoshopLayers:0', 'PhotoshopLayers:0', 'PhotoshopLayers:0', 'PsdTemplate:0'],
    });
    const red = (await layers())[0]!.asset_handle;
    expect(
      (await h.api('setAssetPublishState', { companyHandle: acme.companyHandle, assetHandle: red, publishState: 'MarkedForPublish' }, acme.who)).status,
    ).toBe(200);
    await run(psdHandle, { readyForPublish: true, preservePublishState: true });
    expect(await flags(psdHandle)).toEqual({
      psd: 0,
      byproducts: ['PhotoshopLayers:1', 'PhotoshopLayers:0', 'PhotoshopLayers:0', 'PhotoshopLayers:0', 'PsdTemplate:0'],
    });

    // With the company's retainPublishState on, an absent preservePublishState keeps what exists; new layers and template get readyForPublish.
    await retain(true);
    await run(psdHandle, { readyForPublish: true });
    expect(await flags(psdHandle)).toEqual({
      psd: 0,
      byproducts: ['PhotoshopLayers:1', 'PhotoshopLayers:0', 'PhotoshopLayers:0', 'PhotoshopLayers:0', 'PsdTemplate:0'],
    });
    const file = path.join(dir, 'Fall Ad.psd');
    await fs.writeFile(file, writePsdBuffer(layered));
    const up = await uploadPost(h.baseUrl, {
      params: {
        companyHandle: acme.companyHandle,
        jobName: 'fall',
        endJob: true,
        uploadParams: { overwrite: true, readyForPublish: false, createMask: false, emailSetting: 'None' },
      },
      files: [{ path: file }],
      authorization: basic(acme.who),
    });
    await h.client.workflow.getHandle(up.body.jobHandle).result();
    const fall = (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, 'fall ad'))!.asset_handle;
    await run(fall, { readyForPublish: true });
    expect(await flags(fall)).toEqual({
      psd: 0,
      byproducts: ['PhotoshopLayers:1', 'PhotoshopLayers:1', 'PhotoshopLayers:1', 'PhotoshopLayers:1', 'PsdTemplate:1'],
    });
    await retain(false);
  });
});
