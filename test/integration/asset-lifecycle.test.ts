import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg, makePng, squarePdf } from '../support/fixtures.js';

/** getAssetsByName, checkAssetNames, renameAsset and the trash (docs/assets.md). */
describe(`asset names, rename and trash (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;

  const call = async (operation: string, body: Record<string, unknown>) => h.api(operation, { companyHandle: acme.companyHandle, ...body }, acme.who);
  const row = async (handle: string) => (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handle))!;
  const namesOf = (r: { body: any }) => (r.body.assetArray.items as Array<{ name: string }>).map((a) => a.name);

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-life-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    handles = await seedAssets(h, acme, [
      { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 200, 150) },
      { path: await makePng(path.join(dir, 'Shoe.png'), 120, 80) },
      { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 100, 100) },
      { path: await makeJpeg(path.join(dir, 'Scarf.jpg'), 100, 100) },
      { path: await squarePdf(path.join(dir, 'Brochure.pdf'), ['one', 'two']) },
    ]);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('getAssetsByName returns every live match, names compared case-insensitively, filtered by type', async () => {
    const r = await call('getAssetsByName', { nameArray: { items: ['shoe', 'HAT', 'nothing'] } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(namesOf(r)).toEqual(['Shoe', 'Hat']);
    const images = await call('getAssetsByName', { nameArray: ['Hat', 'Brochure'], assetTypeArray: ['Pdf'] });
    expect(namesOf(images)).toEqual(['Brochure']);
    const without = await call('getAssetsByName', { nameArray: ['Hat', 'Brochure'], excludeAssetTypeArray: ['Pdf'] });
    expect(namesOf(without)).toEqual(['Hat']);
    expect((await call('getAssetsByName', { nameArray: ['nothing'] })).body).toEqual({ assetArray: { items: [] } });
    // Uploads have no sub-type: a sub-type filter keeps them unless strictSubTypeCheck asks for the sub-type itself.
    const loose = await call('getAssetsByName', { nameArray: ['Hat'], assetSubTypeArray: ['Catalog'] });
    expect(namesOf(loose)).toEqual(['Hat']);
    const strict = await call('getAssetsByName', { nameArray: ['Hat'], assetSubTypeArray: ['Catalog'], strictSubTypeCheck: true });
    expect(namesOf(strict)).toEqual([]);
    const refused = await call('getAssetsByName', { nameArray: ['Hat'], responseFieldArray: ['name'] });
    expect(refused.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'responseFieldArray' });
  });

  it('renameAsset renames the asset and its file name (extension kept); a taken name is refused', async () => {
    const r = await call('renameAsset', { assetHandle: handles.Coat, newName: 'Jacket', validateName: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await row(handles.Coat!)).toMatchObject({ name: 'Jacket', name_key: 'jacket', file_name: 'Jacket.jpg', last_modify_user: acme.who.email });
    // Every name is an IPS ID here: validateName false does not allow a duplicate.
    for (const validateName of [true, false]) {
      const taken = await call('renameAsset', { assetHandle: handles.Coat, newName: 'hat', validateName });
      expect(taken.status).toBe(409);
      expect(taken.body).toMatchObject({ code: FaultCode.Exception, field: 'newName' });
    }
    // Its own name in another case is not a conflict.
    expect((await call('renameAsset', { assetHandle: handles.Coat, newName: 'JACKET', validateName: true })).status).toBe(200);
    const slash = await call('renameAsset', { assetHandle: handles.Coat, newName: 'a/b', validateName: true });
    expect(slash.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'newName' });
  });

  it('deleteAssets moves assets to the trash with what was made from them; per-asset failures are listed, not faulted', async () => {
    const rip = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'rip',
        reprocessAssetsJob: {
          assetHandleArray: [handles.Brochure],
          createMask: false,
          pdfOptions: { resolution: 36, pdfCatalog: false },
          emailSetting: 'None',
        },
      },
      acme.who,
    );
    expect(rip.status, JSON.stringify(rip.body)).toBe(200);
    expect(await h.client.workflow.getHandle(rip.body.jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
    const pages = (await h.ctx.repositories.derivations.bySource(handles.Brochure!, 'PostScriptRip')).map((d) => d.asset_handle);
    expect(pages).toHaveLength(2);

    const r = await call('deleteAssets', { assetHandleArray: [handles.Brochure, handles.Shoe, 'a|missing'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ successCount: 2, warningCount: 0, errorCount: 1 });
    expect(r.body.errorDetailArray.items).toEqual([
      { assetHandle: 'a|missing', code: FaultCode.InvalidParameter, reason: expect.stringContaining('a|missing') },
    ]);
    for (const handle of [handles.Brochure!, handles.Shoe!, ...pages]) expect((await row(handle)).trash_state).toBe('InTrash');
    // Trashed assets are left out of the live views, and kept in the trash listing.
    expect(namesOf(await call('getAssetsByName', { nameArray: ['Shoe', 'Brochure'] }))).toEqual([]);
    const trash = await call('searchAssets', { includeSubfolders: true, trashState: 'InTrash' });
    expect(trash.body.totalRows).toBe(4);
    // A second delete of a trashed asset is an error of that asset.
    const again = await call('deleteAssets', { assetHandleArray: [handles.Shoe] });
    expect(again.body).toMatchObject({ successCount: 0, errorCount: 1 });
  });

  it('a trashed asset keeps its name reserved: checkAssetNames reports it and renameAsset refuses it', async () => {
    const r = await call('checkAssetNames', { assetNameArray: ['shoe', 'Hat', 'Free'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.inUseNameArray.items).toEqual(['shoe', 'Hat']);
    const taken = await call('renameAsset', { assetHandle: handles.Hat, newName: 'Shoe', validateName: true });
    expect(taken.body).toMatchObject({ code: FaultCode.Exception, reason: "Asset ID 'Shoe' is already in use." });
    const trashed = await call('renameAsset', { assetHandle: handles.Shoe, newName: 'Boot', validateName: true });
    expect(trashed.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'assetHandle' });
  });

  it('deleteAsset faults for an unknown asset and trashes a live one', async () => {
    const missing = await call('deleteAsset', { assetHandle: 'a|missing' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'assetHandle' });
    expect((await call('deleteAsset', { assetHandle: handles.Scarf })).status).toBe(200);
    expect((await row(handles.Scarf!)).trash_state).toBe('InTrash');
    // A trashed asset is never published, so its publish mark cannot be set either.
    const mark = await call('setAssetPublishState', { assetHandle: handles.Scarf, publishState: 'MarkedForPublish' });
    expect(mark.status).toBe(400);
    expect(mark.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'assetHandle' });
  });

  it('restoreAssetsFromTrash brings back the asset with what was trashed with it; a live holder of its name blocks it', async () => {
    const pages = (await h.ctx.repositories.derivations.bySource(handles.Brochure!, 'PostScriptRip')).map((d) => d.asset_handle);
    // An upload of a trashed name gets a number appended, so a live holder of the name can only be older
    // catalog data (from before names in the trash were reserved): made here by renaming the row directly.
    const fresh = await seedAssets(h, acme, [{ path: await makeJpeg(path.join(dir, 'Scarf.jpg'), 60, 60) }]);
    expect(fresh.Scarf_2).toBeDefined();
    await h.ctx.repositories.assets.update(fresh.Scarf_2!, { name: 'Scarf', name_key: 'scarf' });
    const r = await call('restoreAssetsFromTrash', { assetHandleArray: [handles.Brochure, handles.Hat, handles.Scarf] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ successCount: 1, errorCount: 2 });
    expect(r.body.errorDetailArray.items.map((e: { assetHandle: string }) => e.assetHandle)).toEqual([handles.Hat, handles.Scarf]);
    for (const handle of [handles.Brochure!, ...pages]) expect((await row(handle)).trash_state).toBe('NotInTrash');
    expect((await row(handles.Scarf!)).trash_state).toBe('InTrash');
  });

  it('emptyAssetsFromTrash purges: stored files removed, name released, job logs kept', async () => {
    const shoe = await row(handles.Shoe!);
    const keys = [shoe.original_key, shoe.optimized_key].filter((k): k is string => k !== null);
    expect(keys.length).toBe(2);
    for (const key of keys) expect(await h.ctx.storage.exists(key)).toBe(true);
    const live = await call('emptyAssetsFromTrash', { assetHandleArray: [handles.Hat] });
    expect(live.body).toMatchObject({ successCount: 0, errorCount: 1 });
    const r = await call('emptyAssetsFromTrash', { assetHandleArray: [handles.Shoe] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ successCount: 1, warningCount: 0, errorCount: 0 });
    for (const key of keys) expect(await h.ctx.storage.exists(key)).toBe(false);
    expect((await row(handles.Shoe!)).trash_state).toBe('InEmptiedTrash');
    expect((await call('checkAssetNames', { assetNameArray: ['Shoe'] })).body.inUseNameArray.items).toEqual([]);
    const history = await call('getAssetJobLogs', { assetHandle: handles.Shoe });
    expect(history.body.jobLogArray.items.map((l: { logType: string }) => l.logType)).toContain('UploadSuccess');
    // Restoring an emptied asset is an error of that asset.
    expect((await call('restoreAssetsFromTrash', { assetHandleArray: [handles.Shoe] })).body).toMatchObject({ successCount: 0, errorCount: 1 });
  });
});
