import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { consoleClient } from '../support/console-client.js';
import { makeJpeg, makePng } from '../support/fixtures.js';
import { readZip } from '../support/zip.js';

/** The data-job / data-type attributes of a page's table rows, in order. */
const attrs = (html: string, name: string) => [...html.matchAll(new RegExp(`<tr ${name}="([^"]+)"`, 'g'))].map((m) => m[1]!);
const unescape = (s: string) => s.replaceAll('&amp;', '&');

/**
 * The Job logs pages over HTTP: the company's logs page by page, one log's
 * entries filtered by type and paged, a reprocess job's before/after pictures,
 * an export's download link, role gating and company isolation.
 */
describe(`the console's job logs (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let logbook: Awaited<ReturnType<typeof companyWithUser>>;
  let assets: Record<string, string>;
  let reprocessJob: string;

  const job = async (jobName: string, element: Record<string, unknown>) => {
    const r = await h.api('submitJob', { companyHandle: acme.companyHandle, jobName, ...element }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    return r.body.jobHandle as string;
  };
  const signedIn = async (who: { email: string; password: string }) => {
    const c = consoleClient(h.baseUrl);
    expect((await c.signIn(who)).status).toBe(303);
    return c;
  };

  /** A log of `rows` entries, written as the job engine writes them (one item per entry), without running a job. */
  async function insertLog(company: { companyHandle: string }, jobHandle: string, startDate: string, rows: Array<'UploadSuccess' | 'UploadError'>) {
    await h.ctx.repositories.jobLogs.ensureJob({
      job_handle: jobHandle,
      company_handle: company.companyHandle,
      job_type: 'UploadPost',
      job_name: `job ${jobHandle}`,
      original_job_name: `job ${jobHandle}`,
      submit_user_email: 'someone@logbook.test',
      submit_user_handle: 'u|someone',
      locale: 'en',
      description: null,
      log_type: 'BeginUpload',
      job_sub_type: '',
      start_date: startDate,
      end_date: startDate,
      file_success_count: 0,
      file_error_count: 0,
      file_warning_count: 0,
      file_duplicate_count: 0,
      file_update_count: 0,
      total_file_count: rows.length,
      transfer_success_count: 0,
      transfer_error_count: 0,
      transfer_warning_count: 0,
      fatal_error: 0,
    });
    for (const [i, logType] of rows.entries()) {
      const item = { job_handle: jobHandle, item_id: `f${i}`, status: 'success', asset_handle: null, reason: null, updated_at: startDate };
      await h.ctx.repositories.jobLogs.recordItem(
        item,
        company.companyHandle,
        [{ logType, messageKey: 'fileProcessed', messageArgs: { path: `file-${i}.jpg` } }],
        [],
      );
    }
  }

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-console-logs-'));
    acme = await companyWithUser(h, 'LogsAcme', 'IpsUser');
    logbook = await companyWithUser(h, 'Logbook', 'IpsUser');
    assets = await seedAssets(h, acme, [
      { path: await makeJpeg(path.join(dir, 'red.jpg'), 400, 300) },
      { path: await makePng(path.join(dir, 'logo.png'), 320, 160) },
    ]);
    reprocessJob = await job('crop both', {
      reprocessAssetsJob: {
        assetHandleArray: Object.values(assets),
        createMask: false,
        emailSetting: 'None',
        manualCropOptions: { left: 20, top: 10, right: 20, bottom: 10 },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('lists the company’s logs newest first, 50 a page, and pages back without losing or repeating a log started in the same millisecond', async () => {
    const base = Date.parse('2026-11-01T00:00:00.000Z');
    const handles: string[] = [];
    for (let i = 0; i < 60; i++) {
      // Ten logs across the page boundary share one start date.
      const at = i >= 45 && i < 55 ? base + 45_000 : base + i * 1000;
      const handle = `j|logbook-${String(i).padStart(2, '0')}`;
      handles.push(handle);
      await insertLog(logbook, handle, new Date(at).toISOString(), ['UploadSuccess']);
    }
    const c = await signedIn(logbook.who);
    const first = await (await c.get('/console/logs')).text();
    const firstJobs = attrs(first, 'data-job');
    expect(firstJobs).toHaveLength(50);
    expect(first).not.toContain('Newest logs');
    const older = /<a href="(\/console\/logs\?before=[^"]+)" rel="next">Older logs<\/a>/.exec(first)?.[1];
    expect(older).toBeDefined();
    const second = await (await c.get(unescape(older!))).text();
    const secondJobs = attrs(second, 'data-job');
    expect(secondJobs).toHaveLength(10);
    expect(second).toContain('Newest logs');
    expect(second).not.toContain('Older logs');
    expect(new Set([...firstJobs, ...secondJobs])).toEqual(new Set(handles));
    // Newest first: the last inserted log starts the first page, the first one ends the second.
    expect(firstJobs[0]).toBe('j|logbook-59');
    expect(secondJobs.at(-1)).toBe('j|logbook-00');
    // Counts, dates and the submitting user are shown; each name opens its log.
    expect(first).toContain('someone@logbook.test');
    expect(first).toContain(`href="/console/logs/${encodeURIComponent('j|logbook-59')}"`);
  });

  it('pages one log’s entries 50 at a time and filters them by type, the pager keeping the filter', async () => {
    await insertLog(logbook, 'j|big', '2026-11-02T00:00:00.000Z', [
      ...Array<'UploadSuccess'>(70).fill('UploadSuccess'),
      ...Array<'UploadError'>(50).fill('UploadError'),
    ]);
    const c = await signedIn(logbook.who);
    const url = `/console/logs/${encodeURIComponent('j|big')}`;
    const page1 = await (await c.get(url)).text();
    expect(attrs(page1, 'data-type')).toHaveLength(50);
    expect(page1).toContain('Page 1 of 3');
    expect(page1).toContain('120 files, 0 errors, 0 warnings');
    const page3 = await (await c.get(`${url}?page=3`)).text();
    expect(attrs(page3, 'data-type')).toEqual(Array(20).fill('UploadError'));
    expect(page3).toContain('rel="prev"');
    expect(page3).not.toContain('rel="next"');

    const successes = await (await c.get(`${url}?type=UploadSuccess`)).text();
    expect(attrs(successes, 'data-type')).toEqual(Array(50).fill('UploadSuccess'));
    expect(successes).toContain('<option value="UploadSuccess" selected>');
    expect(successes).toContain('Page 1 of 2');
    const next = /<a href="([^"]+)" rel="next">/.exec(successes)?.[1];
    expect(unescape(next!)).toBe(`${url}?type=UploadSuccess&page=2`);
    expect(attrs(await (await c.get(unescape(next!))).text(), 'data-type')).toEqual(Array(20).fill('UploadSuccess'));

    const errors = await (await c.get(`${url}?type=UploadError`)).text();
    expect(attrs(errors, 'data-type')).toEqual(Array(50).fill('UploadError'));
    expect(errors).not.toContain('class="pager"');
    // A type no job writes is no filter: all types are shown.
    expect(attrs(await (await c.get(`${url}?type=Bogus`)).text(), 'data-type')).toHaveLength(50);
  });

  it('shows a reprocess job’s before and after pictures once per image, next to the row that says it was reprocessed', async () => {
    const c = await signedIn(acme.who);
    const list = await (await c.get('/console/logs')).text();
    expect(list).toContain('crop both');
    const res = await c.get(`/console/logs/${encodeURIComponent(reprocessJob)}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('2 files, 0 errors, 0 warnings');
    for (const asset of Object.values(assets)) {
      const base = `/console/thumbnails/job/${encodeURIComponent(reprocessJob)}/${encodeURIComponent(asset)}`;
      expect(page.split(`src="${base}/before?size=96"`)).toHaveLength(2);
      expect(page.split(`src="${base}/after?size=96"`)).toHaveLength(2);
      expect(page).toContain(`href="/console/assets/${encodeURIComponent(asset)}"`);
    }
    expect(page).toMatch(/alt="[^"]+ before the job"/);
    const dutch = await (await c.get(`/console/logs/${encodeURIComponent(reprocessJob)}?lang=nl`)).text();
    expect(dutch).toMatch(/alt="[^"]+ vóór de taak"/);
    expect(dutch).toContain('2 bestanden, 0 fouten, 0 waarschuwingen');

    const filtered = await (await c.get(`/console/logs/${encodeURIComponent(reprocessJob)}?type=BeginReprocess`)).text();
    expect(attrs(filtered, 'data-type')).toEqual(['BeginReprocess']);
    expect(filtered).not.toContain('/before?size=96');
    const successes = attrs(await (await c.get(`/console/logs/${encodeURIComponent(reprocessJob)}?type=ReprocessSuccess`)).text(), 'data-type');
    expect(successes).toEqual(['ReprocessSuccess', 'ReprocessSuccess']);
  });

  it('links a finished export’s ZIP, and the link downloads it', async () => {
    const exportJob = await job('zip both', { exportJob: { assetHandleArray: Object.values(assets), fmt: 'orig', emailSetting: 'None' } });
    const c = await signedIn(acme.who);
    const page = await (await c.get(`/console/logs/${encodeURIComponent(exportJob)}`)).text();
    const href = /<a id="export-download" href="([^"]+)" download>/.exec(page)?.[1];
    expect(href).toMatch(/\/export\/[\w-]+\.[\w-]+$/);
    // The link is made under PUBLIC_URL; here the service itself answers it.
    const zip = await fetch(`${h.baseUrl}${new URL(unescape(href!)).pathname}`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toMatch(/zip/);
    expect((await readZip(Buffer.from(await zip.arrayBuffer()))).size).toBe(2);
    // A reprocess job has no archive, so no link.
    expect(await (await c.get(`/console/logs/${encodeURIComponent(reprocessJob)}`)).text()).not.toContain('export-download');
  });

  it('answers another company’s log as not found, with nothing of it on the page', async () => {
    const c = await signedIn(logbook.who);
    const res = await c.get(`/console/logs/${encodeURIComponent(reprocessJob)}`);
    expect(res.status).toBe(404);
    const text = await res.text();
    // The handle the caller typed is echoed (it names the job); nothing the log holds is.
    expect(text).not.toContain(acme.who.email);
    expect(text).not.toContain('log-summary');
    expect(text).not.toContain('/console/thumbnails/');
    expect(text).not.toContain('log-entries');
    expect(await (await c.get('/console/logs')).text()).not.toContain('crop both');
  });

  it('offers a role that may list logs but not read their entries (TrialSiteAdmin) no link, and no entries', async () => {
    const trial = await h.api(
      'addUser',
      {
        firstName: 'Trial',
        lastName: 'Admin',
        email: 'trial@logsacme.test',
        password: 'User-Pass-1',
        isValid: true,
        isIpsAdmin: false,
        membershipArray: { items: [{ companyHandle: acme.companyHandle, role: 'TrialSiteAdmin', isActive: true }] },
      },
      undefined,
    );
    expect(trial.status, JSON.stringify(trial.body)).toBe(200);
    const c = await signedIn({ email: 'trial@logsacme.test', password: 'User-Pass-1' });
    const list = await (await c.get('/console/logs')).text();
    expect(list).toContain('crop both');
    expect(list).not.toContain(`href="/console/logs/${encodeURIComponent(reprocessJob)}"`);
    const res = await c.get(`/console/logs/${encodeURIComponent(reprocessJob)}`);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('may not read the entries of a job log');
    expect(text).not.toContain('log-entries');
    expect(text).not.toContain('crop both');
  });
});
