import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeByproducts, writeBrochurePdf, writePosterPsd } from '../support/byproduct-sources.js';
import { makePng } from '../support/fixtures.js';

interface Asset {
  assetHandle: string;
  name: string;
  type: string;
}
interface Generation {
  engine: string;
  originator: Asset;
  generated: Asset;
}
interface Associations {
  containerArray: { items: Asset[] };
  memberArray: { items: Asset[] };
  derivedArray: { items: Asset[] };
  generatorArray: { items: Generation[] };
  generatedArray: { items: Generation[] };
}

/**
 * getAssociatedAssets over what a real reprocess job made: a two-page PDF's
 * pages and eCatalog (a set of the pages), a PSD's layer images and template;
 * both directions, the trash, and company isolation.
 */
describe(`getAssociatedAssets (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let other: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string> = {};
  let otherHandles: Record<string, string> = {};

  const associated = async (assetHandle: string, who = acme, extra: Record<string, unknown> = {}) => {
    const r = await h.api('getAssociatedAssets', { companyHandle: who.companyHandle, assetHandle, ...extra }, who.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as Associations;
  };
  const names = (items: Asset[]) => items.map((a) => a.name);
  const generations = (items: Generation[]) => items.map((g) => `${g.engine}: ${g.originator.name} -> ${g.generated.name}`);

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-associations-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    other = await companyWithUser(h, 'Other', 'IpsUser');
    const pdf = await writeBrochurePdf(dir);
    const psd = await writePosterPsd(dir);
    const seeded = await seedAssets(h, acme, [{ path: pdf }, { path: psd }, { path: await makePng(path.join(dir, 'logo.png'), 64, 48) }]);
    otherHandles = await seedAssets(h, other, [{ path: await makePng(path.join(dir, 'stranger.png'), 64, 48) }]);
    await makeByproducts(h, acme, [seeded.brochure, seeded.poster]);
    const rows = await h.ctx.database.db.selectFrom('assets').select(['name', 'asset_handle']).where('company_handle', '=', acme.companyHandle).execute();
    handles = Object.fromEntries(rows.map((r) => [r.name, r.asset_handle]));
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("a PDF's generatedArray lists its pages and eCatalog, each GenerationInfo naming the rip", async () => {
    const r = await associated(handles.brochure!);
    expect(generations(r.generatedArray.items).sort()).toEqual([
      'PostScriptRip: brochure -> brochure_1',
      'PostScriptRip: brochure -> brochure_2',
      'PostScriptRip: brochure -> brochure_eCatalog',
    ]);
    expect(r.generatedArray.items[0]!.originator).toMatchObject({ assetHandle: handles.brochure, type: 'Pdf' });
    expect(r).toMatchObject({ containerArray: { items: [] }, memberArray: { items: [] }, derivedArray: { items: [] }, generatorArray: { items: [] } });
  });

  it("a page's generatorArray and derivedArray name the PDF, and its containerArray the eCatalog", async () => {
    const r = await associated(handles.brochure_1!);
    expect(generations(r.generatorArray.items)).toEqual(['PostScriptRip: brochure -> brochure_1']);
    expect(r.generatorArray.items[0]!.generated).toMatchObject({ assetHandle: handles.brochure_1, type: 'Image' });
    expect(names(r.derivedArray.items)).toEqual(['brochure']);
    expect(names(r.containerArray.items)).toEqual(['brochure_eCatalog']);
    expect(r.generatedArray.items).toEqual([]);
  });

  it("the eCatalog's memberArray lists the pages in order", async () => {
    const r = await associated(handles.brochure_eCatalog!);
    expect(names(r.memberArray.items)).toEqual(['brochure_1', 'brochure_2']);
    expect(names(r.derivedArray.items)).toEqual(['brochure']);
  });

  it("a PSD's layers and template, and the template's members", async () => {
    const psd = await associated(handles.poster!);
    expect(generations(psd.generatedArray.items).sort()).toEqual([
      'PhotoshopLayers: poster -> Blue',
      'PhotoshopLayers: poster -> Red',
      'PhotoshopLayers: poster -> poster_template',
    ]);
    const template = await associated(handles.poster_template!);
    expect(names(template.memberArray.items).sort()).toEqual(['Blue', 'Red']);
    expect(names((await associated(handles.Red!)).containerArray.items)).toEqual(['poster_template']);
  });

  it('an asset with no associations gets five empty arrays', async () => {
    expect(await associated(handles.logo!)).toEqual({
      containerArray: { items: [] },
      memberArray: { items: [] },
      derivedArray: { items: [] },
      generatorArray: { items: [] },
      generatedArray: { items: [] },
    });
  });

  it('refuses responseFieldArray and excludeFieldArray with 30001 naming them', async () => {
    for (const field of ['responseFieldArray', 'excludeFieldArray']) {
      const r = await h.api(
        'getAssociatedAssets',
        { companyHandle: acme.companyHandle, assetHandle: handles.brochure, [field]: { items: ['generatedArray/items/originator'] } },
        acme.who,
      );
      expect(r.body).toMatchObject({ code: FaultCode.InvalidParameter, field });
    }
  });

  it("another company's assets never appear, and its handles are unknown", async () => {
    // A membership row pointing across companies (no operation makes one) is still not shown.
    await h.ctx.database.db
      .insertInto('asset_set_members')
      .values({ set_handle: handles.brochure_eCatalog!, position: 99, member_handle: otherHandles.stranger! })
      .execute();
    expect(names((await associated(handles.brochure_eCatalog!)).memberArray.items)).toEqual(['brochure_1', 'brochure_2']);
    expect((await associated(otherHandles.stranger!, other)).containerArray.items).toEqual([]);
    const r = await h.api('getAssociatedAssets', { companyHandle: other.companyHandle, assetHandle: handles.brochure }, other.who);
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'assetHandle' });
    await h.ctx.database.db.deleteFrom('asset_set_members').where('member_handle', '=', otherHandles.stranger!).execute();
  });

  it('trashed assets are left out; a trashed asset can still be asked about', async () => {
    const del = await h.api('deleteAsset', { companyHandle: acme.companyHandle, assetHandle: handles.brochure_2 }, acme.who);
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(generations((await associated(handles.brochure!)).generatedArray.items).sort()).toEqual([
      'PostScriptRip: brochure -> brochure_1',
      'PostScriptRip: brochure -> brochure_eCatalog',
    ]);
    expect(names((await associated(handles.brochure_eCatalog!)).memberArray.items)).toEqual(['brochure_1']);
    const trashed = await associated(handles.brochure_2!);
    expect(names(trashed.derivedArray.items)).toEqual(['brochure']);
    expect(trashed.generatorArray.items[0]!.generated).toMatchObject({ assetHandle: handles.brochure_2, trashState: 'InTrash' });

    const delPdf = await h.api('deleteAsset', { companyHandle: acme.companyHandle, assetHandle: handles.brochure }, acme.who);
    expect(delPdf.status, JSON.stringify(delPdf.body)).toBe(200);
    expect((await associated(handles.brochure!)).generatedArray.items).toEqual([]);
  });
});
