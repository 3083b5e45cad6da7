import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { reprocessAssetsJob } from '../../src/domain/schemas/job.schema.js';
import type { ItemProgress } from '../../src/services/item-progress.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg, squarePdf } from '../support/fixtures.js';

/** moveAsset and moveAssets (docs/assets.md#moving). */
describe(`moving assets (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let other: Awaited<ReturnType<typeof companyWithUser>>;
  let root: string;
  let handles: Record<string, string>;

  const call = async (operation: string, body: Record<string, unknown>) => h.api(operation, { companyHandle: acme.companyHandle, ...body }, acme.who);
  const row = async (handle: string) => (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handle))!;
  const folderOf = async (handle: string) => (await row(handle)).folder;
  const createFolder = async (folderPath: string): Promise<string> => {
    const r = await call('createFolder', { folderPath });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.folderHandle;
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-move-'));
    acme = await companyWithUser(h, 'MoveCo', 'IpsUser');
    other = await companyWithUser(h, 'OtherMoveCo', 'IpsUser');
    root = (await h.ctx.repositories.companies.findByHandle(acme.companyHandle))!.root_path;
    handles = await seedAssets(h, acme, [
      { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 120, 90) },
      { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 100, 100) },
      { path: await makeJpeg(path.join(dir, 'Scarf.jpg'), 100, 100) },
      { path: await makeJpeg(path.join(dir, 'Glove.jpg'), 2400, 1800) },
      { path: await squarePdf(path.join(dir, 'Brochure.pdf'), ['one', 'two']) },
    ]);
    for (const folderPath of ['Shoes', 'Shoes/Red', 'Hats']) await createFolder(folderPath);
    expect((await h.api('createFolder', { companyHandle: other.companyHandle, folderPath: 'Elsewhere' }, other.who)).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('moveAsset files the asset under the destination folder, by handle or bare path, in the catalog spelling', async () => {
    const r = await call('moveAsset', { assetHandle: handles.Hat, folderHandle: `f|${root}Hats/` });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const moved = await row(handles.Hat!);
    expect(moved).toMatchObject({ folder: `${root}Hats/`, last_modify_user: acme.who.email, trash_state: 'NotInTrash' });
    // Another spelling of an existing folder, given as a bare path (the older IPS reply style).
    expect((await call('moveAsset', { assetHandle: handles.Hat, folderHandle: `${root}shoes/red/` })).status).toBe(200);
    expect(await folderOf(handles.Hat!)).toBe(`${root}Shoes/Red/`);
    const listed = await call('searchAssets', { folder: `${root}Shoes/Red/`, includeSubfolders: false });
    expect((listed.body.assetArray.items as Array<{ name: string }>).map((a) => a.name)).toEqual(['Hat']);
    // The company root is a destination too.
    expect((await call('moveAsset', { assetHandle: handles.Hat, folderHandle: `f|${root}` })).status).toBe(200);
    expect(await folderOf(handles.Hat!)).toBe(root);
  });

  it('moveAsset refuses a folder that does not exist in the company, an unknown asset and a trashed asset', async () => {
    const missing = await call('moveAsset', { assetHandle: handles.Coat, folderHandle: `f|${root}Nowhere/` });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'folderHandle' });
    // Another company's folder is not a folder of this company.
    const foreign = await call('moveAsset', { assetHandle: handles.Coat, folderHandle: 'f|OtherMoveCo/Elsewhere/' });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ field: 'folderHandle' });
    const climbing = await call('moveAsset', { assetHandle: handles.Coat, folderHandle: `f|${root}../` });
    expect(climbing.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'folderHandle' });
    const unknown = await call('moveAsset', { assetHandle: 'a|missing', folderHandle: `f|${root}Hats/` });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ field: 'assetHandle' });
    expect(await folderOf(handles.Coat!)).toBe(root);

    expect((await call('deleteAsset', { assetHandle: handles.Scarf })).status).toBe(200);
    const trashed = await call('moveAsset', { assetHandle: handles.Scarf, folderHandle: `f|${root}Hats/` });
    expect(trashed.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'assetHandle' });
    expect(await folderOf(handles.Scarf!)).toBe(root);
  });

  it('moveAssets moves each asset on its own; failures are listed in errorDetailArray, not faulted', async () => {
    const r = await call('moveAssets', {
      assetMoveArray: {
        items: [
          { assetHandle: handles.Coat, folderHandle: `f|${root}Shoes/` },
          { assetHandle: handles.Scarf, folderHandle: `f|${root}Shoes/` },
          { assetHandle: handles.Hat, folderHandle: `f|${root}Nowhere/` },
          { assetHandle: handles.Hat, folderHandle: `f|${root}Hats/` },
        ],
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ successCount: 2, warningCount: 0, errorCount: 2 });
    expect(r.body.errorDetailArray.items).toEqual([
      { assetHandle: handles.Scarf, code: FaultCode.InvalidParameter, reason: expect.stringContaining('not in the trash') },
      { assetHandle: handles.Hat, code: FaultCode.InvalidParameter, reason: expect.stringContaining('no folder') },
    ]);
    expect(await folderOf(handles.Coat!)).toBe(`${root}Shoes/`);
    expect(await folderOf(handles.Hat!)).toBe(`${root}Hats/`);
    expect(await folderOf(handles.Scarf!)).toBe(root);
    const none = await call('moveAssets', { assetMoveArray: { items: [] } });
    expect(none.body).toEqual({ successCount: 0, warningCount: 0, errorCount: 0 });
  });

  it('what was made from a moved asset (ripped pages) stays where it is', async () => {
    const rip = await call('submitJob', {
      jobName: 'rip',
      reprocessAssetsJob: { assetHandleArray: [handles.Brochure], createMask: false, pdfOptions: { resolution: 36, pdfCatalog: false }, emailSetting: 'None' },
    });
    expect(rip.status, JSON.stringify(rip.body)).toBe(200);
    expect(await h.client.workflow.getHandle(rip.body.jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
    const pages = (await h.ctx.repositories.derivations.bySource(handles.Brochure!, 'PostScriptRip')).map((d) => d.asset_handle);
    expect(pages).toHaveLength(2);
    const before = await Promise.all(pages.map(folderOf));
    expect((await call('moveAsset', { assetHandle: handles.Brochure, folderHandle: `f|${root}Hats/` })).status).toBe(200);
    expect(await folderOf(handles.Brochure!)).toBe(`${root}Hats/`);
    expect(await Promise.all(pages.map(folderOf))).toEqual(before);
  });

  it('the move makes the destination folder row in its transaction, should a deleteFolder have removed it', async () => {
    const gone = `${root}Deleted/Below/`;
    expect(await h.ctx.repositories.folders.find(acme.companyHandle, gone)).toBeUndefined();
    const changes = { last_modified: new Date().toISOString(), last_modify_user: acme.who.email };
    expect(await h.ctx.repositories.assets.moveLive(acme.companyHandle, handles.Coat!, gone, changes)).toBe(true);
    expect(await folderOf(handles.Coat!)).toBe(gone);
    expect(await h.ctx.repositories.folders.find(acme.companyHandle, gone)).toBeDefined();
    expect(await h.ctx.repositories.folders.find(acme.companyHandle, `${root}Deleted/`)).toBeDefined();
    // A trashed asset is not moved, and the folder it named is not made.
    expect(await h.ctx.repositories.assets.moveLive(acme.companyHandle, handles.Scarf!, `${root}Never/`, changes)).toBe(false);
    expect(await folderOf(handles.Scarf!)).toBe(root);
    expect(await h.ctx.repositories.folders.find(acme.companyHandle, `${root}Never/`)).toBeUndefined();
  });

  it('a reprocess item of an asset moved while it runs succeeds; the asset stays in its new folder', async () => {
    const { assetHandleArray: _, ...options } = reprocessAssetsJob.parse({ assetHandleArray: ['x'], createMask: false, emailSetting: 'None' });
    let moved: Promise<unknown> = Promise.resolve();
    const progress: ItemProgress = {
      step: (s) => {
        if (s === 'reading') moved = call('moveAsset', { assetHandle: handles.Glove, folderHandle: `f|${root}Shoes/Red/` });
      },
    };
    const before = await row(handles.Glove!);
    const job = {
      jobHandle: `j|moved-${Date.now()}`,
      companyHandle: acme.companyHandle,
      jobName: 'moved',
      originalName: 'moved',
      submitUserHandle: acme.userHandle,
      submitUserEmail: acme.who.email,
      jobType: 'ReprocessAssets',
    };
    const result = await h.ctx.services.reprocess.reprocess(job, options, { assetHandle: handles.Glove!, name: 'Glove' }, undefined, progress);
    expect(((await moved) as { status: number }).status).toBe(200);
    expect(result).toMatchObject({ status: 'success' });
    const after = await row(handles.Glove!);
    expect(after).toMatchObject({ folder: `${root}Shoes/Red/`, trash_state: 'NotInTrash' });
    expect(after.optimized_key).toBeTruthy();
    expect(after.last_modified >= before.last_modified).toBe(true);
  });
});
