/**
 * Fairness between companies: how long company B's one-asset job takes while
 * company A's big reprocess keeps every worker lane busy.
 *
 *   idle     B's one-asset ReprocessAssetsJob (bench/latency's work on one 2725×2225 photo),
 *            BENCH_FAIRNESS_JOBS times one after another on an idle service (a warm-up
 *            first, not counted): submitJob → the job log's endDate, median
 *   loaded   A submits a reprocess of its 2,000 smaller photos (BENCH_FAIRNESS_A_SIZE,
 *            default 1000x816, uploaded under 2,000 names from 25 files), in
 *            BENCH_FAIRNESS_A_JOBS jobs (default 2, so A's batches queue in Temporal beyond
 *            the worker's slots); once A's first job has finished a batch per lane
 *            (its lanes out of step, as in the long run), B's same job, BENCH_FAIRNESS_JOBS
 *            times one after another: submitJob → job log end, and how long B's
 *            activities waited for a worker slot (scheduled → started, B's history)
 *   batch    one of A's item activities (up to 25 assets): ActivityTaskStarted →
 *            ActivityTaskCompleted in A's history, median of those finished
 *
 * Target (issue 19): every loaded B job ends within 2 × idle + one batch of A's work.
 * A is stopped at the end. Whether jobs carry a Temporal fairness key is up to the
 * build under test (src/adapters/temporal/job.gateway.ts); the bench prints the key
 * B's job carried.
 *
 *   npm run build && node bench/fairness.mjs        (or bash bench/fairness.sh)
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { OUTPUT_PROFILE, basic, log, originals, reprocessWork, startService, waitFor } from './lib/service.mjs';

const jobs = Number(process.env.BENCH_FAIRNESS_JOBS ?? 5);
const aCount = Number(process.env.BENCH_FAIRNESS_A_ASSETS ?? 2000);
/** Two jobs by default: a company's second big job queues its batches behind the first's, which is what a fairness key reorders. */
const aJobs = Number(process.env.BENCH_FAIRNESS_A_JOBS ?? 2);
const [aWidth, aHeight] = (process.env.BENCH_FAIRNESS_A_SIZE ?? '1000x816').split('x').map(Number);
/** Distinct files behind A's assets: each is uploaded under many names. */
const A_FILES = 25;
const POST = 20;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const epochMs = (t) => Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);

/** A company of its own with an IpsUser in it, as startService makes "Bench". */
async function addCompany(service, name) {
  const { companyInfo } = await service.call('addCompany', { companyName: name });
  const user = { email: `user@${name.toLowerCase().replace(/\W+/g, '-')}.test`, password: 'User-Pass-1' };
  await service.call('addUser', {
    firstName: name,
    lastName: 'User',
    ...user,
    isValid: true,
    isIpsAdmin: false,
    membershipArray: { items: [{ companyHandle: companyInfo.companyHandle, role: 'IpsUser', isActive: true }] },
  });
  return { companyHandle: companyInfo.companyHandle, user };
}

/** Operations of one company, as its IpsUser. */
function companyClient(service, company) {
  const call = (op, body = {}) => service.call(op, { companyHandle: company.companyHandle, ...body }, company.user);
  return {
    ...company,
    call,
    /** One UploadFile post of `entries` ({ file, name }); its upload job's handle. */
    async upload(entries, jobName) {
      const form = new FormData();
      form.append('uploadParams', JSON.stringify({ companyHandle: company.companyHandle, jobName, endJob: true }));
      for (const e of entries) form.append('file', new Blob([await fs.readFile(e.file)]), e.name);
      const res = await fetch(`${service.base}/scene7/UploadFile`, { method: 'POST', body: form, headers: { authorization: basic(company.user) } });
      const json = await res.json();
      if (!res.ok) throw new Error(`upload: ${res.status} ${JSON.stringify(json)}`);
      return json.jobHandle;
    },
    async finished(jobHandle) {
      return !((await call('getActiveJobs', { jobHandle })).jobArray?.items ?? []).length;
    },
    /** The job log's end (epoch ms), once it has one. */
    async endOf(jobHandle) {
      for (;;) {
        const logs = await call('getJobLogDetails', { jobHandle, recordsPerPage: 1 }).catch(() => undefined);
        const end = logs?.jobLogArray?.items?.[0]?.endDate;
        if (end) return Date.parse(end);
        await sleep(20);
      }
    },
    /** Every asset of the company: the ICC profile's handle and the images' handles. */
    async assets() {
      const images = [];
      let profileHandle;
      for (let page = 1; ; page++) {
        const found = await call('searchAssets', { includeSubfolders: true, recordsPerPage: 1000, resultsPage: page });
        const items = found.assetArray?.items ?? [];
        for (const a of items) {
          if (a.type === 'IccProfile') profileHandle = a.assetHandle;
          if (a.type === 'Image') images.push(a.assetHandle);
        }
        if (items.length < 1000) return { profileHandle, images };
      }
    },
  };
}

/** Uploads the profile and `entries` in posts of POST and waits for every upload job. */
async function uploadAll(company, entries) {
  const handles = [await company.upload([{ file: OUTPUT_PROFILE, name: path.basename(OUTPUT_PROFILE) }], 'profile')];
  for (let i = 0; i < entries.length; i += POST) handles.push(await company.upload(entries.slice(i, i + POST), `originals-${i}`));
  for (const h of handles) await waitFor(`upload job ${h}`, () => company.finished(h), 30 * 60_000);
  const found = await company.assets();
  if (!found.profileHandle || found.images.length !== entries.length) {
    throw new Error(`${company.companyHandle}: expected ${entries.length} images and the profile, found ${found.images.length}`);
  }
  return found;
}

/** Item activities (reprocessAssets) of a job's current run: scheduled/started/completed times (epoch ms). */
async function activities(client, jobHandle) {
  const history = await client.workflow.getHandle(jobHandle).fetchHistory();
  const byId = new Map();
  for (const e of history.events ?? []) {
    const at = epochMs(e.eventTime);
    if (e.activityTaskScheduledEventAttributes) {
      byId.set(String(e.eventId), { type: e.activityTaskScheduledEventAttributes.activityType?.name, scheduled: at });
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) byId.get(String(started.scheduledEventId)).started = at;
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed) byId.get(String(completed.scheduledEventId)).completed = at;
  }
  return [...byId.values()];
}

/** B's job: submit → job log end (ms), the ms its activities waited for a slot, their types, and the fairness key it carried. */
async function runB(b, client, work, name) {
  const t0 = Date.now();
  const { jobHandle } = await b.call('submitJob', { jobName: name, reprocessAssetsJob: work });
  const end = await b.endOf(jobHandle);
  // Only what came before the log's end: a notification scheduled after it does not delay the job.
  const acts = (await activities(client, jobHandle)).filter((a) => a.scheduled <= end);
  const waited = acts.filter((a) => a.started).reduce((sum, a) => sum + (a.started - a.scheduled), 0);
  const ended = end - t0;
  const { raw } = await client.workflow.getHandle(jobHandle).describe();
  return { ended, waited, activities: acts.map((a) => a.type), fairnessKey: raw.workflowExecutionInfo?.priority?.fairnessKey ?? '' };
}

async function main() {
  const [bFile] = await originals(1);
  const aFiles = await originals(A_FILES, { width: aWidth, height: aHeight });
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-bench-fairness-'));
  log(
    `[fairness] ${os.availableParallelism()} CPUs; A: ${aCount} assets of ${aWidth}×${aHeight} in ${aJobs} job(s); B: one 2725×2225 asset, ${jobs} jobs idle and ${jobs} under A`,
  );
  let service;
  let connection;
  try {
    service = await startService(work);
    connection = await Connection.connect({ address: service.temporalAddress });
    const client = new Client({ connection });
    const a = companyClient(service, { companyHandle: service.companyHandle, user: service.user });
    const b = companyClient(service, await addCompany(service, 'Bench B'));

    const uploadStarted = Date.now();
    const aEntries = Array.from({ length: aCount }, (_, i) => ({ file: aFiles[i % A_FILES], name: `a-${String(i).padStart(4, '0')}.jpg` }));
    const [aAssets, bAssets] = await Promise.all([uploadAll(a, aEntries), uploadAll(b, [{ file: bFile, name: path.basename(bFile) }])]);
    log(`[fairness] uploads and their ingest: ${seconds(Date.now() - uploadStarted)}`);
    const bWork = reprocessWork(bAssets.images, bAssets.profileHandle);

    await runB(b, client, bWork, 'fairness-warm-up');
    const idle = [];
    for (let i = 0; i < jobs; i++) idle.push(await runB(b, client, bWork, `fairness-idle-${i}`));
    const idleMedian = median(idle.map((r) => r.ended));
    log(`[fairness] B idle, submit → job log end: ${idle.map((r) => seconds(r.ended)).join(', ')}; median ${seconds(idleMedian)}`);
    log(`[fairness] B's fairness key: ${idle[0].fairnessKey ? `"${idle[0].fairnessKey}"` : '(none)'} (B's company ${b.companyHandle})`);

    // A's reprocess, split into aJobs jobs over its assets.
    const aHandles = [];
    const share = Math.ceil(aAssets.images.length / aJobs);
    for (let j = 0; j < aJobs; j++) {
      const images = aAssets.images.slice(j * share, (j + 1) * share);
      aHandles.push((await a.call('submitJob', { jobName: `fairness-a-${j}`, reprocessAssetsJob: reprocessWork(images, aAssets.profileHandle) })).jobHandle);
    }
    const aStarted = Date.now();
    // Full speed: a batch per lane finished in A's first job, so its lanes run out of step as they do later on.
    const lanesOfA = Number(process.env.WORKER_ACTIVITY_CONCURRENCY ?? os.availableParallelism() + 1);
    await waitFor(
      "A's first batches",
      async () => (await activities(client, aHandles[0])).filter((x) => x.type === 'reprocessAssets' && x.completed).length >= lanesOfA,
      10 * 60_000,
    );
    log(`[fairness] A at full speed after ${seconds(Date.now() - aStarted)}`);

    const loaded = [];
    for (let i = 0; i < jobs; i++) loaded.push(await runB(b, client, bWork, `fairness-loaded-${i}`));
    const aStillRunning = !(await a.finished(aHandles[aHandles.length - 1]));

    const batches = (await Promise.all(aHandles.map((h) => activities(client, h))))
      .flat()
      .filter((x) => x.type === 'reprocessAssets' && x.completed)
      .map((x) => x.completed - x.started);
    const batch = median(batches);
    const bound = 2 * idleMedian + batch;
    const worst = Math.max(...loaded.map((r) => r.ended));
    log(
      `[fairness] B under A, submit → job log end: ${loaded.map((r) => seconds(r.ended)).join(', ')}; median ${seconds(median(loaded.map((r) => r.ended)))}, max ${seconds(worst)}`,
    );
    log(
      `[fairness] B's activities waiting for a slot (scheduled → started, summed per job): idle median ${seconds(median(idle.map((r) => r.waited)))}, under A ${loaded.map((r) => seconds(r.waited)).join(', ')} (B's job: ${loaded[0].activities.join(', ')})`,
    );
    log(`[fairness] one batch of A's work (25 assets, started → completed): median ${seconds(batch)} of ${batches.length} batches`);
    log(`[fairness] A ${aStillRunning ? 'was still running' : '**had ended**'} when B's last job ended`);
    log(
      `[fairness] bound 2 × idle + batch = ${seconds(bound)}; B's max / bound = ${(worst / bound).toFixed(2)} (${worst <= bound ? 'met' : '**not met**'}), median / bound = ${(median(loaded.map((r) => r.ended)) / bound).toFixed(2)}; B's median under A / idle = ${(median(loaded.map((r) => r.ended)) / idleMedian).toFixed(1)}`,
    );
    for (const h of aHandles) await a.call('stopJob', { jobHandle: h }).catch(() => undefined);
  } finally {
    await connection?.close();
    await service?.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
