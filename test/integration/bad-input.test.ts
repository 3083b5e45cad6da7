import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobOutcome, UploadJobResult } from '../../src/jobs/contracts.js';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { uploadPost } from '../support/fixtures.js';

/** The checked-in corpus (scripts/make-bad-inputs.mjs regenerates it; its README says what each file is for). */
const CORPUS = fileURLToPath(new URL('../fixtures/bad-inputs/', import.meta.url));
const corpus = (name: string) => path.join(CORPUS, name);

const UNZIP_MAX_BYTES = 16 * 1024 * 1024;
const MAX_UPLOAD = 4 * 1024 * 1024;
/** Where write-file.ps tries to write (Ghostscript's default temporary directory). */
const HOSTILE_WRITE = '/tmp/ips-bad-input-written';

/** Every image file the upload must refuse, with what its job-log reason must say. */
const REFUSED_AT_UPLOAD: Record<string, RegExp> = {
  // The decoder's own words after the colon vary with the libvips code path that hits the damage first
  // (e.g. "premature end of JPEG file" or "Warning treated as error due to failOn setting"): only the service's part is fixed.
  'truncated.jpg': /^the JPEG data cannot be decoded \(the file is damaged or truncated\): ./,
  'truncated.png': /PNG data cannot be decoded \(the file is damaged or truncated\)/,
  // The TIFF's directory sits at its end: cut off, not even the format can be recognised.
  'truncated.tif': /^unsupported or unrecognised file content/,
  'corrupt.jpg': /^the JPEG data cannot be decoded \(the file is damaged or truncated\): ./,
  'corrupt.png': /PNG data cannot be decoded \(the file is damaged or truncated\)/,
  'corrupt.tif': /^the TIFF data cannot be decoded \(the file is damaged or truncated\): ./,
  'bomb.png': /^the image is 100000x100000, above the limit of 536870912 pixels \(MAX_IMAGE_PIXELS\)$/,
  'bomb.jpg': /^the image is 65000x65000, above the limit of 536870912 pixels \(MAX_IMAGE_PIXELS\)$/,
  'layers.psd': /PSD data cannot be decoded \(the file is damaged or truncated\)/,
  'text-named.tif': /^unsupported or unrecognised file content/,
  'empty.jpg': /^the file is empty \(0 bytes\)$/,
  'empty.pdf': /^the file is empty \(0 bytes\)$/,
};
/** Stored at upload (documents are only checked when ripped), or valid. */
const ACCEPTED = ['good.jpg', 'png-named.jpg', 'truncated.pdf', 'corrupt.pdf', 'read-passwd.ps', 'write-file.ps', 'endless.ps'];

describe(`bad input: corrupt, hostile and oversized files and requests (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let passwdLine: string;

  const upload = (jobName: string, names: string[]) =>
    uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName, destFolder: jobName, endJob: true },
      files: names.map((n) => ({ path: corpus(n) })),
      authorization: basic(acme.who),
    });
  const uploaded = (jobHandle: string) => h.client.workflow.getHandle(jobHandle).result() as Promise<UploadJobResult>;
  const finished = (jobHandle: string) => h.client.workflow.getHandle(jobHandle).result() as Promise<JobOutcome>;
  const details = (jobHandle: string, logType: string) =>
    h.ctx.repositories.jobLogs
      .details(jobHandle)
      .then((rows) => Object.fromEntries(rows.filter((d) => d.log_type === logType).map((d) => [d.asset_name, JSON.parse(d.message_args).reason ?? ''])));
  const handleOf = async (name: string) => (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, name))!.asset_handle;
  const healthy = async () => {
    const res = await fetch(`${h.baseUrl}/health`);
    expect(res.status).toBe(200);
  };
  /** A small job after the bad ones: proves the worker still takes work. */
  const workerStillRuns = async (jobName: string) => {
    const params = { companyHandle: acme.companyHandle, jobName, endJob: true };
    const r = await uploadPost(h.baseUrl, { params, files: [{ path: corpus('good.jpg'), name: `${jobName}.jpg` }], authorization: basic(acme.who) });
    expect(r.status).toBe(200);
    expect(await uploaded(r.body.jobHandle)).toMatchObject({ total: 1, success: 1, error: 0 });
  };

  beforeAll(async () => {
    h = await startHarness({
      MAX_UPLOAD_FILE_BYTES: String(MAX_UPLOAD),
      UNZIP_MAX_BYTES: String(UNZIP_MAX_BYTES),
      RIP_PAGE_TIMEOUT_SECONDS: '3',
      RIP_POOL_SIZE: '2',
    });
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    passwdLine = (await fs.readFile('/etc/passwd', 'utf8')).split('\n')[0]!;
    await fs.rm(HOSTILE_WRITE, { force: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses each bad file of an upload job with its own reason; the good files succeed and the service stays up', async () => {
    const r = await upload('mixed', [...Object.keys(REFUSED_AT_UPLOAD), ...ACCEPTED]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const refused = Object.keys(REFUSED_AT_UPLOAD).length;
    expect(await uploaded(r.body.jobHandle)).toMatchObject({ total: refused + ACCEPTED.length, success: ACCEPTED.length, error: refused });

    const errors = await details(r.body.jobHandle, 'UploadError');
    expect(Object.keys(errors).sort()).toEqual(
      Object.keys(REFUSED_AT_UPLOAD)
        .map((n) => `Acme/mixed/${n}`)
        .sort(),
    );
    for (const [name, reason] of Object.entries(REFUSED_AT_UPLOAD))
      expect({ name, reason: errors[`Acme/mixed/${name}`] }).toEqual({ name, reason: expect.stringMatching(reason) });
    expect(Object.keys(await details(r.body.jobHandle, 'UploadSuccess')).sort()).toEqual(ACCEPTED.map((n) => `Acme/mixed/${n}`).sort());
    // A PNG named .jpg is ingested by its content, with a warning naming the mismatch.
    expect(await details(r.body.jobHandle, 'UploadWarning')).toEqual({
      'Acme/mixed/png-named.jpg': "the content is PNG although the name ends in '.jpg'; the content decides",
    });
    const good = await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, 'good');
    expect(good).toMatchObject({ type: 'Image', format: 'jpeg', width: 160, height: 120 });

    await healthy();
    await workerStillRuns('after-mixed');
  });

  it('rips hostile PostScript alone: file access is refused, an endless program is stopped by the page time limit', async () => {
    const documents = ['read-passwd', 'write-file', 'endless', 'truncated', 'corrupt'];
    const handles = await Promise.all(documents.map(handleOf));
    const byHandle = Object.fromEntries(handles.map((a, i) => [a, documents[i]!]));
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'hostile-rip',
        reprocessAssetsJob: {
          assetHandleArray: [...handles, await handleOf('good')],
          createMask: false,
          emailSetting: 'None',
          postScriptOptions: { process: 'Rasterize', resolution: 72 },
          pdfOptions: { process: 'Rasterize', resolution: 72 },
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await finished(r.body.jobHandle)).toMatchObject({ outcome: 'done', processed: 6, errors: 5 });

    const reasons: Record<string, string> = {};
    for (const handle of handles) {
      const item = await h.ctx.repositories.jobLogs.findItem(r.body.jobHandle, handle);
      expect(item?.status).toBe('error');
      reasons[byHandle[handle]!] = item!.reason!;
    }
    expect(reasons['read-passwd']).toMatch(/invalidfileaccess/);
    expect(reasons['write-file']).toMatch(/invalidfileaccess/);
    expect(reasons.endless).toMatch(/no page finished within 3000 ms/);
    expect(reasons.truncated).toBe('Ghostscript found no page in the document');
    expect(reasons.corrupt).toBe('Ghostscript found no page in the document');
    // The image in the same job was reprocessed.
    expect((await h.ctx.repositories.jobLogs.findItem(r.body.jobHandle, await handleOf('good')))?.status).not.toBe('error');

    // Nothing the hostile files reached for leaked or was written: not in the job log, not in any stored file.
    expect(existsSync(HOSTILE_WRITE)).toBe(false);
    const logText = JSON.stringify(await h.ctx.repositories.jobLogs.details(r.body.jobHandle));
    expect(logText).not.toContain(passwdLine);
    for (const rel of await fs.readdir(h.ctx.config.storage.root, { recursive: true })) {
      const file = path.join(h.ctx.config.storage.root, rel);
      if ((await fs.stat(file)).isFile()) expect({ file, leaked: (await fs.readFile(file, 'latin1')).includes(passwdLine) }).toEqual({ file, leaked: false });
    }
    await healthy();
    await workerStillRuns('after-rip');
  });

  it('refuses a ZIP bomb (honest or lying about its size) and ../ entries, writing nothing outside the target folder', async () => {
    const zips = path.join(h.ctx.config.importRoot, 'zips');
    await fs.mkdir(zips, { recursive: true });
    for (const name of ['zip-bomb.zip', 'zip-bomb-lying.zip', 'zip-slip.zip']) await fs.copyFile(corpus(name), path.join(zips, name));
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'zips',
        uploadDirectoryJob: {
          serverDir: 'zips',
          destFolder: 'unzipped',
          includeSubfolders: false,
          overwrite: true,
          readyForPublish: false,
          createMask: false,
          processMetadataFiles: false,
          emailSetting: 'None',
          unCompressOptions: { process: 'UnCompress' },
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await finished(r.body.jobHandle)).toMatchObject({ outcome: 'done' });
    const errors = await details(r.body.jobHandle, 'UploadError');
    expect(errors).toEqual({
      'zips/zip-bomb.zip': `the ZIP would expand to ${200 * 1024 * 1024} bytes, more than the limit of ${UNZIP_MAX_BYTES} bytes`,
      // Headers that lie make the archive itself damaged: it fails as a whole, while inflating, after the first 16 KiB.
      'zips/zip-bomb-lying.zip': "entry 'zeros.tif' cannot be extracted: too many bytes in the stream. expected 1024. got at least 16384",
      'zips/zip-slip.zip!/../../escaped.jpg': "entry refused: a path climbing out with '..'",
    });
    expect(Object.keys(await details(r.body.jobHandle, 'UploadSuccess'))).toEqual(['zips/zip-slip.zip!/inside.jpg']);
    const found = await h.api('searchAssets', { companyHandle: acme.companyHandle, folder: 'unzipped', includeSubfolders: true }, acme.who);
    expect(found.body.assetArray.items.map((a: any) => `${a.folder}${a.fileName}`)).toEqual(['Acme/unzipped/inside.jpg']);
    // No file named after the escaping entry anywhere under the data directory (import root, storage, staging).
    const dataDir = path.dirname(h.ctx.config.storage.root);
    expect((await fs.readdir(dataDir, { recursive: true })).filter((f) => f.endsWith('escaped.jpg') || f.endsWith('zeros.tif'))).toEqual([]);
    expect(existsSync(path.join(h.ctx.config.importRoot, '..', 'escaped.jpg'))).toBe(false);
    await healthy();
  });

  it('answers bad JSON requests with a 4xx fault and stays up', async () => {
    const post = async (operation: string, body: Buffer | string) => {
      const res = await fetch(`${h.baseUrl}/api/${operation}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(acme.who) },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const cases: Array<[string, string, Buffer | string, number, Record<string, unknown>]> = [
      [
        'invalid UTF-8',
        'getCompanyInfo',
        Buffer.concat([Buffer.from('{"companyHandle":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
        400,
        { code: 30003 },
      ],
      ['a body over MAX_JSON_BODY_BYTES', 'getCompanyInfo', JSON.stringify({ companyHandle: 'x'.repeat(2 * 1024 * 1024) }), 413, { code: 30003 }],
      ['100000 unclosed [', 'getCompanyInfo', '['.repeat(100_000), 400, { code: 30003 }],
      [
        '100000 nested arrays',
        'getCompanyInfo',
        `{"companyHandle":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
        400,
        { code: 30001, field: 'companyHandle' },
      ],
      ['100000 nested objects', 'getCompanyInfo', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, 400, { code: 30001 }],
      [
        'a 10 MB is_modifier',
        'submitJob',
        JSON.stringify({
          companyHandle: acme.companyHandle,
          jobName: 'x',
          exportJob: { assetHandleArray: ['a|1'], fmt: 'convert', is_modifier: `wid=${'9'.repeat(10 * 1024 * 1024)}`, emailSetting: 'None' },
        }),
        413,
        { code: 30003 },
      ],
      [
        'an is_modifier under the body limit but over its own',
        'submitJob',
        JSON.stringify({
          companyHandle: acme.companyHandle,
          jobName: 'x',
          exportJob: { assetHandleArray: ['a|1'], fmt: 'convert', is_modifier: `wid=${'9'.repeat(512 * 1024)}`, emailSetting: 'None' },
        }),
        400,
        { code: 30001, field: 'exportJob.is_modifier' },
      ],
    ];
    for (const [what, operation, body, status, fault] of cases) {
      const r = await post(operation, body);
      expect({ what, status: r.status, body: r.body }).toMatchObject({ what, status, body: { fault: 'ipsApiFault', reason: expect.any(String), ...fault } });
      await healthy();
    }
    expect((await h.api('getCompanyInfo', { companyHandle: acme.companyHandle }, acme.who)).status).toBe(200);
  });
});
