import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { makeJpeg, uploadPost } from '../support/fixtures.js';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';

/**
 * The folder operations (docs/folders.md): folders made by createFolder and by
 * uploads, listed flat and as a tree, renamed and moved with their subfolders
 * and assets, deleted with their assets trashed; the namespace, root and
 * self-move rules.
 */
describe(`folders (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let jpeg: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let root: string;

  const call = (op: string, body: Record<string, unknown>) => h.api(op, { companyHandle: acme.companyHandle, ...body }, acme.who);
  const ok = async (op: string, body: Record<string, unknown>) => {
    const r = await call(op, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const paths = async (folderPath?: string) => {
    const body = await ok('getFolders', folderPath === undefined ? {} : { folderPath });
    return (body.folderArray.items as Array<{ path: string }>).map((f) => f.path);
  };
  const upload = async (name: string, destFolder?: string) => {
    const up = await uploadPost(h.baseUrl, {
      params: {
        companyHandle: acme.companyHandle,
        jobName: name,
        endJob: true,
        ...(destFolder ? { destFolder } : {}),
        uploadParams: { overwrite: true, readyForPublish: false, createMask: false, emailSetting: 'None' },
      },
      files: [{ path: jpeg, name: `${name}.jpg` }],
      authorization: basic(acme.who),
    });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    await h.client.workflow.getHandle(up.body.jobHandle).result();
  };
  const assetFolder = async (name: string) => (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, name.toLowerCase()))?.folder;

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'folders-'));
    jpeg = await makeJpeg(path.join(dir, 'shoe.jpg'), 64, 48);
    acme = await companyWithUser(h, 'FolderCo', 'IpsUser');
    root = (await h.ctx.repositories.companies.findByHandle(acme.companyHandle))!.root_path;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lists the company root before any folder exists, and creates folders under existing parents only', async () => {
    expect(await paths()).toEqual([root]);
    expect(await ok('createFolder', { folderPath: '/Shoes' })).toEqual({ folderHandle: `f|${root}Shoes/` });
    expect((await ok('createFolder', { folderPath: 'Shoes/Red' })).folderHandle).toBe(`f|${root}Shoes/Red/`);
    const orphan = await call('createFolder', { folderPath: 'Hats/Red' });
    expect(orphan.status).toBe(404);
    expect(orphan.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'folderPath' });
    expect((await call('createFolder', { folderPath: 'shoes' })).status).toBe(409);
    expect((await call('createFolder', { folderPath: '../escape' })).status).toBe(400);
    expect(await paths()).toEqual([root, `${root}Shoes/`, `${root}Shoes/Red/`]);
  });

  it('makes the folders of an upload into a new destFolder visible, under their existing spelling', async () => {
    await upload('boot');
    await upload('clog', 'shoes/Clogs/Wood');
    expect(await paths(`${root}Shoes/`)).toEqual([`${root}Shoes/`, `${root}Shoes/Clogs/`, `${root}Shoes/Clogs/Wood/`, `${root}Shoes/Red/`]);
    expect(await assetFolder('clog')).toBe(`${root}Shoes/Clogs/Wood/`);
    const [asset] = (
      await ok('getAssets', { assetHandleArray: { items: [(await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, 'clog'))!.asset_handle] } })
    ).assetArray.items;
    expect(asset).toMatchObject({ folder: `${root}Shoes/Clogs/Wood/`, folderHandle: `f|${root}Shoes/Clogs/Wood/` });
  });

  it('returns the tree to a depth, with hasSubfolders from the whole tree', async () => {
    const top = (await ok('getFolderTree', { depth: 0 })).folders;
    expect(top).toMatchObject({ path: root, folderHandle: `f|${root}`, hasSubfolders: true });
    expect(top.subfolderArray).toBeUndefined();
    const two = (await ok('getFolderTree', { folderPath: 'Shoes', depth: 1 })).folders;
    expect(two.subfolderArray.items.map((f: { path: string; hasSubfolders: boolean }) => [f.path, f.hasSubfolders])).toEqual([
      [`${root}Shoes/Clogs/`, true],
      [`${root}Shoes/Red/`, false],
    ]);
    expect(two.subfolderArray.items[0].subfolderArray).toBeUndefined();
    const all = (await ok('getFolderTree', { depth: -1 })).folders;
    expect(all.subfolderArray.items[0].subfolderArray.items[0].subfolderArray.items[0].path).toBe(`${root}Shoes/Clogs/Wood/`);
    expect((await call('getFolderTree', { folderPath: 'Nowhere', depth: 0 })).status).toBe(404);
  });

  it('renames a folder with its subfolders and assets, and refuses a name an asset or sibling holds', async () => {
    const renamed = await ok('renameFolder', { folderHandle: `f|${root}Shoes/Clogs/`, folderName: 'Sabots' });
    expect(renamed).toEqual({ folderHandle: `f|${root}Shoes/Sabots/` });
    expect(await assetFolder('clog')).toBe(`${root}Shoes/Sabots/Wood/`);
    expect(await paths('Shoes/Sabots')).toEqual([`${root}Shoes/Sabots/`, `${root}Shoes/Sabots/Wood/`]);
    expect((await call('renameFolder', { folderHandle: `f|${root}Shoes/Sabots/`, folderName: 'Red' })).status).toBe(409);
    const clash = await call('renameFolder', { folderHandle: `f|${root}Shoes/Sabots/`, folderName: 'Boot' });
    expect(clash.status).toBe(409);
    expect(clash.body.reason).toContain('namespace');
    expect((await call('renameFolder', { folderHandle: `f|${root}Shoes/Sabots/`, folderName: 'a/b' })).status).toBe(400);
    expect((await call('renameFolder', { folderHandle: `f|${root}`, folderName: 'Top' })).status).toBe(400);
    expect((await call('renameFolder', { folderHandle: `f|${root}Gone/`, folderName: 'X' })).status).toBe(404);
  });

  it('moves a folder with its subtree, never into itself', async () => {
    const moved = await ok('moveFolder', { folderHandle: `f|${root}Shoes/Sabots/`, destFolderHandle: `f|${root}` });
    expect(moved).toEqual({ folderHandle: `f|${root}Sabots/` });
    expect(await assetFolder('clog')).toBe(`${root}Sabots/Wood/`);
    expect(await paths()).toEqual([root, `${root}Sabots/`, `${root}Sabots/Wood/`, `${root}Shoes/`, `${root}Shoes/Red/`]);
    const into = await call('moveFolder', { folderHandle: `f|${root}Sabots/`, destFolderHandle: `f|${root}Sabots/Wood/` });
    expect(into.status).toBe(400);
    expect(into.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'destFolderHandle' });
    expect((await call('moveFolder', { folderHandle: `f|${root}Sabots/`, destFolderHandle: `f|${root}Sabots/` })).status).toBe(400);
    // Bare paths (the older IPS handle style) name folders too.
    expect(await ok('moveFolder', { folderHandle: `${root}Sabots/`, destFolderHandle: `${root}Shoes/` })).toEqual({ folderHandle: `f|${root}Shoes/Sabots/` });
  });

  it('deletes a folder with its subfolders and trashes their assets; uploading there again brings it back', async () => {
    await ok('deleteFolder', { folderHandle: `f|${root}Shoes/Sabots/` });
    expect(await paths()).toEqual([root, `${root}Shoes/`, `${root}Shoes/Red/`]);
    const clog = await h.ctx.database.db
      .selectFrom('assets')
      .selectAll()
      .where('company_handle', '=', acme.companyHandle)
      .where('name', '=', 'clog')
      .executeTakeFirstOrThrow();
    expect(clog).toMatchObject({ trash_state: 'InTrash', folder: `${root}Shoes/Sabots/Wood/`, last_modify_user: acme.who.email });
    expect(await assetFolder('boot')).toBe(root);
    expect((await call('deleteFolder', { folderHandle: `f|${root}` })).status).toBe(400);
    expect((await call('deleteFolder', { folderHandle: `f|${root}Shoes/Sabots/` })).status).toBe(404);
    await h.ctx.repositories.assets.insert({ ...clog, asset_handle: 'a|folders-restored', name: 'clog2', name_key: 'clog2', trash_state: 'NotInTrash' });
    expect(await paths('Shoes')).toEqual([`${root}Shoes/`, `${root}Shoes/Red/`, `${root}Shoes/Sabots/`, `${root}Shoes/Sabots/Wood/`]);
  });

  it('refuses the fields it cannot honour', async () => {
    for (const [op, extra] of [
      ['getFolders', { accessUserHandle: 'u|x' }],
      ['getFolders', { assetTypeArray: { items: ['Image'] } }],
      ['getFolderTree', { depth: 0, responseFieldArray: { items: ['path'] } }],
      ['getFolderTree', { depth: 0, excludeFieldArray: { items: ['path'] } }],
    ] as const) {
      const r = await call(op, extra);
      expect(r.status, op).toBe(400);
      expect(r.body.code).toBe(FaultCode.InvalidParameter);
    }
  });

  it('keeps companies apart', async () => {
    const other = await companyWithUser(h, 'OtherFolderCo', 'IpsUser');
    const r = await h.api('getFolders', { companyHandle: other.companyHandle }, other.who);
    expect(r.body.folderArray.items.map((f: { path: string }) => f.path)).toEqual([
      (await h.ctx.repositories.companies.findByHandle(other.companyHandle))!.root_path,
    ]);
  });
});
