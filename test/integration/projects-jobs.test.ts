import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { type Harness, basic, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg, uploadPost } from '../support/fixtures.js';
import { writeBrochurePdf, writePosterPsd } from '../support/byproduct-sources.js';
import { waitUntil } from '../support/wait.js';
import { nameKey } from '../../src/domain/handles.js';

/** projectHandleArray on the upload, reprocess and RipPdfs jobs (docs/projects.md#jobs). */
describe(`jobs with projectHandleArray (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let other: Awaited<ReturnType<typeof companyWithUser>>;
  let files: { jpeg: string; pdf: string; psd: string };

  const call = async (operation: string, body: Record<string, unknown>) => h.api(operation, { companyHandle: acme.companyHandle, ...body }, acme.who);
  const project = async (projectName: string) => (await call('createProject', { projectName })).body.projectHandle as string;
  const members = async (projectHandle: string) =>
    (await h.ctx.database.db.selectFrom('project_assets').select('asset_handle').where('project_handle', '=', projectHandle).execute())
      .map((r) => r.asset_handle)
      .sort();
  const handleOf = async (name: string) => (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, nameKey(name)))!.asset_handle;
  const uploadOptions = (projectHandleArray: unknown) => ({
    overwrite: true,
    readyForPublish: false,
    createMask: false,
    emailSetting: 'None',
    projectHandleArray,
  });
  const post = (params: Record<string, unknown>, file: { path: string; name: string }) =>
    uploadPost(h.baseUrl, { params: { companyHandle: acme.companyHandle, ...params }, files: [file], authorization: basic(acme.who) });
  const details = async (jobHandle: string) =>
    (await call('getJobLogDetails', { jobHandle })).body.jobLogArray.items[0].detailArray.items as Array<{
      logType: string;
      logMessage: string;
      assetName?: string;
    }>;

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-projects-jobs-'));
    acme = await companyWithUser(h, 'ProjectJobsCo', 'IpsUser');
    other = await companyWithUser(h, 'OtherProjectJobsCo', 'IpsUser');
    files = { jpeg: await makeJpeg(path.join(dir, 'photo.jpg'), 60, 40), pdf: await writeBrochurePdf(dir), psd: await writePosterPsd(dir) };
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('an UploadFile job puts every file it commits in each of its projects', async () => {
    const [spring, summer] = [await project('Spring'), await project('Summer')];
    const r = await post(
      { jobName: 'into-projects', endJob: true, uploadParams: uploadOptions({ items: [spring, summer] }) },
      { path: files.jpeg, name: 'Tulip.jpg' },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await h.client.workflow.getHandle(r.body.jobHandle).result()).toMatchObject({ success: 1, error: 0 });
    const tulip = await handleOf('Tulip');
    expect(await members(spring)).toEqual([tulip]);
    expect(await members(summer)).toEqual([tulip]);
    // An overwrite by a job without projects leaves the memberships as they are.
    const again = await post({ jobName: 'no-projects', endJob: true }, { path: files.jpeg, name: 'Tulip.jpg' });
    expect(await h.client.workflow.getHandle(again.body.jobHandle).result()).toMatchObject({ updated: 1 });
    expect(await members(spring)).toEqual([tulip]);
  });

  it('a ReprocessAssetsJob puts the reprocessed assets and what it made of them (pages, eCatalog, layers, template) in the project', async () => {
    const seeded = await seedAssets(h, acme, [
      { path: files.pdf, name: 'Brochure.pdf' },
      { path: files.psd, name: 'Poster.psd' },
      { path: files.jpeg, name: 'Untouched.jpg' },
    ]);
    const autumn = await project('Autumn');
    const job = await call('submitJob', {
      jobName: 'reprocess-into-project',
      reprocessAssetsJob: {
        assetHandleArray: [seeded.Brochure, seeded.Poster],
        createMask: false,
        emailSetting: 'None',
        pdfOptions: { resolution: 36, pdfCatalog: true },
        photoshopOptions: { process: 'MaintainLayers', layerOptions: { layerNaming: 'LayerName', createTemplate: true } },
        projectHandleArray: [autumn],
      },
    });
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    expect(await h.client.workflow.getHandle(job.body.jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
    const made = await h.ctx.database.db
      .selectFrom('asset_derivations')
      .select('asset_handle')
      .where('source_handle', 'in', [seeded.Brochure!, seeded.Poster!])
      .execute();
    // Two pages and the eCatalog, two layers and the template.
    expect(made).toHaveLength(6);
    expect(await members(autumn)).toEqual([seeded.Brochure!, seeded.Poster!, ...made.map((d) => d.asset_handle)].sort());
    expect(await members(autumn)).not.toContain(seeded.Untouched);
  });

  it('refuses at submit a handle that names no project of the company, naming the entry', async () => {
    const mine = await project('Mine');
    const theirs = (await h.api('createProject', { companyHandle: other.companyHandle, projectName: 'Theirs' }, other.who)).body.projectHandle as string;
    const asset = await handleOf('Tulip');
    const reprocess = (projectHandleArray: unknown) =>
      call('submitJob', {
        jobName: 'bad-project',
        reprocessAssetsJob: { assetHandleArray: [asset], createMask: false, emailSetting: 'None', projectHandleArray },
      });
    for (const [handles, index] of [
      [[mine, 'p|nowhere|x'], 1],
      [{ items: [theirs] }, 0],
    ] as const) {
      const r = await reprocess(handles);
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ code: FaultCode.InvalidParameter, field: `reprocessAssetsJob.projectHandleArray.items[${index}]` });
    }
    const rip = await call('submitJob', {
      jobName: 'bad-rip-project',
      ripPdfsJob: { pdfHandleArray: [await handleOf('Brochure')], createMask: false, emailSetting: 'None', projectHandleArray: ['p|nowhere|y'] },
    });
    expect(rip.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'ripPdfsJob.projectHandleArray.items[0]' });
    const servlet = await post(
      { jobName: 'bad-upload-project', endJob: true, uploadParams: uploadOptions([theirs]) },
      { path: files.jpeg, name: 'Refused.jpg' },
    );
    expect(servlet.status).toBe(404);
    expect(servlet.body).toMatchObject({ field: 'uploadParams.uploadParams.projectHandleArray.items[0]' });
    // Nothing was started: no job log, no asset.
    expect(await h.ctx.database.db.selectFrom('assets').select('name').where('name', '=', 'Refused').executeTakeFirst()).toBeUndefined();
  });

  it('a project deleted while the job runs is skipped with a warning: the file still succeeds and the project is not brought back', async () => {
    const [kept, doomed] = [await project('Kept'), await project('Doomed')];
    const first = await post({ jobName: 'project-deleted', uploadParams: uploadOptions([kept, doomed]) }, { path: files.jpeg, name: 'Early.jpg' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const jobHandle = first.body.jobHandle as string;
    await waitUntil('the first file in both projects', async () => (await members(doomed)).length === 1);
    expect((await call('deleteProject', { projectHandle: doomed })).status).toBe(200);
    const second = await post({ jobHandle, endJob: true }, { path: files.jpeg, name: 'Late.jpg' });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(await h.client.workflow.getHandle(jobHandle).result()).toMatchObject({ success: 2, error: 0 });
    const [early, late] = [await handleOf('Early'), await handleOf('Late')];
    expect(await members(kept)).toEqual([early, late].sort());
    expect(await members(doomed)).toEqual([]);
    expect(await h.ctx.repositories.projects.find(acme.companyHandle, doomed)).toBeUndefined();
    const warnings = (await details(jobHandle)).filter((d) => d.logType === 'UploadWarning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.logMessage).toContain(`not added to project '${doomed}': the project was deleted while the job ran`);
    expect(warnings[0]!.assetName).toContain('Late.jpg');
    const log = (await call('getJobLogs', {})).body.jobLogArray.items.find((l: { jobHandle: string }) => l.jobHandle === jobHandle);
    expect(log).toMatchObject({ fileSuccessCount: 2, fileWarningCount: 1, fileErrorCount: 0 });
  });
});
