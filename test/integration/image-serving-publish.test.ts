import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackReceiver } from '../support/callback-receiver.js';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg, makePng, uploadPost } from '../support/fixtures.js';

interface Detail {
  logType: string;
  logMessage: string;
  assetName?: string;
  assetHandle?: string;
}

describe(`ImageServingPublishJob and public Image Serving delivery (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const handles: Record<string, string> = {};
  let presetHandle: string;

  const is = (object: string, query = '', headers: Record<string, string> = {}) =>
    fetch(`${h.baseUrl}/is/image/${object}${query ? `?${query}` : ''}`, { headers });

  async function upload(files: string[]) {
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'seed', endJob: true },
      files: files.map((p) => ({ path: p })),
      authorization: basic(acme.who),
    });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    await h.client.workflow.getHandle(up.body.jobHandle).result();
    for (const row of await h.ctx.database.db.selectFrom('assets').selectAll().where('company_handle', '=', acme.companyHandle).execute())
      handles[row.name] = row.asset_handle;
  }

  /** Runs a publish to the end; its log (summary and detail rows). */
  async function publish(publishType: string, extra: Record<string, unknown> = {}, jobName = 'pub') {
    const r = await h.api(
      'submitJob',
      { companyHandle: acme.companyHandle, jobName, imageServingPublishJob: { publishType, emailSetting: 'None', ...extra } },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const outcome = await h.client.workflow.getHandle(r.body.jobHandle).result();
    return { jobHandle: r.body.jobHandle as string, outcome, ...(await logOf(r.body.jobHandle)) };
  }

  async function logOf(jobHandle: string) {
    const log = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle, recordsPerPage: 1000 }, acme.who)).body.jobLogArray.items[0];
    const rows = log.detailArray.items as Detail[];
    /** the asset rows (one per asset the job handled) */
    const assetRows = rows.filter((d) => d.assetHandle && d.logType.startsWith('ImageServingPublish'));
    return { log, rows, assetRows };
  }

  const setMarked = async (name: string, marked: boolean) => {
    const r = await h.api(
      'setAssetPublishState',
      { companyHandle: acme.companyHandle, assetHandle: handles[name], publishState: marked ? 'MarkedForPublish' : 'NotMarkedForPublish' },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };

  beforeAll(async () => {
    h = await startHarness({ CALLBACK_ALLOWED_HOSTS: '127.0.0.1/32', IS_CACHE_MAX_AGE_SECONDS: '600' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-isp-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    await upload([
      await makeJpeg(path.join(dir, 'red.jpg'), 400, 300),
      await makeJpeg(path.join(dir, 'blue.jpg'), 300, 300),
      await makePng(path.join(dir, 'logo.png'), 320, 160),
      await makeJpeg(path.join(dir, 'hidden.jpg'), 200, 200),
    ]);
    // Uploads are marked for publish by default (DMC's default); this one is not.
    await setMarked('hidden', false);
    const preset = await h.api('saveImageFormat', { companyHandle: acme.companyHandle, name: 'thumb', urlModifier: 'wid=50&fmt=png' }, acme.who);
    expect(preset.status, JSON.stringify(preset.body)).toBe(200);
    presetHandle = preset.body.imageFormatHandle;
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves nothing before a publish, not even live assets', async () => {
    const r = await is('Acme/red', 'wid=100&fmt=png');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await r.text()).toBe("Unable to find image 'Acme/red'\n");
  });

  it('Full publishes every marked image; /is/image serves it resized, without credentials; unmarked ones stay unreachable', async () => {
    const p = await publish('Full');
    expect(p.outcome).toMatchObject({ outcome: 'done', total: 3, processed: 3, errors: 0 });
    expect(p.log).toMatchObject({ logType: 'BeginImageServingPublish', jobSubType: 'full', fileSuccessCount: 3, fileUpdateCount: 0, totalFileCount: 3 });
    expect(p.assetRows.map((d) => [d.logType, d.assetName]).sort()).toEqual([
      ['ImageServingPublishSuccess', 'blue'],
      ['ImageServingPublishSuccess', 'logo'],
      ['ImageServingPublishSuccess', 'red'],
    ]);
    expect(p.rows.map((d) => d.logType)).toEqual(expect.arrayContaining(['BeginImageServingPublish', 'EndImageServingPublish']));
    expect(p.rows.find((d) => d.logMessage.includes('image presets were published'))?.logMessage).toBe(
      '1 image presets were published as Image Serving macros',
    );

    const r = await is('Acme/red', 'wid=100&fmt=png');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    expect(r.headers.get('cache-control')).toBe('public, max-age=600');
    expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 100, 75]);
    expect(await sharp(Buffer.from(await (await is('Acme/logo')).arrayBuffer())).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 160 });

    expect((await is('Acme/hidden')).status).toBe(404);
    expect(await (await is('Acme/hidden', 'wid=10')).text()).toBe("Unable to find image 'Acme/hidden'\n");
    // rootId and object names are case-sensitive, as in IS; an unknown company answers like an unknown image.
    expect((await is('acme/red')).status).toBe(404);
    expect((await is('Acme/RED')).status).toBe(404);
    expect((await is('Nobody/red')).status).toBe(404);
  });

  it('answers If-None-Match with 304, and req=props / req=exists as IS-style text', async () => {
    const first = await is('Acme/red', 'wid=100&fmt=png');
    const etag = first.headers.get('etag')!;
    const again = await is('Acme/red', 'wid=100&fmt=png', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    const other = await is('Acme/red', 'wid=101&fmt=png', { 'If-None-Match': etag });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);

    const props = await is('Acme/red', 'req=props');
    expect(props.status).toBe(200);
    expect(props.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const lines = (await props.text()).trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining(['image.name=red', 'image.width=400', 'image.height=300', 'image.mask=0']));
    expect(lines.find((l) => l.startsWith('image.version='))).toMatch(/^image\.version=[0-9a-f]{32}$/);

    expect(await (await is('Acme/red', 'req=exists')).text()).toBe('catalogRecord.exists=1\n');
    const missing = await is('Acme/hidden', 'req=exists');
    expect([missing.status, await missing.text()]).toEqual([200, 'catalogRecord.exists=0\n']);
  });

  it('expands the published presets as macros, and refuses bad modifiers and oversized replies naming the command', async () => {
    const thumb = await is('Acme/red', '$thumb$');
    expect(thumb.status).toBe(200);
    expect(await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).toMatchObject({ format: 'png', width: 50 });

    const bad = await is('Acme/red', 'wid=abc');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe("wid: expected an integer > 0, received 'abc'\n");
    const unknown = await is('Acme/red', 'req=tmb');
    expect([unknown.status, await unknown.text()]).toEqual([400, "req: expected one of img|props|exists, received 'tmb'\n"]);
    const huge = await is('Acme/red', 'wid=20000&hei=20000');
    expect(huge.status).toBe(403);
    expect(await huge.text()).toContain('MaxPix');
  });

  it('Incremental republishes only what changed; the published version keeps being served until then', async () => {
    const before = await h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles.blue!);
    // Overwrite blue with a new version: the upload deletes the previous version's optimised image.
    await upload([await makeJpeg(path.join(dir, 'blue.jpg'), 200, 100)]);
    const live = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.blue!))!;
    expect(live.optimized_key).not.toBe(before!.source_key);
    // Still the published version (its own key survives the upload), until the next publish.
    const stale = await is('Acme/blue', 'fmt=png');
    expect(stale.status).toBe(200);
    expect(await sharp(Buffer.from(await stale.arrayBuffer())).metadata()).toMatchObject({ width: 300, height: 300 });
    // The preset changes too: the published macro set is a snapshot.
    expect(
      (
        await h.api(
          'saveImageFormat',
          { companyHandle: acme.companyHandle, imageFormatHandle: presetHandle, name: 'thumb', urlModifier: 'wid=60&fmt=png' },
          acme.who,
        )
      ).status,
    ).toBe(200);
    expect((await sharp(Buffer.from(await (await is('Acme/red', '$thumb$')).arrayBuffer())).metadata()).width).toBe(50);

    const p = await publish('Incremental', {}, 'pub-inc');
    expect(p.outcome).toMatchObject({ outcome: 'done', total: 1, processed: 1, errors: 0 });
    expect(p.log).toMatchObject({ jobSubType: 'increment', fileSuccessCount: 0, fileUpdateCount: 1, totalFileCount: 1 });
    expect(p.assetRows.map((d) => [d.logType, d.assetName, d.logMessage])).toEqual([
      ['ImageServingPublishSuccess', 'blue', 'blue was republished to Image Serving (changed since its last publish)'],
    ]);

    const fresh = await is('Acme/blue', 'fmt=png');
    expect(await sharp(Buffer.from(await fresh.arrayBuffer())).metadata()).toMatchObject({ width: 200, height: 100 });
    expect((await sharp(Buffer.from(await (await is('Acme/red', '$thumb$')).arrayBuffer())).metadata()).width).toBe(60);
    // The previous published file is gone; the untouched records still point at the first publish.
    expect(await h.ctx.storage.exists(before!.image_key!)).toBe(false);
    expect((await h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles.red!))!.job_handle).not.toBe(p.jobHandle);

    const nothing = await publish('Incremental', {}, 'pub-inc-2');
    expect(nothing.outcome).toMatchObject({ outcome: 'done', total: 0 });
    expect(nothing.log).toMatchObject({ totalFileCount: 0 });
  });

  it('unpublishes with Full once an asset is no longer marked (404 afterwards)', async () => {
    await setMarked('red', false);
    expect((await is('Acme/red')).status).toBe(200); // until the next publish
    const p = await publish('FullWithSearch', {}, 'pub-unmark');
    expect(p.log).toMatchObject({ jobSubType: 'fullwithsearch', totalFileCount: 3 });
    expect(p.assetRows.find((d) => d.assetName === 'red')).toMatchObject({
      logType: 'ImageServingPublishSuccess',
      logMessage: expect.stringContaining('red was unpublished'),
    });
    const gone = await is('Acme/red', 'wid=100&fmt=png');
    expect([gone.status, await gone.text()]).toEqual([404, "Unable to find image 'Acme/red'\n"]);
    expect(await (await is('Acme/red', 'req=exists')).text()).toBe('catalogRecord.exists=0\n');
    expect(await h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles.red!)).toBeUndefined();
  });

  it('POSTs the signed job summary to httpCompletionUrl; refuses a contextHandle at submit', async () => {
    const receiver = await startCallbackReceiver();
    const { received } = receiver;
    try {
      const p = await publish('Full', { httpCompletionUrl: receiver.url('/published?token=t') }, 'pub-hook');
      expect(received).toHaveLength(1);
      const { headers, body } = received[0]!;
      const { secret } = (await h.api('getCallbackSecret', { companyHandle: acme.companyHandle })).body;
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${headers['x-ips-timestamp']}.${body}`).digest('hex')}`);
      const got = Buffer.from(String(headers['x-ips-signature']));
      expect(got.length === expected.length && timingSafeEqual(got, expected)).toBe(true);
      expect(JSON.parse(body)).toMatchObject({ jobHandle: p.jobHandle, companyHandle: acme.companyHandle, jobType: 'ImageServingPublish', outcome: 'done' });
    } finally {
      receiver.close();
    }

    const refused = await h.api(
      'submitJob',
      { companyHandle: acme.companyHandle, jobName: 'ctx', imageServingPublishJob: { publishType: 'Full', emailSetting: 'None', contextHandle: 'ctx|1' } },
      acme.who,
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 30001, field: 'imageServingPublishJob.contextHandle' });
  });

  it("makes a reprocess job's assets servable through its postImageServingPublishJob follow-on", async () => {
    await upload([await makeJpeg(path.join(dir, 'late.jpg'), 240, 120)]);
    expect((await is('Acme/late')).status).toBe(404);
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'rp',
        reprocessAssetsJob: {
          assetHandleArray: [handles.late],
          createMask: false,
          emailSetting: 'None',
          postImageServingPublishJob: { publishType: 'Incremental', emailSetting: 'None' },
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    const child = await h.client.workflow.getHandle(`${r.body.jobHandle}_Pub`).describe();
    expect([child.type, child.status.name, child.parentExecution?.workflowId]).toEqual(['imageServingPublishWorkflow', 'COMPLETED', r.body.jobHandle]);
    const { log, assetRows } = await logOf(`${r.body.jobHandle}_Pub`);
    expect(log).toMatchObject({ originalJobName: 'rp_Pub', jobSubType: 'increment', fileSuccessCount: 1, totalFileCount: 1 });
    expect(assetRows.map((d) => d.assetName)).toEqual(['late']);
    const served = await is('Acme/late', 'wid=120&fmt=png');
    expect(served.status).toBe(200);
    expect(await sharp(Buffer.from(await served.arrayBuffer())).metadata()).toMatchObject({ width: 120, height: 60 });
  });

  it('publishes a set as its definition: req=props lists the members, req=img refuses it', async () => {
    // Set jobs arrive with their own issue; the rows are what one of them would write.
    const logo = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.logo!))!;
    const setHandle = `${acme.companyHandle}|set1`;
    await h.ctx.repositories.assets.insert({
      ...logo,
      asset_handle: setHandle,
      type: 'ImageSet',
      name: 'shoe-set',
      name_key: 'shoe-set',
      file_name: 'shoe-set',
      optimized_key: null,
      mask_key: null,
    });
    await h.ctx.repositories.derivations.replaceMembers(setHandle, [handles.blue!, handles.logo!]);
    const p = await publish('Incremental', {}, 'pub-set');
    expect(p.outcome).toMatchObject({ outcome: 'done', total: 1, errors: 0 });
    expect(p.assetRows.map((d) => d.assetName)).toEqual(['shoe-set']);
    const props = await (await is('Acme/shoe-set', 'req=props')).text();
    expect(props.split('\n')).toEqual(expect.arrayContaining(['image.type=ImageSet', 'set.members=blue,logo']));
    expect(await (await is('Acme/shoe-set', 'req=exists')).text()).toBe('catalogRecord.exists=1\n');
    const img = await is('Acme/shoe-set');
    expect([img.status, await img.text()]).toEqual([400, "'Acme/shoe-set' is not an image (ImageSet): this server replies with images only\n"]);
  });

  it('publishes ICC profiles so icc= can name them; an unpublished profile is refused', async () => {
    const icc = await is('Acme/blue', 'fmt=jpeg&icc=srgb&iccEmbed=1');
    expect([icc.status, await icc.text()]).toEqual([400, "icc: no published ICC profile named 'srgb'\n"]);
    await upload(['/usr/share/color/icc/ghostscript/srgb.icc']);
    const p = await publish('Incremental', {}, 'pub-icc');
    expect(p.assetRows.map((d) => d.assetName)).toEqual(['srgb']);
    const r = await is('Acme/blue', 'fmt=jpeg&icc=srgb&iccEmbed=1');
    expect(r.status).toBe(200);
    expect(await sharp(Buffer.from(await r.arrayBuffer())).metadata()).toMatchObject({ format: 'jpeg', hasProfile: true });
    expect(r.headers.get('etag')).not.toBe((await is('Acme/blue', 'fmt=jpeg')).headers.get('etag'));
  });
});
