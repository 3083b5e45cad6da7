/**
 * Memory soak: 1,000 assets through the reprocess pipeline (crop + ICC
 * convert + unsharp mask + pyramid TIFF, as bench/reprocess.mjs) in one job,
 * once per allocator setting of the worker process:
 *
 *   glibc             the C library's malloc as it comes (one arena per thread and core)
 *   MALLOC_ARENA_MAX=2  glibc with at most two arenas (what the service ships with so far)
 *   jemalloc          Debian's libjemalloc2 through LD_PRELOAD
 *
 * For each, the worker is restarted with that setting and its resident set
 * (VmRSS) is read when the job log counts 200 assets done and when it counts
 * all of them. Target: drift (RSS at 1,000 / RSS at 200 − 1) ≤ 10%. Prints one
 * line per setting and which one the service should ship with: the lowest RSS
 * at the end among those within the drift target.
 *
 *   npm run build && node bench/soak.mjs [count]     (count defaults to 1000)
 *
 * BENCH_SOAK_SIZE (default 1280x1024) sets the originals' size: smaller than
 * bench/reprocess's photos so three passes of 1,000 stay near ten minutes on
 * two cores. The originals (bench/lib/service.mjs) are generated once into $TMPDIR and reused.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { concurrency, currentRss, log, originals, startService, waitFor } from './lib/service.mjs';

const count = Number(process.argv[2] ?? 1000);
const [width, height] = (process.env.BENCH_SOAK_SIZE ?? '1280x1024').split('x').map(Number);
const early = Math.min(200, Math.floor(count / 5));
const crop = { left: 40, right: 40, top: 30, bottom: 30 };
const usm = { amount: 1.2, radius: 1.0, threshold: 3, monochrome: 0 };
const outputProfile = '/usr/share/color/icc/ghostscript/a98.icc';
const JEMALLOC = ['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2'].find((f) => existsSync(f));

/** Uploads in posts of 50 and waits for each upload job; returns nothing (the assets are found by search). */
async function uploadAll(service, files) {
  const jobs = [];
  for (let i = 0; i < files.length; i += 50) jobs.push(await service.upload(files.slice(i, i + 50), `soak-${i}`));
  for (const job of jobs) await waitFor(`upload job ${job}`, () => service.finished(job), 60 * 60_000);
}

async function allAssets(service) {
  const { call, companyHandle, user } = service;
  const assets = [];
  for (let page = 1; ; page++) {
    const found = await call('searchAssets', { companyHandle, includeSubfolders: true, recordsPerPage: 1000, resultsPage: page }, user);
    const items = found.assetArray?.items ?? [];
    assets.push(...items);
    if (items.length < 1000) return assets;
  }
}

/** Runs one reprocess job over `images`, reading the worker's RSS at `early` assets done and at the end. */
async function soakOnce(service, worker, images, profileHandle, label) {
  const { call, companyHandle, user } = service;
  const { jobHandle } = await call(
    'submitJob',
    {
      companyHandle,
      jobName: `soak-${label}`,
      reprocessAssetsJob: {
        assetHandleArray: images,
        createMask: false,
        emailSetting: 'None',
        manualCropOptions: crop,
        colorManagementOptions: { colorManagement: 'Convert', outputProfileHandle: profileHandle },
        unsharpMaskOptions: usm,
      },
    },
    user,
  );
  const done = async () => {
    // No job log until the workflow's first activity has run: nothing done yet.
    const logs = await call('getJobLogDetails', { companyHandle, jobHandle, recordsPerPage: 1 }, user).catch(() => ({}));
    const jobLog = (logs.jobLogArray?.items ?? [])[0];
    return { count: (jobLog?.fileSuccessCount ?? 0) + (jobLog?.fileErrorCount ?? 0), ended: Boolean(jobLog?.endDate), jobLog };
  };
  let rssEarly;
  const started = Date.now();
  for (;;) {
    const state = await done();
    if (rssEarly === undefined && state.count >= early) rssEarly = await currentRss(worker.pid);
    if (state.ended) {
      const rssEnd = await currentRss(worker.pid);
      if (state.jobLog.fileSuccessCount !== images.length) throw new Error(`${label}: ${state.jobLog.fileSuccessCount} of ${images.length} assets succeeded`);
      return { rssEarly: rssEarly ?? rssEnd, rssEnd, seconds: (Date.now() - started) / 1000 };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  if (!existsSync(outputProfile)) throw new Error(`${outputProfile} is missing: apt-get install libgs-common`);
  log(`[soak] ${count} JPEGs ${width}x${height}, concurrency ${concurrency}, ${os.availableParallelism()} CPUs; RSS read at ${early} and ${count} assets`);
  const files = await originals(count, { width, height });
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-bench-soak-'));
  let service;
  try {
    service = await startService(work);
    log('[soak] uploading the originals …');
    const profileJob = await service.upload([outputProfile], 'profile');
    await waitFor('the profile upload', () => service.finished(profileJob));
    await uploadAll(service, files);
    const assets = await allAssets(service);
    const profile = assets.find((a) => a.name === path.basename(outputProfile, '.icc'));
    const images = assets.filter((a) => a.type === 'Image').map((a) => a.assetHandle);
    if (!profile || images.length !== count)
      throw new Error(`expected ${count} images and the profile, found ${images.length} images, profile ${profile ? 'yes' : 'no'}`);

    const settings = [
      // The bench library sets MALLOC_ARENA_MAX=2 by default; undefined unsets it (spawn drops undefined variables).
      { label: 'glibc', env: { MALLOC_ARENA_MAX: undefined } },
      { label: 'MALLOC_ARENA_MAX=2', env: { MALLOC_ARENA_MAX: '2' } },
      ...(JEMALLOC ? [{ label: 'jemalloc', env: { MALLOC_ARENA_MAX: undefined, LD_PRELOAD: JEMALLOC } }] : []),
    ];
    if (!JEMALLOC) log('[soak] libjemalloc.so.2 not found (apt-get install libjemalloc2): jemalloc skipped');
    const results = [];
    for (const s of settings) {
      const worker = await service.restartWorker(s.env);
      const r = await soakOnce(service, worker, images, profile.assetHandle, s.label.replace(/\W+/g, '-'));
      const drift = r.rssEnd / r.rssEarly - 1;
      results.push({ ...s, ...r, drift });
      log(
        `[soak] ${s.label.padEnd(18)} RSS at ${early}: ${r.rssEarly.toFixed(0)} MiB, at ${count}: ${r.rssEnd.toFixed(0)} MiB, drift ${(drift * 100).toFixed(1)}% (target ≤ 10%), ${(count / r.seconds).toFixed(2)} assets/s`,
      );
    }
    const within = results.filter((r) => r.drift <= 0.1);
    const best = (within.length ? within : results).reduce((a, b) => (b.rssEnd < a.rssEnd ? b : a));
    log(`[soak] lowest final RSS${within.length ? ' within the drift target' : ' (none met the drift target)'}: ${best.label}`);
  } finally {
    await service?.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
