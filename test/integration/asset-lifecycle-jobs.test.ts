import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg } from '../support/fixtures.js';
import { lifecycleJobs } from '../support/lifecycle-jobs.js';

/**
 * The trash and renames while jobs run (docs/assets.md#jobs-and-the-trash):
 * an item that commits after its asset was trashed fails alone and never makes
 * the asset live again; a rename does not disturb the item; exports and
 * publishes leave trashed assets out.
 */
describe(`asset lifecycle and running jobs (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;

  const { row, directJob, reprocessOptions: options, at, trash, reprocessAt } = lifecycleJobs({ h: () => h, acme: () => acme });

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-life-jobs-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    handles = await seedAssets(
      h,
      acme,
      await Promise.all(['one', 'two', 'three', 'four', 'five'].map(async (n) => ({ path: await makeJpeg(path.join(dir, `${n}.jpg`), 2400, 1800) }))),
    );
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('a reprocess item whose asset is trashed while it renders fails alone; the asset stays in the trash', async () => {
    const before = await row(handles.one!);
    const result = await reprocessAt('reading', trash(handles.one!), directJob('trashed'), options(), { assetHandle: handles.one!, name: 'one' });
    expect(result).toMatchObject({ status: 'error', reason: 'the asset was moved to the trash while the job ran' });
    const after = await row(handles.one!);
    expect(after.trash_state).toBe('InTrash');
    expect(after.optimized_key).toBe(before.optimized_key);
  });

  it('an optimize item whose asset is trashed meanwhile fails alone too', async () => {
    const hook = at('pyramid', trash(handles.two!));
    const result = await h.ctx.services.optimize.optimize(
      directJob('optimize', 'ImageOptimization'),
      { assetHandle: handles.two!, name: 'two' },
      hook.progress,
    );
    await hook.settled();
    expect(result).toMatchObject({ status: 'error', reason: 'the asset was moved to the trash while the job ran' });
    expect((await row(handles.two!)).trash_state).toBe('InTrash');
  });

  it('a rename while the item runs keeps the new name and the item succeeds', async () => {
    const rename = () =>
      h.api('renameAsset', { companyHandle: acme.companyHandle, assetHandle: handles.three, newName: 'renamed', validateName: true }, acme.who);
    const result = await reprocessAt('reading', rename, directJob('renamed'), options(), { assetHandle: handles.three!, name: 'three' });
    expect(result).toMatchObject({ status: 'success' });
    expect(await row(handles.three!)).toMatchObject({ name: 'renamed', trash_state: 'NotInTrash' });
  });

  it('an item that reaches an emptied asset fails with a clear reason', async () => {
    await trash(handles.four!)();
    const emptied = await h.api('emptyAssetsFromTrash', { companyHandle: acme.companyHandle, assetHandleArray: [handles.four] }, acme.who);
    expect(emptied.body).toMatchObject({ successCount: 1 });
    const result = await h.ctx.services.reprocess.reprocess(directJob('emptied'), options(), { assetHandle: handles.four!, name: 'four' });
    expect(result).toMatchObject({ status: 'error', reason: `no asset with handle '${handles.four}' in this company` });
    expect((await row(handles.four!)).trash_state).toBe('InEmptiedTrash');
  });

  it('an export refuses a trashed asset at submit', async () => {
    const r = await h.api(
      'submitJob',
      { companyHandle: acme.companyHandle, jobName: 'exp', exportJob: { assetHandleArray: [handles.one], fmt: 'orig', emailSetting: 'None' } },
      acme.who,
    );
    expect(r.status).toBe(404);
    expect(r.body.field).toContain('assetHandleArray');
  });

  it('an Image Serving publish withdraws an asset trashed since the last publish', async () => {
    const publish = async () => {
      const r = await h.api(
        'submitJob',
        { companyHandle: acme.companyHandle, jobName: 'pub', imageServingPublishJob: { publishType: 'Full', emailSetting: 'None' } },
        acme.who,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      await h.client.workflow.getHandle(r.body.jobHandle).result();
    };
    await publish();
    expect(await h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles.five!)).toBeDefined();
    await trash(handles.five!)();
    await publish();
    expect(await h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles.five!)).toBeUndefined();
    expect(await h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles.three!)).toBeDefined();
  });
});
