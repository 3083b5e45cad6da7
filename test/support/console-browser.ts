import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The console's browser tests open pages in their own context (own cookies)
 * per user, sign in through the form as a person does, and fail on any
 * request that leaves the service (the console must work offline).
 */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  who: { email: string; password: string },
  viewport = { width: 1280, height: 860 },
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'en-US' });
  const page = await context.newPage();
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(baseUrl) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) outside.push(r.url());
  });
  page.on('close', () => expect(outside, 'requests that left the service').toEqual([]));
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/console\/jobs/);
  return page;
}

/**
 * Takes console-<name>.png on every run (so a page that cannot be drawn fails
 * the test); with UPDATE_SCREENSHOTS=1 into docs/screenshots, which the README
 * and docs/console.md show, else into a temporary folder, so an ordinary test
 * run leaves the committed pictures alone.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir(), `console-${name}.png`), fullPage: true });
}

export function screenshotDir(): string {
  return process.env.UPDATE_SCREENSHOTS === '1' ? path.join(root, 'docs/screenshots') : path.join(os.tmpdir(), 'ips-screenshots');
}

/** Screenshots are taken once, from the SQLite run (the pages do not depend on the database). */
export const takesScreenshots = process.env.IPS_TEST_DB !== 'postgres' && process.env.IPS_TEST_STORAGE !== 's3';
