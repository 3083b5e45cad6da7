import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { screenshot, signedInPage, takesScreenshots } from '../support/console-browser.js';
import { makeJpeg, makePng } from '../support/fixtures.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';

/** Whether an <img> has loaded a real picture (a broken or refused one has no natural width). */
const loaded = (page: Page, selector: string) => page.locator(selector).evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));

/**
 * The Job logs pages in headless Chromium: a person opens the logs, clicks a
 * reprocess job that cropped three pictures, and sees each one's before and
 * after thumbnail loaded side by side; then filters the log by a type. The
 * pages do not depend on the database: SQLite run only.
 */
describe.runIf(takesScreenshots)('the console Job logs pages in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let assets: Record<string, string>;
  let jobHandle: string;

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-console-logs-browser-'));
    acme = await companyWithUser(h, 'ConsoleLogsAcme', 'IpsUser');
    assets = await seedAssets(h, acme, [
      { path: await makeJpeg(path.join(dir, 'harbour.jpg'), 1200, 800) },
      { path: await makeJpeg(path.join(dir, 'square.jpg'), 600, 600) },
      { path: await makePng(path.join(dir, 'banner.png'), 900, 300) },
    ]);
    expect(Object.keys(assets)).toHaveLength(3);
    // A crop changes every picture visibly: the after thumbnail is not the before one.
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'crop the edges',
        reprocessAssetsJob: {
          assetHandleArray: Object.values(assets),
          createMask: false,
          emailSetting: 'None',
          manualCropOptions: { left: 100, top: 50, right: 100, bottom: 50 },
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    jobHandle = r.body.jobHandle;
    expect(await h.client.workflow.getHandle(jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('opens the reprocess job’s log from the list and shows every image before and after', async () => {
    const page = await signedInPage(browser, h.baseUrl, acme.who);
    await page.getByRole('link', { name: 'Job logs' }).click();
    await page.waitForURL(/\/console\/logs$/);
    await expect.poll(() => page.locator('#job-logs tbody tr').count()).toBe(2);
    await screenshot(page, 'logs');

    await page.getByRole('link', { name: 'Open the log of crop the edges' }).click();
    await page.waitForURL(/\/console\/logs\/j/);
    await expect.poll(() => page.locator('#log-summary').textContent()).toBe('3 files, 0 errors, 0 warnings');
    for (const asset of Object.values(assets)) {
      const base = `/console/thumbnails/job/${encodeURIComponent(jobHandle)}/${encodeURIComponent(asset)}`;
      for (const which of ['before', 'after']) {
        const selector = `img[src="${base}/${which}?size=96"]`;
        await expect(page.locator(selector).count(), `${which} of ${asset}`).resolves.toBe(1);
        await expect.poll(() => loaded(page, selector), { message: `${which} picture of ${asset}` }).toBeGreaterThan(0);
      }
    }
    // Each pair sits in one row, with its texts for screen readers.
    await expect.poll(() => page.locator('#log-entries .pair').count()).toBe(3);
    await expect.poll(() => page.getByRole('img', { name: /before the job$/ }).count()).toBe(3);
    await expect.poll(() => page.getByRole('img', { name: /after the job$/ }).count()).toBe(3);
    await screenshot(page, 'log');

    await page.getByLabel('Show').selectOption('BeginReprocess');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/type=BeginReprocess/);
    await expect
      .poll(() => page.locator('#log-entries tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type'))))
      .toEqual(['BeginReprocess']);
    await page.getByLabel('Show').selectOption('ReprocessSuccess');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/type=ReprocessSuccess/);
    await expect.poll(() => page.locator('#log-entries tbody tr[data-type="ReprocessSuccess"]').count()).toBe(3);
    await expect.poll(() => page.locator('#log-entries tbody tr').count()).toBe(3);
    await page.close();
  });

  it('fits a 375 px wide screen', async () => {
    const page = await signedInPage(browser, h.baseUrl, acme.who, { width: 375, height: 800 });
    await page.goto(`${h.baseUrl}/console/logs/${encodeURIComponent(jobHandle)}`);
    await expect.poll(() => loaded(page, 'img[alt$="after the job"] >> nth=0')).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.close();
  });
});
