/**
 * Many machines, one job: the service with no shared disk. One API and two
 * workers, each with its own DATA_DIR (nothing but PostgreSQL, Temporal and
 * S3 between them), run one ReprocessAssetsJob over ASSETS images while
 *   - worker-2 is SIGKILLed once a quarter of the items are done (a machine
 *     lost mid-batch: its batch is retried elsewhere after the heartbeat
 *     timeout), and
 *   - the S3 server is stopped for 5 s once half are done, then started again
 *     (reads and writes fail meanwhile: items are retried).
 * Then it counts from the catalog and the job's history: every asset done
 * once, none lost, none done twice, how many each worker did (the job log's
 * per-item serverName) and how many item attempts were retried.
 *
 *   bash scripts/scale-demo.sh            (sets everything up; see there)
 *   node scripts/scale-demo.mjs           (after npm run build, with DATABASE_URL of a
 *                                          PostgreSQL server; a fresh database is made in it)
 *
 * Settings: DATABASE_URL (required), SCALE_DEMO_ASSETS (default 200),
 * TEMPORAL_ADDRESS (an existing Temporal; default: a dev server started here).
 * Exits 0 only when expected = done and lost = duplicated = 0.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { log, originals, startService, uploadOriginals, waitFor } from '../bench/lib/service.mjs';
import { freshDatabase, startS3 } from '../bench/lib/infra.mjs';

const ASSETS = Number(process.env.SCALE_DEMO_ASSETS ?? 200);
const KILL_AT = 0.25;
const OUTAGE_AT = 0.5;
const OUTAGE_SECONDS = 5;

async function main() {
  if (!process.env.DATABASE_URL?.startsWith('postgres')) throw new Error('DATABASE_URL must name a PostgreSQL server (scripts/scale-demo.sh starts one)');
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-scale-demo-'));
  const database = await freshDatabase(process.env.DATABASE_URL, 'scale_demo');
  let s3;
  let service;
  let catalog;
  try {
    s3 = await startS3(path.join(work, 's3'));
    log(`S3 (SeaweedFS) on ${s3.endpoint}; PostgreSQL database ${database.name}`);
    const taskQueue = `scale-demo-${process.pid}`;
    const dataDir = (name) => path.join(work, name);
    service = await startService(
      work,
      {
        DATABASE_URL: database.url,
        DATA_DIR: dataDir('api'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        ...s3.env('ips-scale-demo'),
      },
      {
        temporalAddress: process.env.TEMPORAL_ADDRESS || undefined,
        workers: [
          { name: 'worker-1', env: { DATA_DIR: dataDir('worker-1') } },
          { name: 'worker-2', env: { DATA_DIR: dataDir('worker-2') } },
        ],
      },
    );
    const [w1, w2] = service.workers;
    const host = os.hostname();
    const names = new Map(service.workers.map((w) => [`${host}-${w.child.pid}`, w.name]));
    log(`API ${service.base} (DATA_DIR ${dataDir('api')}); ${w1.name} pid ${w1.child.pid}, ${w2.name} pid ${w2.child.pid}, each with its own DATA_DIR`);
    catalog = new pg.Pool({ connectionString: database.url, max: 2 });

    const files = await originals(ASSETS, { width: 1200, height: 900 });
    const uploads = await uploadOriginals(service, files);
    for (const job of uploads) await waitFor(`upload job ${job}`, () => service.finished(job), 600_000);
    const assets = (
      await catalog.query(`select asset_handle from assets where company_handle = $1 and type = 'Image' and trash_state = 'NotInTrash'`, [
        service.companyHandle,
      ])
    ).rows.map((r) => r.asset_handle);
    log(`uploaded ${assets.length} images through ${uploads.length} upload jobs`);

    const submitted = Date.now();
    const { jobHandle } = await service.call(
      'submitJob',
      {
        companyHandle: service.companyHandle,
        jobName: 'scale-demo',
        reprocessAssetsJob: {
          assetHandleArray: assets,
          createMask: false,
          emailSetting: 'None',
          manualCropOptions: { left: 10, right: 10, top: 10, bottom: 10 },
        },
      },
      service.user,
    );
    const itemsDone = async () => Number((await catalog.query(`select count(*) as n from job_items where job_handle = $1`, [jobHandle])).rows[0].n);
    const ended = async () => (await catalog.query(`select end_date from job_logs where job_handle = $1`, [jobHandle])).rows[0]?.end_date;

    await waitFor('a quarter of the items', async () => (await itemsDone()) >= ASSETS * KILL_AT, 600_000);
    await w2.kill('SIGKILL');
    log(`${w2.name} SIGKILLed at ${await itemsDone()}/${ASSETS} items`);

    await waitFor('half of the items', async () => (await itemsDone()) >= ASSETS * OUTAGE_AT || (await ended()), 600_000);
    const stoppedAt = await itemsDone();
    s3.stop();
    await new Promise((r) => setTimeout(r, OUTAGE_SECONDS * 1000));
    const restart = Date.now();
    s3.start();
    log(
      `S3 server stopped at ${stoppedAt}/${ASSETS} items for ${OUTAGE_SECONDS} s, writable again ${((Date.now() - restart) / 1000).toFixed(1)} s after its restart`,
    );

    await waitFor('the job to end', ended, 900_000);
    log(`job ${jobHandle} ended ${((Date.now() - submitted) / 1000).toFixed(1)} s after submit`);
    const report = await results(catalog, jobHandle, assets, names, service.temporalAddress);
    for (const line of report.lines) log(line);
    return report.ok;
  } finally {
    await catalog?.end();
    await service?.stop();
    s3?.shutdown();
    await database.drop().catch((err) => log(`could not drop the demo database: ${err.message}`));
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** What the catalog and the job's history say happened to every asset. */
async function results(catalog, jobHandle, assets, names, temporalAddress) {
  const items = (await catalog.query(`select item_id, status, asset_handle, reason, server_name from job_items where job_handle = $1`, [jobHandle])).rows;
  const itemsOf = items.filter((i) => i.asset_handle && assets.includes(i.asset_handle));
  const done = new Set(itemsOf.filter((i) => i.status === 'success').map((i) => i.asset_handle));
  // An asset done twice would have two OptimizedImage rows (the ledger records one result per item, once).
  const rows = (
    await catalog.query(`select asset_handle, count(*) as n from job_log_details where job_handle = $1 and log_type = 'OptimizedImage' group by asset_handle`, [
      jobHandle,
    ])
  ).rows;
  const duplicated = rows.filter((r) => Number(r.n) > 1).length;
  const perWorker = new Map();
  for (const i of itemsOf) {
    const name = names.get(i.server_name) ?? i.server_name ?? 'unknown';
    perWorker.set(name, (perWorker.get(name) ?? 0) + 1);
  }
  const failed = itemsOf.filter((i) => i.status !== 'success');
  const retries = await retriedAttempts(temporalAddress, jobHandle);
  const lost = assets.length - done.size;
  const lines = [
    `per worker (job log serverName): ${[...perWorker].map(([n, c]) => `${n} ${c}`).join(', ')}`,
    `retried item activities: ${retries.activities} (${retries.extraAttempts} extra attempts; last failure a heartbeat timeout (lost worker) in ${retries.timedOut}, an error (S3 outage) in ${retries.failed})`,
    ...failed.slice(0, 5).map((i) => `  not done: ${i.asset_handle}: ${i.status} ${i.reason ?? ''}`),
    `assets expected ${assets.length} / done ${done.size} / lost ${lost} / duplicated ${duplicated}`,
  ];
  return { ok: lost === 0 && duplicated === 0 && done.size === assets.length, lines };
}

/**
 * Item activities that needed more than one attempt, from the job workflow's
 * history: Temporal writes an activity's started event once, when it ends,
 * with the attempt count and the failure that led to the last attempt.
 */
async function retriedAttempts(address, jobHandle) {
  const connection = await Connection.connect({ address });
  try {
    const history = await new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' }).workflow.getHandle(jobHandle).fetchHistory();
    const counts = { activities: 0, extraAttempts: 0, failed: 0, timedOut: 0 };
    for (const e of history.events ?? []) {
      const started = e.activityTaskStartedEventAttributes;
      if (!started || Number(started.attempt) <= 1) continue;
      counts.activities++;
      counts.extraAttempts += Number(started.attempt) - 1;
      if (started.lastFailure?.timeoutFailureInfo) counts.timedOut++;
      else counts.failed++;
    }
    return counts;
  } finally {
    await connection.close();
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err) => {
    log(`scale demo failed: ${err.stack ?? err}`);
    process.exit(2);
  },
);
