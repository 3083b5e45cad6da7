import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg } from '../support/fixtures.js';

/** createProject, getProjects, renameProject, deleteProject and add/remove/setProjectAssets (docs/projects.md). */
describe(`projects (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let other: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;
  let foreign: Record<string, string>;

  const call = async (operation: string, body: Record<string, unknown>) => h.api(operation, { companyHandle: acme.companyHandle, ...body }, acme.who);
  const create = async (projectName: string) => {
    const r = await call('createProject', { projectName });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.projectHandle as string;
  };
  const list = async () => (await call('getProjects', {})).body.projectArray.items as Array<{ projectHandle: string; name: string }>;
  /** The project's assets, from the catalog, sorted. */
  const members = async (projectHandle: string) =>
    (await h.ctx.database.db.selectFrom('project_assets').select('asset_handle').where('project_handle', '=', projectHandle).execute())
      .map((r) => r.asset_handle)
      .sort();
  const assets = (project: string, operation: string, items: string[]) => call(operation, { projectHandle: project, assetHandleArray: { items } });

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-projects-'));
    acme = await companyWithUser(h, 'ProjectCo', 'IpsUser');
    other = await companyWithUser(h, 'OtherProjectCo', 'IpsUser');
    handles = await seedAssets(h, acme, [
      { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 80, 60) },
      { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 80, 60) },
      { path: await makeJpeg(path.join(dir, 'Scarf.jpg'), 80, 60) },
      { path: await makeJpeg(path.join(dir, 'Binned.jpg'), 80, 60) },
    ]);
    foreign = await seedAssets(h, other, [{ path: await makeJpeg(path.join(dir, 'Elsewhere.jpg'), 80, 60) }]);
    const trashed = await call('deleteAssets', { assetHandleArray: { items: [handles.Binned] } });
    expect(trashed.body.successCount).toBe(1);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('createProject returns a handle in the IPS shape and getProjects lists the projects by name', async () => {
    const summer = await create('Summer Campaign');
    const autumn = await create('autumn');
    const companyId = acme.companyHandle.replace(/^c\|/, '');
    expect(summer).toBe(`p|${companyId}|Summer Campaign`);
    expect(await list()).toEqual([
      { projectHandle: autumn, name: 'autumn' },
      { projectHandle: summer, name: 'Summer Campaign' },
    ]);
    // The name is trimmed; the other company sees none of them.
    expect(await create('  Winter  ')).toBe(`p|${companyId}|Winter`);
    const theirs = await h.api('getProjects', { companyHandle: other.companyHandle }, other.who);
    expect(theirs.body).toEqual({ projectArray: { items: [] } });
  });

  it('refuses a duplicate (compared case-insensitively), empty, too long or control-character name, naming projectName', async () => {
    await create('Duplicate Me');
    const dup = await call('createProject', { projectName: 'DUPLICATE me' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: FaultCode.Exception, field: 'projectName' });
    expect(dup.body.reason).toContain('already exists');
    for (const projectName of ['', '   ', 'x'.repeat(257), 'tab\there']) {
      const r = await call('createProject', { projectName });
      expect(r.status, projectName).toBe(400);
      expect(r.body).toMatchObject({ field: 'projectName' });
    }
    const missing = await call('createProject', {});
    expect(missing.body).toMatchObject({ code: FaultCode.MissingParameter, field: 'projectName' });
    // Another company may use the same name.
    const same = await h.api('createProject', { companyHandle: other.companyHandle, projectName: 'Duplicate Me' }, other.who);
    expect(same.status).toBe(200);
  });

  it('renameProject keeps the handle, refuses a name another project holds, and frees the old name', async () => {
    const handle = await create('Old Name');
    const taken = await create('Taken Name');
    const renamed = await call('renameProject', { projectHandle: handle, projectName: 'New Name' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toEqual({ projectHandle: handle });
    expect((await list()).find((p) => p.projectHandle === handle)?.name).toBe('New Name');
    // Its own name in another case is fine.
    expect((await call('renameProject', { projectHandle: handle, projectName: 'new name' })).status).toBe(200);
    const clash = await call('renameProject', { projectHandle: handle, projectName: 'taken name' });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ field: 'projectName' });
    expect((await list()).find((p) => p.projectHandle === taken)?.name).toBe('Taken Name');
    // The old name is free again, though its name-derived handle is still the renamed project's: the new one gets a suffix.
    const again = await create('Old Name');
    expect(again).not.toBe(handle);
    expect(again.startsWith(`${handle}~`)).toBe(true);
    const unknown = await call('renameProject', { projectHandle: 'p|nowhere|x', projectName: 'y' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'projectHandle' });
  });

  it('addProjectAssets adds live assets: already a member is a warning, unknown, foreign and trashed assets are errors', async () => {
    const project = await create('Adds');
    const r = await assets(project, 'addProjectAssets', [handles.Hat!, handles.Coat!, handles.Hat!]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ successCount: 2, warningCount: 0, errorCount: 0 });
    expect(await members(project)).toEqual([handles.Hat!, handles.Coat!].sort());

    const again = await assets(project, 'addProjectAssets', [handles.Coat!, handles.Scarf!, 'a|missing', foreign.Elsewhere!, handles.Binned!]);
    expect(again.body).toMatchObject({ successCount: 1, warningCount: 1, errorCount: 3 });
    expect(again.body.warningDetailArray.items).toEqual([
      { assetHandle: handles.Coat, code: FaultCode.InvalidParameter, reason: expect.stringContaining('already in project') },
    ]);
    const errors = again.body.errorDetailArray.items as Array<{ assetHandle: string; code: number; reason: string }>;
    expect(errors.map((e) => e.assetHandle)).toEqual(['a|missing', foreign.Elsewhere, handles.Binned]);
    expect(errors.every((e) => e.code === FaultCode.InvalidParameter)).toBe(true);
    // Another company's asset is unknown here, exactly like a missing one.
    expect(errors[1]!.reason).toBe(errors[0]!.reason.replace('a|missing', foreign.Elsewhere!));
    expect(errors[2]!.reason).toContain('not in the trash');
    expect(await members(project)).toEqual([handles.Hat!, handles.Coat!, handles.Scarf!].sort());
  });

  it('removeProjectAssets takes assets out, never the assets themselves; not a member is a warning', async () => {
    const project = await create('Removes');
    await assets(project, 'addProjectAssets', [handles.Hat!, handles.Coat!]);
    const r = await assets(project, 'removeProjectAssets', [handles.Hat!, handles.Scarf!, 'a|missing']);
    expect(r.body).toMatchObject({ successCount: 1, warningCount: 1, errorCount: 1 });
    expect(r.body.warningDetailArray.items[0]).toMatchObject({ assetHandle: handles.Scarf, reason: expect.stringContaining('not in project') });
    expect(r.body.errorDetailArray.items[0]).toMatchObject({ assetHandle: 'a|missing' });
    expect(await members(project)).toEqual([handles.Coat!]);
    expect(await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.Hat!)).toMatchObject({ trash_state: 'NotInTrash' });
  });

  it("setProjectAssets makes the listed live assets exactly the project's; refused ones are errors and not members", async () => {
    const project = await create('Sets');
    await assets(project, 'addProjectAssets', [handles.Hat!, handles.Coat!]);
    const r = await assets(project, 'setProjectAssets', [handles.Coat!, handles.Scarf!, handles.Binned!]);
    expect(r.body).toMatchObject({ successCount: 2, warningCount: 0, errorCount: 1 });
    expect(r.body.errorDetailArray.items[0]).toMatchObject({ assetHandle: handles.Binned });
    expect(await members(project)).toEqual([handles.Coat!, handles.Scarf!].sort());
    // An empty list empties the project.
    expect((await assets(project, 'setProjectAssets', [])).body).toEqual({ successCount: 0, warningCount: 0, errorCount: 0 });
    expect(await members(project)).toEqual([]);
  });

  it('deleteProject removes the project and its memberships, never its assets', async () => {
    const project = await create('Doomed');
    await assets(project, 'addProjectAssets', [handles.Hat!, handles.Scarf!]);
    const r = await call('deleteProject', { projectHandle: project });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({});
    expect((await list()).some((p) => p.projectHandle === project)).toBe(false);
    expect(await members(project)).toEqual([]);
    const rows = await h.ctx.repositories.assets.findByHandles(acme.companyHandle, [handles.Hat!, handles.Scarf!]);
    expect(rows.map((a) => a.trash_state)).toEqual(['NotInTrash', 'NotInTrash']);
    const twice = await call('deleteProject', { projectHandle: project });
    expect(twice.status).toBe(404);
    expect(twice.body).toMatchObject({ field: 'projectHandle' });
    // Its name is free again, under the same handle.
    expect(await create('Doomed')).toBe(project);
  });

  it("keeps companies apart: another company's project is unknown to every operation, and a foreign company is refused", async () => {
    const theirs = (await h.api('createProject', { companyHandle: other.companyHandle, projectName: 'Theirs' }, other.who)).body.projectHandle as string;
    await h.api('addProjectAssets', { companyHandle: other.companyHandle, projectHandle: theirs, assetHandleArray: [foreign.Elsewhere] }, other.who);
    for (const [operation, body] of [
      ['renameProject', { projectHandle: theirs, projectName: 'Mine now' }],
      ['deleteProject', { projectHandle: theirs }],
      ['addProjectAssets', { projectHandle: theirs, assetHandleArray: [handles.Hat] }],
      ['removeProjectAssets', { projectHandle: theirs, assetHandleArray: [foreign.Elsewhere] }],
      ['setProjectAssets', { projectHandle: theirs, assetHandleArray: [] }],
    ] as const) {
      const r = await call(operation, body);
      expect(r.status, operation).toBe(404);
      expect(r.body, operation).toMatchObject({ code: FaultCode.InvalidParameter, field: 'projectHandle' });
    }
    expect(await members(theirs)).toEqual([foreign.Elsewhere]);
    expect((await h.api('getProjects', { companyHandle: other.companyHandle }, other.who)).body.projectArray.items).toContainEqual({
      projectHandle: theirs,
      name: 'Theirs',
    });
    const intruder = await h.api('getProjects', { companyHandle: other.companyHandle }, acme.who);
    expect(intruder.status).toBe(403);
  });

  it('a trashed asset keeps its memberships (a restore brings them back) but is out of reach of the project operations', async () => {
    const project = await create('Trash');
    const extra = await seedAssets(h, acme, [{ path: await makeJpeg(path.join(dir, 'Purged.jpg'), 40, 40) }]);
    await assets(project, 'addProjectAssets', [extra.Purged!]);
    expect(await members(project)).toEqual([extra.Purged!]);
    await call('deleteAssets', { assetHandleArray: [extra.Purged] });
    expect(await members(project)).toEqual([extra.Purged!]);
    expect((await assets(project, 'removeProjectAssets', [extra.Purged!])).body).toMatchObject({ errorCount: 1 });
  });
});
