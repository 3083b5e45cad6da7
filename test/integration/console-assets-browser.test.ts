import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { screenshot, signedInPage, takesScreenshots } from '../support/console-browser.js';
import { makeJpeg, makePng, squarePdf } from '../support/fixtures.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';

/** Whether the grid's picture of `name` has loaded (a broken or still-loading image has no natural width). */
const pictureShown = (page: Page, name: string) =>
  page.locator(`#asset-grid img[alt="${name}"]`).evaluateAll((images) => images.some((i) => (i as HTMLImageElement).naturalWidth > 0));

/**
 * The Assets page in headless Chromium: a person picks two files with the
 * file picker, watches each file's bar and the total reach the end, sees both
 * thumbnails appear in the grid once the upload job has made the assets (no
 * reload), and opens one asset's page. SQLite run only (takesScreenshots).
 */
describe.runIf(takesScreenshots)('the console Assets page in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let files: { lake: string; badge: string };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-console-assets-'));
    acme = await companyWithUser(h, 'ConsoleAssetsAcme', 'IpsUser');
    // Some assets and a folder already there, so the page looks as it does in use.
    const seeded = [
      { path: await makeJpeg(path.join(dir, 'a.jpg'), 1200, 800), name: 'harbour.jpg' },
      { path: await makePng(path.join(dir, 'b.png'), 500, 500), name: 'logo.png' },
      { path: await squarePdf(path.join(dir, 'c.pdf'), ['price list']), name: 'price-list.pdf' },
    ];
    await seedAssets(h, acme, seeded);
    const folder = await h.api('createFolder', { companyHandle: acme.companyHandle, folderPath: 'campaigns' }, acme.who);
    expect(folder.status, JSON.stringify(folder.body)).toBe(200);
    files = { lake: await makeJpeg(path.join(dir, 'lake.jpg'), 1600, 1000), badge: await makePng(path.join(dir, 'badge.png'), 640, 640) };
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('uploads two files with the file picker, shows their progress and their thumbnails, and opens an asset', async () => {
    const page = await signedInPage(browser, h.baseUrl, acme.who);
    await page.getByRole('link', { name: 'Assets' }).click();
    await page.waitForURL(/\/console\/assets$/);
    await expect.poll(() => pictureShown(page, 'harbour'), { timeout: 30_000 }).toBe(true);
    expect(await page.getByRole('img', { name: 'price-list: No picture for this type' }).textContent()).toBe('Pdf');
    expect(await page.getByRole('navigation', { name: 'Folders' }).getByRole('link', { name: 'campaigns' }).count()).toBe(1);

    await page.getByLabel('Choose files').setInputFiles([files.lake, files.badge]);
    const bars = page.locator('ul.uploads progress');
    await expect.poll(() => bars.count(), { timeout: 30_000 }).toBe(2);
    await expect.poll(() => bars.evaluateAll((all) => all.map((b) => (b as HTMLProgressElement).value)), { timeout: 60_000 }).toEqual([100, 100]);
    expect(await page.locator('#upload-total').evaluate((b) => (b as HTMLProgressElement).value)).toBe(100);
    await expect.poll(() => page.locator('ul.uploads').textContent(), { timeout: 30_000 }).toContain('badge.png: uploaded');
    expect(await page.locator('ul.uploads').textContent()).toContain('lake.jpg: uploaded');
    // The status line comes after the last post, which ends the upload job.
    await expect.poll(() => page.locator('.upload-status').textContent(), { timeout: 30_000 }).toBe('Upload finished: 2 of 2 files sent.');

    // The grid refreshes itself until the upload job has ended: both pictures appear without a reload.
    await expect.poll(() => pictureShown(page, 'lake'), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => pictureShown(page, 'badge'), { timeout: 30_000 }).toBe(true);
    await page.locator('#asset-grid:not([hx-trigger])').waitFor({ timeout: 30_000 });
    expect(await page.locator('#asset-grid li').count()).toBe(5);
    await screenshot(page, 'assets');

    await page.getByRole('link', { name: 'Details of lake' }).click();
    await page.waitForURL(/\/console\/assets\/a%7C/);
    await expect
      .poll(() => page.locator('.asset-summary img[alt="lake"]').evaluate((i) => (i as HTMLImageElement).naturalWidth), { timeout: 30_000 })
      .toBeGreaterThan(0);
    const props = await page.locator('dl.props').textContent();
    expect(props).toContain('1,600 × 1,000');
    expect(props).toContain('Image');
    const history = page.locator('#asset-history');
    expect(await history.getByRole('link').first().getAttribute('href')).toMatch(/^\/console\/logs\/j%7C/);
    expect(await history.textContent()).toContain('UploadSuccess');
    await screenshot(page, 'asset');
    await page.close();
  });

  it('fits a phone: no sideways scrolling at 375 px', async () => {
    const page = await signedInPage(browser, h.baseUrl, acme.who, { width: 375, height: 740 });
    await page.goto(`${h.baseUrl}/console/assets`);
    await page.locator('#asset-grid li').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.close();
  });
});
