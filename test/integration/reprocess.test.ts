import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackReceiver } from '../support/callback-receiver.js';
import { type Harness, basic, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { realPdf, uploadPost } from '../support/fixtures.js';
import { storedPath } from '../support/stored.js';
import { writeTaggedTiff } from '../../src/adapters/media/icc-profile.js';

interface Pixels {
  width: number;
  height: number;
  channels: number;
  at(x: number, y: number): number[];
}

/** Full-resolution level of a pyramid TIFF (page 0), as raw pixels. */
async function readLevel0(file: string): Promise<Pixels> {
  const { data, info } = await sharp(file, { page: 0 }).raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    at: (x, y) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels)],
  };
}

const rect = (w: number, h: number, color: string) => Buffer.from(`<svg width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="${color}"/></svg>`);
/** JPEG tiles (opaque images) are lossy: colours within a few levels. */
const near = (actual: number[], expected: number[], tol = 6) =>
  expected.forEach((v, i) => expect(Math.abs(actual[i]! - v), `channel ${i}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tol));

describe(`ReprocessAssetsJob (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const handles: Record<string, string> = {};

  const reprocess = async (assetHandles: string[], options: Record<string, unknown>) => {
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'rp',
        reprocessAssetsJob: { assetHandleArray: assetHandles, createMask: false, emailSetting: 'None', ...options },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return { jobHandle: r.body.jobHandle as string, outcome: await h.client.workflow.getHandle(r.body.jobHandle).result() };
  };
  const asset = (name: string) => h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles[name]!);
  const ptiff = async (name: string) => readLevel0(await storedPath(h, (await asset(name))!.optimized_key!));

  beforeAll(async () => {
    // The test receiver listens on loopback, which callbacks may reach only when allowed.
    h = await startHarness({ CALLBACK_ALLOWED_HOSTS: '127.0.0.1/32' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-rp-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const white = { r: 255, g: 255, b: 255 };
    await sharp({ create: { width: 200, height: 100, channels: 3, background: white } })
      .composite([{ input: rect(40, 20, 'rgb(255,0,0)'), left: 50, top: 30 }])
      .png()
      .toFile(path.join(dir, 'crop.png'));
    await sharp({ create: { width: 120, height: 80, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: rect(30, 30, 'rgb(0,0,255)'), left: 10, top: 20 }])
      .png()
      .toFile(path.join(dir, 'alpha.png'));
    await sharp({ create: { width: 100, height: 100, channels: 3, background: white } })
      .composite([
        { input: rect(40, 40, 'rgb(0,0,0)'), left: 30, top: 30 },
        { input: rect(10, 10, 'rgb(255,255,255)'), left: 45, top: 45 },
      ])
      .png()
      .toFile(path.join(dir, 'knock.png'));
    const step = Buffer.alloc(100 * 50 * 3);
    for (let y = 0; y < 50; y++) for (let x = 0; x < 100; x++) step.fill(x < 50 ? 100 : 150, (y * 100 + x) * 3, (y * 100 + x) * 3 + 3);
    await sharp(step, { raw: { width: 100, height: 50, channels: 3 } })
      .png()
      .toFile(path.join(dir, 'usm.png'));
    const pdf = await realPdf(dir);
    const files = ['crop.png', 'alpha.png', 'knock.png', 'usm.png'].map((f) => ({ path: path.join(dir, f) })).concat([{ path: pdf }]);
    Object.assign(handles, await seedAssets(h, acme, files));
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('manual crop, then preserveCrop true keeps it and false removes it', async () => {
    await reprocess([handles.crop!], { manualCropOptions: { left: 50, top: 30, right: 110, bottom: 50 } });
    let img = await ptiff('crop');
    expect([img.width, img.height]).toEqual([40, 20]);
    near(img.at(0, 0), [255, 0, 0]);
    near(img.at(39, 19), [255, 0, 0]);
    expect(JSON.parse((await asset('crop'))!.crop_json!)).toMatchObject({ left: 50, top: 30, width: 40, height: 20, source: 'manual' });

    await reprocess([handles.crop!], {}); // preserveCrop defaults to true
    expect([(await ptiff('crop')).width, (await ptiff('crop')).height]).toEqual([40, 20]);
    await reprocess([handles.crop!], { manualCropOptions: { left: 0, top: 0, right: 0, bottom: 0 } }); // all-zero = no crop: preserve applies
    expect((await ptiff('crop')).width).toBe(40);
    await reprocess([handles.crop!], { preserveCrop: false });
    img = await ptiff('crop');
    expect([img.width, img.height]).toEqual([200, 100]);
    expect((await asset('crop'))!.crop_json).toBeNull();
  });

  it('auto colour crop trims the corner colour; auto transparent crop trims transparency', async () => {
    await reprocess([handles.crop!], { autoColorCropOptions: { corner: 'UpperLeft', tolerance: 0 } });
    const img = await ptiff('crop');
    expect([img.width, img.height]).toEqual([40, 20]);
    near(img.at(20, 10), [255, 0, 0]);
    await reprocess([handles.alpha!], { autoTransparentCropOptions: { tolerance: 0 } });
    const a = await ptiff('alpha');
    expect([a.width, a.height]).toEqual([30, 30]);
    expect(a.at(0, 0)).toEqual([0, 0, 255, 255]);
    expect(JSON.parse((await asset('alpha'))!.crop_json!).source).toBe('autoTransparent');
  });

  it('knocks out the background by flood fill (island kept) or by matching pixels (island gone), with a mask file', async () => {
    await reprocess([handles.knock!], { createMask: true, knockoutBackgroundOptions: { corner: 'UpperLeft', tolerance: 0, fillMethod: 'FloodFill' } });
    let img = await ptiff('knock');
    expect(img.channels).toBe(4);
    expect(img.at(0, 0)[3]).toBe(0); // background
    expect(img.at(35, 35)).toEqual([0, 0, 0, 255]); // black square
    expect(img.at(50, 50)).toEqual([255, 255, 255, 255]); // white island, not connected to the corner
    const row = (await asset('knock'))!;
    const maskFile = await storedPath(h, row.mask_key!);
    expect(await sharp(maskFile).metadata()).toMatchObject({ format: 'png', width: 100, height: 100, channels: 1 });
    const mask = await readLevel0(maskFile);
    expect([mask.at(0, 0)[0], mask.at(35, 35)[0], mask.at(50, 50)[0]]).toEqual([0, 255, 255]);

    await reprocess([handles.knock!], { createMask: true, knockoutBackgroundOptions: { corner: 'UpperLeft', tolerance: 0, fillMethod: 'MatchPixel' } });
    img = await ptiff('knock');
    expect(img.at(50, 50)[3]).toBe(0);
    expect(img.at(35, 35)[3]).toBe(255);
    // The previous job's derivatives are gone once the new ones are committed.
    expect(await h.ctx.storage.exists(row.optimized_key!)).toBe(false);
    expect(await h.ctx.storage.exists(row.mask_key!)).toBe(false);
  });

  it('applies the unsharp mask when building the PTIFF, respecting the threshold', async () => {
    await reprocess([handles.usm!], { unsharpMaskOptions: { amount: 2, radius: 2, threshold: 0, monochrome: 1 } });
    let img = await ptiff('usm');
    expect(img.at(48, 25)[0]).toBeLessThan(90); // darker side overshoots down
    expect(img.at(51, 25)[0]).toBeGreaterThan(160); // brighter side overshoots up
    near(img.at(5, 25), [100, 100, 100], 3); // flat areas untouched
    near(img.at(95, 25), [150, 150, 150], 3);
    await reprocess([handles.usm!], { unsharpMaskOptions: { amount: 2, radius: 2, threshold: 60, monochrome: 0 } });
    img = await ptiff('usm');
    near(img.at(48, 25), [100, 100, 100], 3); // the edge differs by less than the threshold
    near(img.at(51, 25), [150, 150, 150], 3);
  });

  it('fails missing, foreign and unprocessable assets alone and never touches originals', async () => {
    const before = await fs.readFile(await storedPath(h, (await asset('crop'))!.original_key));
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'icc', endJob: true },
      files: [{ path: '/usr/share/color/icc/ghostscript/srgb.icc' }],
      authorization: basic(acme.who),
    });
    await h.client.workflow.getHandle(up.body.jobHandle).result();
    const profile = (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, 'srgb'))!;
    expect(profile.type).toBe('IccProfile');
    const { jobHandle, outcome } = await reprocess(['a|nope', profile.asset_handle, handles.crop!], { preserveCrop: false });
    expect(outcome).toMatchObject({ outcome: 'done', total: 3, processed: 3, errors: 2 });
    const details = (await h.ctx.repositories.jobLogs.details(jobHandle)).filter((d) => d.log_type === 'ReprocessError');
    expect(details.map((d) => JSON.parse(d.message_args).reason)).toEqual(
      expect.arrayContaining([expect.stringContaining("no asset with handle 'a|nope'"), expect.stringContaining('IccProfile assets cannot be reprocessed')]),
    );
    const after = await fs.readFile(await storedPath(h, (await asset('crop'))!.original_key));
    expect(createHash('sha256').update(after).digest('hex')).toBe(createHash('sha256').update(before).digest('hex'));
  });

  it('colour-manages through ICC profile assets: Convert with a source profile, MaintainOriginal keeps CMYK', async () => {
    // An untagged CMYK TIFF: a 64×64 cyan patch beside a white one.
    const data = new Uint8Array(128 * 64 * 4);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 128; x++) data.set(x < 64 ? [255, 0, 0, 0] : [0, 0, 0, 0], (y * 128 + x) * 4);
    const cmykFile = path.join(dir, 'inks.tif');
    await writeTaggedTiff(cmykFile, { data, width: 128, height: 64, channels: 4, space: 'cmyk' });
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'cmyk', endJob: true },
      files: [{ path: cmykFile }, { path: '/usr/share/color/icc/ghostscript/ps_cmyk.icc' }],
      authorization: basic(acme.who),
    });
    await h.client.workflow.getHandle(up.body.jobHandle).result();
    const inks = (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, 'inks'))!;
    const psCmyk = (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, 'ps_cmyk'))!;
    expect(psCmyk.type).toBe('IccProfile');
    handles.inks = inks.asset_handle;

    // ps_cmyk.icc maps pure cyan to sRGB (0, 255, 255): transicc -n -c0 -t0 -i ps_cmyk.icc -o srgb.icc
    const { outcome } = await reprocess([inks.asset_handle], {
      colorManagementOptions: { colorManagement: 'Convert', sourceProfileHandle: psCmyk.asset_handle },
    });
    expect(outcome).toMatchObject({ outcome: 'done', errors: 0 });
    let img = await ptiff('inks');
    near(img.at(32, 32), [0, 255, 255], 4);
    near(img.at(96, 32), [255, 255, 255], 4);

    // Without the override the untagged CMYK goes through the default CMYK profile: a duller cyan.
    await reprocess([inks.asset_handle], {});
    img = await ptiff('inks');
    expect(img.at(32, 32)[1]!).toBeLessThan(230);

    await reprocess([inks.asset_handle], { colorManagementOptions: { colorManagement: 'MaintainOriginal' } });
    const meta = await sharp(await storedPath(h, (await asset('inks'))!.optimized_key!)).metadata();
    expect(meta.space).toBe('cmyk');

    // Profile handles are checked when the job is submitted.
    const bad = async (cm: Record<string, unknown>) =>
      (
        await h.api(
          'submitJob',
          {
            companyHandle: acme.companyHandle,
            jobName: 'bad',
            reprocessAssetsJob: { assetHandleArray: [inks.asset_handle], createMask: false, emailSetting: 'None', colorManagementOptions: cm },
          },
          acme.who,
        )
      ).body;
    expect(await bad({ colorManagement: 'Convert', sourceProfileHandle: inks.asset_handle })).toMatchObject({
      code: 30001,
      field: 'reprocessAssetsJob.colorManagementOptions.sourceProfileHandle',
    });
    expect(await bad({ colorManagement: 'Convert', outputProfileHandle: 'a|nothing' })).toMatchObject({
      field: 'reprocessAssetsJob.colorManagementOptions.outputProfileHandle',
    });
    expect(await bad({ colorManagement: 'Convert' })).toMatchObject({ code: 30002, field: 'reprocessAssetsJob.colorManagementOptions.outputProfileHandle' });
    expect(await bad({ colorManagement: 'MaintainOriginal', sourceProfileHandle: psCmyk.asset_handle })).toMatchObject({
      code: 30001,
      field: 'reprocessAssetsJob.colorManagementOptions.sourceProfileHandle',
    });
  });

  it('runs a follow-on publish as a child workflow named <parent>_Pub, visible as parent/child', async () => {
    const { jobHandle, outcome } = await reprocess([handles.crop!, handles.knock!, 'a|missing'], {
      postImageServingPublishJob: { publishType: 'Full', emailSetting: 'None' },
    });
    expect(outcome).toMatchObject({ outcome: 'done', errors: 1 });
    const child = await h.client.workflow.getHandle(`${jobHandle}_Pub`).describe();
    expect(child.type).toBe('imageServingPublishWorkflow');
    expect(child.status.name).toBe('COMPLETED');
    expect(child.parentExecution?.workflowId).toBe(jobHandle);
    // A real Full publish of the company: the parent's assets (marked for publish by the upload) and every other marked one.
    const published = await h.ctx.database.db.selectFrom('is_published_assets').selectAll().where('job_handle', '=', `${jobHandle}_Pub`).execute();
    expect(published.map((p) => p.asset_handle)).toEqual(expect.arrayContaining([handles.crop, handles.knock]));
    const marked = await h.ctx.database.db
      .selectFrom('assets')
      .select('asset_handle')
      .where('company_handle', '=', acme.companyHandle)
      .where('type', '=', 'Image')
      .where('ready_for_publish', '=', 1)
      .execute();
    expect(
      published
        .filter((p) => p.kind === 'image')
        .map((p) => p.asset_handle)
        .sort(),
    ).toEqual(marked.map((m) => m.asset_handle).sort());
    const log = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle: `${jobHandle}_Pub`, recordsPerPage: 1000 }, acme.who)).body
      .jobLogArray.items[0];
    expect(log).toMatchObject({ originalJobName: 'rp_Pub', jobSubType: 'full', fileSuccessCount: published.length, totalFileCount: published.length });
    expect(log.detailArray.items.filter((d: any) => d.logType === 'ImageServingPublishSuccess' && d.assetHandle)).toHaveLength(published.length);
    expect(log.detailArray.items.map((d: any) => d.logType)).toEqual(expect.arrayContaining(['BeginImageServingPublish', 'EndImageServingPublish']));
    const served = await fetch(`${h.baseUrl}/is/image/Acme/crop?wid=20&fmt=png`);
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/png']);

    const none = await reprocess(['a|missing'], { postJobOnlyIfFiles: true, postImageRenderingPublishJob: { emailSetting: 'None' } });
    await expect(h.client.workflow.getHandle(`${none.jobHandle}_Pub`).describe()).rejects.toThrow();
  });

  it('POSTs a signed job summary to postHttpUrl when the job ends', async () => {
    const receiver = await startCallbackReceiver();
    const { received } = receiver;
    try {
      const { jobHandle } = await reprocess([handles.crop!, 'a|missing'], { postHttpUrl: receiver.url('/ips-hook?token=t') });
      expect(received).toHaveLength(1);
      const { headers, body } = received[0]!;
      const { secret } = (await h.api('getCallbackSecret', { companyHandle: acme.companyHandle })).body;
      // Verify as a receiver would: HMAC over "<timestamp>.<raw body>", compared in constant time.
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${headers['x-ips-timestamp']}.${body}`).digest('hex')}`);
      const got = Buffer.from(String(headers['x-ips-signature']));
      expect(got.length === expected.length && timingSafeEqual(got, expected)).toBe(true);
      expect(JSON.parse(body)).toMatchObject({
        jobHandle,
        companyHandle: acme.companyHandle,
        jobType: 'ReprocessAssets',
        outcome: 'done',
        counts: { success: 1, error: 1, total: 2 },
      });
      expect((await h.api('getCallbackSecret', { companyHandle: acme.companyHandle }, acme.who)).status).toBe(403); // IpsUser is no company admin
    } finally {
      receiver.close();
    }
  });

  it('validates the options with faults that name the field', async () => {
    const c = acme.companyHandle;
    const base = { assetHandleArray: [handles.crop], createMask: false, emailSetting: 'None' };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [
        { ...base, manualCropOptions: { left: 1, right: 1, top: 1, bottom: 1 }, autoColorCropOptions: { corner: 'UpperLeft', tolerance: 0 } },
        30001,
        'reprocessAssetsJob.autoColorCropOptions',
      ],
      [{ ...base, manualCropOptions: { left: -1, right: 0, top: 0, bottom: 0 } }, 30001, 'reprocessAssetsJob.manualCropOptions.left'],
      [{ ...base, autoColorCropOptions: { corner: 'Middle', tolerance: 0 } }, 30001, 'reprocessAssetsJob.autoColorCropOptions.corner'],
      [
        { ...base, knockoutBackgroundOptions: { corner: 'UpperLeft', tolerance: 1.5, fillMethod: 'FloodFill' } },
        30001,
        'reprocessAssetsJob.knockoutBackgroundOptions.tolerance',
      ],
      [{ ...base, unsharpMaskOptions: { amount: 6 } }, 30001, 'reprocessAssetsJob.unsharpMaskOptions.amount'],
      [{ ...base, colorManagementOptions: { colorManagement: 'Keep' } }, 30001, 'reprocessAssetsJob.colorManagementOptions.colorManagement'],
      [{ ...base, pdfOptions: { resolution: 0 } }, 30001, 'reprocessAssetsJob.pdfOptions.resolution'],
      [{ ...base, postScriptOptions: { colorspace: 'Lab' } }, 30001, 'reprocessAssetsJob.postScriptOptions.colorspace'],
      [{ ...base, illustratorOptions: { process: 'Thumbnail' } }, 30001, 'reprocessAssetsJob.illustratorOptions.process'],
      [{ ...base, inDesignOptions: { process: 'Process' } }, 30001, 'reprocessAssetsJob.inDesignOptions.process'],
      [{ ...base, assetHandleArray: [] }, 30002, 'reprocessAssetsJob.assetHandleArray'],
      [
        { ...base, postImageServingPublishJob: { publishType: 'Full', emailSetting: 'None' }, postVideoPublishJob: { emailSetting: 'None' } },
        30001,
        'reprocessAssetsJob.postVideoPublishJob',
      ],
      [
        { ...base, postImageServingPublishJob: { publishType: 'Sometimes', emailSetting: 'None' } },
        30001,
        'reprocessAssetsJob.postImageServingPublishJob.publishType',
      ],
      [{ ...base, postHttpUrl: 'ftp://example.com/x' }, 30001, 'reprocessAssetsJob.postHttpUrl'],
      [{ ...base, postHttpUrl: 'https://user:pw@example.com/x' }, 30001, 'reprocessAssetsJob.postHttpUrl'],
      [{ assetHandleArray: [handles.crop], emailSetting: 'None' }, 30002, 'reprocessAssetsJob.createMask'],
    ];
    for (const [job, code, field] of cases) {
      const r = await h.api('submitJob', { companyHandle: c, jobName: 'bad', reprocessAssetsJob: job }, acme.who);
      expect({ job, fault: r.body }).toMatchObject({ fault: { code, field } });
    }
  });
});
