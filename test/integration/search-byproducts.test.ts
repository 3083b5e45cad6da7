import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeByproducts, writeBrochurePdf, writePosterPsd } from '../support/byproduct-sources.js';
import { makePng, uploadPost } from '../support/fixtures.js';

describe(`searchAssets excludeByproducts / excludeByproductArray (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;

  const search = async (extra: Record<string, unknown>) => {
    const r = await h.api('searchAssets', { companyHandle: acme.companyHandle, includeSubfolders: true, ...extra }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { totalRows: number; assetArray: { items: Array<{ assetHandle: string; name: string; type: string }> } };
  };
  const names = async (extra: Record<string, unknown>) => {
    const r = await search(extra);
    const found = r.assetArray.items.map((a) => a.name);
    expect(r.totalRows).toBe(found.length);
    return found.sort();
  };

  const uploads = ['brochure', 'logo', 'poster'];
  const pages = ['brochure_1', 'brochure_2'];
  const catalog = ['brochure_eCatalog'];
  const layers = ['Blue', 'Red'];
  const template = ['poster_template'];
  const sorted = (...groups: string[][]) => groups.flat().sort();

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-byproducts-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const pdf = await writeBrochurePdf(dir);
    const psd = await writePosterPsd(dir);
    const png = await makePng(path.join(dir, 'logo.png'), 64, 48);
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'seed', endJob: true },
      files: [{ path: pdf }, { path: psd }, { path: png }],
      authorization: basic(acme.who),
    });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    await h.client.workflow.getHandle(up.body.jobHandle).result();

    // The byproducts come from a real reprocess job: pages and eCatalog from the rip, layer images and template from the PSD.
    const uploaded = await search({});
    const handleOf = (name: string) => uploaded.assetArray.items.find((a) => a.name === name)!.assetHandle;
    await makeByproducts(h, acme, [handleOf('brochure'), handleOf('poster')]);
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('returns byproducts by default and with excludeByproducts false', async () => {
    const all = sorted(uploads, pages, catalog, layers, template);
    expect(await names({})).toEqual(all);
    expect(await names({ excludeByproducts: false })).toEqual(all);
    const types = Object.fromEntries((await search({})).assetArray.items.map((a) => [a.name, a.type]));
    expect(types).toMatchObject({ brochure_1: 'Image', Red: 'Image', brochure_eCatalog: 'Catalog', poster_template: 'PsdTemplate' });
  });

  it('excludeByproducts hides page and layer images but keeps the eCatalog and the template', async () => {
    expect(await names({ excludeByproducts: true })).toEqual(sorted(uploads, catalog, template));
  });

  it('an excludeByproductArray condition hides only what that engine made with that type', async () => {
    expect(await names({ excludeByproductArray: [{ engine: 'PostScriptRip', generatedAssetType: 'Image' }] })).toEqual(
      sorted(uploads, catalog, layers, template),
    );
    expect(await names({ excludeByproductArray: { items: [{ engine: 'PhotoshopLayers', generatedAssetType: 'Image' }] } })).toEqual(
      sorted(uploads, pages, catalog, template),
    );
    expect(
      await names({
        excludeByproductArray: [
          { engine: 'PostScriptRip', generatedAssetType: 'Catalog' },
          { engine: 'PhotoshopLayers', generatedAssetType: 'PsdTemplate' },
        ],
      }),
    ).toEqual(sorted(uploads, pages, layers));
    // The type must match the byproduct: rip conditions never touch the uploaded PDF or PNG.
    expect(
      await names({
        excludeByproductArray: [
          { engine: 'PostScriptRip', generatedAssetType: 'Pdf' },
          { engine: 'ImageConvert', generatedAssetType: 'Image' },
        ],
      }),
    ).toEqual(sorted(uploads, pages, catalog, layers, template));
  });

  it('excludeByproductArray overrides excludeByproducts, even when empty', async () => {
    expect(await names({ excludeByproducts: true, excludeByproductArray: [{ engine: 'PostScriptRip', generatedAssetType: 'Image' }] })).toEqual(
      sorted(uploads, catalog, layers, template),
    );
    expect(await names({ excludeByproducts: true, excludeByproductArray: [] })).toEqual(sorted(uploads, pages, catalog, layers, template));
  });

  it('counts totalRows after the filter, not after paging', async () => {
    const page = await search({ excludeByproducts: true, recordsPerPage: 2, resultsPage: 2, sortBy: 'Name' });
    expect(page.totalRows).toBe(5);
    expect(page.assetArray.items.map((a) => a.name)).toEqual(sorted(uploads, catalog, template).slice(2, 4));
  });

  it('names a bad engine or asset type in a 400 fault', async () => {
    const engine = await h.api(
      'searchAssets',
      { companyHandle: acme.companyHandle, includeSubfolders: true, excludeByproductArray: [{ engine: 'Ghostscript', generatedAssetType: 'Image' }] },
      acme.who,
    );
    expect(engine.status).toBe(400);
    expect(engine.body).toMatchObject({ fault: 'ipsApiFault', code: 30001, field: 'excludeByproductArray[0].engine' });
    expect(engine.body.reason).toBe(
      "excludeByproductArray[0].engine: expected one of PhotoshopLayers, PostScriptRip, ImageConvert, SceneAuthoring, Aco, received 'Ghostscript'",
    );
    const type = await h.api(
      'searchAssets',
      { companyHandle: acme.companyHandle, includeSubfolders: true, excludeByproductArray: [{ engine: 'PostScriptRip', generatedAssetType: 'Page' }] },
      acme.who,
    );
    expect(type.status).toBe(400);
    expect(type.body).toMatchObject({ code: 30001, field: 'excludeByproductArray[0].generatedAssetType' });
    expect(type.body.reason).toMatch(/expected one of Aco, .*Image.*, received 'Page'$/);
  });
});
