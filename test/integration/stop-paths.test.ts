import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompanyHandleKey, JobNameKey, JobTypeKey, SubmitUserKey } from '../../src/adapters/temporal/search-attributes.js';
import { newHandle } from '../../src/domain/handles.js';
import { OPTIMIZER_VERSION } from '../../src/services/assets/pyramid.js';
import { type JobRequest, jobProgressQuery } from '../../src/jobs/contracts.js';
import { type Harness, basic, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg, uploadPost } from '../support/fixtures.js';
import { waitUntil as waitFor } from '../support/wait.js';

const IMAGES = 20;

/**
 * Every way a job can be stopped or end early, each asserting the job log's
 * end row: stopJob, the stopJob signal from a Temporal client, a cancellation
 * request, a terminate, a run timeout and a failed run (the last three run no
 * workflow code: the worker's reconciler ends their logs).
 */
describe(`stop paths end the job log (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let source: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;

  const active = async (jobHandle: string) => (await h.api('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).body.jobArray.items[0];
  const processed = async (jobHandle: string) => ((await active(jobHandle))?.taskProgressArray.items[0]?.numProcessed ?? 0) as number;
  const makeStale = () => h.ctx.database.db.updateTable('assets').set({ optimizer_version: 0 }).where('company_handle', '=', acme.companyHandle).execute();
  const optimized = async () =>
    (
      await h.ctx.database.db
        .selectFrom('assets')
        .select('asset_handle')
        .where('company_handle', '=', acme.companyHandle)
        .where('optimizer_version', '=', OPTIMIZER_VERSION)
        .execute()
    )
      .map((r) => r.asset_handle)
      .sort();
  const waitUntil = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000) => waitFor(what, fn, timeoutMs);
  const submitOptimize = async (jobName: string): Promise<string> => {
    await makeStale();
    const r = await h.api('submitJob', { companyHandle: acme.companyHandle, jobName, optimizeImagesJob: { emailSetting: 'None' } }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.jobHandle;
  };
  const doneAtLeast = (jobHandle: string, items: number) => waitUntil(`${items} assets done`, async () => (await processed(jobHandle)) >= items);
  /** Holds a job between items: paused, with nothing in flight. */
  const holdAfter = async (jobHandle: string, items: number) => {
    await doneAtLeast(jobHandle, items);
    expect((await h.api('pauseJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    await waitUntil('the in-flight asset to finish', async () => (await active(jobHandle))?.taskProgressArray.items[0]?.numProcessing === 0);
  };
  /** The job's log once it has ended (endDate set), read through the API as a client would, and the assets it optimised (sorted handles). */
  const endedLog = async (jobHandle: string) => {
    const log = await waitUntil(`${jobHandle}'s log to end`, async () => {
      const r = await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle }, acme.who);
      return r.status === 200 && r.body.jobLogArray.items[0]?.endDate ? r.body.jobLogArray.items[0] : undefined;
    });
    const details: Array<{ logType: string; logMessage: string; assetHandle?: string }> = log.detailArray.items;
    const done = details
      .filter((d) => d.logType === 'ReoptimizeSuccess')
      .map((d) => d.assetHandle!)
      .sort();
    return { log, details, last: details[details.length - 1]!, done };
  };
  const statusOf = async (jobHandle: string) => (await h.client.workflow.getHandle(jobHandle).describe()).status.name;
  const closed = (jobHandle: string) =>
    waitUntil(`${jobHandle} to close`, async () => ((await statusOf(jobHandle)) !== 'RUNNING' ? statusOf(jobHandle) : undefined));
  /** What a submitted OptimizeImagesJob's workflow is started with, for the tests that start one through the Temporal client. */
  const optimizeStart = (originalName: string, jobType = 'ImageOptimization') => {
    const request: JobRequest = {
      companyHandle: acme.companyHandle,
      originalName,
      submitUserHandle: acme.userHandle,
      submitUserEmail: acme.who.email,
      notifyUserEmail: acme.who.email,
      jobType,
      element: 'optimizeImagesJob',
      options: { emailSetting: 'None' },
      lanes: 1,
    };
    return {
      workflowId: newHandle.job(acme.companyHandle, `${originalName}-${Date.now()}`),
      taskQueue: h.ctx.config.temporal.taskQueue,
      args: [request],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: CompanyHandleKey, value: acme.companyHandle },
        { key: JobTypeKey, value: jobType },
        { key: JobNameKey, value: originalName },
        { key: SubmitUserKey, value: acme.who.email },
      ]),
      memo: { element: 'optimizeImagesJob', options: { emailSetting: 'None' } },
    };
  };

  beforeAll(async () => {
    // One activity at a time makes a job slow enough to catch mid-way; the reconciler sweeps every second.
    h = await startHarness({ WORKER_ACTIVITY_CONCURRENCY: '1', JOB_RECONCILE_SECONDS: '1' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-stop-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    source = await makeJpeg(path.join(dir, 'source.jpg'), 2400, 1800);
    const files = Array.from({ length: IMAGES }, (_, i) => ({ path: source, name: `img-${String(i).padStart(2, '0')}.jpg` }));
    await seedAssets(h, acme, files);
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('stopJob: the end row names the caller and the items done', async () => {
    const jobHandle = await submitOptimize('api-stop');
    await doneAtLeast(jobHandle, 2);
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    expect(await closed(jobHandle)).toBe('CANCELLED');
    const { log, last, done } = await endedLog(jobHandle);
    expect(last).toMatchObject({
      logType: 'EndReoptimize',
      logMessage: `Job ${log.jobName} was stopped by ${acme.who.email}; ${done.length} of ${IMAGES} items were finished`,
    });
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect(log.fatalError).toBe(false);
  });

  it('stopJob on a job still waiting for its execTime: the log begins and ends at once, naming the caller', async () => {
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'later-stop',
        execTime: new Date(Date.now() + 3_600_000).toISOString(),
        optimizeImagesJob: { emailSetting: 'None' },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const jobHandle: string = r.body.jobHandle;
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    expect(await closed(jobHandle)).toBe('CANCELLED');
    const { log, last } = await endedLog(jobHandle);
    expect(last).toMatchObject({ logType: 'EndReoptimize', logMessage: `Job ${log.jobName} was stopped by ${acme.who.email}; 0 of 0 items were finished` });
    expect(log).toMatchObject({ fatalError: false, totalFileCount: 0 });
  });

  it('the stopJob signal from a Temporal client stops the job as stopJob does, naming its user and reason', async () => {
    const jobHandle = await submitOptimize('signal-stop');
    await doneAtLeast(jobHandle, 2);
    const handle = h.client.workflow.getHandle(jobHandle);
    await handle.signal('stopJob', { user: 'ops@example.com', reason: 'maintenance window' });
    // Asked of the workflow itself: getActiveJobs shares a snapshot for a second, and only stopJob through the API forgets it.
    await waitUntil('the job to report Stopping', async () => (await handle.query(jobProgressQuery)).state === 'Stopping');
    expect(await closed(jobHandle)).toBe('CANCELLED');
    const { log, last, done } = await endedLog(jobHandle);
    expect(last).toMatchObject({
      logType: 'EndReoptimize',
      logMessage: `Job ${log.jobName} was stopped by ops@example.com (maintenance window); ${done.length} of ${IMAGES} items were finished`,
    });
    expect(done.length).toBeLessThan(IMAGES);
    expect(log).toMatchObject({ fatalError: false, fileSuccessCount: done.length });
    // Finished assets stay finished, the others untouched.
    expect(await optimized()).toEqual(done);
  });

  it('the stopJob signal without a user names the signal', async () => {
    const jobHandle = await submitOptimize('signal-stop-anonymous');
    await holdAfter(jobHandle, 1);
    // As `temporal workflow signal --name stopJob` sends it without --input.
    await h.client.workflow.getHandle(jobHandle).signal('stopJob');
    expect(await closed(jobHandle)).toBe('CANCELLED');
    const { log, last, done } = await endedLog(jobHandle);
    expect(last).toMatchObject({
      logType: 'EndReoptimize',
      logMessage: `Job ${log.jobName} was stopped by a stopJob signal from a Temporal client; ${done.length} of ${IMAGES} items were finished`,
    });
    expect(log.fatalError).toBe(false);
  });

  it('a cancellation request from a Temporal client (Web UI, temporal workflow cancel) stops the job the same way', async () => {
    const jobHandle = await submitOptimize('cancel');
    await doneAtLeast(jobHandle, 2);
    await h.client.workflow.getHandle(jobHandle).cancel();
    expect(await closed(jobHandle)).toBe('CANCELLED');
    const { log, last, done } = await endedLog(jobHandle);
    expect(last).toMatchObject({
      logType: 'EndReoptimize',
      logMessage: `Job ${log.jobName} was stopped by a cancellation request from a Temporal client; ${done.length} of ${IMAGES} items were finished`,
    });
    expect(log).toMatchObject({ fatalError: false, fileSuccessCount: done.length });
    expect(await optimized()).toEqual(done);
  });

  it('a terminated run: the reconciler ends the log (FatalError, fatalError, endDate) and the assets stay as committed', async () => {
    const jobHandle = await submitOptimize('terminate');
    await holdAfter(jobHandle, 2);
    await h.client.workflow.getHandle(jobHandle).terminate('operator pulled the plug');
    expect(await closed(jobHandle)).toBe('TERMINATED');
    const { log, details, last, done } = await endedLog(jobHandle);
    expect(last).toMatchObject({
      logType: 'FatalError',
      logMessage: `Job ${log.jobName} was terminated in Temporal (operator pulled the plug); ${done.length} items were finished`,
    });
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect(log).toMatchObject({ fatalError: true, fileSuccessCount: done.length, totalFileCount: done.length });
    expect(Date.parse(log.endDate)).toBeGreaterThanOrEqual(Date.parse(log.startDate));
    expect(await optimized()).toEqual(done);
    expect(details.filter((d) => d.logType === 'FatalError')).toHaveLength(1);
  });

  it('a run that times out (a run timeout given by the client that started it): the reconciler ends the log', async () => {
    // Started through the Temporal client as submitJob would start it, plus a time limit the job cannot finish in.
    const start = { ...optimizeStart('timeout'), workflowExecutionTimeout: '20s' };
    await makeStale();
    await h.client.workflow.start('optimizeImagesWorkflow', start);
    const jobHandle = start.workflowId;
    await holdAfter(jobHandle, 1);
    expect(await closed(jobHandle)).toBe('TIMED_OUT');
    const { log, last, done } = await endedLog(jobHandle);
    expect(last).toMatchObject({
      logType: 'FatalError',
      logMessage: `Job ${log.jobName} timed out: it reached its Temporal time limit of 20 seconds; ${done.length} items were finished`,
    });
    expect(log).toMatchObject({ fatalError: true, fileSuccessCount: done.length });
    expect(await optimized()).toEqual(done);
  });

  it('a run that fails before its Begin row (a job type the server does not run): the reconciler creates and ends the log', async () => {
    // As a schedule an older version created for a job type since retired would start it.
    const start = optimizeStart('retired', 'RetiredOptimization');
    await h.client.workflow.start('optimizeImagesWorkflow', start);
    const jobHandle = start.workflowId;
    expect(await closed(jobHandle)).toBe('FAILED');
    const { log, details, last } = await endedLog(jobHandle);
    expect(log).toMatchObject({
      jobHandle,
      originalJobName: 'retired',
      submitUserEmail: acme.who.email,
      logType: 'FatalError',
      fatalError: true,
      totalFileCount: 0,
    });
    expect(log.jobName).toMatch(/^retired_\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d\.\d{3}$/);
    expect(details).toHaveLength(1);
    // The Begin row is written by a local activity, whose failure carries no "Activity task failed" message of its own.
    expect(last).toMatchObject({
      logType: 'FatalError',
      logMessage: `Job ${log.jobName} failed: job type RetiredOptimization is not one this server runs`,
    });
    // getJobLogs lists it with the submitter's handle, as for any job of theirs.
    const mine = (await h.api('getJobLogs', { companyHandle: acme.companyHandle, userHandle: acme.userHandle }, acme.who)).body.jobLogArray.items;
    expect(mine.map((l: { jobHandle: string }) => l.jobHandle)).toContain(jobHandle);
  });

  it('an upload job stops the same way: files in hand finish, the others are logged as not processed', async () => {
    const files = Array.from({ length: 3 }, (_, i) => ({ path: source, name: `late-${i}.jpg` }));
    const r = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'upload-stop', endJob: false },
      files,
      authorization: basic(acme.who),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const jobHandle: string = r.body.jobHandle;
    await waitUntil('the upload to start', async () => h.ctx.repositories.jobLogs.find(jobHandle));
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
    expect(await closed(jobHandle)).toBe('CANCELLED');
    const { log, details, last } = await endedLog(jobHandle);
    const ingested = details.filter((d) => d.logType === 'UploadSuccess').length;
    const notProcessed = details.filter((d) => d.logType === 'UploadError' && d.logMessage.includes('not processed: the job was stopped first')).length;
    expect(ingested + notProcessed).toBe(3);
    expect(last).toMatchObject({
      logType: 'EndUpload',
      logMessage: `Job ${log.jobName} was stopped by ${acme.who.email}; ${ingested} of 3 items were finished`,
    });
    expect(log).toMatchObject({ fatalError: false, totalFileCount: 3, fileErrorCount: notProcessed });
  });
});
