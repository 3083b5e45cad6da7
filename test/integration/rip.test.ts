import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RIP_ENGINE } from '../../src/services/rip/document-rip.service.js';
import { type Harness, basic, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeAi, makeEps, realPdf, uploadPost } from '../support/fixtures.js';
import { storedExists, storedPath } from '../support/stored.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Child processes of this test process that run the Ghostscript rip child. */
async function ripChildren(): Promise<number[]> {
  const { stdout } = await run('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)]);
  return stdout
    .split('\n')
    .filter((l) => l.includes('rip-child'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}
const alive = async (pid: number) =>
  fs.access(`/proc/${pid}`).then(
    () => true,
    () => false,
  );

describe(`ripping PDF, PostScript and Illustrator assets into page images (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const handles: Record<string, string> = {};

  const submit = async (assetHandles: string[], options: Record<string, unknown>, jobName = 'rip') => {
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName,
        reprocessAssetsJob: { assetHandleArray: assetHandles, createMask: false, emailSetting: 'None', ...options },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.jobHandle as string;
  };
  const reprocess = async (assetHandles: string[], options: Record<string, unknown>) => {
    const jobHandle = await submit(assetHandles, options);
    return { jobHandle, outcome: await h.client.workflow.getHandle(jobHandle).result() };
  };
  const pagesOf = async (source: string) => {
    const rows = await h.ctx.database.db
      .selectFrom('asset_derivations')
      .innerJoin('assets', 'assets.asset_handle', 'asset_derivations.asset_handle')
      .selectAll()
      .where('source_handle', '=', source)
      .where('engine', '=', RIP_ENGINE)
      .where('trash_state', '=', 'NotInTrash')
      .orderBy('position')
      .execute();
    return rows;
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-rip-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const pdf = await realPdf(dir);
    const files = [
      { path: pdf, name: 'spec.pdf' },
      { path: await makeEps(path.join(dir, 'line.eps')) },
      { path: await makeAi(path.join(dir, 'art.ai'), pdf) },
      { path: pdf, name: 'long.pdf' },
    ];
    Object.assign(handles, await seedAssets(h, acme, files));
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('rips a real 17-page PDF into page assets at the requested resolution, with an eCatalog and page text', async () => {
    const original = await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.spec!);
    const originalBytes = await fs.readFile(await storedPath(h, original!.original_key));

    const low = await reprocess([handles.spec!], { pdfOptions: { resolution: 72, extractSearchWords: true } });
    expect(low.outcome).toMatchObject({ outcome: 'done', processed: 1, errors: 0 });
    const pages72 = await pagesOf(handles.spec!);
    expect(pages72.map((p) => p.position)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    expect(pages72.map((p) => p.name)).toEqual(Array.from({ length: 17 }, (_, i) => `spec_${i + 1}`));
    const first = pages72[0]!;
    expect(first).toMatchObject({ type: 'Image', folder: original!.folder, resolution: 72 });
    const text = JSON.parse(first.data_json!).searchWords as string;
    expect(text).toMatch(/Shared MIME-info Database/);

    // The page image is what the PTIFF holds, at 72 ppi.
    const meta = await sharp(await storedPath(h, first.optimized_key!), { page: 0 }).metadata();
    expect([meta.width, meta.height]).toEqual([first.width, first.height]);

    // eCatalog: a Catalog asset listing the 17 pages in order.
    const catalog = await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, 'spec_ecatalog');
    expect(catalog).toMatchObject({ type: 'Catalog', name: 'spec_eCatalog' });
    expect(await h.ctx.repositories.derivations.members(catalog!.asset_handle)).toEqual(pages72.map((p) => p.asset_handle));

    // At 150 ppi the same pages (same handles) are 150/72 times larger.
    const high = await reprocess([handles.spec!], { pdfOptions: { resolution: 150 } });
    expect(high.outcome).toMatchObject({ outcome: 'done', errors: 0 });
    const pages150 = await pagesOf(handles.spec!);
    expect(pages150.map((p) => p.asset_handle)).toEqual(pages72.map((p) => p.asset_handle));
    for (const [i, p] of pages150.entries()) {
      expect(Math.abs(p.width! - (pages72[i]!.width! * 150) / 72)).toBeLessThanOrEqual(2);
      expect(Math.abs(p.height! - (pages72[i]!.height! * 150) / 72)).toBeLessThanOrEqual(2);
      expect(p.resolution).toBe(150);
    }
    // The earlier rip's files are gone; the PDF itself is byte for byte what was uploaded.
    expect(await storedExists(h, first.optimized_key!)).toBe(false);
    expect(await fs.readFile(await storedPath(h, original!.original_key))).toEqual(originalBytes);
  });

  it('rasterises an EPS at its bounding box and an Illustrator file, in the requested colour space', async () => {
    const { outcome } = await reprocess([handles.line!, handles.art!], {
      postScriptOptions: { resolution: 144, colorspace: 'Gray' },
      illustratorOptions: { resolution: 72 },
    });
    expect(outcome).toMatchObject({ outcome: 'done', processed: 2, errors: 0 });
    const [eps] = await pagesOf(handles.line!);
    // %%BoundingBox: 0 0 100 100 at 144 ppi is 200×200 pixels.
    expect(eps).toMatchObject({ name: 'line_1', width: 200, height: 200, format: 'png' });
    const stats = await sharp(await storedPath(h, eps!.original_key)).metadata();
    expect(stats.channels).toBe(1);
    expect((await pagesOf(handles.art!)).length).toBe(17);
  });

  it('keeps a document as it is with process None, and fails a corrupt one alone', async () => {
    const bad = path.join(dir, 'broken.pdf');
    await fs.writeFile(bad, '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'bad', endJob: true },
      files: [{ path: bad }],
      authorization: basic(acme.who),
    });
    await h.client.workflow.getHandle(up.body.jobHandle).result();
    const broken = (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, 'broken'))!.asset_handle;
    const { jobHandle, outcome } = await reprocess([broken, handles.line!], { postScriptOptions: { process: 'None' } });
    expect(outcome).toMatchObject({ outcome: 'done', processed: 2, errors: 1 });
    const item = await h.ctx.repositories.jobLogs.findItem(jobHandle, broken);
    expect(item).toMatchObject({ status: 'error' });
    expect(item!.reason).toMatch(/Ghostscript|page/i);
  });

  it('kills the Ghostscript child within seconds when the job is stopped mid-rip', async () => {
    // 17 pages at 1200 ppi: minutes of Ghostscript work, so a finished rip cannot pass for a killed one.
    const jobHandle = await submit([handles.long!], { pdfOptions: { resolution: 1200, pdfCatalog: false } }, 'long');
    let busy: number[] = [];
    const deadline = Date.now() + 60_000;
    while (busy.length === 0 && Date.now() < deadline) {
      await sleep(200);
      busy = await ripChildren();
    }
    expect(busy.length).toBeGreaterThan(0);
    await sleep(1500); // well into a page
    const stopAt = Date.now();
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    while ((await Promise.all(busy.map(alive))).some(Boolean) && Date.now() - stopAt < 60_000) await sleep(100);
    const seconds = (Date.now() - stopAt) / 1000;
    console.log(`[rip-stop] ${busy.length} Ghostscript child(ren) gone ${seconds.toFixed(1)} s after stopJob`);
    expect((await Promise.all(busy.map(alive))).some(Boolean)).toBe(false);
    await expect(h.client.workflow.getHandle(jobHandle).result()).rejects.toThrow();
    const log = await h.ctx.repositories.jobLogs.find(jobHandle);
    expect(log!.end_date).not.toBeNull();
    // The document was not finished: its pages are incomplete and it has no success record.
    expect(await h.ctx.repositories.jobLogs.findItem(jobHandle, handles.long!)).toBeUndefined();
    expect((await pagesOf(handles.long!)).length).toBeLessThan(17);
  });
});
