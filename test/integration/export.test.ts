import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSecret } from '../../src/domain/handles.js';
import { ExportLinks } from '../../src/services/export/export-links.js';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg, makePng, uploadPost } from '../support/fixtures.js';
import { startSmtpCapture } from '../support/smtp.js';
import { readZip } from '../support/zip.js';

const PUBLIC_URL = 'https://ips.example.test';

describe(`ExportJob: originals and conversions zipped behind a signed, expiring URL (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const handles: Record<string, string> = {};
  const files: Record<string, string> = {};
  const submit = (exportJob: Record<string, unknown>, who = acme.who, jobName = 'export') =>
    h.api('submitJob', { companyHandle: acme.companyHandle, jobName, exportJob }, who);

  /** Runs an export to the end; its URL, the archive behind it (fetched without credentials) and the log rows. */
  async function exported(exportJob: Record<string, unknown>, jobName = 'export') {
    const r = await submit({ emailSetting: 'None', ...exportJob }, acme.who, jobName);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const outcome = await h.client.workflow.getHandle(r.body.jobHandle).result();
    const log = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle: r.body.jobHandle, recordsPerPage: 100 }, acme.who)).body
      .jobLogArray.items[0];
    const rows = log.detailArray.items as Array<{ logType: string; assetName?: string; assetType?: string; logMessage: string }>;
    const url = rows.find((d) => d.assetName?.startsWith('http'))?.assetName;
    const zip = url ? await fetch(`${h.baseUrl}${new URL(url).pathname}`) : undefined;
    const bytes = zip ? Buffer.from(await zip.arrayBuffer()) : undefined;
    return { jobHandle: r.body.jobHandle as string, outcome, log, rows, url, zip, entries: bytes ? await readZip(bytes) : new Map<string, Buffer>() };
  }

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    h = await startHarness({ SMTP_URL: smtp.url, PUBLIC_URL });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-export-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    files['red.jpg'] = await makeJpeg(path.join(dir, 'red.jpg'), 400, 300);
    files['logo.png'] = await makePng(path.join(dir, 'logo.png'), 320, 160);
    files['blue.jpg'] = await makeJpeg(path.join(dir, 'blue.jpg'), 300, 300);
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'seed', endJob: true },
      files: Object.values(files).map((p) => ({ path: p })),
      authorization: basic(acme.who),
    });
    await h.client.workflow.getHandle(up.body.jobHandle).result();
    for (const row of await h.ctx.database.db.selectFrom('assets').selectAll().where('company_handle', '=', acme.companyHandle).execute())
      handles[row.file_name] = row.asset_handle;
    // An image set: issue 6 brings set jobs; the row is what one of them would write.
    const image = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles['red.jpg']!))!;
    await h.ctx.repositories.assets.insert({
      ...image,
      asset_handle: `${acme.companyHandle}|set1`,
      type: 'ImageSet',
      name: 'shoe-set',
      name_key: 'shoe-set',
      file_name: 'shoe-set',
    });
    handles.set = `${acme.companyHandle}|set1`;
    const preset = await h.api('saveImageFormat', { companyHandle: acme.companyHandle, name: 'test', urlModifier: 'wid=120&fmt=tif' }, acme.who);
    expect(preset.status, JSON.stringify(preset.body)).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('exports originals byte for byte; the URL is in the job log and in the mail, and works without credentials', async () => {
    const names = ['red.jpg', 'logo.png', 'blue.jpg'];
    const r = await exported({ assetHandleArray: { items: names.map((n) => handles[n]) }, fmt: 'orig', emailSetting: 'All' }, 'export-orig');
    expect(r.outcome).toMatchObject({ outcome: 'done', total: 3, processed: 3, errors: 0 });
    expect(r.url).toMatch(new RegExp(`^${PUBLIC_URL}/export/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    expect(r.zip!.status).toBe(200);
    expect(r.zip!.headers.get('content-type')).toBe('application/zip');
    expect([...r.entries.keys()]).toEqual(names);
    for (const n of names) expect(r.entries.get(n)!.equals(await fs.readFile(files[n]!)), n).toBe(true);
    // three file rows and the ZIP's (IPS counts both kinds: docs/job-log-types.md#exportjob-export)
    expect(r.log).toMatchObject({ logType: 'BeginExportJob', fileSuccessCount: 4, fileErrorCount: 0, totalFileCount: 0 });
    expect(r.rows.filter((d) => d.logType === 'ExportJobRenderFileSuccess').map((d) => d.logMessage)).toEqual(names.map((n) => `${n} is exported to ${n}`));
    expect(r.rows.find((d) => d.assetName === r.url)).toMatchObject({ logType: 'ZipFileExportJobSuccess', assetType: 'ExportJobZip' });

    const mail = smtp.messages.find((m) => m.header('X-IPS-Job')?.startsWith('export-orig_'));
    expect(mail, 'a mail for the export').toBeDefined();
    // Quoted-printable soft line breaks and escapes undone before looking for the URL.
    expect(mail!.raw.replace(/=\r\n/g, '').replace(/=3D/g, '=')).toContain(r.url);
  });

  it("writes IPS's own ExportJob log (docs/job-log-types.md): BeginExportJob, a file row, the ZIP row, and nothing else", async () => {
    const r = await submit({ assetHandleArray: [handles['red.jpg']], fmt: 'orig', emailSetting: 'None' }, acme.who, 'export-s11');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    // Found the way the captured client found it: getJobLogDetails by originalName.
    const reply = await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, originalName: 'export-s11' }, acme.who);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const logs = reply.body.jobLogArray.items;
    expect(logs).toHaveLength(1);
    const { detailArray, ...log } = logs[0];
    expect(log).toMatchObject({
      jobHandle: r.body.jobHandle,
      originalJobName: 'export-s11',
      logType: 'BeginExportJob',
      fileSuccessCount: 2,
      fileErrorCount: 0,
      fileWarningCount: 0,
      fileDuplicateCount: 0,
      fileUpdateCount: 0,
      totalFileCount: 0,
      fatalError: false,
      detailTotalRows: 2,
    });
    expect(log.jobName).toMatch(/^export-s11_\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d\.\d{3}$/);
    expect(log.endDate).toBeDefined();
    const asset = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles['red.jpg']!))!;
    const [file, zip, ...rest] = detailArray.items as Array<Record<string, string>>;
    expect(rest).toEqual([]);
    expect(file).toEqual({
      logType: 'ExportJobRenderFileSuccess',
      logMessage: 'red.jpg is exported to red.jpg',
      assetName: asset.name,
      assetType: 'ExportJobRenderedFile',
      assetHandle: handles['red.jpg'],
      dateCreated: expect.any(String),
    });
    expect(asset.name).toBe('red');
    const url = zip!.assetName!;
    expect(zip).toEqual({
      logType: 'ZipFileExportJobSuccess',
      logMessage: `${url} has been created`,
      assetName: url,
      assetType: 'ExportJobZip',
      dateCreated: expect.any(String),
    });
    // The download URL the service produces: signed, under PUBLIC_URL, and it serves the ZIP without credentials.
    expect(url).toMatch(new RegExp(`^${PUBLIC_URL}/export/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    const download = await fetch(`${h.baseUrl}${new URL(url).pathname}`);
    expect(download.status).toBe(200);
    expect([...(await readZip(Buffer.from(await download.arrayBuffer()))).keys()]).toEqual(['red.jpg']);
    // Clients find the archive with //assetName[starts-with(text(),'http')]: exactly one row matches.
    expect(detailArray.items.filter((d: { assetName?: string }) => d.assetName?.startsWith('http'))).toHaveLength(1);
  });

  it('converts with is_modifier: &wid=200&fmt=png gives PNGs 200 pixels wide', async () => {
    const r = await exported({ assetHandleArray: [handles['red.jpg'], handles['logo.png']], fmt: 'convert', is_modifier: '&wid=200&fmt=png' });
    expect(r.outcome).toMatchObject({ outcome: 'done', errors: 0 });
    expect([...r.entries.keys()]).toEqual(['red.png', 'logo.png']);
    expect(r.rows.filter((d) => d.logType === 'ExportJobRenderFileSuccess').map((d) => d.logMessage)).toEqual([
      'red.jpg is exported to red.png',
      'logo.png is exported to logo.png',
    ]);
    for (const [name, bytes] of r.entries) {
      const meta = await sharp(bytes).metadata();
      expect([name, meta.format, meta.width]).toEqual([name, 'png', 200]);
    }
    expect((await sharp(r.entries.get('red.png')!).metadata()).height).toBe(150);
  });

  it("lets the macro's format win over is_modifier's (&fmt=png + $test$, a TIFF preset → .tiff)", async () => {
    const r = await exported({ assetHandleArray: [handles['red.jpg'], handles['blue.jpg']], fmt: 'convert', is_modifier: '&fmt=png', macro: '$test$' });
    expect([...r.entries.keys()]).toEqual(['red.tiff', 'blue.tiff']);
    for (const bytes of r.entries.values()) expect(await sharp(bytes).metadata()).toMatchObject({ format: 'tiff', width: 120 });
  });

  it('refuses an image set in the log and exports the rest; a request of only sets is refused at submit', async () => {
    const r = await exported({ assetHandleArray: [handles.set, handles['red.jpg']], fmt: 'orig' });
    expect(r.outcome).toMatchObject({ outcome: 'done', total: 2, processed: 2, errors: 1 });
    expect([...r.entries.keys()]).toEqual(['red.jpg']);
    const refusal = r.rows.find((d) => d.logType === 'ExportJobRenderFileError');
    expect(refusal?.logMessage).toContain('ImageSet assets cannot be exported');
    // named and typed as the file rows are, so an assetType filter finds every file's outcome
    expect(refusal).toMatchObject({ assetName: 'shoe-set', assetType: 'ExportJobRenderedFile', assetHandle: handles.set });
    expect(r.log).toMatchObject({ fileSuccessCount: 2, fileErrorCount: 1, totalFileCount: 0 });

    const only = await submit({ assetHandleArray: [handles.set], fmt: 'orig', emailSetting: 'None' });
    expect(only.status).toBe(400);
    expect(only.body).toMatchObject({ code: 30001, field: 'exportJob.assetHandleArray' });
    expect(only.body.reason).toContain('at least one exportable asset');
  });

  it('refuses 501 assets, unknown handles, bad modifiers and unknown presets at submit, naming the field', async () => {
    const many = await submit({ assetHandleArray: Array.from({ length: 501 }, () => handles['red.jpg']), fmt: 'orig', emailSetting: 'None' });
    expect(many.status).toBe(400);
    expect(many.body).toMatchObject({ field: 'exportJob.assetHandleArray' });
    expect(many.body.reason).toContain('at most 500 asset handles');

    const unknown = await submit({ assetHandleArray: [handles['red.jpg'], 'nope'], fmt: 'orig', emailSetting: 'None' });
    expect(unknown.body).toMatchObject({ field: 'exportJob.assetHandleArray[1]' });

    const bad = await submit({ assetHandleArray: [handles['red.jpg']], fmt: 'convert', is_modifier: 'wid=abc', emailSetting: 'None' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('exportJob.is_modifier');
    expect(bad.body.reason).toContain('wid');

    const preset = await submit({ assetHandleArray: [handles['red.jpg']], fmt: 'convert', macro: '$nosuch$', emailSetting: 'None' });
    expect(preset.body).toMatchObject({ field: 'exportJob.macro' });

    const origWithModifier = await submit({ assetHandleArray: [handles['red.jpg']], fmt: 'orig', is_modifier: 'wid=10', emailSetting: 'None' });
    expect(origWithModifier.body).toMatchObject({ field: 'exportJob.is_modifier' });
  });

  it('fails alone, in the log, an image whose optimised file is gone from storage, and converts the rest', async () => {
    const image = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles['red.jpg']!))!;
    const gone = `${acme.companyHandle}|gone1`;
    await h.ctx.repositories.assets.insert({
      ...image,
      asset_handle: gone,
      name: 'gone',
      name_key: 'gone',
      file_name: 'gone.jpg',
      optimized_key: `${image.optimized_key}.gone`,
    });
    const r = await exported({ assetHandleArray: [gone, handles['blue.jpg']], fmt: 'convert', is_modifier: 'wid=50&fmt=png' });
    expect(r.outcome).toMatchObject({ outcome: 'done', total: 2, errors: 1 });
    const errors = r.rows.filter((d) => d.logType === 'ExportJobRenderFileError');
    expect(errors.map((e) => e.logMessage)).toEqual([expect.stringContaining('the optimised image is missing from storage')]);
    expect([...r.entries.keys()]).toEqual(['blue.png']);
  });

  it('fails alone, in the log, a converted image over the 100-megapixel limit', async () => {
    const r = await exported({
      assetHandleArray: [handles['red.jpg'], handles['blue.jpg']],
      fmt: 'convert',
      is_modifier: 'wid=12000&hei=9000&fmt=png&fit=stretch',
    });
    expect(r.outcome).toMatchObject({ outcome: 'done', total: 2, errors: 2 });
    expect(r.url).toBeUndefined();
    const errors = r.rows.filter((d) => d.logType === 'ExportJobRenderFileError');
    expect(errors).toHaveLength(2);
    // nothing exported, so no ZIP row and no other row: the log is the two errors
    expect(r.rows).toHaveLength(2);
    expect(r.log).toMatchObject({ fileSuccessCount: 0, fileErrorCount: 2 });
    expect(errors[0]!.logMessage).toContain('12000x9000 = 108000000 pixels (wid=12000&hei=9000), above attribute::MaxPix (100000000 pixels)');
  });

  it('stores clientId and echoes the job, defaults included, in getActiveJobs', async () => {
    const execTime = new Date(Date.now() + 3_600_000).toISOString();
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'later',
        execTime,
        exportJob: { assetHandleArray: [handles['red.jpg']], fmt: 'orig', emailSetting: 'None', clientId: '203.0.113.7' },
      },
      acme.who,
    );
    expect(r.status).toBe(200);
    const active = (await h.api('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle: r.body.jobHandle }, acme.who)).body.jobArray.items[0];
    expect(active).toMatchObject({
      type: 'Export',
      state: 'New',
      exportJob: { assetHandleArray: { items: [handles['red.jpg']] }, fmt: 'orig', clientId: '203.0.113.7' },
    });
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle: r.body.jobHandle }, acme.who)).status).toBe(200);
  });

  it('lets only export-capable roles export', async () => {
    const contributor = await h.api('addUser', {
      firstName: 'C',
      lastName: 'U',
      email: 'contrib@acme.test',
      password: 'User-Pass-1',
      isValid: true,
      isIpsAdmin: false,
      membershipArray: { items: [{ companyHandle: acme.companyHandle, role: 'ImagePortalContribUser', isActive: true }] },
    });
    expect(contributor.status).toBe(200);
    const r = await submit(
      { assetHandleArray: [handles['red.jpg']], fmt: 'orig', emailSetting: 'None' },
      { email: 'contrib@acme.test', password: 'User-Pass-1' },
    );
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 20003 });
  });

  it('answers a tampered token with 403, an expired one with 410, and a removed archive with 410', async () => {
    const r = await exported({ assetHandleArray: [handles['blue.jpg']], fmt: 'orig' });
    const token = new URL(r.url!).pathname.split('/').pop()!;
    const [payload, signature] = token.split('.') as [string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await fetch(`${h.baseUrl}/export/${payload}.${flipped}`)).status).toBe(403);
    // A longer expiry under the old signature is a forgery, not an extension.
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [string, string, number];
    const extended = Buffer.from(JSON.stringify([claims[0], claims[1], claims[2] + 86_400])).toString('base64url');
    expect((await fetch(`${h.baseUrl}/export/${extended}.${signature}`)).status).toBe(403);

    // A genuine token issued two days ago with the company's real key: expired.
    const old = new ExportLinks({
      config: { publicUrl: PUBLIC_URL, ttlSeconds: 86_400 },
      secretFor: (c) => h.ctx.repositories.companies.callbackSecret(c, newSecret),
      now: () => Date.now() - 2 * 86_400_000,
    });
    const expired = await old.issue(acme.companyHandle, r.jobHandle);
    const gone = await fetch(`${h.baseUrl}${new URL(expired.url).pathname}`);
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ reason: 'This download link has expired' });

    // The expiry workflow waits for the URL's end; removing the archive early makes the live URL 410 too.
    const expiry = await h.client.workflow.getHandle(`${r.jobHandle}_Expiry`).describe();
    expect(expiry.status.name).toBe('RUNNING');
    await h.ctx.services.exportArchives.remove(acme.companyHandle, r.jobHandle);
    expect((await fetch(`${h.baseUrl}${new URL(r.url!).pathname}`)).status).toBe(410);
  });
});
