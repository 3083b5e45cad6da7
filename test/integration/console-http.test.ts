import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type Harness, companyWithUser, startHarness } from '../support/harness.js';
import { consoleClient } from '../support/console-client.js';

/**
 * The console over plain HTTP (what a browser test cannot see easily): cookie
 * attributes, the sign-in form's double-submit token, CSRF on every change,
 * the security headers, the static files, sign-out.
 */
describe(`the console over HTTP (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;

  beforeAll(async () => {
    h = await startHarness();
    acme = await companyWithUser(h, 'ConsoleAcme', 'IpsUser');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('signs in to a session cookie that scripts and other sites cannot use', async () => {
    const c = consoleClient(h.baseUrl);
    const signIn = await c.signIn(acme.who);
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/console/jobs');
    const cookie = signIn.headers.getSetCookie().find((v) => v.startsWith('ips_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/console/);
    // Plain HTTP here: Secure only when the request or PUBLIC_URL is https.
    expect(cookie).not.toMatch(/Secure/i);

    const jobs = await c.get('/console/jobs');
    expect(jobs.status).toBe(200);
    expect(jobs.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(jobs.headers.get('cache-control')).toBe('no-store');
    const text = await jobs.text();
    expect(text).toContain('<h2 id="active-heading">Active jobs</h2>');
    expect(text).toContain(acme.who.email);
  });

  it('sends a visitor without a session to the sign-in page, keeping where it was going', async () => {
    const res = await fetch(`${h.baseUrl}/console/jobs?x=1`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/sign-in?next=${encodeURIComponent('/console/jobs?x=1')}`);
  });

  it('refuses a wrong password with the sign-in page and a sign-in without its form token', async () => {
    const c = consoleClient(h.baseUrl);
    const wrong = await c.signIn({ email: acme.who.email, password: 'not-it' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong e-mail or password.');

    const forged = await fetch(`${h.baseUrl}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: acme.who.email, password: acme.who.password, _csrf: 'guessed' }),
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.getSetCookie().some((v) => v.startsWith('ips_session='))).toBe(false);
  });

  it('refuses a change without the CSRF token, and takes it with the token (form field or header)', async () => {
    const c = consoleClient(h.baseUrl);
    await c.signIn(acme.who);
    const noToken = await c.post('/console/jobs/no-such-job/stop', {});
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain('CSRF');

    const csrf = await c.csrfToken();
    const withField = await c.post('/console/jobs/no-such-job/stop', { _csrf: csrf });
    expect(withField.status).toBe(303);
    const withHeader = await c.post('/console/jobs/no-such-job/stop', {}, { 'X-CSRF-Token': csrf, 'HX-Request': 'true' });
    expect(withHeader.status).toBe(200);
    // The job does not exist: the fault comes back as the status line, from stopJob itself.
    expect(await withHeader.text()).toMatch(/class="error"/);
  });

  it('serves its own script, stylesheet and htmx (nothing from a CDN) and nothing else', async () => {
    for (const name of ['console.css', 'console.js', 'htmx.min.js']) {
      const res = await fetch(`${h.baseUrl}/console/static/${name}`);
      expect(res.status, name).toBe(200);
      const etag = res.headers.get('etag')!;
      expect((await fetch(`${h.baseUrl}/console/static/${name}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    }
    expect((await fetch(`${h.baseUrl}/console/static/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/console/static/missing.js`)).status).toBe(404);
  });

  it('signs out: the old cookie no longer opens a page', async () => {
    const c = consoleClient(h.baseUrl);
    await c.signIn(acme.who);
    const token = c.cookie('ips_session')!;
    const out = await c.post('/console/sign-out', { _csrf: await c.csrfToken() });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/sign-in?signedOut=1');
    const again = await fetch(`${h.baseUrl}/console/jobs`, { redirect: 'manual', headers: { cookie: `ips_session=${token}` } });
    expect(again.status).toBe(303);
  });

  it('lists a scheduled job with its next run, and pauses, resumes, runs and deletes it from the page', async () => {
    const c = consoleClient(h.baseUrl);
    await c.signIn(acme.who);
    const submitted = await h.api(
      'submitJob',
      { companyHandle: acme.companyHandle, jobName: 'nightly', execSchedule: '0 0 3 * * ?', optimizeImagesJob: { emailSetting: 'None' } },
      acme.who,
    );
    expect(submitted.status).toBe(200);
    const jobHandle: string = submitted.body.jobHandle;
    const scheduledRow = async () => {
      const page = await (await c.get('/console/jobs')).text();
      return new RegExp(`<tr data-job="${jobHandle.replace(/[|.]/g, '\\$&')}">(.*?)</tr>`).exec(page)?.[1];
    };
    const listed = await scheduledRow();
    expect(listed).toContain('<code>0 0 3 * * ?</code>');
    expect(listed).toMatch(/<time dateTime="[^"]+T03:00:00/i);
    const triggerState = async () =>
      (await h.api('getScheduledJobs', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).body.jobArray.items[0]?.triggerState;
    const csrf = await c.csrfToken();
    const act = (action: string) => c.post(`/console/jobs/${encodeURIComponent(jobHandle)}/${action}`, { _csrf: csrf }, { 'HX-Request': 'true' });

    expect(await (await act('pause')).text()).toContain('class="ok"');
    expect(await triggerState()).toBe('Paused');
    expect(await scheduledRow()).toContain('paused');
    expect(await (await act('resume')).text()).toContain('class="ok"');
    expect(await triggerState()).toBe('Normal');
    expect(await (await act('run')).text()).toContain('class="ok"');
    expect(await (await act('delete')).text()).toContain('class="ok"');
    expect(await triggerState()).toBeUndefined();
    expect(await scheduledRow()).toBeUndefined();
    expect((await act('explode')).status).toBe(404);
  });

  it('offers each role only the sections its IPS role allows', async () => {
    const nav = async (role: string) => {
      const who = await companyWithUser(h, `ConsoleRole${role}`, role);
      const c = consoleClient(h.baseUrl);
      await c.signIn(who.who);
      const home = await c.get('/console/jobs');
      const page = await (home.status === 303 ? await c.get(home.headers.get('location')!) : home).text();
      return [...(/<nav[^>]*>(.*?)<\/nav>/.exec(page)?.[1] ?? '').matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    };
    expect(await nav('IpsUser')).toEqual(['/console/jobs', '/console/logs', '/console/assets', '/console/submit']);
    // submitJob leaves IpsCompanyAdmin out, as IPS does.
    expect(await nav('IpsCompanyAdmin')).toEqual(['/console/jobs', '/console/logs', '/console/assets']);
    // ImagePortalUser may read job logs and assets, not active jobs.
    expect(await nav('ImagePortalUser')).toEqual(['/console/logs', '/console/assets']);
  });

  it('switches between the companies of a user of several, and refuses a company that is not theirs', async () => {
    const one = await companyWithUser(h, 'ConsoleFirst', 'IpsUser');
    const two = await companyWithUser(h, 'ConsoleSecond', 'IpsUser');
    const added = await h.api('addCompanyMembership', {
      userHandle: one.userHandle,
      membershipArray: { items: [{ companyHandle: two.companyHandle, role: 'IpsUser', isActive: true }] },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const job = await h.api(
      'submitJob',
      { companyHandle: two.companyHandle, jobName: 'second-only', execSchedule: '0 0 4 * * ?', optimizeImagesJob: { emailSetting: 'None' } },
      two.who,
    );
    expect(job.status).toBe(200);
    const c = consoleClient(h.baseUrl);
    await c.signIn(one.who);
    expect(await (await c.get('/console/jobs')).text()).toContain('<label for="company-switch">Company</label>');
    const csrf = await c.csrfToken();
    expect((await c.post('/console/company', { _csrf: csrf, companyHandle: one.companyHandle })).status).toBe(303);
    expect(await (await c.get('/console/jobs')).text()).not.toContain('second-only');
    expect((await c.post('/console/company', { _csrf: csrf, companyHandle: two.companyHandle })).status).toBe(303);
    const after = await (await c.get('/console/jobs')).text();
    expect(after).toContain('second-only');
    expect(after).toMatch(new RegExp(`<option value="${two.companyHandle.replace(/[|]/g, '\\|')}" selected`));
    const foreign = await c.post('/console/company', { _csrf: csrf, companyHandle: acme.companyHandle });
    expect(foreign.status).toBe(403);
    expect(await (await c.get('/console/jobs')).text()).toContain('second-only');
  });

  it('lets an IpsAdmin, who starts in no company, choose one', async () => {
    const c = consoleClient(h.baseUrl);
    await c.signIn(ADMIN);
    const first = await (await c.get('/console/jobs')).text();
    expect(first).toContain('Choose the company to work in.');
    expect(first).not.toContain('href="/console/submit"');
    expect((await c.post('/console/company', { _csrf: await c.csrfToken(), companyHandle: acme.companyHandle })).status).toBe(303);
    const chosen = await (await c.get('/console/jobs')).text();
    expect(chosen).not.toContain('Choose the company to work in.');
    expect(chosen).toContain('href="/console/logs"');
  });

  it('ends every console session of a user whose password changes', async () => {
    const bob = await companyWithUser(h, 'ConsolePwd', 'IpsUser');
    const c = consoleClient(h.baseUrl);
    await c.signIn(bob.who);
    expect((await c.get('/console/jobs')).status).toBe(200);
    expect((await h.api('setPassword', { password: 'Another-Pass-2' }, bob.who)).status).toBe(200);
    const after = await c.get('/console/jobs');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/console\/sign-in/);
  });

  it('speaks Dutch and French when asked, and remembers the choice', async () => {
    const c = consoleClient(h.baseUrl);
    await c.signIn(acme.who);
    const nl = await c.get('/console/jobs?lang=nl');
    expect(await nl.text()).toContain('Actieve taken');
    expect(await (await c.get('/console/jobs')).text()).toContain('Actieve taken');
    const fr = await c.get('/console/jobs', { 'accept-language': 'fr' });
    // The remembered choice wins over the browser's language.
    expect(await fr.text()).toContain('Actieve taken');
    const fresh = consoleClient(h.baseUrl);
    await fresh.signIn(acme.who);
    expect(await (await fresh.get('/console/jobs', { 'accept-language': 'fr-CH, fr;q=0.9' })).text()).toContain('Tâches actives');
  });
});
