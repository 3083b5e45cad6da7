/**
 * Control-plane latency under load: does the API stay responsive while the
 * worker saturates every core?
 *
 *   idle        autocannon on getActiveJobs, then on submitJob, with no job running;
 *   under load  the same while reprocess jobs (crop + ICC + unsharp mask + PTIFF
 *               on real-size photos, as bench/reprocess) keep the worker busy.
 *
 * submitJob submits (as the IpsAdmin, into a second company, so the
 * getActiveJobs phases are not listing them) an OptimizeImagesJob with execTime a day
 * ahead: the full submit path (validation, authorization, a Temporal workflow
 * with a start delay) without adding image work to the load. Every request
 * has its own job name. Latencies are taken from every response (autocannon's
 * own percentiles stop at p97.5), and the machine's busy/idle CPU during each
 * phase is printed to show the load really saturated the cores.
 *
 * Target: p95 under load ≤ 2 × p95 idle, for both operations.
 *
 *   npm run build && node bench/control-plane.mjs
 *
 * BENCH_CP_SECONDS (default 10) per phase, BENCH_CP_CONNECTIONS (default 4)
 * concurrent clients, BENCH_CP_RATE / BENCH_CP_SUBMIT_RATE (default 100 and 20)
 * requests per second offered in both phases (0 = closed loop, as fast as answered), BENCH_CP_FILES (default 60) photos, BENCH_CP_JOBS
 * (default 4) reprocess jobs over them submitted at once for the load.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { admin, basic, concurrency, cpuTimes, log, originals, percentile, reprocessWork, startService, uploadReprocessInputs } from './lib/service.mjs';

const seconds = Number(process.env.BENCH_CP_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CP_CONNECTIONS ?? 4);
const fileCount = Number(process.env.BENCH_CP_FILES ?? 60);
const loadJobs = Number(process.env.BENCH_CP_JOBS ?? 4);
// Open loop by default: the same offered rate (requests/s over all connections) in both phases, so the idle
// phase is idle and both compare latency at the same load. 0 = closed loop: each connection sends its next
// request as soon as the last is answered, which saturates the CPUs in the idle phase too and so measures
// the API's share of the machine (throughput) more than its responsiveness.
const activeRate = Number(process.env.BENCH_CP_RATE ?? 100);
const submitRate = Number(process.env.BENCH_CP_SUBMIT_RATE ?? 20);

/** One autocannon phase against POST /api/<operation>; `body(n)` gives the n-th request's JSON. */
async function phase(base, who, operation, body, rate = 0) {
  const latencies = [];
  let n = 0;
  let errors = 0;
  const cpu0 = await cpuTimes();
  const instance = autocannon({
    url: base,
    connections,
    duration: seconds,
    ...(rate > 0 ? { overallRate: rate } : {}),
    requests: [
      {
        method: 'POST',
        path: `/api/${operation}`,
        headers: { 'content-type': 'application/json', authorization: basic(who) },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(body(n++)) }),
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, responseTime) => {
    if (status >= 400) errors++;
    latencies.push(responseTime);
  });
  const result = await instance;
  const cpu1 = await cpuTimes();
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    errors: errors + result.errors + result.timeouts,
    rate: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    busy: cpu1.busy - cpu0.busy,
    idle: cpu1.idle - cpu0.idle,
  };
}

const fmt = (r) =>
  `p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.rate.toFixed(1)} req/s, ${r.errors} errors; machine busy ${r.busy.toFixed(1)} / idle ${r.idle.toFixed(1)} CPU-s`;

async function main() {
  log(
    `[cp] ${seconds} s per phase, ${connections} connections, ${activeRate || submitRate ? `offered getActiveJobs ${activeRate || 'max'}/s, submitJob ${submitRate || 'max'}/s` : 'closed loop'}, load: ${loadJobs} reprocess jobs over ${fileCount} photos, worker concurrency ${concurrency}, ${os.availableParallelism()} CPUs`,
  );
  const files = await originals(fileCount);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-bench-cp-'));
  let service;
  try {
    service = await startService(work);
    const { base, call, companyHandle, user, finished } = service;
    const { profileHandle, images } = await uploadReprocessInputs(service, files);

    const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString();
    let submitted = 0;
    // The delayed jobs go to a company of their own, so the getActiveJobs phases list the same jobs idle and under load (the load's own aside).
    const { companyInfo: other } = await call('addCompany', { companyName: 'Bench submits' });
    const activeBody = () => ({ companyHandle });
    const submitBody = () => ({
      companyHandle: other.companyHandle,
      jobName: `cp-${submitted++}`,
      execTime: tomorrow,
      optimizeImagesJob: { emailSetting: 'None' },
    });

    // Warm-up (login cache, JIT, connections), not measured.
    await phase(base, user, 'getActiveJobs', activeBody, activeRate).catch(() => undefined);

    const idleActive = await phase(base, user, 'getActiveJobs', activeBody, activeRate);
    log(`[cp] getActiveJobs idle:       ${fmt(idleActive)}`);
    const idleSubmit = await phase(base, admin, 'submitJob', submitBody, submitRate);
    log(`[cp] submitJob idle:           ${fmt(idleSubmit)}`);

    const load = [];
    for (let j = 0; j < loadJobs; j++) {
      const { jobHandle } = await call(
        'submitJob',
        {
          companyHandle,
          jobName: `cp-load-${j}`,
          reprocessAssetsJob: reprocessWork(images, profileHandle),
        },
        user,
      );
      load.push(jobHandle);
    }
    // Let the worker reach full speed before measuring.
    await new Promise((r) => setTimeout(r, 3000));
    const loadActive = await phase(base, user, 'getActiveJobs', activeBody, activeRate);
    log(`[cp] getActiveJobs under load: ${fmt(loadActive)}`);
    const loadSubmit = await phase(base, admin, 'submitJob', submitBody, submitRate);
    log(`[cp] submitJob under load:     ${fmt(loadSubmit)}`);
    const stillRunning = [];
    for (const job of load) if (!(await finished(job))) stillRunning.push(job);
    log(
      `[cp] reprocess jobs still running after the load phases: ${stillRunning.length} of ${load.length} (0 means the load ended early: raise BENCH_CP_JOBS)`,
    );

    log(`[cp] getActiveJobs p95 under load / idle = ${(loadActive.p95 / idleActive.p95).toFixed(2)}  (target ≤ 2)`);
    log(`[cp] submitJob     p95 under load / idle = ${(loadSubmit.p95 / idleSubmit.p95).toFixed(2)}  (target ≤ 2)`);
    log(`[cp] getActiveJobs idle p99 / p50 = ${(idleActive.p99 / idleActive.p50).toFixed(2)}  (target ≤ 5)`);
    log(`[cp] submitJob     idle p99 / p50 = ${(idleSubmit.p99 / idleSubmit.p50).toFixed(2)}  (target ≤ 5)`);
    log(`[cp] submitJob/s: idle ${idleSubmit.rate.toFixed(1)}, under load ${loadSubmit.rate.toFixed(1)}`);

    // Leave nothing behind in the throw-away service: stop the load and the delayed jobs are removed with it.
    for (const job of stillRunning) await call('stopJob', { companyHandle, jobHandle: job }, admin).catch(() => undefined);
  } finally {
    await service?.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
