import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleClient } from '../support/console-client.js';
import { makeJpeg, makePng, squarePdf } from '../support/fixtures.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';

type Client = ReturnType<typeof consoleClient>;

/** The handle of the grid cell whose picture is named `name`. */
function handleOf(grid: string, name: string): string {
  const cell = grid.split('<li data-asset="').find((c) => c.includes(`alt="${name}"`));
  if (!cell) throw new Error(`no cell for ${name}`);
  return cell.slice(0, cell.indexOf('"'));
}

/** One post of the Assets page's script: file parts only, the CSRF token as a header. */
async function upload(h: Harness, c: Client, query: string, files: Array<{ path: string; name: string }>, csrf?: string): Promise<Response> {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([await fs.readFile(f.path)]), f.name);
  return fetch(`${h.baseUrl}/console/upload${query}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: `ips_session=${c.cookie('ips_session')}`, ...(csrf ? { 'X-CSRF-Token': csrf } : {}) },
    body: form,
  });
}

/**
 * The Assets section over HTTP: uploads through /console/upload become
 * assets the way the UploadFile servlet's do (one upload job, in the job
 * log), the grid and an asset's page show them, thumbnails are the selected
 * company's only, and a role that may not upload gets no drop zone and a
 * refusal from the servlet's own role check.
 */
describe(`the console Assets section (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let globex: Awaited<ReturnType<typeof companyWithUser>>;
  let viewer: { email: string; password: string };
  let foreignAsset: string;
  let photo: string;
  let poster: string;
  let pdf: string;

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-console-assets-'));
    acme = await companyWithUser(h, 'AssetsAcme', 'IpsUser');
    globex = await companyWithUser(h, 'AssetsGlobex', 'IpsUser');
    // IpsCompanyAdmin may search assets but not submit jobs, so not upload (submitJob's roles).
    viewer = { email: 'viewer@assetsacme.test', password: 'Viewer-Pass-1' };
    const added = await h.api('addUser', {
      firstName: 'View',
      lastName: 'Only',
      ...viewer,
      isValid: true,
      isIpsAdmin: false,
      membershipArray: { items: [{ companyHandle: acme.companyHandle, role: 'IpsCompanyAdmin', isActive: true }] },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    photo = await makeJpeg(path.join(dir, 'photo.jpg'), 800, 600);
    poster = await makePng(path.join(dir, 'poster.png'), 300, 400);
    pdf = await squarePdf(path.join(dir, 'leaflet.pdf'), ['one']);
    const foreign = await seedAssets(h, globex, [{ path: photo, name: 'secret-plan.jpg' }]);
    foreignAsset = foreign['secret-plan']!;
    expect(foreignAsset).toBeDefined();
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('uploads two files as one upload job; the grid, the job log and the asset page show them', async () => {
    const c = consoleClient(h.baseUrl);
    await c.signIn(acme.who);
    const page = await (await c.get('/console/assets')).text();
    expect(page).toContain('data-console="upload"');
    expect(page).toMatch(/<label for="upload-files">/);
    const csrf = await c.csrfToken();

    const first = await upload(h, c, '', [{ path: photo, name: 'sunrise.jpg' }], csrf);
    expect(first.status).toBe(200);
    const one = (await first.json()) as { jobHandle: string; name: string };
    expect(one.name).toBe('sunrise.jpg');
    const second = await upload(h, c, `?job=${encodeURIComponent(one.jobHandle)}`, [{ path: poster, name: 'poster.png' }], csrf);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ jobHandle: one.jobHandle, name: 'poster.png' });
    // While the job runs, the grid asks again; the end post closes the job.
    const waiting = await (await c.get(`/console/assets/grid?job=${encodeURIComponent(one.jobHandle)}`)).text();
    expect(waiting).toContain('hx-trigger="every 1s"');
    const end = await upload(h, c, `?job=${encodeURIComponent(one.jobHandle)}&end=1`, [], csrf);
    expect(end.status).toBe(200);
    await h.client.workflow.getHandle(one.jobHandle).result();

    const grid = await (await c.get(`/console/assets/grid?job=${encodeURIComponent(one.jobHandle)}`)).text();
    expect(grid).not.toContain('hx-trigger');
    for (const name of ['sunrise', 'poster']) expect(grid).toContain(`alt="${name}"`);
    expect(grid).toMatch(/<img src="\/console\/thumbnails\/asset\/a%7C[^"]+\?size=160" alt="sunrise" loading="lazy" width="160" height="160"/);

    const logs = await h.api('getJobLogs', { companyHandle: acme.companyHandle }, acme.who);
    const log = logs.body.jobLogArray.items.find((l: { jobHandle: string }) => l.jobHandle === one.jobHandle);
    expect(log).toMatchObject({ fileSuccessCount: 2, fileErrorCount: 0 });

    const handle = handleOf(grid, 'sunrise');
    const details = await c.get(`/console/assets/${encodeURIComponent(handle)}`);
    expect(details.status).toBe(200);
    const text = await details.text();
    expect(text).toContain('<dl class="props">');
    expect(text).toContain('800 × 600');
    expect(text).toContain(`href="/console/logs/${encodeURIComponent(one.jobHandle)}"`);
  });

  it('shows a type label for an asset without a picture and pages the grid', async () => {
    const c = consoleClient(h.baseUrl);
    await c.signIn(acme.who);
    const csrf = await c.csrfToken();
    const posted = await upload(h, c, '?end=1', [{ path: pdf, name: 'leaflet.pdf' }], csrf);
    expect(posted.status).toBe(200);
    await h.client.workflow.getHandle(((await posted.json()) as { jobHandle: string }).jobHandle).result();
    const page = await (await c.get('/console/assets')).text();
    expect(page).toMatch(/<span class="thumb no-picture" role="img" aria-label="leaflet: No picture for this type">Pdf<\/span>/);
    expect(page).not.toContain('alt="leaflet"');
    expect(page).not.toContain('class="pager"');
    // A page past the last is empty, not an error.
    expect(await (await c.get('/console/assets?page=9')).text()).toContain('No asset here yet.');
  });

  it('serves thumbnails of the selected company only', async () => {
    const c = consoleClient(h.baseUrl);
    await c.signIn(acme.who);
    const grid = await (await c.get('/console/assets/grid')).text();
    const handle = handleOf(grid, 'sunrise');
    const own = await c.get(`/console/thumbnails/asset/${encodeURIComponent(handle)}?size=160`);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await own.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([160, 120]);
    expect((await c.get(`/console/thumbnails/asset/${encodeURIComponent(handle)}?size=160`, { 'if-none-match': own.headers.get('etag')! })).status).toBe(304);

    const foreign = await c.get(`/console/thumbnails/asset/${encodeURIComponent(foreignAsset)}?size=160`);
    expect(foreign.status).toBe(404);
    const foreignPage = await c.get(`/console/assets/${encodeURIComponent(foreignAsset)}`);
    expect(foreignPage.status).toBe(404);
    expect(await foreignPage.text()).not.toContain('secret-plan');
    expect((await c.get(`/console/thumbnails/job/j%7Cnone/${encodeURIComponent(handle)}/before`)).status).toBe(404);

    // A reprocess job's before and after, for the job log page: this company's only.
    const job = await h.api(
      'submitJob',
      { companyHandle: acme.companyHandle, jobName: 'crop', reprocessAssetsJob: { assetHandleArray: [handle], createMask: false, emailSetting: 'None' } },
      acme.who,
    );
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    await h.client.workflow.getHandle(job.body.jobHandle).result();
    const pair = `/console/thumbnails/job/${encodeURIComponent(job.body.jobHandle)}/${encodeURIComponent(handle)}`;
    for (const which of ['before', 'after']) {
      const res = await c.get(`${pair}/${which}?size=96`);
      expect(res.status, which).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
    }
    expect((await c.get(`${pair}/sideways?size=96`)).status).toBe(404);
    const other = consoleClient(h.baseUrl);
    await other.signIn(globex.who);
    expect((await other.get(`${pair}/before?size=96`)).status).toBe(404);
    expect((await other.get(`/console/thumbnails/asset/${encodeURIComponent(handle)}?size=160`)).status).toBe(404);
    // Without a session: the sign-in page, never a picture.
    expect((await fetch(`${h.baseUrl}/console/thumbnails/asset/${encodeURIComponent(handle)}`, { redirect: 'manual' })).status).toBe(303);
  });

  it('offers no drop zone to a role that may not upload, and the upload refuses it', async () => {
    const c = consoleClient(h.baseUrl);
    await c.signIn(viewer);
    const page = await c.get('/console/assets');
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('alt="sunrise"');
    expect(text).not.toContain('data-console="upload"');
    const refused = await upload(h, c, '', [{ path: photo, name: 'sneaky.jpg' }], await c.csrfToken());
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ fault: 'authorizationFault' });
  });

  it('refuses an upload without the CSRF token and starts no job', async () => {
    const c = consoleClient(h.baseUrl);
    await c.signIn(acme.who);
    const before = await h.api('getJobLogs', { companyHandle: acme.companyHandle }, acme.who);
    const refused = await upload(h, c, '?end=1', [{ path: photo, name: 'forged.jpg' }]);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('CSRF');
    const wrong = await upload(h, c, '?end=1', [{ path: photo, name: 'forged.jpg' }], 'guessed');
    expect(wrong.status).toBe(403);
    const after = await h.api('getJobLogs', { companyHandle: acme.companyHandle }, acme.who);
    expect(after.body.jobLogArray.items).toHaveLength(before.body.jobLogArray.items.length);
    expect(await (await c.get('/console/assets')).text()).not.toContain('forged');
  });
});
