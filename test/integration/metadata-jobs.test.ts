import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { ANY_ASSET_TYPE, metadataFieldHandle } from '../../src/domain/metadata.js';
import { ADMIN, type Harness, basic, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg, uploadPost } from '../support/fixtures.js';
import { writeBrochurePdf } from '../support/byproduct-sources.js';
import { assetHandlesByName, makeClip, uploadJob } from '../support/seed-video.js';
import { waitUntil } from '../support/wait.js';
import { nameKey } from '../../src/domain/handles.js';

interface Metadata {
  name: string;
  value: string;
  longVal?: number;
  valueArray?: { items: string[] };
}

/** metadataOptions on the upload and reprocess jobs (docs/metadata.md#metadata-set-by-jobs). */
describe(`jobs with metadataOptions (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let other: Awaited<ReturnType<typeof companyWithUser>>;
  let files: { jpeg: string; pdf: string; clip: string };
  /** Note (String) and Count (Int) apply to every asset type; Season (MultiFixedTag) to images only. */
  const field = { Note: '', Count: '', Season: '', Keywords: '' };

  const call = async (operation: string, body: Record<string, unknown>) => h.api(operation, { companyHandle: acme.companyHandle, ...body }, acme.who);
  const createField = async (assetType: string, name: string, fieldType: string, extra: Record<string, unknown> = {}) => {
    const r = await h.api('createMetadataField', { companyHandle: acme.companyHandle, assetType, name, fieldType, ...extra }, ADMIN);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.fieldHandle as string;
  };
  const handleOf = async (name: string) => (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, nameKey(name)))!.asset_handle;
  /** The asset's metadata as getAssets returns it, by field name. */
  const metadataOf = async (assetHandle: string): Promise<Record<string, Metadata>> => {
    const r = await call('getAssets', { assetHandleArray: { items: [assetHandle] } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const items = (r.body.assetArray.items[0].metadataArray?.items ?? []) as Metadata[];
    return Object.fromEntries(items.map((m) => [m.name, m]));
  };
  const searchNames = async (conditions: unknown[]) => {
    const r = await call('searchAssets', { includeSubfolders: true, metadataConditionArray: { items: conditions } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return (r.body.assetArray.items as Array<{ name: string }>).map((a) => a.name).sort();
  };
  const uploadOptions = (metadataOptions: unknown) => ({ overwrite: true, readyForPublish: false, createMask: false, emailSetting: 'None', metadataOptions });
  const post = (params: Record<string, unknown>, file: { path: string; name: string }) =>
    uploadPost(h.baseUrl, { params: { companyHandle: acme.companyHandle, ...params }, files: [file], authorization: basic(acme.who) });
  const details = async (jobHandle: string) =>
    (await call('getJobLogDetails', { jobHandle })).body.jobLogArray.items[0].detailArray.items as Array<{
      logType: string;
      logMessage: string;
      assetName?: string;
    }>;
  const jobLog = async (jobHandle: string) =>
    (await call('getJobLogs', {})).body.jobLogArray.items.find((l: { jobHandle: string }) => l.jobHandle === jobHandle);

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-metadata-jobs-'));
    acme = await companyWithUser(h, 'MetadataJobsCo', 'IpsUser');
    other = await companyWithUser(h, 'OtherMetadataJobsCo', 'IpsUser');
    files = {
      jpeg: await makeJpeg(path.join(dir, 'photo.jpg'), 60, 40),
      pdf: await writeBrochurePdf(dir),
      clip: await makeClip(path.join(dir, 'clip.mp4'), { seconds: 1, width: 160, height: 120 }),
    };
    field.Note = await createField(ANY_ASSET_TYPE, 'Note', 'String');
    field.Count = await createField(ANY_ASSET_TYPE, 'Count', 'Int');
    field.Season = await createField('Image', 'Season', 'MultiFixedTag', { initialTagValue: 'Spring,Summer,Fall,Winter' });
    field.Keywords = metadataFieldHandle(acme.companyHandle, ANY_ASSET_TYPE, 'Keywords');
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('an UploadFile job gives the file it commits the values, read back by getAssets and found by searchAssets', async () => {
    const metadataOptions = {
      updateArray: {
        items: [
          { fieldHandle: field.Note, value: 'from the upload' },
          { fieldHandle: field.Count, value: '7' },
          { fieldHandle: field.Season, setTagValueArray: { items: ['fall', 'Winter'] } },
          { fieldHandle: field.Keywords, addTagValueArray: { items: ['tulip'] } },
        ],
      },
    };
    const r = await post({ jobName: 'upload-metadata', endJob: true, uploadParams: uploadOptions(metadataOptions) }, { path: files.jpeg, name: 'Tulip.jpg' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await h.client.workflow.getHandle(r.body.jobHandle).result()).toMatchObject({ success: 1, error: 0 });
    const tulip = await metadataOf(await handleOf('Tulip'));
    expect(tulip.Note).toEqual({ name: 'Note', value: 'from the upload' });
    expect(tulip.Count).toEqual({ name: 'Count', value: '7', longVal: 7 });
    // The dictionary's spelling is stored.
    expect(tulip.Season).toEqual({ name: 'Season', value: 'Fall,Winter', valueArray: { items: ['Fall', 'Winter'] } });
    expect(tulip.Keywords).toMatchObject({ valueArray: { items: ['tulip'] } });
    expect(await searchNames([{ fieldHandle: field.Note, op: 'Equals', value: 'from the upload' }])).toEqual(['Tulip']);
    expect(await searchNames([{ fieldHandle: field.Count, op: 'GreaterThan', longVal: 6 }])).toEqual(['Tulip']);
    // Nothing to warn about.
    expect(await jobLog(r.body.jobHandle)).toMatchObject({ fileSuccessCount: 1, fileWarningCount: 0 });
  });

  it('a ReprocessAssetsJob gives the values to the assets and their pages; a field of another asset type is skipped with a warning', async () => {
    const seeded = await seedAssets(h, acme, [
      { path: files.jpeg, name: 'Leaf.jpg' },
      { path: files.pdf, name: 'Brochure.pdf' },
      { path: files.jpeg, name: 'Untouched.jpg' },
    ]);
    const job = await call('submitJob', {
      jobName: 'reprocess-metadata',
      reprocessAssetsJob: {
        assetHandleArray: [seeded.Leaf, seeded.Brochure],
        createMask: false,
        emailSetting: 'None',
        pdfOptions: { resolution: 36, pdfCatalog: false },
        metadataOptions: {
          updateArray: [
            { fieldHandle: field.Note, value: 'reprocessed' },
            { fieldHandle: field.Season, addTagValueArray: ['Spring'] },
          ],
        },
      },
    });
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    const jobHandle = job.body.jobHandle as string;
    expect(await h.client.workflow.getHandle(jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
    const leaf = await metadataOf(seeded.Leaf!);
    expect(leaf.Note).toMatchObject({ value: 'reprocessed' });
    expect(leaf.Season).toMatchObject({ valueArray: { items: ['Spring'] } });
    // Season is an Image field: the PDF does not take it, its pages (images) do.
    const brochure = await metadataOf(seeded.Brochure!);
    expect(brochure.Note).toMatchObject({ value: 'reprocessed' });
    expect(brochure).not.toHaveProperty('Season');
    const pages = await h.ctx.database.db.selectFrom('asset_derivations').select('asset_handle').where('source_handle', '=', seeded.Brochure!).execute();
    expect(pages).toHaveLength(2);
    for (const page of pages) expect(await metadataOf(page.asset_handle)).toMatchObject({ Note: { value: 'reprocessed' }, Season: { value: 'Spring' } });
    expect(await searchNames([{ fieldHandle: field.Note, op: 'Equals', value: 'reprocessed' }])).toHaveLength(4);
    expect(await metadataOf(seeded.Untouched!)).toEqual({});
    const warnings = (await details(jobHandle)).filter((d) => d.logType === 'ReprocessWarning' || d.logType === 'UploadWarning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.logMessage).toContain(`metadata field '${field.Season}' not set`);
    expect(warnings[0]!.logMessage).toContain('a field of asset type Image');
    expect(warnings[0]!.assetName).toContain('Brochure.pdf');
    expect(await jobLog(jobHandle)).toMatchObject({ fileSuccessCount: 2, fileWarningCount: 1, fileErrorCount: 0 });
  });

  it('a video reprocess item joins the projects and gets the values, as other reprocess items do', async () => {
    await uploadJob(h, acme, [{ path: files.clip, name: 'Clip.mp4' }], { readyForPublish: false }, 'seed-clip');
    const clip = (await assetHandlesByName(h, acme.companyHandle)).Clip!;
    const projectHandle = (await call('createProject', { projectName: 'Videos' })).body.projectHandle as string;
    const job = await call('submitJob', {
      jobName: 'reprocess-video',
      reprocessAssetsJob: {
        assetHandleArray: [clip],
        createMask: false,
        emailSetting: 'None',
        projectHandleArray: [projectHandle],
        metadataOptions: { updateArray: [{ fieldHandle: field.Note, value: 'a clip' }] },
      },
    });
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    expect(await h.client.workflow.getHandle(job.body.jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
    expect(await metadataOf(clip)).toMatchObject({ Note: { value: 'a clip' } });
    const members = await h.ctx.database.db.selectFrom('project_assets').select('asset_handle').where('project_handle', '=', projectHandle).execute();
    expect(members.map((m) => m.asset_handle)).toEqual([clip]);
  });

  it('refuses at submit an update naming no field of the company, a value of the wrong form and a tag outside a closed dictionary', async () => {
    const asset = await handleOf('Tulip');
    const theirs = (
      await h.api('createMetadataField', { companyHandle: other.companyHandle, assetType: ANY_ASSET_TYPE, name: 'Theirs', fieldType: 'String' }, ADMIN)
    ).body.fieldHandle as string;
    const reprocess = (updateArray: unknown[]) =>
      call('submitJob', {
        jobName: 'bad-metadata',
        reprocessAssetsJob: { assetHandleArray: [asset], createMask: false, emailSetting: 'None', metadataOptions: { updateArray } },
      });
    const at = 'reprocessAssetsJob.metadataOptions.updateArray.items';
    for (const [updates, status, fieldName] of [
      [
        [
          { fieldHandle: field.Note, value: 'ok' },
          { fieldHandle: 'm|0|ASSET|Nope', value: 'x' },
        ],
        404,
        `${at}[1].fieldHandle`,
      ],
      [[{ fieldHandle: theirs, value: 'x' }], 404, `${at}[0].fieldHandle`],
      [[{ fieldHandle: field.Count, value: 'many' }], 400, `${at}[0].value`],
      [[{ fieldHandle: field.Note, longVal: 3 }], 400, `${at}[0].longVal`],
      [[{ fieldHandle: field.Season, addTagValueArray: ['Monsoon'] }], 400, `${at}[0].addTagValueArray.items[0]`],
    ] as const) {
      const r = await reprocess([...updates]);
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body).toMatchObject({ code: FaultCode.InvalidParameter, field: fieldName });
    }
    const servlet = await post(
      { jobName: 'bad-upload-metadata', endJob: true, uploadParams: uploadOptions({ updateArray: [{ fieldHandle: field.Count, value: '1.5' }] }) },
      { path: files.jpeg, name: 'Refused.jpg' },
    );
    expect(servlet.status).toBe(400);
    expect(servlet.body).toMatchObject({ field: 'uploadParams.uploadParams.metadataOptions.updateArray.items[0].value' });
    // Nothing was started: no asset.
    expect(await h.ctx.database.db.selectFrom('assets').select('name').where('name', '=', 'Refused').executeTakeFirst()).toBeUndefined();
  });

  it('a field deleted while the job runs is skipped with a warning: the file still succeeds with the other values', async () => {
    const doomed = await createField(ANY_ASSET_TYPE, 'Doomed', 'String');
    const metadataOptions = {
      updateArray: [
        { fieldHandle: field.Note, value: 'kept' },
        { fieldHandle: doomed, value: 'lost' },
      ],
    };
    const first = await post({ jobName: 'field-deleted', uploadParams: uploadOptions(metadataOptions) }, { path: files.jpeg, name: 'Early.jpg' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const jobHandle = first.body.jobHandle as string;
    await waitUntil('the first file has its values', async () => (await h.ctx.repositories.metadata.uniqueValues(acme.companyHandle, doomed)).length === 1);
    expect((await h.api('deleteMetadataField', { companyHandle: acme.companyHandle, fieldHandle: doomed }, ADMIN)).status).toBe(200);
    const second = await post({ jobHandle, endJob: true }, { path: files.jpeg, name: 'Late.jpg' });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(await h.client.workflow.getHandle(jobHandle).result()).toMatchObject({ success: 2, error: 0 });
    expect(await metadataOf(await handleOf('Late'))).toEqual({ Note: { name: 'Note', value: 'kept' } });
    expect(await metadataOf(await handleOf('Early'))).toEqual({ Note: { name: 'Note', value: 'kept' } });
    const warnings = (await details(jobHandle)).filter((d) => d.logType === 'UploadWarning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.logMessage).toContain(`metadata field '${doomed}' not set: the field was deleted while the job ran`);
    expect(warnings[0]!.assetName).toContain('Late.jpg');
    expect(await jobLog(jobHandle)).toMatchObject({ fileSuccessCount: 2, fileWarningCount: 1, fileErrorCount: 0 });
  });
});
