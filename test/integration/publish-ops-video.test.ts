import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, startHarness } from '../support/harness.js';
import { SMALL_ENCODING, assetHandlesByName, makeClip, uploadJob } from '../support/seed-video.js';

/**
 * forceRepublishAssets on a video (docs/assets.md#forcing-a-republish): every
 * VideoPublishJob republishes every marked video, and republishFiles decides
 * whether the MP4 `/is/content` streams is copied afresh or kept.
 */
describe(`forceRepublishAssets and the Video context (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;

  const streamed = async () => Buffer.from(await (await fetch(`${h.baseUrl}/is/content/Acme/clip_160`)).arrayBuffer());
  const record = () => h.ctx.repositories.contextPublications.find(acme.companyHandle, 'Video', handles.clip_160!);
  const force = (body: Record<string, unknown>) =>
    h.api('forceRepublishAssets', { companyHandle: acme.companyHandle, assetHandleArray: [handles.clip_160], ...body }, acme.who);

  async function publishVideo() {
    const r = await h.api('submitJob', { companyHandle: acme.companyHandle, jobName: 'video', videoPublishJob: { emailSetting: 'None' } }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await h.client.workflow.getHandle(r.body.jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
    return r.body.jobHandle as string;
  }

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-pubops-video-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const clip = await makeClip(path.join(dir, 'clip.mp4'));
    await uploadJob(h, acme, [{ path: clip }], { readyForPublish: true, mediaOptions: { generateThumbnail: true, videoEncodingArray: [SMALL_ENCODING] } });
    handles = await assetHandlesByName(h, acme.companyHandle);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('republishFiles copies the published MP4 afresh; without it the published copy is kept', async () => {
    await publishVideo();
    const encoding = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.clip_160!))!;
    const mp4 = await fs.readFile(await h.ctx.storage.localPath(encoding.original_key));
    expect((await streamed()).equals(mp4)).toBe(true);
    const history = await h.api('getAssetPublishHistory', { companyHandle: acme.companyHandle, assetHandle: handles.clip_160 }, acme.who);
    expect(history.body.pubHistoryArray.items).toEqual([{ serverName: h.ctx.serverName, contextName: 'Video', lastPublished: (await record())!.published_at }]);

    // A published copy damaged on the delivery side.
    const damaged = path.join(dir, 'damaged.mp4');
    await fs.writeFile(damaged, Buffer.alloc(mp4.length, 7));
    await h.ctx.storage.putFile((await record())!.media_key!, damaged);
    expect((await streamed()).equals(mp4)).toBe(false);

    expect((await force({ republishFiles: false, resyncCatalog: true })).body).toEqual({ successCount: 1, warningCount: 0, errorCount: 0 });
    const resynced = await publishVideo();
    expect((await record())!.job_handle).toBe(resynced);
    expect((await streamed()).equals(mp4)).toBe(false);

    expect((await force({})).body).toEqual({ successCount: 1, warningCount: 0, errorCount: 0 });
    await publishVideo();
    expect((await streamed()).equals(mp4)).toBe(true);
  });
});
