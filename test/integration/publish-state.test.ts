import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RIP_ENGINE } from '../../src/services/rip/document-rip.service.js';
import { VIDEO_ENGINE } from '../../src/domain/asset-types.js';
import { type Harness, companyWithUser, startHarness } from '../support/harness.js';
import { makeClip, uploadJob } from '../support/seed-video.js';

const run = promisify(execFile);

/**
 * readyForPublish / preservePublishState (and CompanySettings.retainPublishState
 * in place of an absent preservePublishState) on everything a job creates or
 * updates beside the asset itself: ripped pages, eCatalogs, video encodings;
 * image options on ripped pages; one warning per image option where it does
 * not apply.
 */
describe(`publish state and image options on job byproducts (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const stored = (key: string) => path.join(h.ctx.config.storage.root, key);

  const upload = (files: Array<{ path: string; name?: string }>, uploadParams: Record<string, unknown>) => uploadJob(h, acme, files, uploadParams);
  const handleOf = async (name: string) => (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, name.toLowerCase()))!.asset_handle;
  const reprocess = async (handles: string[], options: Record<string, unknown>) => {
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'ps',
        reprocessAssetsJob: { assetHandleArray: handles, createMask: false, emailSetting: 'None', ...options },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const outcome = await h.client.workflow.getHandle(r.body.jobHandle).result();
    expect(outcome).toMatchObject({ outcome: 'done', errors: 0 });
    return r.body.jobHandle as string;
  };
  const retain = async (retainPublishState: boolean) => {
    const r = await h.api('setCompanySettings', { companyHandle: acme.companyHandle, retainPublishState });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  const mark = async (assetHandle: string, marked: boolean) => {
    const r = await h.api(
      'setAssetPublishState',
      { companyHandle: acme.companyHandle, assetHandle, publishState: marked ? 'MarkedForPublish' : 'NotMarkedForPublish' },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  const flag = async (handle: string) => (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handle))!.ready_for_publish;
  const byproducts = async (source: string, engine: string) => {
    const live = [];
    for (const d of await h.ctx.repositories.derivations.bySource(source, engine)) {
      const row = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, d.asset_handle))!;
      if (row.trash_state === 'NotInTrash') live.push({ ...row, position: d.position, data: JSON.parse(d.data_json ?? '{}') });
    }
    return live.sort((a, b) => a.position - b.position);
  };
  /** The document's flag, its pages' flags in page order, its eCatalog's flag. */
  const ripState = async (doc: string) => ({
    doc: await flag(doc),
    pages: (await byproducts(doc, RIP_ENGINE)).map((p) => p.ready_for_publish),
    catalog: (await byproducts(doc, 'Catalog')).map((c) => c.ready_for_publish),
  });
  /** The video's flag and its encodings' flags by file suffix. */
  const videoState = async (video: string) => ({
    video: await flag(video),
    ...Object.fromEntries((await byproducts(video, VIDEO_ENGINE)).map((e) => [e.data.fileSuffix, e.ready_for_publish])),
  });
  const details = async (jobHandle: string) => {
    const r = await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle, recordsPerPage: 1000 }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.jobLogArray.items[0] as {
      fileWarningCount: number;
      detailArray: { items: Array<{ logType: string; logMessage: string; assetName?: string; assetType?: string; assetHandle?: string }> };
    };
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-publish-state-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    // Three 200×100 pt pages, white with a black square: at 72 ppi 200×100 pixels each.
    const ps = path.join(dir, 'pages.ps');
    await fs.writeFile(
      ps,
      '%!PS\n<< /PageSize [200 100] >> setpagedevice\n1 1 3 { pop newpath 70 20 moveto 60 0 rlineto 0 60 rlineto -60 0 rlineto closepath fill showpage } for\n',
    );
    await run('gs', ['-dSAFER', '-dBATCH', '-dNOPAUSE', '-q', '-sDEVICE=pdfwrite', `-sOutputFile=${path.join(dir, 'doc.pdf')}`, ps]);
    for (const n of ['doc2', 'doc3', 'doc4', 'kept']) await fs.copyFile(path.join(dir, 'doc.pdf'), path.join(dir, `${n}.pdf`));
    await makeClip(path.join(dir, 'clip.mp4'), { seconds: 1, width: 160, height: 120 });
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('marks ripped pages and the eCatalog per readyForPublish and preservePublishState, the company setting standing in for an absent one', async () => {
    const settings = await h.api('getCompanySettings', { companyHandle: acme.companyHandle });
    expect(settings.body).toEqual({ settings: { overwriteMode: 'OverwriteAnyExtAnyFolder', retainPublishState: false, emailTrashCleanupWarning: false } });
    await upload([{ path: path.join(dir, 'doc.pdf') }], { readyForPublish: false });
    const doc = await handleOf('doc');
    const rip = { pdfOptions: { resolution: 72 } };

    await reprocess([doc], { ...rip, readyForPublish: true });
    expect(await ripState(doc)).toEqual({ doc: 1, pages: [1, 1, 1], catalog: [1] });

    const page2 = (await byproducts(doc, RIP_ENGINE))[1]!.asset_handle;
    await mark(page2, false);
    await reprocess([doc], { ...rip, readyForPublish: false, preservePublishState: true });
    expect(await ripState(doc)).toEqual({ doc: 1, pages: [1, 0, 1], catalog: [1] });

    // Absent preservePublishState, company setting off (the default): readyForPublish applies to every updated asset.
    await reprocess([doc], { ...rip, readyForPublish: false });
    expect(await ripState(doc)).toEqual({ doc: 0, pages: [0, 0, 0], catalog: [0] });

    // Company setting on: the same job keeps every flag.
    await retain(true);
    expect((await h.api('getCompanySettings', { companyHandle: acme.companyHandle })).body.settings.retainPublishState).toBe(true);
    await reprocess([doc], { ...rip, readyForPublish: true });
    expect(await ripState(doc)).toEqual({ doc: 0, pages: [0, 0, 0], catalog: [0] });
    // An explicit preservePublishState: false wins over the company setting.
    await reprocess([doc], { ...rip, readyForPublish: true, preservePublishState: false });
    expect(await ripState(doc)).toEqual({ doc: 1, pages: [1, 1, 1], catalog: [1] });

    // Preserving keeps what exists; what the job creates (pages, eCatalog) gets readyForPublish.
    await upload([{ path: path.join(dir, 'doc2.pdf') }], { readyForPublish: false });
    const doc2 = await handleOf('doc2');
    await reprocess([doc2], { ...rip, readyForPublish: true });
    expect(await ripState(doc2)).toEqual({ doc: 0, pages: [1, 1, 1], catalog: [1] });
    await retain(false);

    // Without readyForPublish, new pages follow their document (derived images follow their parent).
    await upload([{ path: path.join(dir, 'doc3.pdf') }], { readyForPublish: true });
    const doc3 = await handleOf('doc3');
    await reprocess([doc3], rip);
    expect(await ripState(doc3)).toEqual({ doc: 1, pages: [1, 1, 1], catalog: [1] });
  });

  it('applies crops, knockout and createMask to every page image, keeping a page crop across resolutions', async () => {
    await upload([{ path: path.join(dir, 'doc4.pdf') }], { readyForPublish: false });
    const doc = await handleOf('doc4');
    const first = await reprocess([doc], {
      pdfOptions: { resolution: 72 },
      createMask: true,
      manualCropOptions: { left: 10, right: 10, top: 5, bottom: 5 },
      knockoutBackgroundOptions: { corner: 'UpperLeft', tolerance: 0.05, fillMethod: 'FloodFill' },
    });
    const pages = await byproducts(doc, RIP_ENGINE);
    expect(pages).toHaveLength(3);
    for (const p of pages) {
      expect([p.width, p.height]).toEqual([180, 90]);
      expect(JSON.parse(p.crop_json!)).toEqual({ left: 10, top: 5, width: 180, height: 90, source: 'manual' });
      const ptiff = await sharp(stored(p.optimized_key!), { page: 0 }).metadata();
      expect([ptiff.width, ptiff.height, ptiff.hasAlpha]).toEqual([180, 90, true]);
      // The knockout took the white around the square: transparent in the corner, kept inside the square.
      expect(await sharp(stored(p.mask_key!)).metadata()).toMatchObject({ format: 'png', width: 180, height: 90, channels: 1 });
      const mask = await sharp(stored(p.mask_key!)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
      expect(mask.data[0]).toBe(0);
      expect(mask.data[45 * 180 + 90]).toBe(255);
    }
    expect((await details(first)).fileWarningCount).toBe(0);

    // preserveCrop (default true) keeps each page's crop; at 144 ppi it covers the same part of the page.
    const second = await reprocess([doc], { pdfOptions: { resolution: 144 }, createMask: true });
    const again = await byproducts(doc, RIP_ENGINE);
    expect(again.map((p) => p.asset_handle)).toEqual(pages.map((p) => p.asset_handle));
    for (const p of again) {
      expect([p.width, p.height]).toEqual([360, 180]);
      expect(p.mask_key).toBeNull();
    }
    // createMask without knockout on opaque pages: one warning per page, as for an image.
    const log = await details(second);
    expect(log.fileWarningCount).toBe(1);
    const noMask = log.detailArray.items.filter((d) => d.logType === 'UploadWarning');
    expect(noMask.map((d) => [d.assetType, d.assetHandle])).toEqual(again.map((p) => ['Mask', p.asset_handle]));
    expect(noMask[0]!.logMessage).toBe('Acme/doc4_1: no mask: the page has no transparency and no knockout was requested');
    // The earlier version's mask files are gone.
    for (const p of pages)
      expect(
        await fs.access(stored(p.mask_key!)).then(
          () => true,
          () => false,
        ),
      ).toBe(false);
  });

  it('writes one warning per image option where it does not apply: videos, documents not rasterised, documents at upload', async () => {
    const options = {
      createMask: true,
      knockoutBackgroundOptions: { corner: 'UpperLeft', tolerance: 0.1, fillMethod: 'MatchPixel' },
      autoColorCropOptions: { corner: 'UpperLeft', tolerance: 0.1 },
      unsharpMaskOptions: { amount: 1, radius: 1 },
    };
    const names = ['createMask', 'knockoutBackgroundOptions', 'autoColorCropOptions', 'unsharpMaskOptions'];

    const up = await upload([{ path: path.join(dir, 'kept.pdf') }, { path: path.join(dir, 'clip.mp4'), name: 'warned.mp4' }], {
      readyForPublish: true,
      ...options,
    });
    const upLog = await details(up);
    expect(upLog.fileWarningCount).toBe(2);
    const upWarnings = upLog.detailArray.items.filter((d) => d.logType === 'UploadWarning').map((d) => d.logMessage);
    expect(upWarnings).toEqual(
      expect.arrayContaining([
        ...names.map(
          (o) => `Acme/kept.pdf: ${o} does not apply to Pdf assets at upload: a reprocessAssetsJob rasterises the document and applies it to the page images`,
        ),
        ...names.map((o) => `Acme/warned.mp4: ${o} does not apply to Video assets`),
      ]),
    );
    expect(upWarnings).toHaveLength(8);

    const video = await handleOf('warned');
    const pdf = await handleOf('kept');
    const job = await reprocess([video, pdf], { ...options, pdfOptions: { process: 'None' } });
    const log = await details(job);
    expect(log.fileWarningCount).toBe(2);
    const rows = log.detailArray.items.filter((d) => d.logType === 'UploadWarning');
    expect(rows.filter((d) => d.assetHandle === video).map((d) => [d.assetType, d.logMessage])).toEqual(
      names.map((o) => ['Video', `Acme/warned.mp4: ${o} does not apply to Video assets`]),
    );
    expect(rows.filter((d) => d.assetHandle === pdf).map((d) => d.logMessage)).toEqual(
      names.map(
        (o) => `Acme/kept.pdf: ${o} was not applied: it applies to the page images of a rasterised document, and this Pdf asset was not rasterised into pages`,
      ),
    );
  });

  it('marks video encodings per readyForPublish and preservePublishState, in reprocess and upload jobs', async () => {
    const encoding = (fileSuffix: string) => ({ name: fileSuffix, fileSuffix, width: 64, videoBitrate: 100, audioBitrate: 32 });
    await upload([{ path: path.join(dir, 'clip.mp4') }], { readyForPublish: false, mediaOptions: { videoEncodingArray: [encoding('_a')] } });
    const clip = await handleOf('clip');
    expect(await videoState(clip)).toEqual({ video: 0, _a: 0 });

    await reprocess([clip], { readyForPublish: true, mediaOptions: { videoEncodingArray: [encoding('_a'), encoding('_b')] } });
    expect(await videoState(clip)).toEqual({ video: 1, _a: 1, _b: 1 });

    await mark((await byproducts(clip, VIDEO_ENGINE))[0]!.asset_handle, false);
    await reprocess([clip], { readyForPublish: false, preservePublishState: true, mediaOptions: { videoEncodingArray: [encoding('_a'), encoding('_c')] } });
    expect(await videoState(clip)).toEqual({ video: 1, _a: 0, _b: 1, _c: 0 });

    await retain(true);
    await reprocess([clip], { readyForPublish: false, mediaOptions: { videoEncodingArray: [encoding('_b')] } });
    expect(await videoState(clip)).toEqual({ video: 1, _a: 0, _b: 1, _c: 0 });
    // An overwriting upload with the company setting on keeps the video's and the re-encoded _a's flags; the new _d gets readyForPublish.
    await upload([{ path: path.join(dir, 'clip.mp4') }], { readyForPublish: true, mediaOptions: { videoEncodingArray: [encoding('_a'), encoding('_d')] } });
    expect(await videoState(clip)).toEqual({ video: 1, _a: 0, _b: 1, _c: 0, _d: 1 });
    await retain(false);

    await reprocess([clip], { readyForPublish: false, mediaOptions: { videoEncodingArray: [encoding('_b')] } });
    expect(await videoState(clip)).toEqual({ video: 0, _a: 0, _b: 0, _c: 0, _d: 1 });
    await upload([{ path: path.join(dir, 'clip.mp4') }], { readyForPublish: true, mediaOptions: { videoEncodingArray: [encoding('_a')] } });
    expect(await videoState(clip)).toEqual({ video: 1, _a: 1, _b: 0, _c: 0, _d: 1 });
  });
});
