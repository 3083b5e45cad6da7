import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackReceiver } from '../support/callback-receiver.js';
import { type Harness, companyWithUser, startHarness } from '../support/harness.js';
import { SMALL_ENCODING, assetHandlesByName, makeClip, uploadJob } from '../support/seed-video.js';

interface Detail {
  logType: string;
  logMessage: string;
  assetName?: string;
}

describe(`VideoPublishJob and /is/content delivery (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const handles: Record<string, string> = {};
  const content = (object: string, headers: Record<string, string> = {}) => fetch(`${h.baseUrl}/is/content/${object}`, { headers });
  const stored = async (key: string) => fs.readFile(await h.ctx.storage.localPath(key));

  async function publish(options: Record<string, unknown>, jobName: string) {
    const r = await h.api('submitJob', { companyHandle: acme.companyHandle, jobName, videoPublishJob: { emailSetting: 'None', ...options } }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const outcome = await h.client.workflow.getHandle(r.body.jobHandle).result();
    const log = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle: r.body.jobHandle, recordsPerPage: 1000 }, acme.who)).body
      .jobLogArray.items[0];
    const rows = log.detailArray.items as Detail[];
    return { jobHandle: r.body.jobHandle as string, outcome, log, rows, assetRows: rows.filter((d) => d.assetName && d.logType.startsWith('VideoPublish')) };
  }

  beforeAll(async () => {
    h = await startHarness({ CALLBACK_ALLOWED_HOSTS: '127.0.0.1/32' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-vpub-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const clip = await makeClip(path.join(dir, 'clip.mp4'));
    const mediaOptions = { generateThumbnail: true, videoEncodingArray: [SMALL_ENCODING] };
    await uploadJob(h, acme, [{ path: clip }], { readyForPublish: true, mediaOptions }, 'video-upload');
    Object.assign(handles, await assetHandlesByName(h, acme.companyHandle));
    expect(Object.keys(handles).sort()).toEqual(['clip', 'clip_160']);
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("serves a published video's thumbnail through Image Serving, and not its encoding (which has none)", async () => {
    const r = await h.api(
      'submitJob',
      { companyHandle: acme.companyHandle, jobName: 'is', imageServingPublishJob: { publishType: 'Full', emailSetting: 'None' } },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    const poster = await fetch(`${h.baseUrl}/is/image/Acme/clip?wid=160&fmt=png`);
    expect(poster.status).toBe(200);
    expect(await sharp(Buffer.from(await poster.arrayBuffer())).metadata()).toMatchObject({ format: 'png', width: 160, height: 120 });
    expect((await fetch(`${h.baseUrl}/is/image/Acme/clip_160?wid=160`)).status).toBe(404);
  });

  it('serves nothing before a publish', async () => {
    const r = await content('Acme/clip_160');
    expect([r.status, await r.text()]).toEqual([404, "Unable to find content 'Acme/clip_160'\n"]);
  });

  it('publishes marked videos in its own log family with a signed callback; /is/content streams the MP4 with Range support', async () => {
    const receiver = await startCallbackReceiver();
    const { received } = receiver;
    let p: Awaited<ReturnType<typeof publish>>;
    try {
      p = await publish({ httpCompletionUrl: receiver.url('/video') }, 'vp');
    } finally {
      receiver.close();
    }
    expect(p.outcome).toMatchObject({ outcome: 'done', total: 2, processed: 2, errors: 0 });
    expect(p.log).toMatchObject({ logType: 'BeginVideoPublish', jobSubType: 'full', fileSuccessCount: 2, totalFileCount: 2 });
    expect(p.rows.map((d) => d.logType)).toEqual(expect.arrayContaining(['BeginVideoPublish', 'EndVideoPublish']));
    expect(p.assetRows.map((d) => [d.logType, d.assetName, d.logMessage]).sort()).toEqual([
      ['VideoPublishSuccess', 'clip', 'clip was published to Video'],
      ['VideoPublishSuccess', 'clip_160', 'clip_160 was published to Video'],
    ]);
    expect(received).toHaveLength(1);
    const { headers, body } = received[0]!;
    const { secret } = (await h.api('getCallbackSecret', { companyHandle: acme.companyHandle })).body;
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${headers['x-ips-timestamp']}.${body}`).digest('hex')}`);
    const signature = Buffer.from(String(headers['x-ips-signature']));
    expect(signature.length === expected.length && timingSafeEqual(signature, expected)).toBe(true);
    expect(JSON.parse(body)).toMatchObject({ jobHandle: p.jobHandle, jobType: 'VideoPublish', outcome: 'done' });

    const encoding = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.clip_160!))!;
    const mp4 = await stored(encoding.original_key);
    const whole = await content('Acme/clip_160');
    expect(whole.status).toBe(200);
    expect([whole.headers.get('content-type'), whole.headers.get('accept-ranges'), whole.headers.get('content-length')]).toEqual([
      'video/mp4',
      'bytes',
      String(mp4.length),
    ]);
    expect(Buffer.from(await whole.arrayBuffer()).equals(mp4)).toBe(true);

    const part = await content('Acme/clip_160', { Range: 'bytes=100-199' });
    expect([part.status, part.headers.get('content-range'), part.headers.get('content-length')]).toEqual([206, `bytes 100-199/${mp4.length}`, '100']);
    expect(Buffer.from(await part.arrayBuffer()).equals(mp4.subarray(100, 200))).toBe(true);
    const tail = await content('Acme/clip_160', { Range: 'bytes=-10' });
    expect([tail.status, tail.headers.get('content-range')]).toEqual([206, `bytes ${mp4.length - 10}-${mp4.length - 1}/${mp4.length}`]);
    expect(Buffer.from(await tail.arrayBuffer()).equals(mp4.subarray(mp4.length - 10))).toBe(true);
    const past = await content('Acme/clip_160', { Range: `bytes=${mp4.length}-` });
    expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${mp4.length}`]);
    const same = await content('Acme/clip_160', { 'If-None-Match': whole.headers.get('etag')! });
    expect(same.status).toBe(304);

    // The master serves its first encoding (VideoInfo optimizedFile); its thumbnail is in its record under a key of the publish's own.
    expect(Buffer.from(await (await content('Acme/clip')).arrayBuffer()).equals(mp4)).toBe(true);
    const master = (await h.ctx.repositories.contextPublications.find(acme.companyHandle, 'Video', handles.clip!))!;
    expect(master.thumbnail_key).toMatch(/^published\//);
    expect(await h.ctx.storage.exists(master.thumbnail_key!)).toBe(true);
    // Names are case-sensitive, and an unknown company answers like an unknown video.
    expect((await content('Acme/CLIP_160')).status).toBe(404);
    expect((await content('Nobody/clip_160')).status).toBe(404);
  });

  it('removes what is no longer marked (404 afterwards, its published file deleted); refuses a contextHandle', async () => {
    const before = (await h.ctx.repositories.contextPublications.find(acme.companyHandle, 'Video', handles.clip_160!))!;
    const r = await h.api(
      'setAssetPublishState',
      { companyHandle: acme.companyHandle, assetHandle: handles.clip_160, publishState: 'NotMarkedForPublish' },
      acme.who,
    );
    expect(r.status).toBe(200);
    const p = await publish({}, 'vp-2');
    expect(p.log).toMatchObject({ fileUpdateCount: 1, fileSuccessCount: 1, totalFileCount: 2 });
    expect(p.assetRows.find((d) => d.assetName === 'clip_160')!.logMessage).toBe(
      'clip_160 was unpublished: removed from Video (no longer marked for publish, or deleted)',
    );
    expect((await content('Acme/clip_160')).status).toBe(404);
    // Its published file is gone; the master keeps serving the same encoding under a key of its own.
    expect(await h.ctx.storage.exists(before.media_key!)).toBe(false);
    expect(before.media_key).not.toBe((await h.ctx.repositories.contextPublications.find(acme.companyHandle, 'Video', handles.clip!))!.media_key);
    expect((await content('Acme/clip')).status).toBe(200);

    const refused = await h.api(
      'submitJob',
      { companyHandle: acme.companyHandle, jobName: 'ctx', videoPublishJob: { emailSetting: 'None', contextHandle: 'ctx|1' } },
      acme.who,
    );
    expect(refused.body).toMatchObject({ code: 30001, field: 'videoPublishJob.contextHandle' });
  });

  it("runs a reprocess job's postVideoPublishJob as the real VideoPublishJob child <parent>_Pub", async () => {
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'rp',
        reprocessAssetsJob: { assetHandleArray: [handles.clip], createMask: false, emailSetting: 'None', postVideoPublishJob: { emailSetting: 'None' } },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    const child = await h.client.workflow.getHandle(`${r.body.jobHandle}_Pub`).describe();
    expect([child.type, child.status.name, child.parentExecution?.workflowId]).toEqual(['videoPublishWorkflow', 'COMPLETED', r.body.jobHandle]);
    const log = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle: `${r.body.jobHandle}_Pub`, recordsPerPage: 1000 }, acme.who))
      .body.jobLogArray.items[0];
    expect(log).toMatchObject({ originalJobName: 'rp_Pub', logType: 'BeginVideoPublish', jobSubType: 'full', fileUpdateCount: 1, fileErrorCount: 0 });
    expect(await h.ctx.repositories.contextPublications.find(acme.companyHandle, 'Video', handles.clip!)).toMatchObject({
      job_handle: `${r.body.jobHandle}_Pub`,
    });
  });
});
