import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg, uploadPost } from '../support/fixtures.js';

interface Detail {
  logType: string;
  logMessage: string;
  assetName?: string;
  assetHandle?: string;
}

/** Every file under `dir`, relative to it (links listed, not followed). */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(path.join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

describe(`Image Rendering, server-directory and metadata publishes (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let root: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const handles: Record<string, string> = {};
  let hooks: http.Server;
  const received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  let hookBase: string;

  async function upload(files: Array<{ path: string; name?: string }>, destFolder?: string) {
    const params = { companyHandle: acme.companyHandle, jobName: 'seed', endJob: true, ...(destFolder ? { destFolder } : {}) };
    const up = await uploadPost(h.baseUrl, { params, files, authorization: basic(acme.who) });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    await h.client.workflow.getHandle(up.body.jobHandle).result();
    for (const row of await h.ctx.database.db.selectFrom('assets').selectAll().where('company_handle', '=', acme.companyHandle).execute())
      handles[row.name] = row.asset_handle;
  }

  /** Runs a publish job to the end; its log (summary and detail rows), and the rows of its own family that name an asset. */
  async function publish(element: string, options: Record<string, unknown>, jobName: string, family: string) {
    const r = await h.api('submitJob', { companyHandle: acme.companyHandle, jobName, [element]: options }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const outcome = await h.client.workflow.getHandle(r.body.jobHandle).result();
    const log = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle: r.body.jobHandle, recordsPerPage: 1000 }, acme.who)).body
      .jobLogArray.items[0];
    const rows = log.detailArray.items as Detail[];
    const assetRows = rows.filter((d) => d.assetName && d.logType.startsWith(family));
    return { jobHandle: r.body.jobHandle as string, outcome, log, rows, assetRows };
  }

  const setMarked = async (name: string, marked: boolean) => {
    const r = await h.api(
      'setAssetPublishState',
      { companyHandle: acme.companyHandle, assetHandle: handles[name], publishState: marked ? 'MarkedForPublish' : 'NotMarkedForPublish' },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };

  /** The callback a job posted to `hook`, checked against the company's secret. */
  async function signedCallback(hook: string) {
    const got = received.filter((r) => r.path === `/${hook}`);
    expect(got).toHaveLength(1);
    const { headers, body } = got[0]!;
    const { secret } = (await h.api('getCallbackSecret', { companyHandle: acme.companyHandle })).body;
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${headers['x-ips-timestamp']}.${body}`).digest('hex')}`);
    const signature = Buffer.from(String(headers['x-ips-signature']));
    expect(signature.length === expected.length && timingSafeEqual(signature, expected)).toBe(true);
    return JSON.parse(body) as Record<string, unknown>;
  }

  const stored = async (key: string) => fs.readFile(await h.ctx.storage.localPath(key));

  beforeAll(async () => {
    h = await startHarness({ CALLBACK_ALLOWED_HOSTS: '127.0.0.1/32' });
    root = h.ctx.config.serverPublishRoot;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-ctxpub-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    await upload([{ path: await makeJpeg(path.join(dir, 'red.jpg'), 400, 300) }, { path: await makeJpeg(path.join(dir, 'blue.jpg'), 300, 300) }], 'web/shoes');
    // An unusual but valid catalog name: the file `...jpg` makes the asset `..`.
    await upload([
      { path: await makeJpeg(path.join(dir, 'dots.jpg'), 64, 64), name: '...jpg' },
      { path: await makeJpeg(path.join(dir, 'hidden.jpg'), 50, 50) },
    ]);
    await setMarked('hidden', false);
    // A crafted record whose name and folder try to climb out (no API makes one; older data or another tool might).
    const red = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.red!))!;
    const crafted = `${acme.companyHandle}|crafted`;
    await h.ctx.repositories.assets.insert({
      ...red,
      asset_handle: crafted,
      name: '../../../escape',
      name_key: '../../../escape',
      file_name: '../../../escape.jpg',
      folder: 'Acme/../../../tmp/',
    });
    handles.crafted = crafted;
    hooks = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    hookBase = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hooks?.close();
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('ImageRenderingPublishJob records every marked image in the Image Rendering context, logged in its own family, with a signed callback', async () => {
    const p = await publish('imageRenderingPublishJob', { emailSetting: 'None', httpCompletionUrl: `${hookBase}/ir` }, 'ir', 'ImageRenderingPublish');
    expect(p.outcome).toMatchObject({ outcome: 'done', total: 4, processed: 4, errors: 0 });
    expect(p.log).toMatchObject({ logType: 'BeginImageRenderingPublish', jobSubType: 'full', fileSuccessCount: 4, fileUpdateCount: 0, totalFileCount: 4 });
    expect(p.rows.map((d) => d.logType)).toEqual(expect.arrayContaining(['BeginImageRenderingPublish', 'EndImageRenderingPublish']));
    expect(p.assetRows.map((d) => [d.logType, d.assetName]).sort()).toEqual([
      ['ImageRenderingPublishSuccess', '..'],
      ['ImageRenderingPublishSuccess', '../../../escape'],
      ['ImageRenderingPublishSuccess', 'blue'],
      ['ImageRenderingPublishSuccess', 'red'],
    ]);
    expect(p.assetRows.find((d) => d.assetName === 'red')!.logMessage).toBe('red was published to Image Rendering');
    const records = await h.ctx.repositories.contextPublications.list(acme.companyHandle, 'ImageRendering');
    expect(records.map((r) => r.asset_handle).sort()).toEqual([handles['..'], handles.blue, handles.crafted, handles.red].sort());
    expect(records.every((r) => r.job_handle === p.jobHandle && r.files_json === null)).toBe(true);
    expect(await signedCallback('ir')).toMatchObject({
      jobHandle: p.jobHandle,
      companyHandle: acme.companyHandle,
      jobType: 'ImageRenderingPublish',
      outcome: 'done',
    });

    // Every run is full (the job has no publishType): republished, and the unmarked one removed.
    await setMarked('blue', false);
    const again = await publish('imageRenderingPublishJob', { emailSetting: 'None' }, 'ir-2', 'ImageRenderingPublish');
    expect(again.log).toMatchObject({ jobSubType: 'full', fileSuccessCount: 1, fileUpdateCount: 3, totalFileCount: 4 });
    expect(again.assetRows.find((d) => d.assetName === 'blue')!.logMessage).toBe(
      'blue was unpublished: removed from Image Rendering (no longer marked for publish, or deleted)',
    );
    expect(await h.ctx.repositories.contextPublications.find(acme.companyHandle, 'ImageRendering', handles.blue!)).toBeUndefined();
    await setMarked('blue', true);
  });

  it('ServerDirectoryPublishJob writes originals and optimised images under <root>/<company>/<folders>, confined, byte for byte', async () => {
    const p = await publish('serverDirectoryPublishJob', { emailSetting: 'None', httpCompletionUrl: `${hookBase}/sd` }, 'sd', 'ServerDirectoryPublish');
    expect(p.outcome).toMatchObject({ outcome: 'done', total: 4, errors: 0 });
    expect(p.log).toMatchObject({ logType: 'BeginServerDirectoryPublish', jobSubType: 'full', fileSuccessCount: 4, totalFileCount: 4 });
    expect(p.rows.map((d) => d.logType)).toEqual(expect.arrayContaining(['BeginServerDirectoryPublish', 'EndServerDirectoryPublish']));
    expect(p.assetRows.find((d) => d.assetName === 'red')).toMatchObject({
      logType: 'ServerDirectoryPublishSuccess',
      logMessage: 'red was published to the server directory as Acme/web/shoes/red.jpg, Acme/web/shoes/red.ptif',
    });
    expect(await walk(root)).toEqual(
      [
        'Acme/%2E%2E/%2E%2E/%2E%2E/tmp/..%2F..%2F..%2Fescape.jpg',
        'Acme/%2E%2E/%2E%2E/%2E%2E/tmp/..%2F..%2F..%2Fescape.ptif',
        'Acme/...jpg',
        'Acme/...ptif',
        'Acme/web/shoes/blue.jpg',
        'Acme/web/shoes/blue.ptif',
        'Acme/web/shoes/red.jpg',
        'Acme/web/shoes/red.ptif',
      ].sort(),
    );
    const red = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.red!))!;
    expect((await fs.readFile(path.join(root, 'Acme/web/shoes/red.jpg'))).equals(await stored(red.original_key))).toBe(true);
    expect((await fs.readFile(path.join(root, 'Acme/web/shoes/red.ptif'))).equals(await stored(red.optimized_key!))).toBe(true);
    // Nothing was written outside the root: the only `escape` files of the data directory are the two above.
    const dataFiles = await walk(h.ctx.config.dataDir);
    expect(dataFiles.filter((f) => f.includes('escape'))).toEqual([
      'publish/Acme/%2E%2E/%2E%2E/%2E%2E/tmp/..%2F..%2F..%2Fescape.jpg',
      'publish/Acme/%2E%2E/%2E%2E/%2E%2E/tmp/..%2F..%2F..%2Fescape.ptif',
    ]);
    await expect(fs.access(path.join(os.tmpdir(), 'escape.jpg'))).rejects.toThrow();
    expect(await signedCallback('sd')).toMatchObject({ jobHandle: p.jobHandle, jobType: 'ServerDirectoryPublish', outcome: 'done' });

    // Idempotent: a second run rewrites the same files (atomically: no temporary left behind).
    const again = await publish('serverDirectoryPublishJob', { emailSetting: 'None' }, 'sd-2', 'ServerDirectoryPublish');
    expect(again.log).toMatchObject({ fileUpdateCount: 4, fileErrorCount: 0 });
    expect((await walk(root)).filter((f) => f.endsWith('.publishing'))).toEqual([]);
  });

  it('ServerDirectoryPublishJob removes the files of assets no longer marked, and writes set definitions', async () => {
    await setMarked('red', false);
    const logo = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.blue!))!;
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
    await h.ctx.repositories.derivations.replaceMembers(setHandle, [handles.blue!, handles.red!]);
    const p = await publish('serverDirectoryPublishJob', { emailSetting: 'None' }, 'sd-3', 'ServerDirectoryPublish');
    expect(p.outcome).toMatchObject({ outcome: 'done', errors: 0 });
    expect(p.assetRows.find((d) => d.assetName === 'red')!.logMessage).toBe(
      'red was unpublished: removed from the server directory (no longer marked for publish, or deleted)',
    );
    const files = await walk(root);
    expect(files.filter((f) => f.startsWith('Acme/web/shoes/'))).toEqual([
      'Acme/web/shoes/blue.jpg',
      'Acme/web/shoes/blue.ptif',
      'Acme/web/shoes/shoe-set.set.json',
    ]);
    expect(JSON.parse(await fs.readFile(path.join(root, 'Acme/web/shoes/shoe-set.set.json'), 'utf8'))).toMatchObject({
      name: 'shoe-set',
      type: 'ImageSet',
      members: ['blue', 'red'],
    });
    expect(await h.ctx.repositories.contextPublications.find(acme.companyHandle, 'ServerDirectory', handles.red!)).toBeUndefined();
    await h.ctx.database.db.deleteFrom('assets').where('asset_handle', '=', setHandle).execute();
  });

  it('ServerDirectoryPublishJob never writes through a symbolic link planted in the tree (that asset fails alone)', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-outside-'));
    try {
      await fs.rm(path.join(root, 'Acme/web'), { recursive: true });
      await fs.symlink(outside, path.join(root, 'Acme/web'));
      const p = await publish('serverDirectoryPublishJob', { emailSetting: 'None' }, 'sd-link', 'ServerDirectoryPublish');
      expect(p.outcome).toMatchObject({ outcome: 'done', errors: 1 });
      expect(p.assetRows.find((d) => d.assetName === 'blue')).toMatchObject({
        logType: 'ServerDirectoryPublishError',
        logMessage: expect.stringContaining("'Acme/web' is a symbolic link"),
      });
      expect(await fs.readdir(outside)).toEqual([]);
      await fs.unlink(path.join(root, 'Acme/web'));
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it('MetadataPublishJob writes the marked assets’ system metadata once, skips an unchanged catalog, and republishes with forcePublish', async () => {
    const doc = path.join(root, 'Acme/metadata.json');
    const p = await publish('metadataPublishJob', { emailSetting: 'None', httpCompletionUrl: `${hookBase}/md` }, 'md', 'Metadata');
    expect(p.outcome).toMatchObject({ outcome: 'done', total: 1, errors: 0 });
    // IPS's Metadata family (Adobe IPS: sting-constants/r-job-log-types); the JobType row tells it from other metadata jobs
    expect(p.log).toMatchObject({ logType: 'BeginMetadata', jobSubType: 'increment', fileSuccessCount: 1, totalFileCount: 1 });
    expect(p.rows.map((d) => d.logType)).toEqual(expect.arrayContaining(['BeginMetadata', 'MetadataSuccess', 'EndMetadata']));
    expect(p.rows.find((d) => d.logType === 'JobType')?.logMessage).toBe('MetadataPublish');
    expect(p.assetRows.map((d) => d.logMessage)).toEqual(['The metadata of 3 assets was published to Acme/metadata.json']);
    const json = JSON.parse(await fs.readFile(doc, 'utf8'));
    expect(json).toMatchObject({ company: 'Acme', rootPath: 'Acme/' });
    expect(json.assets.map((a: { name: string }) => a.name).sort()).toEqual(['..', '../../../escape', 'blue']);
    expect(json.assets.find((a: { name: string }) => a.name === 'blue')).toMatchObject({
      type: 'Image',
      folder: 'Acme/web/shoes/',
      fileName: 'blue.jpg',
      width: 300,
      height: 300,
    });
    expect(await signedCallback('md')).toMatchObject({ jobHandle: p.jobHandle, jobType: 'MetadataPublish', outcome: 'done' });
    const first = await fs.stat(doc);

    const same = await publish('metadataPublishJob', { emailSetting: 'None' }, 'md-2', 'Metadata');
    expect(same.assetRows.map((d) => d.logMessage)).toEqual([
      'The metadata of 3 assets is unchanged since the last publish; Acme/metadata.json was left as it is',
    ]);
    expect((await fs.stat(doc)).ino).toBe(first.ino);

    const forced = await publish('metadataPublishJob', { forcePublish: true, emailSetting: 'None' }, 'md-3', 'Metadata');
    expect(forced.log).toMatchObject({ jobSubType: 'full', fileSuccessCount: 1 });
    expect(forced.assetRows.map((d) => d.logMessage)).toEqual(['The metadata of 3 assets was published to Acme/metadata.json']);
    expect((await fs.stat(doc)).ino).not.toBe(first.ino);

    await setMarked('hidden', true);
    const changed = await publish('metadataPublishJob', {}, 'md-4', 'Metadata');
    expect(changed.assetRows.map((d) => d.logMessage)).toEqual(['The metadata of 4 assets was published to Acme/metadata.json']);
    expect(JSON.parse(await fs.readFile(doc, 'utf8')).assets.map((a: { name: string }) => a.name)).toContain('hidden');
  });

  it("runs a reprocess job's postImageRenderingPublishJob as the real ImageRenderingPublishJob child <parent>_Pub", async () => {
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'rp',
        reprocessAssetsJob: {
          assetHandleArray: [handles.blue],
          createMask: false,
          emailSetting: 'None',
          postImageRenderingPublishJob: { emailSetting: 'None' },
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    const child = await h.client.workflow.getHandle(`${r.body.jobHandle}_Pub`).describe();
    expect([child.type, child.status.name, child.parentExecution?.workflowId]).toEqual(['imageRenderingPublishWorkflow', 'COMPLETED', r.body.jobHandle]);
    const log = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle: `${r.body.jobHandle}_Pub`, recordsPerPage: 1000 }, acme.who))
      .body.jobLogArray.items[0];
    expect(log).toMatchObject({ originalJobName: 'rp_Pub', logType: 'BeginImageRenderingPublish', jobSubType: 'full', fileErrorCount: 0 });
    const blue = await h.ctx.repositories.contextPublications.find(acme.companyHandle, 'ImageRendering', handles.blue!);
    expect(blue).toMatchObject({ job_handle: `${r.body.jobHandle}_Pub` });
    const live = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.blue!))!;
    expect(blue!.source_key).toBe(live.optimized_key);
  });
});
