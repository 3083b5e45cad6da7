/**
 * Records the workflow histories that test/workflow/replay.test.ts replays
 * against the current workflow code: one small real run of every job type of
 * the registry and of every child workflow, plus a paused-and-resumed, a
 * stopped and a continued-as-new run of the item engine, on the integration
 * harness (real Temporal dev server, database, storage and worker).
 *
 *   npx vitest run --config scripts/record-histories.config.ts
 *   npx vitest run --config scripts/record-histories.config.ts -t 'export'   # only the cases named so
 *
 * Each case (over)writes test/workflow/histories/<workflowType>-<case>.json.
 * When to record, and when not to: docs/workflow-replay.md.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { WorkflowFailedError } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackReceiver } from '../test/support/callback-receiver.js';
import { makeJpeg, makePng, squarePdf, uploadPost } from '../test/support/fixtures.js';
import { ADMIN, type Harness, basic, companyWithUser, seedAssets, startHarness } from '../test/support/harness.js';
import { waitUntil } from '../test/support/wait.js';

const run = promisify(execFile);
const HISTORIES = path.resolve('test/workflow/histories');
/** companyWithUser's password for every user it adds. */
const USER_PASSWORD = 'User-Pass-1';
/** A token in a source URL's query: the job must seal it, so it never reaches a history. */
const URL_TOKEN = 'url-token-must-not-reach-history';
/** Images the pause and stop cases walk one at a time: enough that the job is caught mid-way. */
const SLOW_IMAGES = 20;

/**
 * History → proto3 JSON (the format `temporal workflow show --output json`
 * writes), with the codec of the protobufjs copy @temporalio/proto itself
 * uses. The SDK's historyToJSON (@temporalio/common/lib/proto-utils) throws
 * "type must be a Type" in this install: npm gave each @temporalio package its
 * own protobufjs 8 (the hoisted one is grpc's 7.x), and the codec checks
 * `instanceof` against its own copy.
 */
function historyToJson(history: temporal.api.history.v1.IHistory): unknown {
  const require = createRequire(import.meta.url);
  const root = require('@temporalio/proto') as { lookupType(name: string): { fromObject(o: unknown): unknown } };
  const { toJson } = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as { toJson(type: unknown, message: unknown): unknown };
  const type = root.lookupType('temporal.api.history.v1.History');
  return toJson(type, type.fromObject(history));
}

/** The job's own secrets, and the harness's passwords: none may appear in a recorded history. */
const secrets = [ADMIN.password, USER_PASSWORD, URL_TOKEN, basic(ADMIN)];

/** The history's JSON with every payload (base64 in the file) decoded too, to search for secrets. */
function readable(json: string): string {
  const decoded: string[] = [];
  JSON.parse(json, (key, value) => {
    if (key === 'data' && typeof value === 'string') decoded.push(Buffer.from(value, 'base64').toString('utf8'));
    return value;
  });
  return [json, ...decoded].join('\n');
}

describe('records one history of every workflow type for the replay test', () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
  let source: http.Server;
  let sourceBase: string;
  const handles: Record<string, string> = {};
  let seedJob: string;

  /**
   * Writes the closed run `runId` (default: the latest) of `workflowId` as
   * <workflowType>-<name>.json; returns the run it continued as new from, if any.
   */
  async function record(workflowId: string, name: string, runId?: string): Promise<string> {
    const history = await h.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const { events } = historyToJson(history) as { events: unknown[] };
    const text = readable(JSON.stringify(events));
    for (const secret of secrets) expect(text.includes(secret), `${name}: a credential in the history`).toBe(false);
    const file = path.join(HISTORIES, `${started?.workflowType?.name}-${name}.json`);
    // The workflow id is not in the history; the workflows read it (job handles, child ids), so replay needs it.
    // One event per line: small files whose diffs still show which events changed.
    await fs.writeFile(file, `{"workflowId":${JSON.stringify(workflowId)},"history":{"events":[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]}}\n`);
    return started?.continuedExecutionRunId ?? '';
  }

  const submit = async (jobName: string, job: Record<string, unknown>): Promise<string> => {
    const r = await h.api('submitJob', { companyHandle: acme.companyHandle, jobName, ...job }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.jobHandle;
  };
  const finished = (workflowId: string) => h.client.workflow.getHandle(workflowId).result();
  const stopped = async (workflowId: string) => {
    const err = await finished(workflowId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((await h.client.workflow.getHandle(workflowId).describe()).status.name).toBe('CANCELLED');
  };
  const active = async (jobHandle: string) => (await h.api('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).body.jobArray.items[0];
  const processed = async (jobHandle: string): Promise<number> => (await active(jobHandle))?.taskProgressArray.items[0]?.numProcessed ?? 0;
  const post = (params: Record<string, unknown>, files: Array<{ path: string; name?: string }>) =>
    uploadPost(h.baseUrl, { params: { companyHandle: acme.companyHandle, ...params }, files, authorization: basic(acme.who) });
  const makeStale = (names: string[]) =>
    h.ctx.database.db.updateTable('assets').set({ optimizer_version: 0 }).where('company_handle', '=', acme.companyHandle).where('name', 'in', names).execute();
  const slowNames = Array.from({ length: SLOW_IMAGES }, (_, i) => `slow-${i}`);

  beforeAll(async () => {
    await fs.mkdir(HISTORIES, { recursive: true });
    h = await startHarness({
      // One activity at a time: the pause and stop cases catch their job between items.
      WORKER_ACTIVITY_CONCURRENCY: '1',
      // The export's expiry child deletes the archive and completes within the recording.
      EXPORT_URL_TTL_SECONDS: '2',
      // The idle-timeout upload case ends by itself soon.
      UPLOAD_JOB_IDLE_SECONDS: '3',
      URL_UPLOAD_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1/32',
      PUBLIC_URL: 'https://ips.example.test',
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-record-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    secrets.push((await h.api('getCallbackSecret', { companyHandle: acme.companyHandle })).body.secret);
    receiver = await startCallbackReceiver();

    await makeJpeg(path.join(dir, 'red.jpg'), 64, 48);
    await makePng(path.join(dir, 'logo.png'), 64, 32);
    await makeJpeg(path.join(dir, 'shoe_1.jpg'), 48, 32);
    await makeJpeg(path.join(dir, 'shoe_2.jpg'), 48, 32);
    await squarePdf(path.join(dir, 'brochure.pdf'), ['One']);
    const clipArgs = ['-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=1:size=160x120:rate=10', '-c:v', 'libx264'];
    await run('ffmpeg', [...clipArgs, path.join(dir, 'clip.mp4')]);
    // The assets every case works on, uploaded by the job the first case records (so `-t` can pick any case).
    const files = ['red.jpg', 'logo.png', 'shoe_1.jpg', 'shoe_2.jpg', 'brochure.pdf', 'clip.mp4'].map((f) => ({ path: path.join(dir, f) }));
    const up = await post({ jobName: 'one-post', endJob: true }, files);
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    seedJob = up.body.jobHandle;
    expect(await finished(seedJob)).toMatchObject({ total: 6, error: 0, endedBy: 'endJob' });
    const slow = await makeJpeg(path.join(dir, 'slow.jpg'), 2400, 1800);
    const slowFiles = slowNames.map((n) => ({ path: slow, name: `${n}.jpg` }));
    // Every asset of the company by name: the recorded upload's too.
    Object.assign(handles, await seedAssets(h, acme, slowFiles));

    source = http.createServer((req, res) => {
      const file = req.url === `/photo.jpg?token=${URL_TOKEN}` ? path.join(dir, 'red.jpg') : undefined;
      if (!file) return void res.writeHead(404).end('not here');
      void fs.readFile(file).then((bytes) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(bytes));
    });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    sourceBase = `http://127.0.0.1:${(source.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    receiver?.close();
    source?.close();
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('uploadPost: one post with images, a PDF and a video', async () => {
    await record(seedJob, 'one-post');
  });

  it('uploadPost: a second post adds files through the signal', async () => {
    const first = await post({ jobName: 'two-posts', endJob: false }, [{ path: path.join(dir, 'logo.png'), name: 'second-a.png' }]);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const second = await post({ jobHandle: first.body.jobHandle, endJob: true }, [{ path: path.join(dir, 'logo.png'), name: 'second-b.png' }]);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(await finished(first.body.jobHandle)).toMatchObject({ total: 2, error: 0, endedBy: 'endJob' });
    await record(first.body.jobHandle, 'two-posts');
  });

  it('uploadPost: ends after its idle timeout', async () => {
    const up = await post({ jobName: 'idle', endJob: false }, [{ path: path.join(dir, 'logo.png'), name: 'idle.png' }]);
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(await finished(up.body.jobHandle)).toMatchObject({ total: 1, endedBy: 'idleTimeout' });
    await record(up.body.jobHandle, 'idle-timeout');
  });

  it('uploadPost: stopped while waiting for more posts', async () => {
    const up = await post({ jobName: 'stop-upload', endJob: false }, [{ path: path.join(dir, 'logo.png'), name: 'stopped.png' }]);
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    await waitUntil('the first file ingested', async () => (await active(up.body.jobHandle))?.state === 'WaitingClient');
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle: up.body.jobHandle }, acme.who)).status).toBe(200);
    await stopped(up.body.jobHandle);
    await record(up.body.jobHandle, 'stopped');
  });

  it('optimizeImages: runs to the end', async () => {
    await makeStale(['red', 'logo']);
    const jobHandle = await submit('optimize', { optimizeImagesJob: { emailSetting: 'None' } });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', total: 2, errors: 0 });
    await record(jobHandle, 'done');
  });

  it('optimizeImages: paused mid-way, then resumed', async () => {
    await makeStale(slowNames);
    const jobHandle = await submit('pausable', { optimizeImagesJob: { emailSetting: 'None' } });
    await waitUntil('2 images done', async () => (await processed(jobHandle)) >= 2);
    expect((await h.api('pauseJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    await waitUntil('the in-flight image to finish', async () => (await active(jobHandle))?.taskProgressArray.items[0]?.numProcessing === 0);
    expect((await h.api('resumeJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', total: SLOW_IMAGES, processed: SLOW_IMAGES, errors: 0 });
    await record(jobHandle, 'paused-resumed');
  });

  it('optimizeImages: stopped mid-way', async () => {
    await makeStale(slowNames);
    const jobHandle = await submit('stoppable', { optimizeImagesJob: { emailSetting: 'None' } });
    await waitUntil('2 images done', async () => (await processed(jobHandle)) >= 2);
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    await stopped(jobHandle);
    await record(jobHandle, 'stopped');
  });

  it('reprocessAssets: one image, with a postHttpUrl callback', async () => {
    const jobHandle = await submit('reprocess', {
      reprocessAssetsJob: { assetHandleArray: [handles.red], createMask: false, emailSetting: 'None', postHttpUrl: receiver.url('/reprocess') },
    });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', total: 1, errors: 0 });
    await record(jobHandle, 'callback');
  });

  it('reprocessAssets: two pages of handles continue as new', async () => {
    // One real image and 200 unknown handles (each a quick per-item error): more than one 200-handle page.
    const unknown = Array.from({ length: 200 }, (_, i) => `a|unknown-${i}`);
    const jobHandle = await submit('long', { reprocessAssetsJob: { assetHandleArray: [handles.red, ...unknown], createMask: false, emailSetting: 'None' } });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', total: 201, processed: 201, errors: 200 });
    const previous = await record(jobHandle, 'continued-2');
    expect(previous, 'the last run continues an earlier one').not.toBe('');
    expect(await record(jobHandle, 'continued-1', previous), 'two runs').toBe('');
  });

  it('reprocessAssets: a postImageServingPublishJob follow-on child', async () => {
    const jobHandle = await submit('with-publish', {
      reprocessAssetsJob: {
        assetHandleArray: [handles.logo],
        createMask: false,
        emailSetting: 'None',
        postImageServingPublishJob: { publishType: 'Full', emailSetting: 'None' },
      },
    });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', total: 1, errors: 0 });
    expect(await finished(`${jobHandle}_Pub`)).toMatchObject({ outcome: 'done', errors: 0 });
    await record(jobHandle, 'follow-on');
    await record(`${jobHandle}_Pub`, 'follow-on');
  });

  it('ripPdfs: one page', async () => {
    const jobHandle = await submit('rip', {
      ripPdfsJob: { pdfHandleArray: { items: [handles.brochure] }, createMask: false, emailSetting: 'None', pdfOptions: { resolution: 36 } },
    });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', total: 1, errors: 0 });
    await record(jobHandle, 'rip-pdfs');
  });

  it('export: two originals, and the child that deletes the archive when its URL expires', async () => {
    const jobHandle = await submit('export', { exportJob: { assetHandleArray: [handles.red, handles.logo], fmt: 'orig', emailSetting: 'None' } });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', total: 2, errors: 0 });
    await finished(`${jobHandle}_Expiry`);
    await record(jobHandle, 'done');
    await record(`${jobHandle}_Expiry`, 'done');
  });

  it('uploadUrls: a URL with a token (sealed) and a missing one', async () => {
    const urlArray = {
      items: [
        { sourceUrl: `${sourceBase}/photo.jpg?token=${URL_TOKEN}`, destPath: 'web/' },
        { sourceUrl: `${sourceBase}/missing.jpg`, destPath: 'web/' },
      ],
    };
    const jobHandle = await submit('urls', { uploadUrlsJob: { urlArray, overwrite: true, readyForPublish: true, createMask: false, emailSetting: 'None' } });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', total: 2, errors: 1 });
    await record(jobHandle, 'done');
  });

  it('uploadDirectory: two files under the import root', async () => {
    const batch = path.join(h.ctx.config.importRoot, 'batch');
    await fs.mkdir(batch, { recursive: true });
    await fs.copyFile(path.join(dir, 'red.jpg'), path.join(batch, 'dir-a.jpg'));
    await fs.copyFile(path.join(dir, 'logo.png'), path.join(batch, 'dir-b.png'));
    const jobHandle = await submit('directory', {
      uploadDirectoryJob: {
        serverDir: 'batch',
        includeSubfolders: false,
        overwrite: true,
        readyForPublish: true,
        createMask: false,
        processMetadataFiles: false,
        emailSetting: 'None',
      },
    });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', total: 2, errors: 0 });
    await record(jobHandle, 'done');
  });

  it('automatedSetGeneration: one set from two members', async () => {
    const saved = await h.api(
      'saveSetGenerationScript',
      { companyHandle: acme.companyHandle, name: 'Products', setType: 'ImageSet', memberPattern: '{base}_{n}' },
      acme.who,
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const jobHandle = await submit('sets', {
      automatedSetGenerationJob: {
        assetHandleArray: [handles.shoe_1, handles.shoe_2],
        readyForPublish: true,
        autoSetCreationOptions: { autoSetsArray: [saved.body.scriptHandle] },
        emailSetting: 'None',
      },
    });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', errors: 0 });
    await record(jobHandle, 'done');
  });

  it('imageServingPublish: full, with an httpCompletionUrl callback', async () => {
    const jobHandle = await submit('is', { imageServingPublishJob: { publishType: 'Full', emailSetting: 'None', httpCompletionUrl: receiver.url('/is') } });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', errors: 0 });
    await record(jobHandle, 'full');
  });

  it('imageRenderingPublish', async () => {
    const jobHandle = await submit('ir', { imageRenderingPublishJob: { emailSetting: 'None' } });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', errors: 0 });
    await record(jobHandle, 'done');
  });

  it('serverDirectoryPublish', async () => {
    const jobHandle = await submit('sd', { serverDirectoryPublishJob: { emailSetting: 'None' } });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', errors: 0 });
    await record(jobHandle, 'done');
  });

  it('videoPublish', async () => {
    const jobHandle = await submit('vp', { videoPublishJob: { emailSetting: 'None' } });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', processed: 1, errors: 0 });
    await record(jobHandle, 'done');
  });

  it('metadataPublish', async () => {
    const jobHandle = await submit('md', { metadataPublishJob: { emailSetting: 'None' } });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', total: 1, errors: 0 });
    await record(jobHandle, 'done');
  });

  it('createVideoSitemap', async () => {
    const jobHandle = await submit('sitemap', { createVideoSitemapJob: { emailSetting: 'None' } });
    expect(await finished(jobHandle)).toMatchObject({ outcome: 'done', total: 1, errors: 0 });
    await record(jobHandle, 'done');
  });
});
