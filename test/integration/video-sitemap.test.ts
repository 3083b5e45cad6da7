import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITEMAP_NS, VIDEO_NS } from '../../src/adapters/xml/video-sitemap-writer.js';
import { VIDEO_SITEMAP_CONTEXT } from '../../src/services/publish/video-sitemap.service.js';
import { startCallbackReceiver } from '../support/callback-receiver.js';
import { type Harness, companyWithUser, startHarness } from '../support/harness.js';
import { SMALL_ENCODING, assetHandlesByName, makeClip, uploadJob } from '../support/seed-video.js';
import { childText, childrenOf, parseXml } from '../support/xml.js';

const PUBLIC_URL = 'https://ips.example.test';
const SITEMAP_URL = `${PUBLIC_URL}/is/content/Acme/video-sitemap.xml`;

interface Detail {
  logType: string;
  logMessage: string;
  assetName?: string;
  assetType?: string;
}

/** One `<url>` of the sitemap, as a search engine reads it. */
interface Entry {
  loc: string;
  thumbnail_loc?: string;
  title: string;
  description: string;
  content_loc: string;
  duration?: string;
}

describe(`CreateVideoSitemapJob and /is/content/<root>/video-sitemap.xml (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const handles: Record<string, string> = {};
  /** A public URL of this server, fetched as anyone would: no credentials. */
  const get = (url: string, headers: Record<string, string> = {}) => fetch(`${h.baseUrl}${new URL(url).pathname}`, { headers });
  const stored = async (key: string) => fs.readFile(await h.ctx.storage.localPath(key));

  async function submit(element: string, options: Record<string, unknown>, jobName: string) {
    const r = await h.api('submitJob', { companyHandle: acme.companyHandle, jobName, [element]: options }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const outcome = await h.client.workflow.getHandle(r.body.jobHandle).result();
    return { jobHandle: r.body.jobHandle as string, outcome };
  }

  async function sitemapJob(options: Record<string, unknown>, jobName: string) {
    const { jobHandle, outcome } = await submit('createVideoSitemapJob', options, jobName);
    const log = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle, recordsPerPage: 1000 }, acme.who)).body.jobLogArray.items[0];
    const rows = log.detailArray.items as Detail[];
    return { jobHandle, outcome, log, rows, item: rows.filter((d) => d.assetName === 'video-sitemap.xml') };
  }

  async function sitemap() {
    const res = await get(SITEMAP_URL);
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    const root = parseXml(body.toString('utf8'));
    expect([root.uri, root.local]).toEqual([SITEMAP_NS, 'urlset']);
    const entries: Record<string, Entry> = {};
    for (const url of childrenOf(root, SITEMAP_NS, 'url')) {
      const [video, ...more] = childrenOf(url, VIDEO_NS, 'video');
      expect(more).toEqual([]);
      const fields = Object.fromEntries(video!.children.map((c) => [c.local, c.text])) as Omit<Entry, 'loc'>;
      entries[fields.title] = { loc: childText(url, SITEMAP_NS, 'loc')!, ...fields };
    }
    return { res, body, entries };
  }

  const document = () => h.ctx.repositories.contextPublications.findDocument(acme.companyHandle, VIDEO_SITEMAP_CONTEXT);

  const upload = (file: string, uploadParams: Record<string, unknown>) =>
    uploadJob(h, acme, [{ path: file }], { readyForPublish: true, ...uploadParams }, `up-${path.basename(file)}`);

  beforeAll(async () => {
    h = await startHarness({ PUBLIC_URL, CALLBACK_ALLOWED_HOSTS: '127.0.0.1/32' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-sitemap-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const clip = await makeClip(path.join(dir, 'clip.mp4'));
    // A master with a poster and one encoding; and an MP4 taken as it is (no thumbnail, no encoding).
    await upload(clip, {
      mediaOptions: { generateThumbnail: true, videoEncodingArray: [SMALL_ENCODING] },
    });
    const loose = path.join(dir, 'loose.mp4');
    await fs.copyFile(clip, loose);
    await upload(loose, {});
    Object.assign(handles, await assetHandlesByName(h, acme.companyHandle));
    expect(Object.keys(handles).sort()).toEqual(['clip', 'clip_160', 'loose']);
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves nothing before the first job, and nothing for an unknown company', async () => {
    const r = await get(SITEMAP_URL);
    expect([r.status, await r.text()]).toEqual([404, "Unable to find content 'Acme/video-sitemap.xml'\n"]);
    expect((await get(`${PUBLIC_URL}/is/content/Nobody/video-sitemap.xml`)).status).toBe(404);
  });

  it('lists the published videos, one entry per video, with URLs anyone can fetch; logs, calls back and mails like a publish job', async () => {
    expect((await submit('imageServingPublishJob', { publishType: 'Full', emailSetting: 'None' }, 'is')).outcome).toMatchObject({ outcome: 'done' });
    expect((await submit('videoPublishJob', { emailSetting: 'None' }, 'vp')).outcome).toMatchObject({ outcome: 'done', processed: 3, errors: 0 });

    const receiver = await startCallbackReceiver();
    let job: Awaited<ReturnType<typeof sitemapJob>>;
    try {
      job = await sitemapJob({ emailSetting: 'All', httpCompletionUrl: receiver.url('/sitemap') }, 'sm');
    } finally {
      receiver.close();
    }
    expect(job.outcome).toMatchObject({ outcome: 'done', total: 1, processed: 1, errors: 0 });
    expect(job.log).toMatchObject({ logType: 'BeginCreateVideoSitemap', jobSubType: 'increment', fileSuccessCount: 1, totalFileCount: 1 });
    expect(job.rows.map((d) => d.logType)).toEqual(expect.arrayContaining(['BeginCreateVideoSitemap', 'EndCreateVideoSitemap']));
    expect(job.item.map((d) => [d.logType, d.assetType, d.logMessage])).toEqual([
      ['CreateVideoSitemapSuccess', 'Xml', `The video sitemap of 2 published videos was written to ${SITEMAP_URL}`],
    ]);

    expect(receiver.received).toHaveLength(1);
    const { headers, body } = receiver.received[0]!;
    const { secret } = (await h.api('getCallbackSecret', { companyHandle: acme.companyHandle })).body;
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${headers['x-ips-timestamp']}.${body}`).digest('hex')}`);
    const signature = Buffer.from(String(headers['x-ips-signature']));
    expect(signature.length === expected.length && timingSafeEqual(signature, expected)).toBe(true);
    expect(JSON.parse(body)).toMatchObject({ jobHandle: job.jobHandle, jobType: 'CreateVideoSitemap', outcome: 'done' });

    const outbox = h.ctx.config.mail.outboxDir;
    const mails = await Promise.all((await fs.readdir(outbox)).filter((f) => f.endsWith('.eml')).map((f) => fs.readFile(path.join(outbox, f), 'utf8')));
    expect(
      mails.filter((m) => m.includes(`To: ${acme.who.email}`) && /^X-IPS-Job: sm_/im.test(m) && m.includes('The CreateVideoSitemap job sm_')),
    ).toHaveLength(1);

    const { res, entries } = await sitemap();
    expect([res.headers.get('content-type'), res.headers.get('cache-control')]).toEqual(['application/xml; charset=utf-8', 'public, max-age=3600']);
    // The encoding is the master's first encoding, which the master's own entry serves: one video, one entry.
    expect(Object.keys(entries).sort()).toEqual(['clip', 'loose']);
    expect(entries.clip).toEqual({
      loc: `${PUBLIC_URL}/is/content/Acme/clip`,
      thumbnail_loc: `${PUBLIC_URL}/is/image/Acme/clip`,
      title: 'clip',
      description: 'clip: video, 0:02, 320×240',
      content_loc: `${PUBLIC_URL}/is/content/Acme/clip`,
      duration: '2',
    });
    // No poster was made for it, so none is named.
    expect(entries.loose).toEqual({
      loc: `${PUBLIC_URL}/is/content/Acme/loose`,
      title: 'loose',
      description: 'loose: video, 0:02, 320×240',
      content_loc: `${PUBLIC_URL}/is/content/Acme/loose`,
      duration: '2',
    });

    const encoding = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.clip_160!))!;
    const mp4 = await get(entries.clip!.content_loc);
    expect([mp4.status, mp4.headers.get('content-type')]).toEqual([200, 'video/mp4']);
    expect(Buffer.from(await mp4.arrayBuffer()).equals(await stored(encoding.original_key))).toBe(true);
    const looseMp4 = await get(entries.loose!.content_loc);
    expect(
      Buffer.from(await looseMp4.arrayBuffer()).equals(
        await stored((await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.loose!))!.original_key),
      ),
    ).toBe(true);
    const poster = await get(entries.clip!.thumbnail_loc!);
    expect(poster.status).toBe(200);
    expect(await sharp(Buffer.from(await poster.arrayBuffer())).metadata()).toMatchObject({ width: 320, height: 240 });

    const same = await get(SITEMAP_URL, { 'If-None-Match': res.headers.get('etag')! });
    expect(same.status).toBe(304);
  });

  it('leaves an unchanged sitemap alone without forceUpdate, and rewrites it with forceUpdate', async () => {
    const before = (await document())!;
    const first = await sitemap();

    const again = await sitemapJob({}, 'sm-again');
    expect(again.log).toMatchObject({ jobSubType: 'increment', fileSuccessCount: 1 });
    expect(again.item.map((d) => [d.logType, d.logMessage])).toEqual([
      ['CreateVideoSitemapSuccess', `The video sitemap (2 published videos) is unchanged since it was last written; ${SITEMAP_URL} was left as it is`],
    ]);
    expect(await document()).toEqual(before);
    expect((await sitemap()).body.equals(first.body)).toBe(true);

    const forced = await sitemapJob({ forceUpdate: true }, 'sm-force');
    expect(forced.log).toMatchObject({ jobSubType: 'full', fileSuccessCount: 1 });
    expect(forced.item.map((d) => d.logMessage)).toEqual([`The video sitemap of 2 published videos was written to ${SITEMAP_URL}`]);
    const after = (await document())!;
    expect([after.job_handle, after.sha256, after.entries]).toEqual([forced.jobHandle, before.sha256, 2]);
    expect(after.path).not.toBe(before.path);
    // The previous file is gone once the new one is the sitemap; the content is the same.
    expect(await h.ctx.storage.exists(before.path)).toBe(false);
    expect((await sitemap()).body.equals(first.body)).toBe(true);
  });

  it('drops unpublished and trashed videos, lists an encoding whose master is not listed, and takes a landing page per video', async () => {
    // Unmarked, then unpublished by the next video publish.
    expect(
      (await h.api('setAssetPublishState', { companyHandle: acme.companyHandle, assetHandle: handles.loose, publishState: 'NotMarkedForPublish' }, acme.who))
        .status,
    ).toBe(200);
    expect((await submit('videoPublishJob', { emailSetting: 'None' }, 'vp-2')).outcome).toMatchObject({ outcome: 'done', errors: 0 });
    expect((await get(`${PUBLIC_URL}/is/content/Acme/loose`)).status).toBe(404);

    const landing = 'https://www.example.test/videos/{name}?from=sitemap';
    const changed = await sitemapJob({ landingPageUrl: landing }, 'sm-changed');
    expect(changed.item.map((d) => d.logMessage)).toEqual([`The video sitemap of 1 published videos was written to ${SITEMAP_URL}`]);
    let { entries } = await sitemap();
    expect(Object.keys(entries)).toEqual(['clip']);
    expect(entries.clip).toMatchObject({ loc: 'https://www.example.test/videos/clip?from=sitemap', content_loc: `${PUBLIC_URL}/is/content/Acme/clip` });

    // The master unmarked: its encoding is a published video of its own now, shown with the master's poster (still on Image Serving).
    expect(
      (await h.api('setAssetPublishState', { companyHandle: acme.companyHandle, assetHandle: handles.clip, publishState: 'NotMarkedForPublish' }, acme.who))
        .status,
    ).toBe(200);
    expect((await submit('videoPublishJob', { emailSetting: 'None' }, 'vp-3')).outcome).toMatchObject({ outcome: 'done', errors: 0 });
    await sitemapJob({ landingPageUrl: landing }, 'sm-encoding');
    ({ entries } = await sitemap());
    expect(entries).toEqual({
      clip_160: {
        loc: 'https://www.example.test/videos/clip_160?from=sitemap',
        thumbnail_loc: `${PUBLIC_URL}/is/image/Acme/clip`,
        title: 'clip_160',
        description: 'clip_160: video, 0:02, 160×120',
        content_loc: `${PUBLIC_URL}/is/content/Acme/clip_160`,
        duration: '2',
      },
    });
    expect((await get(entries.clip_160!.content_loc)).status).toBe(200);

    // Trashed while still published (the catalog has no trash operation here: set as an ingest job trashes a byproduct).
    await h.ctx.repositories.assets.update(handles.clip_160!, { trash_state: 'InTrash' });
    const trashed = await sitemapJob({}, 'sm-trashed');
    expect(trashed.item.map((d) => d.logMessage)).toEqual([`The video sitemap of 0 published videos was written to ${SITEMAP_URL}`]);
    ({ entries } = await sitemap());
    expect(entries).toEqual({});
  });
});
