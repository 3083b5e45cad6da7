import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprocessAssetsJob } from '../../src/domain/schemas/job.schema.js';
import type { ItemProgress } from '../../src/services/item-progress.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg, realPdf } from '../support/fixtures.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Copies of the 17-page spec in one PDF: 68 pages, each ripped by its own Ghostscript run. */
const COPIES = 4;
const PAGES = 17 * COPIES;

/** Records every report, as a service's caller would see them. */
function recorder() {
  const steps: Array<{ step: string; fraction: number; message: string }> = [];
  const progress: ItemProgress = { step: (step, fraction, message = step) => void steps.push({ step, fraction, message }) };
  return { progress, steps };
}

/** Each report's fraction above the one before (or, with `strict` false, not below it). */
function expectRising(steps: ReadonlyArray<{ fraction: number }>, strict = true): void {
  for (let i = 1; i < steps.length; i++) {
    if (strict) expect(steps[i]!.fraction).toBeGreaterThan(steps[i - 1]!.fraction);
    else expect(steps[i]!.fraction).toBeGreaterThanOrEqual(steps[i - 1]!.fraction);
  }
}

describe(`per-item progress in getActiveJobs (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const handles: Record<string, string> = {};

  const active = async (jobHandle: string) => (await h.api('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).body.jobArray.items[0];
  /** A job identity for calling a service directly, outside any workflow. */
  const directJob = (key: string, jobType = 'ReprocessAssets', jobName = 'direct') => ({
    jobHandle: `j|${key}-${Date.now()}`,
    companyHandle: acme.companyHandle,
    jobName,
    originalName: jobName,
    submitUserHandle: acme.userHandle,
    submitUserEmail: acme.who.email,
    jobType,
  });
  /** Reprocesses one seeded asset through the service itself, and returns the progress it reported. */
  const reprocessDirectly = async (name: string, key: string, options: Record<string, unknown>) => {
    const { assetHandleArray: _, ...parsed } = reprocessAssetsJob.parse({
      assetHandleArray: [handles[name]],
      createMask: false,
      emailSetting: 'None',
      ...options,
    });
    const rec = recorder();
    const result = await h.ctx.services.reprocess.reprocess(directJob(key), parsed, { assetHandle: handles[name]!, name }, undefined, rec.progress);
    expect(result).toMatchObject({ status: 'success' });
    return rec.steps;
  };

  beforeAll(async () => {
    // Two Ghostscript children: pages rip two at a time, so the document takes many progress reports.
    h = await startHarness({ RIP_POOL_SIZE: '2' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-item-progress-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const spec = await realPdf(dir);
    const long = path.join(dir, 'long.pdf');
    await run('gs', ['-dSAFER', '-dBATCH', '-dNOPAUSE', '-q', '-sDEVICE=pdfwrite', `-sOutputFile=${long}`, ...Array.from({ length: COPIES }, () => spec)]);
    // PostScript cannot start at a page: one Ghostscript run renders all 17, watched through the pool's onPages.
    const script = path.join(dir, 'script.ps');
    await run('gs', ['-dSAFER', '-dBATCH', '-dNOPAUSE', '-q', '-sDEVICE=ps2write', `-sOutputFile=${script}`, spec]);
    const photo = await makeJpeg(path.join(dir, 'photo.jpg'), 2400, 1800);
    const clip = path.join(dir, 'clip.mp4');
    await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=1:size=160x120:rate=10', '-c:v', 'libx264', clip]);
    const files = [{ path: long }, { path: script }, { path: photo }, { path: clip }];
    Object.assign(handles, await seedAssets(h, acme, files));
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('shows a running multi-page rip item rising between polls, and leaves no progress rows behind', async () => {
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'rip-progress',
        reprocessAssetsJob: { assetHandleArray: [handles.long], createMask: false, emailSetting: 'None', pdfOptions: { resolution: 150, pdfCatalog: false } },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const { jobHandle } = r.body as { jobHandle: string };

    // Polled until the item is seen at two increasing fractions (no timing asserted: a faster host only means fewer polls).
    const seen: Array<{ job: any; item: any }> = [];
    const deadline = Date.now() + 180_000;
    while (seen.length < 2) {
      if (Date.now() > deadline) throw new Error(`no rising item progress within the deadline; saw ${JSON.stringify(seen.map((s) => s.item))}`);
      const job = await active(jobHandle);
      if (!job) throw new Error(`the job ended before its item was seen rising; saw ${JSON.stringify(seen.map((s) => s.item))}`);
      const item = job.taskProgressArray.items[0]?.taskItemProgressArray.items[0];
      if (item && item.progress > 0 && (seen.length === 0 || item.progress > seen[seen.length - 1]!.item.progress)) seen.push({ job, item });
      await sleep(100);
    }

    for (const { job, item } of seen) {
      // A reprocess job knows its assets by handle only (the workflow lists them so).
      expect(item.itemName).toBe(handles.long);
      expect(item.progress).toBeGreaterThan(0);
      expect(item.progress).toBeLessThanOrEqual(1);
      expect(item.progressMessage).toMatch(new RegExp(`^(Ripping page \\d+ of ${PAGES}|Pages: pyramid \\d+ of ${PAGES}|Committing ${PAGES} pages)$`));
      expect(Number.isNaN(Date.parse(item.lastProgressUpdate))).toBe(false);
      // One asset, none finished: the job's share done is the item's.
      const task = job.taskProgressArray.items[0];
      expect(task).toMatchObject({ numProcessed: 0, numProcessing: 1, numPending: 0 });
      expect(task.progress).toBeCloseTo(item.progress, 10);
      expect(job.progress).toBe(Math.floor(item.progress * 100));
    }
    expect(seen[1]!.item.progress).toBeGreaterThan(seen[0]!.item.progress);

    expect(await h.client.workflow.getHandle(jobHandle).result()).toMatchObject({ outcome: 'done', processed: 1, errors: 0 });
    const left = await h.ctx.database.db.selectFrom('job_item_progress').selectAll().where('job_handle', '=', jobHandle).execute();
    expect(left).toEqual([]);
  });

  it('reports a whole-document PostScript rip by the pages Ghostscript has begun, then each page stored', async () => {
    const steps = await reprocessDirectly('script', 'ps', { postScriptOptions: { resolution: 300 } });
    const messages = steps.map((s) => s.message);
    expect(messages[0]).toBe('Counting pages');
    expect(messages[1]).toBe('Ripping page 1 of 17');
    // 17 pages at 300 dpi take Ghostscript seconds: the pool sees later pages begin while it runs.
    expect(messages.some((m) => /^Ripping page ([2-9]|1\d) of 17$/.test(m))).toBe(true);
    expect(messages.slice(-18)).toEqual([...Array.from({ length: 17 }, (_, i) => `Pages: pyramid ${i + 1} of 17`), 'Committing 17 pages']);
    expectRising(steps, false);
    expect(steps.at(-1)!.fraction).toBeLessThan(1);
  });

  it('reports a video reprocess as probing, the thumbnail, each encoding, then the commit', async () => {
    const steps = await reprocessDirectly('clip', 'video', {
      mediaOptions: {
        generateThumbnail: true,
        videoEncodingArray: ['a', 'b'].map((n) => ({ name: n, fileSuffix: `_${n}`, width: 80, videoBitrate: 100, audioBitrate: 32 })),
      },
    });
    expect(steps.map((s) => s.message)).toEqual(['Probing the video', 'Making the thumbnail', 'Encoding 1 of 2 (a)', 'Encoding 2 of 2 (b)', 'Committing']);
    expectRising(steps);
  });

  it('reports an optimisation and an export conversion by their steps, rising', async () => {
    const job = (jobType: string) => directJob(`progress-${jobType}`, jobType, jobType);
    const optimized = recorder();
    expect(await h.ctx.services.optimize.optimize(job('ImageOptimization'), { assetHandle: handles.photo!, name: 'photo' }, optimized.progress)).toMatchObject({
      status: 'success',
    });
    expect(optimized.steps.map((s) => s.message)).toEqual(['Reading the original', 'Building the pyramid', 'Committing']);

    const exported = recorder();
    const options = { fmt: 'convert' as const, is_modifier: 'wid=120&fmt=png', emailSetting: 'None' as const };
    expect(
      await h.ctx.services.exports.stage(job('Export'), options, { assetHandle: handles.photo!, name: 'photo' }, undefined, undefined, exported.progress),
    ).toMatchObject({ status: 'success' });
    expect(exported.steps.map((s) => s.message)).toEqual(['Converting (Image Serving)', 'Staging for the archive']);
    for (const rec of [optimized, exported]) expectRising(rec.steps);
  });

  it('reports an image reprocess by the steps around its render, in order, rising', async () => {
    const steps = await reprocessDirectly('photo', 'progress', {
      manualCropOptions: { left: 10, right: 10, top: 10, bottom: 10 },
      unsharpMaskOptions: { amount: 1, radius: 1, threshold: 0, monochrome: 0 },
    });
    expect(steps.map((s) => s.step)).toEqual(['reading', 'rendering', 'storing', 'commit']);
    expect(steps[1]!.message).toBe('Rendering (decoding, cropping, sharpening, pyramid)');
    expectRising(steps);
  });
});
