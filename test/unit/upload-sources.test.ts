import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipEntryProblem } from '../../src/adapters/archive/zip-reader.js';
import { splitDestPath, uploadDirectoryJob, uploadUrlsJob, urlFileName } from '../../src/domain/schemas/upload-jobs.schema.js';
import { parseInput } from '../../src/domain/validate.js';
import { ImportDirectory, isHiddenName } from '../../src/adapters/storage/import-directory.js';
import { DirectoryUploadService } from '../../src/services/ingest/directory-upload.service.js';
import { faultOf } from '../support/faults.js';

const base = { overwrite: true, readyForPublish: true, createMask: false, emailSetting: 'None' };

describe('UploadUrlsJob: URLs and destination paths', () => {
  it('takes the file name from destPath, or from the URL when destPath is a folder', () => {
    expect(splitDestPath('web/shoes/red.jpg', 'https://x.test/a.jpg')).toEqual({ folder: 'web/shoes/', fileName: 'red.jpg' });
    expect(splitDestPath('web/shoes/', 'https://x.test/img/Red%20Shoe.jpg?v=2')).toEqual({ folder: 'web/shoes/', fileName: 'Red Shoe.jpg' });
    expect(splitDestPath('', 'https://x.test/a.png')).toEqual({ folder: '', fileName: 'a.png' });
    expect(splitDestPath('top.png', 'https://x.test/')).toEqual({ folder: '', fileName: 'top.png' });
    expect(urlFileName('https://x.test/')).toBeUndefined();
    expect(urlFileName('https://x.test/a%2Fb.jpg')).toBeUndefined(); // an encoded slash is not a file name
    expect(urlFileName('https://x.test/%E0%A4%A.jpg')).toBeUndefined(); // undecodable
  });

  it('fills in numUrls and accepts the IPS items wrapper or a bare array', () => {
    const parsed = parseInput(uploadUrlsJob, { ...base, urlArray: { items: [{ sourceUrl: 'https://x.test/a.jpg', destPath: 'web/' }] } });
    expect(parsed).toMatchObject({ numUrls: 1, urlArray: [{ sourceUrl: 'https://x.test/a.jpg', destPath: 'web/' }] });
    expect(parseInput(uploadUrlsJob, { ...base, urlArray: [{ sourceUrl: 'http://x.test/b.png', destPath: 'b.png' }] }).numUrls).toBe(1);
  });

  it.each([
    [{ sourceUrl: 'file:///etc/passwd', destPath: 'x/' }, 'urlArray[0].sourceUrl', 'an absolute http:// or https:// URL'],
    [{ sourceUrl: 'not a url', destPath: 'x/' }, 'urlArray[0].sourceUrl', 'an absolute http:// or https:// URL'],
    [{ sourceUrl: 'https://user:pw@x.test/a.jpg', destPath: 'x/' }, 'urlArray[0].sourceUrl', 'without user name or password'],
    [{ sourceUrl: 'https://x.test/a.jpg', destPath: 'a/../b/' }, 'urlArray[0].destPath', "'..'"],
    [{ sourceUrl: 'https://x.test/a.jpg', destPath: 'a\\b.jpg' }, 'urlArray[0].destPath', 'backslashes'],
    [{ sourceUrl: 'https://x.test/dir/', destPath: 'folder/' }, 'urlArray[0].destPath', 'file name'],
  ])('refuses %j naming the field', (url, field, reason) => {
    const fault = faultOf(() => parseInput(uploadUrlsJob, { ...base, urlArray: [url] }, 'uploadUrlsJob'));
    expect(fault).toMatchObject({ code: 30001, field: `uploadUrlsJob.${field}` });
    expect(fault.reason).toContain(reason);
  });

  it('refuses the options the UploadFile servlet refuses', () => {
    const urlArray = [{ sourceUrl: 'https://x.test/a.psd', destPath: 'x/' }];
    expect(faultOf(() => parseInput(uploadUrlsJob, { ...base, urlArray, photoshopOptions: { process: 'MaintainLayers' } })).reason).toContain(
      'reprocessAssetsJob',
    );
    expect(faultOf(() => parseInput(uploadUrlsJob, { ...base, urlArray, unCompressOptions: { process: 'UnCompress' } })).field).toBe('unCompressOptions');
  });

  it('takes one follow-on publish job, as a reprocess job does', () => {
    const urlArray = [{ sourceUrl: 'https://x.test/a.jpg', destPath: 'x/' }];
    const publish = { publishType: 'Full', emailSetting: 'None' };
    expect(parseInput(uploadUrlsJob, { ...base, urlArray, postJobOnlyIfFiles: true, postImageServingPublishJob: publish })).toMatchObject({
      postJobOnlyIfFiles: true,
      postImageServingPublishJob: publish,
    });
    const both = faultOf(() =>
      parseInput(uploadUrlsJob, { ...base, urlArray, postImageServingPublishJob: publish, postVideoPublishJob: { emailSetting: 'None' } }),
    );
    expect(both).toMatchObject({ code: 30001, field: 'postVideoPublishJob' });
  });
});

describe('UploadDirectoryJob: server directory and ZIP entry names', () => {
  const dirJob = { ...base, includeSubfolders: true, processMetadataFiles: false };

  it.each([
    ['/srv/import', 'not an absolute path'],
    ['C:/import', 'not an absolute path'],
    ['incoming/../../etc', "'..'"],
    ['in\\coming', 'backslashes'],
  ])('refuses serverDir %s', (serverDir, reason) => {
    const fault = faultOf(() => parseInput(uploadDirectoryJob, { ...dirJob, serverDir }, 'uploadDirectoryJob'));
    expect(fault).toMatchObject({ code: 30001, field: 'uploadDirectoryJob.serverDir' });
    expect(fault.reason).toContain(reason);
  });

  it('accepts a relative serverDir and UnCompress', () => {
    expect(parseInput(uploadDirectoryJob, { ...dirJob, serverDir: 'incoming/2024', unCompressOptions: { process: 'UnCompress' } })).toMatchObject({
      serverDir: 'incoming/2024',
    });
  });

  it.each([
    ['../evil.jpg', "a path climbing out with '..'"],
    ['photos/../../evil.jpg', "a path climbing out with '..'"],
    ['/etc/cron.d/evil', 'an absolute path'],
    ['C:/Windows/evil.dll', 'a path with a drive letter'],
    ['C:evil.jpg', 'a path with a drive letter'],
    ['bad\u0000name.jpg', 'a name with control characters'],
  ])('refuses the ZIP entry %j', (name, problem) => {
    expect(zipEntryProblem(name)).toBe(problem);
  });

  it.each(['photos/a.jpg', 'a..b.jpg', 'deep/er/..x/y.png', './a.png'])('accepts the ZIP entry %j', (name) => {
    expect(zipEntryProblem(name)).toBeUndefined();
  });

  it('knows hidden files', () => {
    for (const name of ['.DS_Store', '.hidden.png', 'Thumbs.db', 'thumbs.DB', 'desktop.ini', '__MACOSX']) expect(isHiddenName(name)).toBe(true);
    for (const name of ['photo.jpg', 'Thumbs.db.jpg', 'a.DS_Store']) expect(isHiddenName(name)).toBe(false);
  });
});

describe('DirectoryUploadService walk', () => {
  let root: string;
  let service: DirectoryUploadService;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-walk-'));
    const files = [
      'in/b.jpg',
      'in/a.jpg',
      'in/m/x.png',
      'in/m/n/y.png',
      'in/m/n/z.png',
      'in/m2.png',
      'in/.git/config',
      'in/z/.DS_Store',
      'in/z/last.png',
      'in/empty/',
    ];
    for (const f of files) {
      if (f.endsWith('/')) await fs.mkdir(path.join(root, f), { recursive: true });
      else {
        await fs.mkdir(path.dirname(path.join(root, f)), { recursive: true });
        await fs.writeFile(path.join(root, f), f);
      }
    }
    await fs.symlink(path.join(root, 'in', 'a.jpg'), path.join(root, 'in', 'link.jpg'));
    // Only the walk is exercised: the ingest side is never reached.
    service = new DirectoryUploadService({
      storage: {} as never,
      ingest: {} as never,
      companies: {} as never,
      ledger: {} as never,
      importDirectory: new ImportDirectory(root),
      limits: { maxBytes: 1024, unzipMaxEntries: 10, unzipMaxBytes: 1024 },
    });
  });
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  const job = (includeSubfolders: boolean) => ({ ...base, serverDir: 'in', includeSubfolders, processMetadataFiles: false }) as never;

  it('hands out every entry once, in path order, page by page from a cursor', async () => {
    const all: string[] = [];
    const kinds: Record<string, string> = {};
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const page = await service.list('j|1', job(true), cursor, 2);
      for (const i of page.items) {
        all.push(i.name);
        kinds[i.name] = i.kind;
      }
      cursor = page.next;
      if (cursor === null) break;
    }
    expect(all).toEqual(['.git', 'a.jpg', 'b.jpg', 'link.jpg', 'm/n/y.png', 'm/n/z.png', 'm/x.png', 'm2.png', 'z/.DS_Store', 'z/last.png']);
    expect(kinds).toMatchObject({ '.git': 'hidden', 'z/.DS_Store': 'hidden', 'link.jpg': 'other', 'a.jpg': 'file' });
    expect(await service.count(job(true))).toBe(all.length);
  });

  it('stays in the top folder without includeSubfolders', async () => {
    const page = await service.list('j|1', job(false), null, 100);
    expect(page).toMatchObject({ next: null });
    expect(page.items.map((i) => i.name)).toEqual(['a.jpg', 'b.jpg', 'link.jpg', 'm2.png']);
    expect(await service.count(job(false))).toBe(4);
  });

  it('gives each entry a stable item id per job', async () => {
    const once = await service.list('j|1', job(false), null, 100);
    const again = await service.list('j|1', job(false), null, 100);
    const other = await service.list('j|2', job(false), null, 100);
    expect(again.items.map((i) => i.assetHandle)).toEqual(once.items.map((i) => i.assetHandle));
    expect(other.items[0]!.assetHandle).not.toBe(once.items[0]!.assetHandle);
  });
});
