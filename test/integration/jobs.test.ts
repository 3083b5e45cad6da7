import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemporalCli } from '../../src/adapters/temporal/dev-server.js';
import { OPTIMIZER_VERSION } from '../../src/services/assets/pyramid.js';
import { pauseJobSignal } from '../../src/jobs/contracts.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg } from '../support/fixtures.js';
import { waitUntil } from '../support/wait.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const IMAGES = 20;

describe(`job engine: submitJob, progress, control, schedules (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;

  const active = async (jobHandle: string) => (await h.api('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).body.jobArray.items[0];
  const submit = (extra: Record<string, unknown>, jobName = 'optimize') =>
    h.api('submitJob', { companyHandle: acme.companyHandle, jobName, optimizeImagesJob: { emailSetting: 'None' }, ...extra }, acme.who);
  /** Marks every image as optimised by an older optimiser, so OptimizeImagesJob has all of them to do. */
  const makeStale = () => h.ctx.database.db.updateTable('assets').set({ optimizer_version: 0 }).where('company_handle', '=', acme.companyHandle).execute();
  const staleCount = async () =>
    Number(
      (
        await h.ctx.database.db
          .selectFrom('assets')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('company_handle', '=', acme.companyHandle)
          .where('optimizer_version', '<', OPTIMIZER_VERSION)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const gone = (jobHandle: string, timeoutMs?: number) => waitUntil(`${jobHandle} to finish`, async () => !(await active(jobHandle)) && true, timeoutMs);

  beforeAll(async () => {
    // One activity at a time makes the job slow enough to watch, pause and stop mid-way.
    h = await startHarness({ WORKER_ACTIVITY_CONCURRENCY: '1', IPS_TIMEZONE: 'UTC' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-jobs-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const source = await makeJpeg(path.join(dir, 'source.jpg'), 2400, 1800);
    const files = Array.from({ length: IMAGES }, (_, i) => ({ path: source, name: `img-${String(i).padStart(2, '0')}.jpg` }));
    await seedAssets(h, acme, files);
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('runs an OptimizeImagesJob over 20 images with progress rising monotonically', async () => {
    await makeStale();
    const r = await submit({ description: 'nightly' });
    expect(r.status).toBe(200);
    const { jobHandle } = r.body;
    const seen: number[] = [];
    let sample: any;
    for (;;) {
      const job = await active(jobHandle);
      if (!job) break;
      sample ??= job.state === 'Running' && job.totalSize === IMAGES ? job : undefined;
      seen.push(job.progress);
      await sleep(100);
    }
    expect(seen.length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(sample).toMatchObject({
      companyHandle: acme.companyHandle,
      jobHandle,
      originalName: 'optimize',
      type: 'ImageOptimization',
      submitUserEmail: acme.who.email,
      description: 'nightly',
      totalSize: IMAGES,
      optimizeImagesJob: { emailSetting: 'None' },
    });
    expect(sample.name).toMatch(/^optimize_\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d\.\d{3}$/);
    expect(sample.serverName).not.toBe('');
    expect(sample.taskProgressArray.items[0]).toMatchObject({ taskType: 'ImageOptimization' });
    expect(await staleCount()).toBe(0);
    const logs = await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle }, acme.who);
    const log = logs.body.jobLogArray.items[0];
    expect(log).toMatchObject({
      jobName: sample.name,
      originalJobName: 'optimize',
      fileSuccessCount: IMAGES,
      fileErrorCount: 0,
      totalFileCount: IMAGES,
      fatalError: false,
    });
    expect(log.detailArray.items.filter((d: any) => d.logType === 'ReoptimizeSuccess')).toHaveLength(IMAGES);
    expect(log.detailArray.items.map((d: any) => d.logType)).toEqual(expect.arrayContaining(['BeginReoptimize', 'EndReoptimize']));
  });

  it('pauses (no asset starts while paused) and resumes to completion', async () => {
    await makeStale();
    const { jobHandle } = (await submit({}, 'pausable')).body;
    await waitUntil('3 assets done', async () => ((await active(jobHandle))?.taskProgressArray.items[0]?.numProcessed ?? 0) >= 3);
    expect((await h.api('pauseJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    expect((await h.api('pauseJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).body).toMatchObject({ code: 30001 });
    // The asset in flight when the pause arrived finishes; then nothing moves.
    const paused = await waitUntil('the in-flight asset to finish', async () => {
      const job = await active(jobHandle);
      return job?.taskProgressArray.items[0]?.numProcessing === 0 ? job : undefined;
    });
    expect(paused.progressMessage).toContain('Paused');
    await sleep(2000);
    const still = await active(jobHandle);
    expect(still.taskProgressArray.items[0].numProcessed).toBe(paused.taskProgressArray.items[0].numProcessed);
    expect(still.taskProgressArray.items[0].numProcessing).toBe(0);
    expect(still.taskProgressArray.items[0].numProcessed).toBeLessThan(IMAGES);
    expect((await h.api('resumeJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    await gone(jobHandle);
    expect(await staleCount()).toBe(0);
  });

  it('stops a job mid-way: Stopping, then gone; the log says stopped; finished assets stay finished', async () => {
    await makeStale();
    const { jobHandle } = (await submit({}, 'stoppable')).body;
    await waitUntil('3 assets done', async () => ((await active(jobHandle))?.taskProgressArray.items[0]?.numProcessed ?? 0) >= 3);
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    const states = new Set<string>();
    for (let job = await active(jobHandle); job; job = await active(jobHandle)) states.add(job.state);
    // The item in flight when the stop arrived finishes first: the job shows Stopping meanwhile.
    expect(states.has('Stopping')).toBe(true);
    expect([...states].every((s) => s === 'Running' || s === 'Stopping')).toBe(true);
    await expect(h.client.workflow.getHandle(jobHandle).result()).rejects.toThrow();
    expect((await h.client.workflow.getHandle(jobHandle).describe()).status.name).toBe('CANCELLED');
    const again = await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who);
    expect(again.status).toBe(400);
    expect(again.body.reason).toContain('finished');

    const log = (
      await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle, logTypeArray: ['EndReoptimize', 'ReoptimizeSuccess'] }, acme.who)
    ).body.jobLogArray.items[0];
    const end = log.detailArray.items.find((d: any) => d.logType === 'EndReoptimize');
    expect(end.logMessage).toContain(`stopped by ${acme.who.email}`);
    const done = log.detailArray.items.filter((d: any) => d.logType === 'ReoptimizeSuccess').map((d: any) => d.assetHandle);
    expect(done.length).toBeGreaterThanOrEqual(3);
    expect(done.length).toBeLessThan(IMAGES);
    const rows = await h.ctx.repositories.assets.findByHandles(acme.companyHandle, done);
    for (const row of rows) {
      expect(row.optimizer_version).toBe(OPTIMIZER_VERSION);
      expect(await h.ctx.storage.exists(row.optimized_key!)).toBe(true);
    }
    expect(await staleCount()).toBe(IMAGES - done.length);
  });

  it('keeps a job paused before it has counted its items showing "Paused by", and runs it on resume', async () => {
    await makeStale();
    await h.stopWorker();
    let jobHandle: string;
    try {
      jobHandle = (await submit({}, 'paused-early')).body.jobHandle;
      // pauseJob asks the running workflow first, so with no worker it answers 500; any Temporal client can
      // signal, though, and that signal waits in the history with the start: its handler runs before the count.
      await h.client.workflow.getHandle(jobHandle).signal(pauseJobSignal, { user: acme.who.email });
    } finally {
      await h.startWorker();
    }
    await waitUntil('items counted', async () => (await active(jobHandle))?.totalSize === IMAGES);
    // Past the live-progress snapshot's lifetime (PROGRESS_CACHE_MS, 1 s), the counted job still says who paused it.
    await sleep(1500);
    const paused = await active(jobHandle);
    expect(paused.progressMessage).toBe(`Paused by ${acme.who.email}`);
    expect(paused.taskProgressArray.items[0]?.numProcessed ?? 0).toBe(0);
    expect((await h.api('resumeJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    await gone(jobHandle);
    expect(await staleCount()).toBe(0);
  });

  it('keeps listing a job while no worker runs it (last known progress), and finishes it after a restart', async () => {
    await makeStale();
    const { jobHandle } = (await submit({}, 'orphaned')).body;
    await waitUntil('3 assets done', async () => ((await active(jobHandle))?.taskProgressArray.items[0]?.numProcessed ?? 0) >= 3);
    await h.stopWorker();
    try {
      // A live-progress snapshot is shared for up to PROGRESS_CACHE_MS (1 s); after it, the unanswered query shows.
      let job = await active(jobHandle);
      await waitUntil('no live progress', async () => ((job = await active(jobHandle))?.progressMessage ?? '').includes('no live progress'));
      expect(job).toMatchObject({ state: 'Running', originalName: 'orphaned', type: 'ImageOptimization' });
      expect(job.progressMessage).toContain('no live progress');
      const log = await h.ctx.repositories.jobLogs.find(jobHandle);
      expect(job.totalSize).toBe(IMAGES);
      expect(job.progress).toBe(Math.floor((log!.total_file_count * 100) / IMAGES));
      expect(job.progress).toBeGreaterThanOrEqual(15);
    } finally {
      await h.startWorker();
    }
    // An item task the old worker took while shutting down is retried after the 30 s heartbeat timeout.
    await gone(jobHandle, 100_000);
    expect(await staleCount()).toBe(0);
    const log = await h.ctx.repositories.jobLogs.find(jobHandle);
    expect(log).toMatchObject({ file_success_count: IMAGES, total_file_count: IMAGES });
  });

  it('starts an execTime job at that instant and lists it as not yet running before', async () => {
    const at = new Date(Date.now() + 5000);
    const { jobHandle } = (await submit({ execTime: at.toISOString() }, 'later')).body;
    const waiting = await active(jobHandle);
    expect(waiting).toMatchObject({ state: 'New', originalName: 'later', triggerTime: at.toISOString() });
    expect(await h.ctx.repositories.jobLogs.find(jobHandle)).toBeUndefined();
    await gone(jobHandle);
    const log = await h.ctx.repositories.jobLogs.find(jobHandle);
    expect(Date.parse(log!.start_date)).toBeGreaterThanOrEqual(at.getTime() - 1000);
  });

  it('runs an execSchedule on a Temporal Schedule: listed, fires, pauses, resumes, runs now, deletes', async () => {
    const r = await submit({ execSchedule: '*/3 * * * * ?', optimizeImagesJob: { emailSetting: 'None' } }, 'recurring');
    expect(r.status).toBe(200);
    const { jobHandle } = r.body;
    const listed = async () =>
      (await h.api('getScheduledJobs', { companyHandle: acme.companyHandle }, acme.who)).body.jobArray.items.find((j: any) => j.jobHandle === jobHandle);
    const first = await listed();
    expect(first).toMatchObject({
      originalName: 'recurring',
      type: 'ImageOptimization',
      execSchedule: '*/3 * * * * ?',
      timeZone: 'UTC',
      triggerState: 'Normal',
      submitUserEmail: acme.who.email,
    });
    const next = Date.parse(first.nextFireTime);
    expect(next).toBeGreaterThan(Date.now() - 1000);
    expect(next).toBeLessThanOrEqual(Date.now() + 3500);
    expect(new Date(next).getUTCSeconds() % 3).toBe(0);

    const runs = async () =>
      (await h.api('getJobLogs', { companyHandle: acme.companyHandle }, acme.who)).body.jobLogArray.items.filter((l: any) => l.originalJobName === 'recurring')
        .length;
    await waitUntil('two scheduled runs', async () => (await runs()) >= 2, 30_000);

    expect((await h.api('pauseJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    expect((await listed()).triggerState).toBe('Paused');
    // A run that fired just before the pause may still be starting: let it finish first.
    await waitUntil(
      'no running scheduled run',
      async () => (await h.api('getActiveJobs', { companyHandle: acme.companyHandle, originalName: 'recurring' }, acme.who)).body.jobArray.items.length === 0,
    );
    await sleep(500);
    const whilePaused = await runs();
    await sleep(4000);
    expect(await runs()).toBe(whilePaused);
    expect((await h.api('executeJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    await waitUntil('the run started by executeJob', async () => (await runs()) > whilePaused, 20_000);
    expect((await h.api('resumeJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    expect((await listed()).triggerState).toBe('Normal');
    expect((await h.api('deleteJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    expect(await listed()).toBeUndefined();
  });

  it('refuses every submitJob rule violation with the right code and field', async () => {
    const c = acme.companyHandle;
    const cases: Array<[Record<string, unknown>, number, string, string?]> = [
      [{ companyHandle: c, optimizeImagesJob: { emailSetting: 'None' } }, 30002, 'jobName'],
      [{ jobName: 'x', optimizeImagesJob: { emailSetting: 'None' } }, 30002, 'companyHandle'],
      [{ companyHandle: c, jobName: 'x' }, 30002, 'optimizeImagesJob', 'exactly one job element'],
      [
        {
          companyHandle: c,
          jobName: 'x',
          optimizeImagesJob: { emailSetting: 'None' },
          exportJob: { assetHandleArray: ['a|1'], fmt: 'orig', emailSetting: 'None' },
        },
        30001,
        'exportJob',
        'exactly one job element',
      ],
      [{ companyHandle: c, jobName: 'x', createVideoSitemapJob: { forceUpdate: 'yes' } }, 30001, 'createVideoSitemapJob.forceUpdate', 'expected boolean'],
      [{ companyHandle: c, jobName: 'x', optimizeImagesJob: { emailSetting: 'Sometimes' } }, 30001, 'optimizeImagesJob.emailSetting', 'one of All, Error'],
      [{ companyHandle: c, jobName: 'x', optimizeImagesJob: {} }, 30002, 'optimizeImagesJob.emailSetting'],
      [{ companyHandle: c, jobName: 'x', optimizeImagesJob: { emailSetting: 'None', extra: 1 } }, 30001, 'optimizeImagesJob.extra'],
      [
        { companyHandle: c, jobName: 'x', optimizeImagesJob: { emailSetting: 'None' }, execTime: '2030-01-01T00:00:00Z', execSchedule: '0 0 12 * * ?' },
        30001,
        'execSchedule',
        'at most one',
      ],
      [{ companyHandle: c, jobName: 'x', optimizeImagesJob: { emailSetting: 'None' }, execTime: 'tomorrow' }, 30001, 'execTime'],
      [{ companyHandle: c, jobName: 'x', optimizeImagesJob: { emailSetting: 'None' }, execSchedule: '0 0 12 15 * MON' }, 30001, 'execSchedule'],
      [{ companyHandle: c, jobName: 'x', optimizeImagesJob: { emailSetting: 'None' }, locale: 'english' }, 30001, 'locale', 'll or ll-CC'],
      [{ companyHandle: c, jobName: 'x', optimizeImagesJob: { emailSetting: 'None' }, userHandle: 'u|nobody|x@y.z' }, 30001, 'userHandle'],
    ];
    for (const [body, code, field, reason] of cases) {
      const r = await h.api('submitJob', body, acme.who);
      expect({ body, fault: r.body }).toMatchObject({ fault: { code, field } });
      if (reason) expect(r.body.reason).toContain(reason);
    }
    const admin = await companyWithUser(h, 'AdminCo', 'IpsCompanyAdmin');
    const byCompanyAdmin = await h.api(
      'submitJob',
      { companyHandle: admin.companyHandle, jobName: 'x', optimizeImagesJob: { emailSetting: 'None' } },
      admin.who,
    );
    expect(byCompanyAdmin.body).toMatchObject({ fault: 'authorizationFault', code: 20003 });
    const foreign = await h.api('submitJob', { companyHandle: admin.companyHandle, jobName: 'x', optimizeImagesJob: { emailSetting: 'None' } }, acme.who);
    expect(foreign.body).toMatchObject({ code: 20006 });
  });

  it("keeps other companies' jobs out of reach", async () => {
    const other = await companyWithUser(h, 'Other', 'IpsUser');
    const { jobHandle } = (await submit({ execTime: new Date(Date.now() + 60_000).toISOString() }, 'private')).body;
    const list = await h.api('getActiveJobs', {}, other.who);
    expect(list.body.jobArray.items.map((j: any) => j.jobHandle)).not.toContain(jobHandle);
    // Named under the caller's own company, another company's job is refused (20006) without echoing its handle.
    const stop = await h.api('stopJob', { companyHandle: other.companyHandle, jobHandle }, other.who);
    expect(stop.status).toBe(403);
    expect(stop.body).toMatchObject({ code: 20006, field: 'jobHandle', reason: 'jobHandle: the job belongs to another company than companyHandle names' });
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle }, other.who)).status).toBe(403);
    // So too for the IpsAdmin naming the wrong company (not "not an active member"): nothing is stopped or paused.
    for (const op of ['stopJob', 'pauseJob', 'deleteJob']) {
      const r = await h.api(op, { companyHandle: other.companyHandle, jobHandle });
      expect(r.body, op).toMatchObject({ code: 20006, field: 'jobHandle', reason: 'jobHandle: the job belongs to another company than companyHandle names' });
    }
    expect((await h.api('getActiveJobs', { companyHandle: acme.companyHandle }, acme.who)).body.jobArray.items.map((j: any) => j.jobHandle)).toContain(
      jobHandle,
    );
    expect((await h.api('deleteJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
  });

  it('lets the Temporal CLI find jobs by company', async () => {
    const { stdout } = await run(findTemporalCli(process.env.TEMPORAL_CLI), [
      'workflow',
      'list',
      '--address',
      process.env.IPS_TEST_TEMPORAL!,
      '--query',
      `CompanyHandle="${acme.companyHandle}" AND JobType="ImageOptimization"`,
      '-o',
      'json',
    ]);
    const listed = stdout.trim() ? JSON.parse(stdout) : [];
    const names = (Array.isArray(listed) ? listed : [listed]).map((w: any) => w.execution?.workflowId ?? w.workflowId);
    expect(names.length).toBeGreaterThanOrEqual(4);
    expect(names.every((id: string) => id.startsWith(`j|${acme.companyHandle.replace('c|', '')}|`))).toBe(true);
  });
});
