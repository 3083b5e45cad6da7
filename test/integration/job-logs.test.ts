import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg, uploadPost } from '../support/fixtures.js';
import { type CapturedMail, startSmtpCapture } from '../support/smtp.js';

const SETTINGS = ['All', 'Error', 'ErrorAndWarning', 'JobCompletion', 'None'] as const;

describe(`job logs and e-mail notifications (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  let dir: string;
  let clean: Awaited<ReturnType<typeof companyWithUser>>;
  let broken: Awaited<ReturnType<typeof companyWithUser>>;

  const runOptimize = async (who: typeof clean, emailSetting: string, extra: Record<string, unknown> = {}) => {
    const r = await h.api(
      'submitJob',
      { companyHandle: who.companyHandle, jobName: `mail-${emailSetting}`, optimizeImagesJob: { emailSetting }, ...extra },
      who.who,
    );
    expect(r.status).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    return r.body.jobHandle as string;
  };
  // X-IPS-Job carries the run name: the submitted name + '_' + timestamp.
  const mailsFor = (originalName: string): CapturedMail[] => smtp.messages.filter((m) => m.header('X-IPS-Job')?.startsWith(`${originalName}_`));

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    h = await startHarness({ SMTP_URL: smtp.url });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-logs-'));
    clean = await companyWithUser(h, 'CleanCo', 'IpsUser');
    broken = await companyWithUser(h, 'BrokenCo', 'IpsUser');
    // BrokenCo has one image whose original vanished from storage: OptimizeImagesJob always fails it.
    const file = await makeJpeg(path.join(dir, 'lost.jpg'), 64, 48);
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: broken.companyHandle, jobName: 'seed', endJob: true },
      files: [{ path: file }],
      authorization: basic(broken.who),
    });
    await h.client.workflow.getHandle(up.body.jobHandle).result();
    const asset = await h.ctx.database.db.selectFrom('assets').selectAll().where('company_handle', '=', broken.companyHandle).executeTakeFirstOrThrow();
    await fs.chmod(path.join(h.ctx.config.storage.root, asset.original_key), 0o644);
    await h.ctx.storage.delete(asset.original_key);
    await h.ctx.database.db.updateTable('assets').set({ optimizer_version: 0 }).where('asset_handle', '=', asset.asset_handle).execute();
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('mails per emailSetting: a clean job and a job with errors', async () => {
    const expected = {
      clean: { All: 1, Error: 0, ErrorAndWarning: 0, JobCompletion: 1, None: 0 },
      broken: { All: 1, Error: 1, ErrorAndWarning: 1, JobCompletion: 1, None: 0 },
    };
    for (const setting of SETTINGS) {
      await runOptimize(clean, setting);
      await runOptimize(broken, setting);
    }
    const got = { clean: {} as Record<string, number>, broken: {} as Record<string, number> };
    for (const setting of SETTINGS) {
      got.clean[setting] = mailsFor(`mail-${setting}`).filter((m) => m.to.includes(clean.who.email)).length;
      got.broken[setting] = mailsFor(`mail-${setting}`).filter((m) => m.to.includes(broken.who.email)).length;
    }
    expect(got).toEqual(expected);
    const errorMail = mailsFor('mail-Error').find((m) => m.to.includes(broken.who.email))!;
    expect(errorMail.raw).toContain('original file is missing');
  });

  it('mails the userHandle user, in the job locale', async () => {
    const colleague = await h.api('addUser', {
      firstName: 'Col',
      lastName: 'League',
      email: 'colleague@brokenco.test',
      password: 'Colleague-1',
      isValid: true,
      isIpsAdmin: false,
      membershipArray: [{ companyHandle: broken.companyHandle, role: 'IpsUser', isActive: true }],
    });
    await runOptimize(broken, 'All', { jobName: 'for-colleague', userHandle: colleague.body.userHandle, locale: 'nl' });
    const mail = smtp.messages.find((m) => m.header('X-IPS-Job')?.startsWith('for-colleague'))!;
    expect(mail.to).toEqual(['colleague@brokenco.test']);
    const logs = await h.api('getJobLogs', { companyHandle: broken.companyHandle }, broken.who);
    const job = logs.body.jobLogArray.items.find((l: any) => l.originalJobName === 'for-colleague');
    const details = await h.api(
      'getJobLogDetails',
      { companyHandle: broken.companyHandle, jobHandle: job.jobHandle, logTypeArray: ['ReoptimizeFailure'] },
      broken.who,
    );
    // Stored once, rendered in the job's locale (nl) unless the reader asks otherwise.
    expect(details.body.jobLogArray.items[0].detailArray.items[0].logMessage).toMatch(/kon niet/i);
  });

  it('pages job-log details past 1000 rows, filters and sorts them', async () => {
    const jobHandle = await runOptimize(clean, 'None', { jobName: 'big-log' });
    const rows = Array.from({ length: 2345 }, (_, i) => ({
      job_handle: jobHandle,
      company_handle: clean.companyHandle,
      log_type: i % 3 === 0 ? 'UploadWarning' : 'FileProgress',
      message_key: 'value',
      message_args: JSON.stringify({ value: `row ${i}` }),
      asset_name: null,
      asset_type: null,
      asset_handle: null,
      date_created: new Date(Date.UTC(2030, 0, 1, 0, 0, 0, i)).toISOString(),
    }));
    for (let i = 0; i < rows.length; i += 500)
      await h.ctx.database.db
        .insertInto('job_log_details')
        .values(rows.slice(i, i + 500))
        .execute();
    const page = async (extra: Record<string, unknown>) =>
      (await h.api('getJobLogDetails', { companyHandle: clean.companyHandle, jobHandle, ...extra }, clean.who)).body.jobLogArray.items[0];
    const base = (await page({ recordsPerPage: 1 })).detailTotalRows;
    expect(base).toBeGreaterThan(2345);
    const pages = [await page({ resultsPage: 1 }), await page({ resultsPage: 2 }), await page({ resultsPage: 3 })];
    expect(pages.map((p) => p.detailArray.items.length)).toEqual([1000, 1000, base - 2000]);
    expect(pages.every((p) => p.detailTotalRows === base)).toBe(true);
    const all = pages.flatMap((p) => p.detailArray.items);
    expect(
      all
        .map((d: any) => d.logMessage)
        .filter((m: string) => m.startsWith('row '))
        .slice(0, 3),
    ).toEqual(['row 0', 'row 1', 'row 2']);
    const warnings = await page({ logTypeArray: ['UploadWarning'], recordsPerPage: 1000, resultsPage: 1 });
    expect(warnings.detailTotalRows).toBe(782);
    expect(warnings.detailArray.items.every((d: any) => d.logType === 'UploadWarning')).toBe(true);
    const byType = await page({ sortBy: 'LogType', sortDirection: 'Descending', recordsPerPage: 5 });
    expect(byType.detailArray.items[0].logType).toBe('UploadWarning');
    const tooMany = await h.api('getJobLogDetails', { companyHandle: clean.companyHandle, jobHandle, recordsPerPage: 1001 }, clean.who);
    expect(tooMany.body).toMatchObject({ code: 30001, field: 'recordsPerPage' });
  });

  it('answers getJobLogs and getAssetJobLogs for the caller company only', async () => {
    const mine = await h.api('getJobLogs', { sortBy: 'JobName', numRows: 3 }, clean.who);
    expect(mine.body.jobLogArray.items).toHaveLength(3);
    expect(mine.body.jobLogArray.items.every((l: any) => l.companyHandle === clean.companyHandle)).toBe(true);
    expect(mine.body.jobLogArray.items[0]).not.toHaveProperty('detailArray');
    expect((await h.api('getJobLogs', { companyHandle: broken.companyHandle }, clean.who)).status).toBe(403);
    const asset = await h.ctx.database.db
      .selectFrom('assets')
      .select('asset_handle')
      .where('company_handle', '=', broken.companyHandle)
      .executeTakeFirstOrThrow();
    const history = await h.api('getAssetJobLogs', { companyHandle: broken.companyHandle, assetHandle: asset.asset_handle }, broken.who);
    const types = history.body.jobLogArray.items.map((l: any) => l.logType);
    expect(types).toContain('UploadSuccess');
    expect(types.filter((t: string) => t === 'ReoptimizeFailure').length).toBeGreaterThanOrEqual(5);
    const foreign = await h.api('getAssetJobLogs', { companyHandle: broken.companyHandle, assetHandle: asset.asset_handle }, clean.who);
    expect(foreign.status).toBe(403);
  });
});
