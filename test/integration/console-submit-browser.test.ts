import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { screenshot, signedInPage, takesScreenshots } from '../support/console-browser.js';
import { makePng } from '../support/fixtures.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { waitForJobEnd } from '../support/job-audit.js';

/**
 * The Submit page in headless Chromium (Debian's): a person opens Submit,
 * fills in a reprocess with an asset name that does not exist, sees the error
 * under the asset box (the box marked invalid and focused), corrects it and
 * submits; the job runs. The page does not depend on the database: SQLite run only.
 */
describe.runIf(takesScreenshots)('the console Submit page in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-console-submit-browser-'));
    acme = await companyWithUser(h, 'ConsoleSubmitAcme', 'IpsUser');
    await seedAssets(h, acme, [{ path: await makePng(path.join(dir, 'harbour.png'), 320, 200) }]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('shows a refused field’s error next to it, and submits once it is corrected', async () => {
    const page = await signedInPage(browser, h.baseUrl, acme.who);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Submit a job' }).click();
    await page.waitForURL(/\/console\/submit/);
    await expect.poll(() => page.getByRole('link', { name: 'Reprocess' }).getAttribute('aria-current')).toBe('page');

    await page.getByLabel('Job name').fill('Harbour refresh');
    const assets = page.getByLabel('Assets (one handle or name per line)');
    await assets.fill('harbour\nharbor');
    await page.getByLabel('Create a mask').selectOption({ label: 'Yes' });
    await page.getByRole('button', { name: 'Submit', exact: true }).click();

    const error = page.locator('#assets-error');
    await expect.poll(() => error.textContent()).toBe("reprocessAssetsJob.assetHandleArray[1]: no asset of this company has the handle or name 'harbor'");
    expect(await assets.getAttribute('aria-invalid')).toBe('true');
    expect((await assets.getAttribute('aria-describedby'))?.split(' ')).toContain('assets-error');
    // The error sits right under its control, and the control has the focus.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('assets');
    expect(await page.evaluate(() => document.querySelector('#assets')?.nextElementSibling?.id)).toBe('assets-error');
    // What was typed is kept.
    expect(await page.getByLabel('Job name').inputValue()).toBe('Harbour refresh');
    expect(await page.getByLabel('Create a mask').inputValue()).toBe('true');
    await screenshot(page, 'submit');

    await assets.fill('harbour');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const status = page.getByRole('status').filter({ hasText: 'submitted' });
    await expect.poll(() => status.textContent()).toContain('Job Harbour refresh submitted.');
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(0);
    const href = await status.getByRole('link', { name: 'open its log' }).getAttribute('href');
    const jobHandle = decodeURIComponent(href!.replace('/console/logs/', ''));
    const log = await waitForJobEnd(h.ctx.database.db, jobHandle, 60_000);
    expect([log.total_file_count, log.file_error_count]).toEqual([1, 0]);
    await page.close();
  });

  it('fits a phone: the form at 375 px wide needs no sideways scrolling', async () => {
    const page = await signedInPage(browser, h.baseUrl, acme.who, { width: 375, height: 812 });
    await page.goto(`${h.baseUrl}/console/submit?type=export`);
    await page.getByLabel('Format').selectOption('convert');
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await page.close();
  });
});
