import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/adapters/database/database.js';
import { basic } from '../support/harness.js';
import { uploadPost } from '../support/fixtures.js';
import { auditReprocessJob, hashOriginals, recordedItems, summaryLine, waitForJobEnd, waitForMidJob } from '../support/job-audit.js';
import { PostgresCluster, ServiceStack, sleep, waitUntil } from '../support/processes.js';

/**
 * Fault tolerance against real processes (dist/ built by `npm run build`):
 * a Temporal dev server persisted in a SQLite file, `main.js api` and
 * `main.js worker`, each killed or restarted in the middle of a 100-asset
 * reprocess job. The SQLite scenarios run in the integration-sqlite project;
 * the database outage runs once, in the integration-postgres project, on a
 * PostgreSQL cluster of its own (stopping the shared test server would break
 * the other files running next to it).
 */

const ASSETS = 100;
// Small, so 101 uploads and three 100-asset jobs fit the test's time; a job still takes seconds,
// long enough to be caught mid-way by a 25 ms poll of the job log.
const SIZE = 256;
// IPS_SLOW_FAULTS=1: a 20 s outage, most of the 30 s an item's retries span (activity-options.ts), instead of 4 s.
const DATABASE_OUTAGE_MS = process.env.IPS_SLOW_FAULTS === '1' ? 20_000 : 4_000;
const ADMIN = { email: 'admin@faults.test', password: 'Admin-Pass-1' };
const USER = { email: 'user@faults.test', password: 'User-Pass-1' };

interface Seeded {
  companyHandle: string;
  /** the 100 assets every scenario's job reprocesses */
  handles: string[];
  /** one more asset, for the schedule, so its runs never touch the big job's derivatives */
  spare: string;
}

async function makeImages(dir: string, count: number): Promise<string[]> {
  const files: string[] = [];
  for (let n = 0; n < count; n++) {
    const file = path.join(dir, `fault-${String(n).padStart(3, '0')}.jpg`);
    const background = { r: (n * 37) % 256, g: (n * 91) % 256, b: (n * 53) % 256 };
    await sharp({ create: { width: SIZE, height: SIZE, channels: 3, background, noise: { type: 'gaussian', mean: 128, sigma: 30 } } })
      .jpeg({ quality: 85 })
      .toFile(file);
    files.push(file);
  }
  return files;
}

/** A company, an IpsUser in it and ASSETS + 1 uploaded images, through the API like a client. */
async function seed(stack: ServiceStack, db: DatabaseHandle, work: string): Promise<Seeded> {
  const { companyInfo } = await stack.call('addCompany', { companyName: 'Faults' }, ADMIN);
  const companyHandle: string = companyInfo.companyHandle;
  await stack.call(
    'addUser',
    {
      firstName: 'Fault',
      lastName: 'User',
      ...USER,
      isValid: true,
      isIpsAdmin: false,
      membershipArray: { items: [{ companyHandle, role: 'IpsUser', isActive: true }] },
    },
    ADMIN,
  );
  const dir = path.join(work, 'images');
  await fs.mkdir(dir);
  const files = await makeImages(dir, ASSETS + 1);
  const up = await uploadPost(stack.base, {
    params: { companyHandle, jobName: 'seed', endJob: true },
    files: files.map((f) => ({ path: f })),
    authorization: basic(USER),
  });
  if (up.status !== 200) throw new Error(`upload failed: ${JSON.stringify(up.body)}`);
  const log = await waitForJobEnd(db.db, up.body.jobHandle, 120_000);
  if (log.file_success_count !== ASSETS + 1) throw new Error(`seed upload stored ${log.file_success_count} of ${ASSETS + 1} files`);
  const rows = await db.db.selectFrom('assets').select(['asset_handle', 'name']).where('company_handle', '=', companyHandle).orderBy('name').execute();
  return { companyHandle, handles: rows.slice(0, ASSETS).map((r) => r.asset_handle), spare: rows[ASSETS]!.asset_handle };
}

async function submitReprocess(stack: ServiceStack, s: Seeded, jobName: string, extra: Record<string, unknown> = {}, handles = s.handles): Promise<string> {
  const r = await stack.call(
    'submitJob',
    { companyHandle: s.companyHandle, jobName, ...extra, reprocessAssetsJob: { assetHandleArray: handles, createMask: false, emailSetting: 'None' } },
    USER,
  );
  return r.jobHandle as string;
}

/** Prints the scenario's summary line and asserts exactly-once processing with the originals untouched. */
async function expectExactlyOnce(scenario: string, stack: ServiceStack, db: DatabaseHandle, jobHandle: string, s: Seeded, originals: Map<string, string>) {
  const storage = path.join(stack.dataDir, 'storage');
  const audit = await auditReprocessJob(db.db, storage, jobHandle, s.handles);
  console.log(summaryLine(scenario, audit));
  expect(stack.crashes()).toEqual([]);
  expect({ lost: audit.lost, duplicated: audit.duplicated, done: audit.done }).toEqual({ lost: 0, duplicated: 0, done: audit.expected });
  expect(audit.log).toMatchObject({ file_success_count: ASSETS, total_file_count: ASSETS, file_error_count: 0, fatal_error: 0 });
  expect(await hashOriginals(db.db, storage, s.handles)).toEqual(originals);
}

describe.runIf(process.env.IPS_TEST_DB === 'sqlite')('fault tolerance: processes killed and restarted mid-job (SQLite)', () => {
  let work: string;
  let stack: ServiceStack | undefined;
  let db: DatabaseHandle | undefined;
  let s: Seeded;

  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-faults-'));
    stack = await ServiceStack.start({ work, env: { IPS_ADMIN_EMAIL: ADMIN.email, IPS_ADMIN_PASSWORD: ADMIN.password, WORKER_ACTIVITY_CONCURRENCY: '2' } });
    db = await openDatabase({ kind: 'sqlite', file: path.join(stack.dataDir, 'ips.db') });
    s = await seed(stack, db, work);
  });
  afterAll(async () => {
    await db?.close();
    await stack?.stop();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  it('worker killed with SIGKILL mid-job and restarted: every asset processed exactly once', async () => {
    const originals = await hashOriginals(db!.db, path.join(stack!.dataDir, 'storage'), s.handles);
    const job = await submitReprocess(stack!, s, 'worker-killed');
    await waitForMidJob(db!.db, job, ASSETS);
    await stack!.worker.kill('SIGKILL');
    expect(await recordedItems(db!.db, job)).toBeLessThan(ASSETS);
    stack!.startWorker();
    // The batches the dead worker held are retried after their 30 s heartbeat timeout.
    await waitForJobEnd(db!.db, job, 150_000);
    await expectExactlyOnce('worker killed', stack!, db!, job, s, originals);
  });

  it('Temporal dev server restarted mid-job (same file, same port): the job completes and the schedule keeps firing', async () => {
    const originals = await hashOriginals(db!.db, path.join(stack!.dataDir, 'storage'), s.handles);
    // Every second: the shortest period a Quartz expression (seconds field) gives.
    const schedule = await submitReprocess(stack!, s, 'every-second', { execSchedule: '* * * * * ?' }, [s.spare]);
    const scheduledRunSince = (since: string) =>
      db!.db
        .selectFrom('job_logs')
        .select('job_handle')
        .where('company_handle', '=', s.companyHandle)
        .where('original_job_name', '=', 'every-second')
        .where('start_date', '>', since)
        .executeTakeFirst();
    try {
      await waitUntil('a first scheduled run', () => scheduledRunSince(''), 60_000, 250);
      const job = await submitReprocess(stack!, s, 'temporal-restarted');
      await waitForMidJob(db!.db, job, ASSETS);
      await stack!.temporal.stop();
      expect(await recordedItems(db!.db, job)).toBeLessThan(ASSETS);
      await sleep(3000);
      await stack!.startTemporal();
      const restartedAt = new Date().toISOString();
      await waitForJobEnd(db!.db, job, 150_000);
      await waitUntil('a scheduled run started after the restart', () => scheduledRunSince(restartedAt), 60_000, 250);
      await expectExactlyOnce('temporal restarted', stack!, db!, job, s, originals);
    } finally {
      await stack!.call('deleteJob', { companyHandle: s.companyHandle, jobHandle: schedule }, USER);
    }
  });

  it('API killed and restarted mid-job: getActiveJobs on the new API lists the job, which resumes and completes exactly once', async () => {
    const originals = await hashOriginals(db!.db, path.join(stack!.dataDir, 'storage'), s.handles);
    const job = await submitReprocess(stack!, s, 'api-restarted');
    await waitForMidJob(db!.db, job, ASSETS);
    // Paused through the old API so the job is certainly still running when the new one answers:
    // a free-running job of tiny images can finish within an API restart.
    await stack!.call('pauseJob', { companyHandle: s.companyHandle, jobHandle: job }, USER);
    await stack!.api.kill('SIGKILL');
    await stack!.startApi();
    const active = await stack!.call('getActiveJobs', { companyHandle: s.companyHandle }, USER);
    const listed = active.jobArray.items.find((j: { jobHandle: string }) => j.jobHandle === job);
    expect(listed, JSON.stringify(active)).toBeDefined();
    expect(await recordedItems(db!.db, job)).toBeLessThan(ASSETS);
    await stack!.call('resumeJob', { companyHandle: s.companyHandle, jobHandle: job }, USER);
    await waitForJobEnd(db!.db, job, 150_000);
    await expectExactlyOnce('api restarted', stack!, db!, job, s, originals);
  });
});

describe.runIf(process.env.IPS_TEST_DB === 'postgres')('fault tolerance: PostgreSQL briefly unavailable mid-job', () => {
  let work: string;
  let cluster: PostgresCluster | undefined;
  let stack: ServiceStack | undefined;
  let db: DatabaseHandle | undefined;
  let s: Seeded;

  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-faults-'));
    cluster = await PostgresCluster.create();
    stack = await ServiceStack.start({
      work,
      databaseUrl: cluster.url,
      env: { IPS_ADMIN_EMAIL: ADMIN.email, IPS_ADMIN_PASSWORD: ADMIN.password, WORKER_ACTIVITY_CONCURRENCY: '2' },
    });
    db = await openDatabase({ kind: 'postgres', url: cluster.url });
    s = await seed(stack, db, work);
  });
  afterAll(async () => {
    await db?.close();
    await stack?.stop();
    await cluster?.destroy();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  it('database stopped mid-job for a few seconds: activities retry and every asset is processed exactly once', async () => {
    const originals = await hashOriginals(db!.db, path.join(stack!.dataDir, 'storage'), s.handles);
    const job = await submitReprocess(stack!, s, 'database-down');
    await waitForMidJob(db!.db, job, ASSETS);
    const outageStart = new Date().toISOString();
    await cluster!.stop();
    await sleep(DATABASE_OUTAGE_MS);
    await cluster!.start();
    const log = await waitForJobEnd(db!.db, job, 150_000);
    // The end row is written last: a later date proves the outage hit the job while it ran.
    expect(log.end_date! > outageStart).toBe(true);
    await expectExactlyOnce('database unavailable', stack!, db!, job, s, originals);
  });
});
