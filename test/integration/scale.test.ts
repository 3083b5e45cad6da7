import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameKey, newHandle } from '../../src/domain/handles.js';
import { MAX_HISTORY_EVENTS_PER_RUN } from '../../workflows/item-job.js';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { uploadPost } from '../support/fixtures.js';

/** The scale: 10,000 assets in one job (IPS_SCALE_ASSETS lowers it for a quick local run). */
const ASSETS = Number(process.env.IPS_SCALE_ASSETS ?? 10_000);

describe(`a ${ASSETS}-asset ReprocessAssetsJob stays inside Temporal's history limits (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const handles: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-scale-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const tiny = path.join(dir, 'tiny.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .png()
      .toFile(tiny);
    const r = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'seed', endJob: true },
      files: [{ path: tiny, name: 'tiny-00000.png' }],
      authorization: basic(acme.who),
    });
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    const [seed] = await h.ctx.database.db.selectFrom('assets').selectAll().where('company_handle', '=', acme.companyHandle).execute();
    handles.push(seed!.asset_handle);
    // The other assets are catalog copies of the uploaded one (same stored original): uploading
    // 10,000 files would test the upload job, not this one.
    const rows = Array.from({ length: ASSETS - 1 }, (_, i) => {
      const name = `tiny-${String(i + 1).padStart(5, '0')}`;
      const asset_handle = newHandle.asset();
      handles.push(asset_handle);
      return { ...seed!, asset_handle, name, name_key: nameKey(name), file_name: `${name}.png`, optimized_key: null };
    });
    for (let i = 0; i < rows.length; i += 500)
      await h.ctx.database.db
        .insertInto('assets')
        .values(rows.slice(i, i + 500))
        .execute();
  }, 300_000);
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('finishes every asset, with continue-as-new runs each far below the event limit', async () => {
    const started = Date.now();
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'scale',
        reprocessAssetsJob: { assetHandleArray: handles, createMask: false, emailSetting: 'None', manualCropOptions: { left: 1, right: 1, top: 1, bottom: 1 } },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(200);
    const { jobHandle } = r.body;
    const outcome = await h.client.workflow.getHandle(jobHandle).result();
    expect(outcome).toMatchObject({ outcome: 'done', total: ASSETS, processed: ASSETS, errors: 0 });

    const log = await h.ctx.repositories.jobLogs.find(jobHandle);
    expect(log).toMatchObject({ total_file_count: ASSETS, file_success_count: ASSETS, file_error_count: 0 });
    const cropped = await h.ctx.database.db
      .selectFrom('assets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('company_handle', '=', acme.companyHandle)
      .where('width', '=', 6)
      .executeTakeFirstOrThrow();
    expect(Number(cropped.n)).toBe(ASSETS);

    // Every run of the chain: the first, and each continue-as-new after it.
    const runs: Array<{ runId: string; events: number }> = [];
    for await (const exec of h.client.workflow.list({ query: `WorkflowId = '${jobHandle}'` })) {
      const history = await h.client.workflow.getHandle(jobHandle, exec.runId).fetchHistory();
      runs.push({ runId: exec.runId, events: history.events?.length ?? 0 });
    }
    const total = runs.reduce((n, run) => n + run.events, 0);
    const max = Math.max(...runs.map((run) => run.events));
    console.log(
      `[scale] ${ASSETS} assets in ${((Date.now() - started) / 1000).toFixed(1)} s: ${runs.length} run(s), max ${max} events in one run, ` +
        `${total} events in all = ${(total / ASSETS).toFixed(3)} events/asset`,
    );
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(max).toBeLessThanOrEqual(MAX_HISTORY_EVENTS_PER_RUN);
    expect(total / ASSETS).toBeLessThanOrEqual(0.5);
  }, 1_200_000);
});
