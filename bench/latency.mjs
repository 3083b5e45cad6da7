/**
 * Small-job latency: how long a one-asset job takes around its pixel work.
 *
 *   baseline   bare sharp doing the benches' reprocess work (bench/lib/bare-render.mjs:
 *              crop, Convert to a98.icc, unsharp mask, pyramid TIFF) on the same photo,
 *              20 times in one process, with one libvips thread and with one per CPU:
 *              the faster, per asset, process start excluded;
 *   service    20 one-asset ReprocessAssetsJobs of the same work, one after another, on an
 *              idle service (a warm-up job first, not counted). For each job:
 *                submit      POST submitJob → its reply
 *                listed      submitJob → getActiveJobs (the company's list, no jobHandle:
 *                            Temporal visibility) first shows the job
 *                first item  submitJob → the reprocessAssets activity's ActivityTaskStarted
 *                            (the job's history, Temporal server clock, same machine)
 *                ended       submitJob → the job log's endDate
 *
 * Targets (issue 19): first item p50 ≤ 150 ms; ended p50 ≤ bare render + 250 ms;
 * listed ≤ 100 ms. Prints p50 / p95 / max of each and the comparisons.
 *
 *   npm run build && node bench/latency.mjs        (or bash bench/latency.sh)
 *
 * BENCH_LATENCY_JOBS (default 20) jobs.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { log, originals, percentile, reprocessWork, startService, uploadReprocessInputs } from './lib/service.mjs';

const run = promisify(execFile);
const jobs = Number(process.env.BENCH_LATENCY_JOBS ?? 20);
const BARE_REPEATS = 20;

const summary = (values) =>
  `p50 ${percentile(values, 50).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Bare sharp on `file`, BARE_REPEATS times in one process with `threads` libvips threads: milliseconds per asset. */
async function bareRender(file, work, threads) {
  const out = await fs.mkdtemp(path.join(work, 'bare-'));
  const args = ['bench/lib/bare-render.mjs', out, ...Array.from({ length: BARE_REPEATS }, () => file)];
  const { stdout } = await run(process.execPath, args, { env: { ...process.env, BARE_VIPS_THREADS: String(threads) } });
  return (Number(stdout.trim()) * 1000) / BARE_REPEATS;
}

const epochMs = (t) => Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);

/** The activity type a local-activity marker names (the SDK core's marker data). */
function localActivityType(marker) {
  const data = marker.details?.data?.payloads?.[0]?.data;
  return data ? JSON.parse(Buffer.from(data).toString('utf8')).activity_type : 'local activity';
}

/**
 * The job's history up to its first item activity's start, as milestones
 * (epoch ms, Temporal server clock): where the time before the pixel work goes.
 */
async function milestones(client, jobHandle) {
  const history = await client.workflow.getHandle(jobHandle).fetchHistory();
  const activityOf = new Map();
  const out = {};
  const mark = (name, e) => (out[name] ??= epochMs(e.eventTime));
  for (const e of history.events ?? []) {
    if (e.workflowExecutionStartedEventAttributes) mark('workflow started', e);
    if (e.workflowTaskStartedEventAttributes) mark('first workflow task started', e);
    if (e.workflowTaskCompletedEventAttributes) mark('first workflow task completed', e);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const name = scheduled.activityType?.name;
      activityOf.set(String(e.eventId), name);
      mark(`${name} scheduled`, e);
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) mark(`${activityOf.get(String(started.scheduledEventId))} started`, e);
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed) mark(`${activityOf.get(String(completed.scheduledEventId))} completed`, e);
    // A local activity (the job's Begin row) runs inside a workflow task: its marker has that task's end time.
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_local_activity') mark(`${localActivityType(marker)} (local) recorded`, e);
    if (out['reprocessAssets started']) return out;
  }
  throw new Error(`${jobHandle}: no reprocessAssets activity started`);
}

async function main() {
  const [file] = await originals(1);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-bench-latency-'));
  log(`[latency] ${jobs} one-asset reprocess jobs, one at a time; ${os.availableParallelism()} CPUs`);
  // The baseline is the faster of one libvips thread and one per CPU, each the best of two runs.
  const threads = [1, os.availableParallelism()];
  const bareBy = [];
  for (const t of threads) bareBy.push(Math.min(await bareRender(file, work, t), await bareRender(file, work, t)));
  const bare = Math.min(...bareBy);
  log(
    `[latency] bare sharp, the same work on the same photo: ${threads.map((t, i) => `${bareBy[i].toFixed(0)} ms with ${t} libvips thread(s)`).join(', ')} per asset (best of 2 runs of ${BARE_REPEATS}); baseline ${bare.toFixed(0)} ms`,
  );

  let service;
  let connection;
  try {
    service = await startService(work);
    const { call, companyHandle, user } = service;
    connection = await Connection.connect({ address: service.temporalAddress });
    const client = new Client({ connection });
    const { profileHandle, images } = await uploadReprocessInputs(service, [file]);

    const submitOne = async (name) => {
      const t0 = Date.now();
      const { jobHandle } = await call('submitJob', { companyHandle, jobName: name, reprocessAssetsJob: reprocessWork(images, profileHandle) }, user);
      const replied = Date.now();
      let listed;
      for (;;) {
        const active = await call('getActiveJobs', { companyHandle }, user);
        const now = Date.now();
        if ((active.jobArray?.items ?? []).some((j) => j.jobHandle === jobHandle)) {
          listed = now - t0;
          break;
        }
        // Listed only while it runs: a job already ended (its log has an end) counts as never listed.
        const logs = await call('getJobLogDetails', { companyHandle, jobHandle, recordsPerPage: 1 }, user).catch(() => undefined);
        if (logs?.jobLogArray?.items?.[0]?.endDate) break;
        await sleep(5);
      }
      let endDate;
      while (!endDate) {
        const logs = await call('getJobLogDetails', { companyHandle, jobHandle, recordsPerPage: 1 }, user).catch(() => undefined);
        endDate = logs?.jobLogArray?.items?.[0]?.endDate;
        if (!endDate) await sleep(10);
      }
      return {
        submit: replied - t0,
        listed,
        marks: Object.fromEntries(Object.entries(await milestones(client, jobHandle)).map(([name, at]) => [name, at - t0])),
        ended: Date.parse(endDate) - t0,
      };
    };

    await submitOne('latency-warm-up');
    const results = [];
    for (let i = 0; i < jobs; i++) results.push(await submitOne(`latency-${i}`));

    for (const r of results) r.firstItem = r.marks['reprocessAssets started'];
    const listed = results.map((r) => r.listed).filter((v) => v !== undefined);
    log(`[latency] submitJob reply:               ${summary(results.map((r) => r.submit))}`);
    log(
      `[latency] submit → listed by getActiveJobs: ${listed.length ? summary(listed) : 'never'}${listed.length < results.length ? ` (${results.length - listed.length} jobs ended before a list showed them)` : ''}`,
    );
    log(`[latency] submit → first item started:   ${summary(results.map((r) => r.firstItem))}`);
    log(`[latency] submit → job log ended:        ${summary(results.map((r) => r.ended))}`);
    // Where the time to the first item goes: each milestone's p50 after the submit, in history order.
    const names = Object.keys(results[0].marks).sort((a, b) => results[0].marks[a] - results[0].marks[b]);
    log(
      `[latency] p50 after the submit: ${names
        .map(
          (n) =>
            `${n} ${percentile(
              results.map((r) => r.marks[n] ?? NaN),
              50,
            ).toFixed(0)} ms`,
        )
        .join(', ')}`,
    );
    const endedP50 = percentile(
      results.map((r) => r.ended),
      50,
    );
    const firstP50 = percentile(
      results.map((r) => r.firstItem),
      50,
    );
    log(`[latency] first item p50 ${firstP50.toFixed(0)} ms (target ≤ 150 ms)`);
    log(`[latency] ended p50 ${endedP50.toFixed(0)} ms = bare ${bare.toFixed(0)} ms + ${(endedP50 - bare).toFixed(0)} ms around it (target ≤ + 250 ms)`);
    log(`[latency] listed max ${listed.length ? Math.max(...listed).toFixed(0) : '—'} ms (target ≤ 100 ms)`);
  } finally {
    await connection?.close();
    await service?.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
