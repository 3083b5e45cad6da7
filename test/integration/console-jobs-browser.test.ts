import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { screenshot, signedInPage, takesScreenshots } from '../support/console-browser.js';
import { makeJpeg } from '../support/fixtures.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

const IMAGES = 20;

/**
 * The Jobs page in headless Chromium (Debian's): a person signs in, watches a
 * 20-image reprocess job's progress bar advance, pauses, resumes and stops it
 * with the page's buttons; another company's user never sees it; a change
 * without the CSRF token is refused. One item at a time so the job is slow
 * enough to watch. The pages do not depend on the database: SQLite run only.
 */
describe.runIf(takesScreenshots)('the console Jobs page in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let beta: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: string[];

  const submitReprocess = async () => {
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'console-reprocess',
        reprocessAssetsJob: { assetHandleArray: handles, createMask: false, emailSetting: 'None' },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.jobHandle as string;
  };
  const row = (page: Page, jobHandle: string) => page.locator(`#active-jobs tr[data-job="${jobHandle}"]`);
  const progressOf = async (page: Page, jobHandle: string) => Number(await row(page, jobHandle).locator('progress').getAttribute('value'));
  const countOf = async (page: Page, jobHandle: string) =>
    Number(/^(\d+)/.exec((await row(page, jobHandle).locator('.count').textContent()) ?? '')?.[1] ?? NaN);

  beforeAll(async () => {
    h = await startHarness({ WORKER_ACTIVITY_CONCURRENCY: '1', JOB_LANES: '1' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-console-jobs-'));
    acme = await companyWithUser(h, 'ConsoleJobsAcme', 'IpsUser');
    beta = await companyWithUser(h, 'ConsoleJobsBeta', 'IpsUser');
    // Large pictures, one at a time: each item takes a while even on a fast host.
    const source = await makeJpeg(path.join(dir, 'source.jpg'), 4000, 3000);
    const assets = await seedAssets(
      h,
      acme,
      Array.from({ length: IMAGES }, (_, i) => ({ path: source, name: `photo-${String(i).padStart(2, '0')}.jpg` })),
    );
    handles = Object.values(assets);
    expect(handles).toHaveLength(IMAGES);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('shows the sign-in form, and a wrong password on it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
    await page.goto(`${h.baseUrl}/console/jobs`);
    await page.waitForURL(/\/console\/sign-in\?next=/);
    await page.getByLabel('E-mail').fill(acme.who.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong e-mail or password.');
    await screenshot(page, 'sign-in');
    await page.close();
  });

  it('watches a 20-image reprocess advance, pauses, resumes and stops it; company B sees none of it; no change without the CSRF token', async () => {
    const page = await signedInPage(browser, h.baseUrl, acme.who);
    page.on('dialog', (dialog) => void dialog.accept());
    const jobHandle = await submitReprocess();

    // The table refreshes itself every second: no reload in this test.
    await row(page, jobHandle).waitFor();
    await waitUntil('a first item done', async () => (await countOf(page, jobHandle)) >= 1);
    // Paused early, so most of the job is still to come when it resumes.
    await page.getByRole('button', { name: /^Pause: / }).click();
    await expect.poll(() => row(page, jobHandle).locator('td').nth(1).textContent(), { timeout: 30_000 }).toContain('(paused)');
    await expect.poll(() => page.locator('#jobs-feedback').textContent()).toContain('Pause');
    // The item in flight when the pause came finishes; then nothing moves.
    const settled = await waitUntil('the in-flight item to finish', async () => {
      const before = await countOf(page, jobHandle);
      await new Promise((r) => setTimeout(r, 2500));
      return (await countOf(page, jobHandle)) === before ? before : undefined;
    });
    expect(settled).toBeLessThan(IMAGES);
    const pausedAt = await progressOf(page, jobHandle);
    await screenshot(page, 'jobs-paused');

    // Another company's user, signed in at the same time, sees no job at all.
    const other = await signedInPage(browser, h.baseUrl, beta.who);
    await expect.poll(() => other.locator('#active-jobs').textContent()).toContain('No job is running or waiting.');
    expect(await other.locator(`[data-job="${jobHandle}"]`).count()).toBe(0);
    const foreign = await other.evaluate(async (url) => {
      const token = JSON.parse(document.body.getAttribute('hx-headers') ?? '{}')['X-CSRF-Token'];
      const res = await fetch(url, { method: 'POST', headers: { 'X-CSRF-Token': token, 'HX-Request': 'true' } });
      return { status: res.status, text: await res.text() };
    }, `/console/jobs/${jobHandle}/stop`);
    expect(foreign.text).toContain('class="error"');
    await other.close();

    // A change without the token (what a forged cross-site form would send) is refused and changes nothing.
    const forged = await page.evaluate(async (url) => (await fetch(url, { method: 'POST' })).status, `/console/jobs/${jobHandle}/resume`);
    expect(forged).toBe(403);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await row(page, jobHandle).locator('td').nth(1).textContent()).toContain('(paused)');
    expect(await countOf(page, jobHandle)).toBe(settled);

    // Keyboard: focus stays on the button through the table's refreshes, and Enter presses it.
    const resume = page.getByRole('button', { name: /^Resume: / });
    await resume.focus();
    await new Promise((r) => setTimeout(r, 2500));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`resume-${jobHandle}`);
    await page.keyboard.press('Enter');
    const advanced = await waitUntil('the bar to advance', async () => {
      const value = await progressOf(page, jobHandle);
      return value > pausedAt ? value : undefined;
    });
    expect(advanced).toBeGreaterThan(pausedAt);
    expect(await row(page, jobHandle).locator('progress').getAttribute('aria-label')).toMatch(/of 20$/);
    await screenshot(page, 'jobs');

    await page.getByRole('button', { name: /^Stop: / }).click();
    await row(page, jobHandle).waitFor({ state: 'detached', timeout: 60_000 });
    const described = await h.client.workflow.getHandle(jobHandle).describe();
    expect(described.status.name).toBe('CANCELLED');
    const log = await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle }, acme.who);
    expect(log.body.jobLogArray.items[0].fileSuccessCount).toBeLessThan(IMAGES);
    await page.close();
  });

  it('fits a phone: no sideways scrolling at 375 px', async () => {
    const page = await signedInPage(browser, h.baseUrl, acme.who, { width: 375, height: 740 });
    await submitReprocess();
    await page.locator('#active-jobs tr[data-job]').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'jobs-phone');
    await page.close();
  });
});
