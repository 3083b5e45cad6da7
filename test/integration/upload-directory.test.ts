import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Readable as ReadableStream } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipStream } from '../../src/adapters/archive/zip-writer.js';
import type { JobOutcome } from '../../src/jobs/contracts.js';
import { type Harness, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg, makePng } from '../support/fixtures.js';

const MAX_UPLOAD = 2 * 1024 * 1024;

/** A ZIP built with the repo's writer; entries named `zz/…` are renamed `../…` afterwards (yazl refuses such names). */
async function makeZip(file: string, entries: Record<string, Buffer>): Promise<void> {
  const stream = zipStream(
    Object.entries(entries).map(([name, bytes]) => ({
      name,
      open: (): Readable => ReadableStream.from([bytes]),
      compress: true,
      mtime: new Date('2024-01-01T00:00:00Z'),
    })),
  );
  let zip = await buffer(stream);
  const safe = Buffer.from('zz/');
  const evil = Buffer.from('../');
  for (let at = zip.indexOf(safe); at !== -1; at = zip.indexOf(safe, at + 1)) {
    zip = Buffer.concat([zip.subarray(0, at), evil, zip.subarray(at + evil.length)]);
  }
  await fs.writeFile(file, zip);
}

/** Every file under `dir` (links not followed) with its SHA-256, to prove the server directory is left as it was. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of (await fs.readdir(dir, { recursive: true })).sort()) {
    const full = path.join(dir, rel);
    const st = await fs.lstat(full);
    out[rel] = st.isFile()
      ? createHash('sha256')
          .update(await fs.readFile(full))
          .digest('hex')
      : st.isSymbolicLink()
        ? `link:${await fs.readlink(full)}`
        : 'dir';
  }
  return out;
}

describe(`UploadDirectoryJob (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let root: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;

  beforeAll(async () => {
    h = await startHarness({ MAX_UPLOAD_FILE_BYTES: String(MAX_UPLOAD), UNZIP_MAX_ENTRIES: '5', UNZIP_MAX_BYTES: String(3 * 1024 * 1024) });
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-dir-'));
    root = h.ctx.config.importRoot;
    const batch = path.join(root, 'batch');
    await fs.mkdir(path.join(batch, 'sub', 'deeper'), { recursive: true });
    await makeJpeg(path.join(batch, 'a.jpg'), 160, 120);
    await makePng(path.join(batch, 'b.png'), 100, 50);
    await fs.writeFile(path.join(batch, '.DS_Store'), 'finder');
    await fs.writeFile(path.join(batch, 'Thumbs.db'), 'explorer');
    await makePng(path.join(dir, 'outside.png'), 20, 20);
    await fs.symlink(path.join(dir, 'outside.png'), path.join(batch, 'link.png'));
    await makePng(path.join(batch, 'sub', 'c.png'), 60, 40);
    await makePng(path.join(batch, 'sub', '.hidden.png'), 10, 10);
    await makeJpeg(path.join(batch, 'sub', 'deeper', 'd.jpg'), 80, 60);
    const png = await fs.readFile(path.join(batch, 'b.png'));
    const jpeg = await fs.readFile(path.join(batch, 'a.jpg'));
    await makeZip(path.join(batch, 'archive.zip'), {
      'photos/e.png': png,
      'f.jpg': jpeg,
      'zz/evil.jpg': jpeg,
      '__MACOSX/._f.jpg': Buffer.from('resource fork'),
    });
    // Six tiny entries: over UNZIP_MAX_ENTRIES (5).
    await makeZip(path.join(batch, 'many.zip'), Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`n${n}.png`, png])));
    // 4 MiB of zeros deflate to a few KB: over UNZIP_MAX_BYTES (3 MiB) once expanded.
    await makeZip(path.join(batch, 'bomb.zip'), { 'zeros.tif': Buffer.alloc(4 * 1024 * 1024) });
    await fs.symlink(dir, path.join(root, 'escape'));
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const submit = (jobName: string, job: Record<string, unknown>) =>
    h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName,
        uploadDirectoryJob: {
          serverDir: 'batch',
          overwrite: true,
          readyForPublish: false,
          createMask: false,
          processMetadataFiles: false,
          emailSetting: 'None',
          ...job,
        },
      },
      acme.who,
    );
  const finished = (jobHandle: string) => h.client.workflow.getHandle(jobHandle).result() as Promise<JobOutcome>;
  const rows = async (jobHandle: string, logType: string) =>
    Object.fromEntries(
      (await h.ctx.repositories.jobLogs.details(jobHandle))
        .filter((d) => d.log_type === logType)
        .map((d) => [d.asset_name, JSON.parse(d.message_args).reason ?? '']),
    );

  it('ingests the top level only, warns about hidden files and links, refuses a ZIP without UnCompress', async () => {
    const before = await snapshot(root);
    const r = await submit('top-level', { includeSubfolders: false });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await finished(r.body.jobHandle)).toMatchObject({ outcome: 'done', total: 8, processed: 8, errors: 3 });
    const log = await h.ctx.repositories.jobLogs.find(r.body.jobHandle);
    expect(log).toMatchObject({
      job_type: 'UploadFromServerDirectory',
      log_type: 'BeginUpload',
      file_success_count: 2,
      file_error_count: 3,
      file_warning_count: 3,
      total_file_count: 5,
    });
    expect(Object.keys(await rows(r.body.jobHandle, 'UploadSuccess')).sort()).toEqual(['batch/a.jpg', 'batch/b.png']);
    const warnings = await rows(r.body.jobHandle, 'UploadWarning');
    expect(warnings).toEqual({
      'batch/.DS_Store': 'hidden file skipped',
      'batch/Thumbs.db': 'hidden file skipped',
      'batch/link.png': 'not a regular file, skipped (symbolic links and special files are not followed)',
    });
    const errors = await rows(r.body.jobHandle, 'UploadError');
    expect(Object.keys(errors).sort()).toEqual(['batch/archive.zip', 'batch/bomb.zip', 'batch/many.zip']);
    expect(errors['batch/archive.zip']).toContain('unCompressOptions.process UnCompress');
    const found = await h.api('searchAssets', { companyHandle: acme.companyHandle, includeSubfolders: true }, acme.who);
    expect(found.body.assetArray.items.map((a: any) => `${a.folder}${a.fileName}`).sort()).toEqual(['Acme/a.jpg', 'Acme/b.png']);
    expect(await snapshot(root)).toEqual(before);
  });

  it('walks subfolders and extracts ZIPs safely with UnCompress, keeping the folder structure under destFolder', async () => {
    const before = await snapshot(root);
    const r = await submit('everything', { includeSubfolders: true, destFolder: 'imported', unCompressOptions: { process: 'UnCompress' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // 11 entries: 3 ZIPs, a.jpg and b.png, 2 files below, 4 skipped (hidden files, a link)
    expect(await finished(r.body.jobHandle)).toMatchObject({ outcome: 'done', total: 11, processed: 11 });
    const log = await h.ctx.repositories.jobLogs.find(r.body.jobHandle);
    // new: sub/c.png, sub/deeper/d.jpg, photos/e.png, f.jpg; updated: a, b; errors: ../evil.jpg, many.zip, bomb.zip;
    // warnings: .DS_Store, Thumbs.db, link.png, sub/.hidden.png, __MACOSX/._f.jpg
    expect(log).toMatchObject({ file_success_count: 4, file_update_count: 2, file_error_count: 3, file_warning_count: 5, total_file_count: 9 });
    const errors = await rows(r.body.jobHandle, 'UploadError');
    expect(errors).toEqual({
      'batch/archive.zip!/../evil.jpg': "entry refused: a path climbing out with '..'",
      'batch/many.zip': 'the ZIP has 6 entries, more than the limit of 5',
      'batch/bomb.zip': `the ZIP would expand to ${4 * 1024 * 1024} bytes, more than the limit of ${3 * 1024 * 1024} bytes`,
    });
    expect(Object.keys(await rows(r.body.jobHandle, 'UploadWarning')).sort()).toEqual(
      ['batch/.DS_Store', 'batch/Thumbs.db', 'batch/archive.zip!/__MACOSX/._f.jpg', 'batch/link.png', 'batch/sub/.hidden.png'].sort(),
    );
    const found = await h.api('searchAssets', { companyHandle: acme.companyHandle, includeSubfolders: true }, acme.who);
    expect(found.body.assetArray.items.map((a: any) => `${a.folder}${a.fileName}`).sort()).toEqual(
      [
        'Acme/imported/a.jpg',
        'Acme/imported/b.png',
        'Acme/imported/f.jpg',
        'Acme/imported/photos/e.png',
        'Acme/imported/sub/c.png',
        'Acme/imported/sub/deeper/d.jpg',
      ].sort(),
    );
    // Nothing escaped the company's folders, nothing was written next to the import root.
    await expect(fs.access(path.join(root, 'evil.jpg'))).rejects.toThrow();
    expect(await snapshot(root)).toEqual(before);
  });

  it('starts a follow-on Image Rendering or Video publish job once the files are in', async () => {
    const rendering = await submit('then-render', { includeSubfolders: false, postImageRenderingPublishJob: { emailSetting: 'None' } });
    expect(rendering.status, JSON.stringify(rendering.body)).toBe(200);
    await finished(rendering.body.jobHandle);
    expect(await h.client.workflow.getHandle(`${rendering.body.jobHandle}_Pub`).result()).toMatchObject({ outcome: 'done' });
    expect(await h.ctx.repositories.jobLogs.find(`${rendering.body.jobHandle}_Pub`)).toMatchObject({ job_type: 'ImageRenderingPublish' });
    const video = await submit('then-video', { includeSubfolders: false, overwrite: false, postVideoPublishJob: { emailSetting: 'None' } });
    await finished(video.body.jobHandle);
    expect(await h.ctx.repositories.jobLogs.find(`${video.body.jobHandle}_Pub`)).toMatchObject({ job_type: 'VideoPublish' });
  });

  it('refuses server directories outside the import root at submit', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ serverDir: '../etc', includeSubfolders: false }, "'..'"],
      [{ serverDir: '/etc', includeSubfolders: false }, 'not an absolute path'],
      [{ serverDir: 'escape', includeSubfolders: false }, 'symbolic links leaving it'],
      [{ serverDir: 'nowhere', includeSubfolders: false }, 'does not exist'],
      [{ serverDir: 'batch/a.jpg', includeSubfolders: false }, 'not a directory'],
    ];
    for (const [job, reason] of cases) {
      const r = await submit('bad-dir', job);
      expect({ job, fault: r.body }).toMatchObject({ fault: { code: 30001, field: 'uploadDirectoryJob.serverDir' } });
      expect(r.body.reason).toContain(reason);
    }
    const metadata = await submit('metadata', { includeSubfolders: false, processMetadataFiles: true });
    expect(metadata.body).toMatchObject({ code: 30001, field: 'uploadDirectoryJob.processMetadataFiles' });
    expect(metadata.body.reason).toContain('no metadata engine');
    const unknownProcess = await submit('uncompress', { includeSubfolders: false, unCompressOptions: { process: 'uncompress' } });
    expect(unknownProcess.body).toMatchObject({ code: 30001, field: 'uploadDirectoryJob.unCompressOptions.process' });
  });
});
