import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadJobResult } from '../../src/jobs/contracts.js';
import { ADMIN, type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeAi, makeCorruptJpeg, makeEps, makeJpeg, makePng, makePsd, realPdf, uploadPost } from '../support/fixtures.js';
import { storedExists, storedKeys, storedPath } from '../support/stored.js';

const MAX_UPLOAD = 2 * 1024 * 1024;
// Stands in for IPS's 30 minutes; long enough that two posts in a row never hit it.
const IDLE_SECONDS = 8;
const sha = async (file: string) =>
  createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');

describe(`UploadFile upload jobs (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let globex: Awaited<ReturnType<typeof companyWithUser>>;
  const files: Record<string, string> = {};

  const post = (params: Record<string, unknown>, list: Array<{ path: string; name?: string }>, who = acme.who) =>
    uploadPost(h.baseUrl, { params, files: list, authorization: basic(who) });
  const finished = (jobHandle: string) => h.client.workflow.getHandle(jobHandle).result() as Promise<UploadJobResult>;
  const storagePath = (key: string) => storedPath(h, key);

  beforeAll(async () => {
    h = await startHarness({ MAX_UPLOAD_FILE_BYTES: String(MAX_UPLOAD), UPLOAD_JOB_IDLE_SECONDS: String(IDLE_SECONDS) });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-upload-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    globex = await companyWithUser(h, 'Globex', 'IpsUser');
    files.jpeg = await makeJpeg(path.join(dir, 'beach.jpg'));
    files.png = await makePng(path.join(dir, 'logo.png'));
    files.pdf = await realPdf(dir);
    files.corrupt = await makeCorruptJpeg(path.join(dir, 'broken.jpg'), files.jpeg);
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('ingests a real JPEG, PNG and PDF; a corrupt file fails alone and is logged', async () => {
    const r = await post({ companyHandle: acme.companyHandle, jobName: 'first-upload', destFolder: 'summer', endJob: true }, [
      { path: files.jpeg },
      { path: files.png },
      { path: files.pdf },
      { path: files.corrupt },
    ]);
    expect(r.status).toBe(200);
    const result = await finished(r.body.jobHandle);
    expect(result).toMatchObject({ total: 4, success: 3, error: 1, duplicate: 0, updated: 0, endedBy: 'endJob' });

    const found = await h.api('searchAssets', { companyHandle: acme.companyHandle, folder: 'summer', includeSubfolders: false }, acme.who);
    expect(found.body.totalRows).toBe(3);
    const byName = Object.fromEntries(found.body.assetArray.items.map((a: any) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['beach', 'logo', 'spec']);
    expect(byName.beach).toMatchObject({ type: 'Image', fileName: 'beach.jpg', folder: 'Acme/summer/', readyForPublish: true, createUser: acme.who.email });
    expect(byName.beach.imageInfo).toMatchObject({ width: 1600, height: 1200, resolution: 300, fileSize: (await fs.stat(files.jpeg)).size });
    expect(byName.logo.imageInfo).toMatchObject({ width: 640, height: 480 });
    expect(byName.spec.type).toBe('Pdf');
    expect(byName.spec.pdfInfo.fileSize).toBe((await fs.stat(files.pdf)).size);

    for (const [name, source] of [
      ['beach', files.jpeg],
      ['logo', files.png],
    ] as const) {
      const info = byName[name].imageInfo;
      const ptiff = await sharp(await storagePath(info.optimizedPath + info.optimizedFile)).metadata();
      expect(ptiff.format).toBe('tiff');
      expect([ptiff.width, ptiff.height]).toEqual([info.width, info.height]);
      expect(ptiff.pages).toBeGreaterThan(1); // pyramid levels
      const original = await storagePath(info.originalPath + info.originalFile);
      expect(await sha(original)).toBe(await sha(source));
      // Originals are read-only on local disk (mode 0444); S3 objects cannot be written in place at all.
      if (h.ctx.config.storage.driver === 'local') expect((await fs.stat(original)).mode & 0o222).toBe(0);
    }
    expect(byName.logo.imageInfo.optimizedFile).toMatch(/\.ptif$/);

    const byHandle = await h.api(
      'getAssets',
      { companyHandle: acme.companyHandle, assetHandleArray: [byName.spec.assetHandle, 'a|unknown', byName.beach.assetHandle] },
      acme.who,
    );
    expect(byHandle.body.assetArray.items.map((a: any) => a.name)).toEqual(['spec', 'beach']);

    const details = await h.ctx.repositories.jobLogs.details(r.body.jobHandle);
    const error = details.find((d) => d.log_type === 'UploadError');
    expect(error?.asset_name).toBe('Acme/summer/broken.jpg');
    expect(JSON.parse(error!.message_args).reason.length).toBeGreaterThan(5);
    expect(details.filter((d) => d.log_type === 'UploadSuccess')).toHaveLength(3);
    expect(details.map((d) => d.log_type)).toEqual(expect.arrayContaining(['BeginUpload', 'OriginalJobName', 'EndUpload']));
    const log = await h.ctx.repositories.jobLogs.find(r.body.jobHandle);
    expect(log).toMatchObject({ total_file_count: 4, file_success_count: 3, file_error_count: 1, original_job_name: 'first-upload' });
    expect(log?.end_date).toBeTruthy();
    // The corrupt file's bytes are kept, not lost.
    const rejected = await storedKeys(h, `rejected/${acme.companyHandle.replace('|', '_')}`);
    expect(rejected.some((f) => f.endsWith('broken.jpg'))).toBe(true);

    // The worker is still up: a second job runs.
    const again = await post({ companyHandle: acme.companyHandle, jobName: 'after-corrupt', endJob: true }, [{ path: files.png, name: 'logo2.png' }]);
    expect(await finished(again.body.jobHandle)).toMatchObject({ success: 1, error: 0 });
  });

  it('accepts TIFF, WebP, GIF, PSD, EPS and Illustrator originals with the right types', async () => {
    await sharp(files.jpeg).resize(400).tiff({ compression: 'lzw' }).toFile(path.join(dir, 'f-tiff.tif'));
    await sharp(files.jpeg).resize(300).webp().toFile(path.join(dir, 'f-webp.webp'));
    await sharp(files.png).resize(200).gif().toFile(path.join(dir, 'f-gif.gif'));
    await makePsd(path.join(dir, 'f-psd.psd'), 120, 80);
    await makeEps(path.join(dir, 'f-eps.eps'));
    await makeAi(path.join(dir, 'f-ai.ai'), files.pdf);
    const names = ['f-tiff.tif', 'f-webp.webp', 'f-gif.gif', 'f-psd.psd', 'f-eps.eps', 'f-ai.ai'];
    const r = await post(
      { companyHandle: acme.companyHandle, jobName: 'formats', destFolder: 'formats', endJob: true },
      names.map((n) => ({ path: path.join(dir, n) })),
    );
    expect(await finished(r.body.jobHandle)).toMatchObject({ total: 6, success: 6, error: 0 });
    const found = await h.api('searchAssets', { companyHandle: acme.companyHandle, folder: 'formats', includeSubfolders: false }, acme.who);
    const types = Object.fromEntries(
      found.body.assetArray.items.map((a: any) => [a.name, [a.type, a.imageInfo?.width ?? null, Boolean(a.imageInfo?.optimizedFile)]]),
    );
    expect(types).toEqual({
      'f-tiff': ['Image', 400, true],
      'f-webp': ['Image', 300, true],
      'f-gif': ['Image', 200, true],
      'f-psd': ['Image', 120, true],
      'f-eps': ['PostScript', null, false],
      'f-ai': ['Illustrator', null, false],
    });
  });

  it('adds files to a job across posts and refuses posts to an ended job', async () => {
    const first = await post({ companyHandle: acme.companyHandle, jobName: 'multi' }, [{ path: files.png, name: 'multi-a.png' }]);
    expect(first.status).toBe(200);
    const jobHandle = first.body.jobHandle;
    expect(jobHandle).toMatch(/^j\|.*\|multi_\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d\.\d{3}\|/);
    const second = await post({ companyHandle: acme.companyHandle, jobHandle, endJob: true }, [{ path: files.png, name: 'multi-b.png' }]);
    expect(second.body).toEqual({ jobHandle });
    expect(await finished(jobHandle)).toMatchObject({ total: 2, success: 2 });
    const late = await post({ companyHandle: acme.companyHandle, jobHandle, endJob: true }, [{ path: files.png, name: 'multi-c.png' }]);
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({ code: 30001, field: 'uploadParams.jobHandle' });
    const foreign = await post({ companyHandle: globex.companyHandle, jobHandle, endJob: true }, [{ path: files.png, name: 'x.png' }], globex.who);
    expect(foreign.status).toBe(404);
    // Nothing from refused posts is left in staging.
    const staging = await storedKeys(h, 'staging');
    expect(staging).toEqual([]);
  });

  it('shows an upload job waiting for posts in getActiveJobs', async () => {
    const first = await post({ companyHandle: acme.companyHandle, jobName: 'visible', description: 'two posts' }, [{ path: files.png, name: 'visible-a.png' }]);
    const jobHandle = first.body.jobHandle;
    let job: any;
    for (let i = 0; i < 50 && job?.state !== 'WaitingClient'; i++) {
      job = (await h.api('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).body.jobArray.items[0];
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job).toMatchObject({
      state: 'WaitingClient',
      type: 'UploadPost',
      originalName: 'visible',
      description: 'two posts',
      uploadPostJob: { overwrite: true, readyForPublish: true, emailSetting: 'None' },
    });
    expect(job.name).toMatch(/^visible_/);
    await post({ companyHandle: acme.companyHandle, jobHandle, endJob: true }, [{ path: files.png, name: 'visible-b.png' }]);
    expect(await finished(jobHandle)).toMatchObject({ total: 2, success: 2 });
  });

  it('ends a job after UPLOAD_JOB_IDLE_SECONDS without a post', async () => {
    const r = await post({ companyHandle: acme.companyHandle, jobName: 'idle' }, [{ path: files.png, name: 'idle.png' }]);
    expect(await finished(r.body.jobHandle)).toMatchObject({ total: 1, success: 1, endedBy: 'idleTimeout', idleTimeoutSeconds: IDLE_SECONDS });
    const end = (await h.ctx.repositories.jobLogs.details(r.body.jobHandle)).find((d) => d.log_type === 'EndUpload');
    expect(end?.message_key).toBe('uploadEndedIdle');
    expect((await h.ctx.repositories.jobLogs.find(r.body.jobHandle))?.end_date).toBeTruthy();
  });

  it('skips duplicates when overwrite is false and replaces the asset when true', async () => {
    const opts = (overwrite: boolean) => ({ overwrite, readyForPublish: false, createMask: false, emailSetting: 'None' });
    const base = await post({ companyHandle: acme.companyHandle, jobName: 'dup-0', endJob: true, uploadParams: opts(true) }, [
      { path: files.png, name: 'shoe.png' },
    ]);
    await finished(base.body.jobHandle);
    const before = (
      await h.api(
        'searchAssets',
        { companyHandle: acme.companyHandle, includeSubfolders: true, systemFieldConditionArray: [{ field: 'Name', op: 'Equals', value: 'shoe' }] },
        acme.who,
      )
    ).body.assetArray.items[0];
    expect(before.readyForPublish).toBe(false);

    const dup = await post({ companyHandle: acme.companyHandle, jobName: 'dup-1', endJob: true, uploadParams: opts(false) }, [
      { path: files.jpeg, name: 'shoe.jpg' },
    ]);
    expect(await finished(dup.body.jobHandle)).toMatchObject({ duplicate: 1, success: 0 });
    expect((await h.ctx.repositories.jobLogs.details(dup.body.jobHandle)).some((d) => d.log_type === 'DuplicateSkipped')).toBe(true);

    const over = await post({ companyHandle: acme.companyHandle, jobName: 'dup-2', endJob: true, uploadParams: opts(true) }, [
      { path: files.jpeg, name: 'shoe.jpg' },
    ]);
    expect(await finished(over.body.jobHandle)).toMatchObject({ updated: 1 });
    const after = (await h.api('getAssets', { companyHandle: acme.companyHandle, assetHandleArray: [before.assetHandle] }, acme.who)).body.assetArray.items[0];
    expect(after).toMatchObject({ assetHandle: before.assetHandle, fileName: 'shoe.jpg', created: before.created });
    expect(after.imageInfo.width).toBe(1600);
    expect(await storedExists(h, before.imageInfo.originalPath + before.imageInfo.originalFile)).toBe(false);
    expect((await h.ctx.repositories.jobLogs.details(over.body.jobHandle)).some((d) => d.log_type === 'FileUpdated')).toBe(true);
  });

  it('detects the type from the content, not the name, and warns about the mismatch', async () => {
    const r = await post({ companyHandle: acme.companyHandle, jobName: 'sniff', endJob: true }, [
      { path: files.png, name: 'disguised.jpg' },
      { path: files.pdf, name: 'manual.png' },
    ]);
    expect(await finished(r.body.jobHandle)).toMatchObject({ success: 2 });
    const found = await h.api(
      'searchAssets',
      {
        companyHandle: acme.companyHandle,
        includeSubfolders: true,
        assetTypeArray: ['Pdf'],
        systemFieldConditionArray: [{ field: 'Name', op: 'StartsWith', value: 'manu' }],
      },
      acme.who,
    );
    expect(found.body.assetArray.items.map((a: any) => a.name)).toEqual(['manual']);
    const warnings = (await h.ctx.repositories.jobLogs.details(r.body.jobHandle)).filter((d) => d.log_type === 'UploadWarning');
    expect(warnings).toHaveLength(2);
  });

  it('fails an oversized file alone and records why', async () => {
    const big = path.join(dir, 'big.tif');
    await fs.writeFile(big, Buffer.alloc(MAX_UPLOAD + 1024, 7));
    const r = await post({ companyHandle: acme.companyHandle, jobName: 'oversize', endJob: true }, [{ path: big }, { path: files.png, name: 'small.png' }]);
    expect(r.status).toBe(200);
    expect(await finished(r.body.jobHandle)).toMatchObject({ total: 2, success: 1, error: 1 });
    const error = (await h.ctx.repositories.jobLogs.details(r.body.jobHandle)).find((d) => d.log_type === 'UploadError');
    expect(JSON.parse(error!.message_args).reason).toContain(`larger than the upload limit of ${MAX_UPLOAD} bytes`);
  });

  it('authenticates and authorizes posts', async () => {
    const params = { companyHandle: acme.companyHandle, jobName: 'auth', endJob: true };
    const anonymous = await uploadPost(h.baseUrl, { params, files: [{ path: files.png }] });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ fault: 'authenticationFault', code: 10000 });
    const viaPart = await uploadPost(h.baseUrl, {
      params,
      files: [{ path: files.png, name: 'via-part.png' }],
      authPart: { user: acme.who.email, password: acme.who.password },
    });
    expect(viaPart.status).toBe(200);
    await finished(viaPart.body.jobHandle);
    const foreign = await post(params, [{ path: files.png }], globex.who);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ code: 20006 });
    const missing = await post({ jobName: 'x' }, [{ path: files.png }]);
    expect(missing.body).toMatchObject({ code: 30002, field: 'uploadParams.companyHandle' });
    const base = { overwrite: true, readyForPublish: true, createMask: false, emailSetting: 'None' };
    const twoCrops = await post(
      { ...params, uploadParams: { ...base, manualCropOptions: { left: 1, right: 1, top: 1, bottom: 1 }, autoTransparentCropOptions: { tolerance: 0 } } },
      [{ path: files.png }],
    );
    expect(twoCrops.body).toMatchObject({ code: 30001, field: 'uploadParams.uploadParams.autoTransparentCropOptions' });
    const layers = await post({ ...params, uploadParams: { ...base, photoshopOptions: { process: 'MaintainLayers' } } }, [{ path: files.png }]);
    expect(layers.body).toMatchObject({ code: 30001, field: 'uploadParams.uploadParams.photoshopOptions' });
    expect(layers.body.reason).toContain('reprocessAssetsJob');
  });

  it('runs the reprocess pipeline on upload: crop, knockout + mask, colour, unsharp mask; overwrite preserves the crop', async () => {
    // white 200x100 with a red 40x20 block at (50,30); the crop keeps a 10 px white margin round it
    const block = path.join(dir, 'block.png');
    await sharp({ create: { width: 200, height: 100, channels: 3, background: '#ffffff' } })
      .composite([{ input: Buffer.from('<svg width="40" height="20"><rect width="40" height="20" fill="#ff0000"/></svg>'), left: 50, top: 30 }])
      .png()
      .toFile(block);
    const profile = await post({ companyHandle: acme.companyHandle, jobName: 'profile', endJob: true }, [{ path: '/usr/share/color/icc/ghostscript/a98.icc' }]);
    await finished(profile.body.jobHandle);
    const a98 = await h.ctx.database.db
      .selectFrom('assets')
      .selectAll()
      .where('company_handle', '=', acme.companyHandle)
      .where('name', '=', 'a98')
      .executeTakeFirstOrThrow();
    const options = {
      overwrite: true,
      readyForPublish: false,
      createMask: true,
      emailSetting: 'None',
      manualCropOptions: { left: 40, top: 20, right: 100, bottom: 40 },
      knockoutBackgroundOptions: { corner: 'UpperLeft', tolerance: 0, fillMethod: 'FloodFill' },
      colorManagementOptions: { colorManagement: 'Convert', outputProfileHandle: a98.asset_handle },
      unsharpMaskOptions: { amount: 1, radius: 1, threshold: 0, monochrome: 0 },
    };
    const r = await post({ companyHandle: acme.companyHandle, jobName: 'processed', destFolder: 'processed', endJob: true, uploadParams: options }, [
      { path: block },
    ]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await finished(r.body.jobHandle)).toMatchObject({ success: 1, error: 0 });
    const row = await h.ctx.database.db
      .selectFrom('assets')
      .selectAll()
      .where('company_handle', '=', acme.companyHandle)
      .where('name', '=', 'block')
      .executeTakeFirstOrThrow();
    expect([row.width, row.height]).toEqual([60, 40]);
    expect(JSON.parse(row.crop_json!)).toEqual({ left: 40, top: 20, width: 60, height: 40, source: 'manual' });
    const ptiff = await sharp(await storagePath(row.optimized_key!)).metadata();
    expect(ptiff).toMatchObject({ width: 60, height: 40, hasAlpha: true });
    expect(ptiff.icc?.equals(await fs.readFile('/usr/share/color/icc/ghostscript/a98.icc'))).toBe(true);
    // the white margin (the corner's colour, connected to it) is knocked out, the block kept
    expect(row.mask_key).toBeTruthy();
    const mask = await sharp(await storagePath(row.mask_key!))
      .extractChannel(0)
      .raw()
      .toBuffer();
    expect([mask[0], mask[59], mask[39 * 60], mask[20 * 60 + 30]]).toEqual([0, 0, 0, 255]);
    const alpha = await sharp(await storagePath(row.optimized_key!), { page: 0 })
      .extractChannel('alpha')
      .raw()
      .toBuffer();
    expect([alpha[0], alpha[20 * 60 + 30]]).toEqual([0, 255]);
    expect(await sha(await storagePath(row.original_key))).toBe(await sha(block));

    // a new version with no crop options keeps the stored crop (preserveCrop defaults to true) ...
    const again = await post(
      {
        companyHandle: acme.companyHandle,
        jobName: 'again',
        destFolder: 'processed',
        endJob: true,
        uploadParams: { overwrite: true, readyForPublish: false, createMask: false, emailSetting: 'None' },
      },
      [{ path: block }],
    );
    expect(await finished(again.body.jobHandle)).toMatchObject({ updated: 1 });
    const kept = await h.ctx.database.db.selectFrom('assets').selectAll().where('asset_handle', '=', row.asset_handle).executeTakeFirstOrThrow();
    expect([kept.width, kept.height, kept.mask_key]).toEqual([60, 40, null]);
    expect(await storedExists(h, row.mask_key!)).toBe(false); // the superseded mask is gone
    // ... and preserveCrop false drops it
    const dropped = await post(
      {
        companyHandle: acme.companyHandle,
        jobName: 'drop',
        destFolder: 'processed',
        endJob: true,
        uploadParams: { overwrite: true, readyForPublish: false, createMask: false, preserveCrop: false, emailSetting: 'None' },
      },
      [{ path: block }],
    );
    expect(await finished(dropped.body.jobHandle)).toMatchObject({ updated: 1 });
    const full = await h.ctx.database.db.selectFrom('assets').selectAll().where('asset_handle', '=', row.asset_handle).executeTakeFirstOrThrow();
    expect([full.width, full.height, full.crop_json]).toEqual([200, 100, null]);

    // an unknown profile handle is refused when the job is posted, naming the field
    const bad = await post(
      {
        companyHandle: acme.companyHandle,
        jobName: 'bad-profile',
        endJob: true,
        uploadParams: { ...options, colorManagementOptions: { colorManagement: 'Convert', outputProfileHandle: 'a|nothing' } },
      },
      [{ path: block }],
    );
    expect(bad.status).toBe(404);
    expect(bad.body).toMatchObject({ field: 'uploadParams.uploadParams.colorManagementOptions.outputProfileHandle' });
  });

  it('lets operators find jobs in Temporal by company, type and name', async () => {
    const r = await post({ companyHandle: globex.companyHandle, jobName: 'findable', endJob: true }, [{ path: files.png, name: 'g.png' }], globex.who);
    await finished(r.body.jobHandle);
    const ids: string[] = [];
    for await (const wf of h.client.workflow.list({ query: `CompanyHandle="${globex.companyHandle}" AND JobType="UploadPost" AND JobName="findable"` }))
      ids.push(wf.workflowId);
    expect(ids).toEqual([r.body.jobHandle]);
    void ADMIN;
  });
});
