import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_TAGS } from '../../src/api/operation-tags.js';
import { launchChromium } from '../support/browser.js';
import { screenshotDir } from '../support/console-browser.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * The OpenAPI page (/api/docs, Swagger UI served by the service itself, no
 * CDN) in a real browser: headless Chromium from Debian. The page is the same
 * whatever the database, so the file runs in the integration-sqlite project only.
 */
const once = process.env.IPS_TEST_DB !== 'postgres' && process.env.IPS_TEST_STORAGE !== 's3';

describe.runIf(once)('the OpenAPI page in Chromium', () => {
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    h = await startHarness();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows the operations under their tags, in order, with submitJob’s example request', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const outside: string[] = [];
    // Offline and self-contained: every request the page makes stays on the service.
    page.on('request', (r) => {
      if (!r.url().startsWith(h.baseUrl) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await page.goto(`${h.baseUrl}/api/docs`);
    await page.waitForSelector('h3.opblock-tag');
    const tags = await page.$$eval('h3.opblock-tag', (els) => els.map((e) => e.getAttribute('data-tag')));
    expect(tags).toEqual(OPENAPI_TAGS.map((t) => t.name));

    const jobs = page.locator('.opblock-tag-section', { has: page.locator('h3.opblock-tag[data-tag="jobs"]') });
    const submit = jobs.locator('.opblock', { hasText: '/api/submitJob' });
    await submit.locator('.opblock-summary').click();
    const example = await submit.locator('.body-param__example, .microlight, pre').first().textContent();
    expect(example).toContain('reprocessAssetsJob');
    await page.screenshot({ path: path.join(screenshotDir(), 'api-docs.png') });
    expect(outside).toEqual([]);
  });
});
