import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, consoleClient } from '../support/console-client.js';
import { makeJpeg, makePng } from '../support/fixtures.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { waitForJobEnd } from '../support/job-audit.js';

type Company = Awaited<ReturnType<typeof companyWithUser>>;

/**
 * The Submit page over HTTP: a form per job type, submitJob run as the
 * signed-in user (the API's roles and validation), a refused field shown
 * under its own control with what was typed kept, CSRF on the post, and
 * nothing of another company reachable through the asset box.
 */
describe(`the console's Submit page (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Company;
  let globex: Company;
  let globexAssets: Record<string, string>;
  let c: ConsoleClient;
  let csrf: string;

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-console-submit-'));
    acme = await companyWithUser(h, 'SubmitAcme', 'IpsUser');
    globex = await companyWithUser(h, 'SubmitGlobex', 'IpsUser');
    await seedAssets(h, acme, [{ path: await makePng(path.join(dir, 'tulip.png'), 120, 80) }, { path: await makeJpeg(path.join(dir, 'rose.jpg'), 160, 120) }]);
    globexAssets = await seedAssets(h, globex, [{ path: await makePng(path.join(dir, 'secret-plan.png'), 64, 64) }]);
    c = consoleClient(h.baseUrl);
    await c.signIn(acme.who);
    csrf = await c.csrfToken();
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const post = (form: Record<string, string>) => c.post('/console/submit', { _csrf: csrf, ...form });
  const reprocess = (form: Record<string, string>) =>
    post({ type: 'reprocess', jobName: 'Console reprocess', createMask: 'false', preserveCrop: 'true', emailSetting: 'None', ...form });

  it('offers the three job types as links and the chosen one as a form with labelled fields', async () => {
    const page = await (await c.get('/console/submit')).text();
    for (const type of ['reprocess', 'export', 'optimize']) expect(page).toContain(`href="/console/submit?type=${type}"`);
    expect(page).toMatch(/<a href="\/console\/submit\?type=reprocess" aria-current="page">Reprocess<\/a>/);
    for (const id of ['jobName', 'assets', 'createMask', 'preserveCrop', 'colorManagement', 'emailSetting', 'execTime', 'options'])
      expect(page, id).toContain(`<label for="${id}">`);

    const exportPage = await (await c.get('/console/submit?type=export')).text();
    for (const id of ['assets', 'fmt', 'macro', 'isModifier']) expect(exportPage, id).toContain(`id="${id}"`);
    expect(exportPage).not.toContain('id="createMask"');

    const optimize = await (await c.get('/console/submit?type=optimize')).text();
    expect(optimize).toContain('id="emailSetting"');
    expect(optimize).not.toContain('id="assets"');
  });

  it('submits a reprocess of assets named or given by handle, and the job runs to its log', async () => {
    const handles = await assetHandles(h, acme);
    const res = await reprocess({ jobName: 'Console reprocess', assets: `TULIP\n\n${handles.rose}\n`, options: '{"readyForPublish": true}' });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toMatch(/<div id="submit-status" role="status" aria-live="polite"><p class="notice">Job Console reprocess submitted\./);
    expect(page).toContain('href="/console/jobs"');
    const jobHandle = decodeURIComponent(/href="\/console\/logs\/([^"]+)"/.exec(page)![1]!);

    const log = await waitForJobEnd(h.ctx.database.db, jobHandle, 60_000);
    expect(log.company_handle).toBe(acme.companyHandle);
    expect(log.total_file_count).toBe(2);
    expect(log.file_error_count).toBe(0);
    const assets = await h.api('getAssets', { companyHandle: acme.companyHandle, assetHandleArray: [handles.tulip, handles.rose] }, acme.who);
    // The JSON box's field reached the job.
    expect(assets.body.assetArray.items.map((a: { readyForPublish: boolean }) => a.readyForPublish)).toEqual([true, true]);
  });

  it('refuses an unknown asset with the error under the asset box, naming the field, and keeps what was typed', async () => {
    const res = await reprocess({ jobName: 'Kept name', assets: 'tulip\nno-such-asset', createMask: 'true' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toMatch(
      /<textarea rows="5" id="assets" name="assets" aria-invalid="true" aria-describedby="assets-error assets-hint" autofocus>tulip\nno-such-asset<\/textarea><p id="assets-error" class="field-error" role="alert">reprocessAssetsJob\.assetHandleArray\[1\]: no asset of this company has the handle or name 'no-such-asset'<\/p>/,
    );
    expect(page).toContain('value="Kept name"');
    expect(page).toMatch(/<option value="true" selected>Yes<\/option>/);
  });

  it('shows a refused option of the JSON box under the box, and a refused control’s value under that control', async () => {
    const json = await reprocess({ assets: 'tulip', options: '{"unsharpMaskOptions": {"amount": 9}}' });
    expect(json.status).toBe(400);
    const jsonPage = await json.text();
    expect(jsonPage).toMatch(/id="options" name="options" aria-invalid="true"/);
    expect(jsonPage).toMatch(
      /<p id="options-error" class="field-error" role="alert">reprocessAssetsJob\.unsharpMaskOptions\.amount: expected a number at most 5/,
    );

    const tampered = await reprocess({ assets: 'tulip', createMask: 'maybe' });
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).toMatch(/<p id="createMask-error" class="field-error" role="alert">reprocessAssetsJob\.createMask: expected boolean/);

    const noName = await reprocess({ jobName: '  ', assets: 'tulip' });
    expect(noName.status).toBe(400);
    expect(await noName.text()).toMatch(/id="jobName" name="jobName" aria-invalid="true" aria-describedby="jobName-error jobName-hint" autofocus/);

    const badMacro = await post({ type: 'export', jobName: 'Export', assets: 'rose', fmt: 'convert', macro: 'not a preset!', emailSetting: 'None' });
    expect(badMacro.status).toBe(400);
    expect(await badMacro.text()).toMatch(/<p id="macro-error" class="field-error" role="alert">exportJob\.macro: expected an image preset name/);

    const badTime = await reprocess({ assets: 'tulip', execTime: 'tomorrow' });
    expect(badTime.status).toBe(400);
    expect(await badTime.text()).toMatch(/<p id="execTime-error" class="field-error" role="alert">execTime: expected an ISO 8601 date-time/);
  });

  it('names the JSON problem under the box when More options is not JSON or not an object', async () => {
    const broken = await reprocess({ assets: 'tulip', options: '{"readyForPublish": tru}' });
    expect(broken.status).toBe(400);
    const page = await broken.text();
    expect(page).toMatch(/<p id="options-error" class="field-error" role="alert">More options is not valid JSON: [^<]*JSON/);
    expect(page).toContain('{&quot;readyForPublish&quot;: tru}</textarea>');

    const list = await reprocess({ assets: 'tulip', options: '[1, 2]' });
    expect(list.status).toBe(400);
    expect(await list.text()).toMatch(/<p id="options-error" class="field-error" role="alert">More options must be a JSON object/);
  });

  it('starts a job later when a start time is given, read as UTC', async () => {
    const at = new Date(Date.now() + 24 * 3600_000);
    at.setUTCSeconds(0, 0);
    const local = at.toISOString().slice(0, 16); // what a datetime-local field sends
    const res = await post({ type: 'optimize', jobName: 'Optimise tomorrow', emailSetting: 'None', execTime: local });
    expect(res.status).toBe(200);
    const jobHandle = decodeURIComponent(/href="\/console\/logs\/([^"]+)"/.exec(await res.text())![1]!);
    const active = await h.api('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle, includeWaitingJobs: true }, acme.who);
    expect(active.body.jobArray.items).toHaveLength(1);
    expect(Date.parse(active.body.jobArray.items[0].triggerTime)).toBe(at.getTime());
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
  });

  it('speaks the console’s language on the form', async () => {
    const fr = await (await c.get('/console/submit?type=reprocess&lang=fr')).text();
    expect(fr).toContain('<label for="createMask">Créer un masque</label>');
    const nl = await (await c.get('/console/submit?type=export&lang=nl')).text();
    expect(nl).toContain('<label for="fmt">Formaat</label>');
    await c.get('/console/submit?lang=en');
  });

  it('refuses a post without the CSRF token, submitting nothing', async () => {
    const res = await c.post('/console/submit', { type: 'optimize', jobName: 'Forged', emailSetting: 'None' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('CSRF');
    // By name, not by count: a delayed job stopped by an earlier test gets its log from the reconciler at any time.
    expect(await jobsNamed(h, acme, 'Forged')).toEqual({ running: 0, logs: 0 });
  });

  it('reaches no other company’s asset, by handle or by name, and says nothing about it', async () => {
    const byHandle = await reprocess({ assets: globexAssets['secret-plan']! });
    expect(byHandle.status).toBe(400);
    const text = await byHandle.text();
    expect(text).toContain('reprocessAssetsJob.assetHandleArray[0]: no asset of this company has the handle or name');
    expect(text).not.toContain('secret-plan');

    const byName = await reprocess({ assets: 'secret-plan' });
    expect(byName.status).toBe(400);
    expect(await byName.text()).toContain("reprocessAssetsJob.assetHandleArray[0]: no asset of this company has the handle or name 'secret-plan'");
  });

  it('tells a role that may not submit jobs so, offers no form, and the operation refuses its post', async () => {
    const admin = await companyWithUser(h, 'SubmitAdminCo', 'IpsCompanyAdmin');
    const a = consoleClient(h.baseUrl);
    await a.signIn(admin.who);
    const jobs = await (await a.get('/console/jobs')).text();
    expect(jobs).not.toContain('href="/console/submit"');
    const page = await a.get('/console/submit');
    expect(page.status).toBe(403);
    const text = await page.text();
    expect(text).toContain('Your role in this company may not submit jobs.');
    expect(text).not.toContain('<form method="post" action="/console/submit"');

    const refused = await a.post('/console/submit', { _csrf: await a.csrfToken(), type: 'optimize', jobName: 'Not mine', emailSetting: 'None' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("User does not have permission to access operation 'submitJob'");
    expect(await jobLogCount(h, admin)).toBe(0);
  });
});

async function assetHandles(h: Harness, company: Company): Promise<Record<string, string>> {
  const rows = await h.ctx.database.db.selectFrom('assets').select(['name', 'asset_handle']).where('company_handle', '=', company.companyHandle).execute();
  return Object.fromEntries(rows.map((r) => [r.name, r.asset_handle]));
}

/** The company's jobs submitted under `name`: running (Temporal) and logged (the catalog). */
async function jobsNamed(h: Harness, company: Company, name: string): Promise<{ running: number; logs: number }> {
  const running = await h.client.workflow.count(`CompanyHandle = "${company.companyHandle}" AND JobName = "${name}"`);
  const logs = await h.ctx.database.db
    .selectFrom('job_logs')
    .select('job_handle')
    .where('company_handle', '=', company.companyHandle)
    .where('original_job_name', '=', name)
    .execute();
  return { running: running.count, logs: logs.length };
}

async function jobLogCount(h: Harness, company: Company): Promise<number> {
  const rows = await h.ctx.database.db.selectFrom('job_logs').select('job_handle').where('company_handle', '=', company.companyHandle).execute();
  return rows.length;
}
