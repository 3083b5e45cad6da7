import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobOutcome } from '../../src/jobs/contracts.js';
import { type Harness, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg, makePng } from '../support/fixtures.js';

const MAX_UPLOAD = 2 * 1024 * 1024;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * UploadUrlsJob against a local HTTP server. Only 127.0.0.1 is allowed
 * (URL_UPLOAD_ALLOWED_HOSTS); 127.0.0.2 is loopback too, and is refused by
 * the guard before any connection is made.
 */
describe(`UploadUrlsJob (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let server: http.Server;
  let base: string;
  let port: number;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const bodies: Record<string, Buffer> = {};
  const hits: string[] = [];
  let flakyCalls = 0;

  beforeAll(async () => {
    h = await startHarness({ MAX_UPLOAD_FILE_BYTES: String(MAX_UPLOAD), URL_UPLOAD_ALLOWED_HOSTS: '127.0.0.1', URL_UPLOAD_ATTEMPTS: '2' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-urls-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    bodies.jpeg = await fs.readFile(await makeJpeg(path.join(dir, 'good.jpg'), 320, 240));
    bodies.png = await fs.readFile(await makePng(path.join(dir, 'logo.png'), 200, 100));
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      const send = (status: number, body: Buffer | string, headers: Record<string, string> = {}) => {
        res.writeHead(status, headers);
        res.end(body);
      };
      switch (req.url) {
        // The header says text: the bytes decide.
        case '/photos/good.jpg':
          return send(200, bodies.jpeg!, { 'Content-Type': 'text/plain' });
        case '/disguised.jpg':
          return send(200, bodies.png!, { 'Content-Type': 'image/jpeg' });
        case '/missing.jpg':
          return send(404, 'not here');
        case '/big.tif': {
          // Chunked, no Content-Length: the limit is enforced while streaming.
          res.writeHead(200, { 'Content-Type': 'image/tiff' });
          const chunk = Buffer.alloc(256 * 1024, 7);
          let sent = 0;
          const more = () => {
            while (sent < MAX_UPLOAD + chunk.length * 2) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', more);
            }
            res.end();
          };
          return more();
        }
        case '/redirect':
          return send(302, '', { Location: '/hop/logo.png' });
        case '/hop/logo.png':
          return send(200, bodies.png!);
        case '/redirect-private':
          return send(302, '', { Location: `http://127.0.0.2:${port}/photos/good.jpg` });
        case '/flaky.png':
          flakyCalls += 1;
          return flakyCalls === 1 ? send(503, 'busy') : send(200, bodies.png!);
        case '/down.png':
          return send(503, 'down for maintenance');
        default:
          return send(404, '');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const submit = (jobName: string, job: Record<string, unknown>) =>
    h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName,
        uploadUrlsJob: { overwrite: true, readyForPublish: true, createMask: false, emailSetting: 'None', ...job },
      },
      acme.who,
    );
  const finished = (jobHandle: string) => h.client.workflow.getHandle(jobHandle).result() as Promise<JobOutcome>;
  const reasons = async (jobHandle: string, logType: string) =>
    Object.fromEntries(
      (await h.ctx.repositories.jobLogs.details(jobHandle))
        .filter((d) => d.log_type === logType)
        .map((d) => [d.asset_name, JSON.parse(d.message_args).reason as string]),
    );

  it('downloads good URLs into the pipeline and logs each failure with its reason', async () => {
    const urls = [
      { sourceUrl: `${base}/photos/good.jpg`, destPath: 'web/' },
      { sourceUrl: `${base}/missing.jpg`, destPath: 'web/' },
      { sourceUrl: `${base}/big.tif`, destPath: 'web/' },
      { sourceUrl: `http://127.0.0.2:${port}/photos/good.jpg`, destPath: 'web/private.jpg' },
      { sourceUrl: `${base}/redirect`, destPath: 'web/renamed.png' },
      { sourceUrl: `${base}/redirect-private`, destPath: 'web/hop.jpg' },
      { sourceUrl: `${base}/disguised.jpg`, destPath: '' },
      { sourceUrl: `${base}/flaky.png`, destPath: 'web/flaky.png' },
      { sourceUrl: `${base}/down.png`, destPath: 'web/' },
    ];
    const r = await submit('from-urls', { urlArray: { items: urls } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const outcome = await finished(r.body.jobHandle);
    expect(outcome).toMatchObject({ outcome: 'done', total: 9, processed: 9, errors: 5 });

    const log = await h.ctx.repositories.jobLogs.find(r.body.jobHandle);
    expect(log).toMatchObject({
      job_type: 'UrlUpload',
      log_type: 'BeginUploadUrls',
      total_file_count: 9,
      file_success_count: 4,
      file_error_count: 5,
      file_warning_count: 1,
    });
    const types = (await h.ctx.repositories.jobLogs.details(r.body.jobHandle)).map((d) => d.log_type);
    expect(types[0]).toBe('BeginUploadUrls');
    expect(types[types.length - 1]).toBe('EndUploadUrls');

    expect(await reasons(r.body.jobHandle, 'UploadError')).toEqual({
      [`${base}/missing.jpg`]: 'HTTP 404',
      [`${base}/big.tif`]: `larger than the limit of ${MAX_UPLOAD} bytes`,
      [`http://127.0.0.2:${port}/photos/good.jpg`]:
        'refused: 127.0.0.2 is a loopback address (set URL_UPLOAD_ALLOWED_HOSTS or URL_UPLOAD_ALLOW_PRIVATE=true to allow)',
      [`${base}/redirect-private`]: 'refused: 127.0.0.2 is a loopback address (set URL_UPLOAD_ALLOWED_HOSTS or URL_UPLOAD_ALLOW_PRIVATE=true to allow)',
      [`${base}/down.png`]: 'HTTP 503 (after 2 attempts)',
    });
    const warnings = await reasons(r.body.jobHandle, 'UploadWarning');
    expect(Object.keys(warnings)).toEqual([`${base}/disguised.jpg`]);
    expect(warnings[`${base}/disguised.jpg`]).toContain('the content is PNG');
    const successes = (await h.ctx.repositories.jobLogs.details(r.body.jobHandle))
      .filter((d) => d.log_type === 'UploadSuccess')
      .map((d) => d.asset_name)
      .sort();
    expect(successes).toEqual([`${base}/disguised.jpg`, `${base}/flaky.png`, `${base}/photos/good.jpg`, `${base}/redirect`].sort());

    // The private address was never contacted, not even after the redirect.
    expect(hits.filter((u) => u === '/photos/good.jpg')).toHaveLength(1);

    const found = await h.api('searchAssets', { companyHandle: acme.companyHandle, includeSubfolders: true }, acme.who);
    const byName = Object.fromEntries(found.body.assetArray.items.map((a: any) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['disguised', 'flaky', 'good', 'renamed']);
    expect(byName.good).toMatchObject({ type: 'Image', folder: 'Acme/web/', fileName: 'good.jpg', readyForPublish: true });
    expect(byName.good.imageInfo).toMatchObject({ width: 320, height: 240, fileSize: bodies.jpeg!.length });
    expect(byName.renamed).toMatchObject({ folder: 'Acme/web/', fileName: 'renamed.png' });
    expect(byName.disguised).toMatchObject({ folder: 'Acme/', type: 'Image' });
    const info = byName.good.imageInfo;
    expect(sha(await fs.readFile(path.join(h.ctx.config.storage.root, info.originalPath + info.originalFile)))).toBe(sha(bodies.jpeg!));
  });

  it('starts its follow-on publish job once the files are in, and none when postJobOnlyIfFiles finds no file', async () => {
    const publish = { publishType: 'Full', emailSetting: 'None' };
    const good = await submit('then-publish', {
      urlArray: [{ sourceUrl: `${base}/photos/good.jpg`, destPath: 'pub/' }],
      postJobOnlyIfFiles: true,
      postImageServingPublishJob: publish,
    });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect(await finished(good.body.jobHandle)).toMatchObject({ outcome: 'done', processed: 1, errors: 0 });
    const child = h.client.workflow.getHandle(`${good.body.jobHandle}_Pub`);
    expect(await child.result()).toMatchObject({ outcome: 'done' });
    expect(await h.ctx.repositories.jobLogs.find(`${good.body.jobHandle}_Pub`)).toMatchObject({
      job_type: 'ImageServingPublish',
      original_job_name: 'then-publish_Pub',
    });

    const none = await submit('nothing-to-publish', {
      urlArray: [{ sourceUrl: `${base}/missing.jpg`, destPath: 'pub/' }],
      postJobOnlyIfFiles: true,
      postImageServingPublishJob: publish,
    });
    expect(await finished(none.body.jobHandle)).toMatchObject({ outcome: 'done', processed: 1, errors: 1 });
    await expect(h.client.workflow.getHandle(`${none.body.jobHandle}_Pub`).describe()).rejects.toThrow(/not found/i);
  });

  it('skips duplicates with overwrite false and replaces with overwrite true', async () => {
    const urls = { items: [{ sourceUrl: `${base}/photos/good.jpg`, destPath: 'web/' }] };
    const skip = await submit('dup', { urlArray: urls, overwrite: false });
    await finished(skip.body.jobHandle);
    expect(await h.ctx.repositories.jobLogs.find(skip.body.jobHandle)).toMatchObject({ file_duplicate_count: 1, file_success_count: 0 });
    const replace = await submit('replace', { urlArray: urls });
    await finished(replace.body.jobHandle);
    expect(await h.ctx.repositories.jobLogs.find(replace.body.jobHandle)).toMatchObject({ file_update_count: 1 });
    expect(
      (await h.ctx.repositories.jobLogs.details(replace.body.jobHandle)).some(
        (d) => d.log_type === 'FileUpdated' && d.asset_name === `${base}/photos/good.jpg`,
      ),
    ).toBe(true);
  });

  it('echoes the job with numUrls filled in while it waits for its execTime', async () => {
    const execTime = new Date(Date.now() + 10 * 60_000).toISOString();
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'later',
        execTime,
        uploadUrlsJob: {
          urlArray: [{ sourceUrl: `${base}/photos/good.jpg`, destPath: 'web/' }],
          overwrite: false,
          readyForPublish: true,
          createMask: false,
          emailSetting: 'None',
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const listed = (await h.api('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle: r.body.jobHandle }, acme.who)).body.jobArray.items[0];
    expect(listed).toMatchObject({
      state: 'New',
      type: 'UrlUpload',
      uploadUrlsJob: { numUrls: 1, urlArray: { items: [{ sourceUrl: `${base}/photos/good.jpg`, destPath: 'web/' }] }, overwrite: false, emailSetting: 'None' },
    });
    expect((await h.api('deleteJob', { companyHandle: acme.companyHandle, jobHandle: r.body.jobHandle }, acme.who)).status).toBe(200);
  });

  it('refuses bad requests at submit, naming the field', async () => {
    const empty = await submit('bad', { urlArray: [] });
    expect(empty.body).toMatchObject({ code: 30002, field: 'uploadUrlsJob.urlArray' });
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ urlArray: [{ sourceUrl: 'ftp://example.com/a.jpg', destPath: 'x/' }] }, 'uploadUrlsJob.urlArray[0].sourceUrl', 'http://'],
      [{ urlArray: [{ sourceUrl: 'http://u:p@example.com/a.jpg', destPath: 'x/' }] }, 'uploadUrlsJob.urlArray[0].sourceUrl', 'without user name'],
      [{ urlArray: [{ sourceUrl: 'http://example.com/a.jpg', destPath: '../up/a.jpg' }] }, 'uploadUrlsJob.urlArray[0].destPath', "'..'"],
      [{ urlArray: [{ sourceUrl: 'http://example.com/', destPath: 'folder/' }] }, 'uploadUrlsJob.urlArray[0].destPath', 'file name'],
      [
        { urlArray: [{ sourceUrl: 'http://example.com/a.pdf', destPath: 'x/' }], pdfOptions: { process: 'Rasterize' } },
        'uploadUrlsJob.pdfOptions',
        'reprocessAssetsJob',
      ],
      [
        {
          urlArray: [{ sourceUrl: 'http://example.com/a.jpg', destPath: 'x/' }],
          manualCropOptions: { left: 1, right: 1, top: 1, bottom: 1 },
          autoTransparentCropOptions: { tolerance: 0 },
        },
        'uploadUrlsJob.autoTransparentCropOptions',
        'at most one',
      ],
      [{ urlArray: [{ sourceUrl: 'http://example.com/a.jpg', destPath: 'x/' }], numUrls: 3 }, 'uploadUrlsJob.numUrls'],
    ];
    for (const [job, field, reason] of cases) {
      const r = await submit('bad', job);
      expect({ job, fault: r.body }).toMatchObject({ fault: { code: 30001, field } });
      if (reason) expect(r.body.reason).toContain(reason);
    }
  });
});
