/**
 * Reprocess throughput, end to end through the API, against two baselines
 * measured in the same run on the same files at the same concurrency:
 *
 *   service      submitJob(reprocessAssetsJob) → worker activities → job log,
 *                timed from the submit to the job's end;
 *   bare sharp   the same operations per file with nothing around them (no
 *                catalog, no Temporal, no HTTP), twice: one sharp pipeline with
 *                libvips' own sharpen, and the service's USM formula on raw
 *                pixels (see bareFormula); the target is against the faster;
 *   ImageMagick  `convert` doing the same operations, one process per file.
 *
 * Operations: manual crop (100 px left/right, 80 px top/bottom), Convert to
 * Ghostscript's a98.icc, unsharp mask amount 1.2 radius 1.0 threshold 3,
 * 256-px JPEG-tiled pyramid TIFF at quality 95. Prints assets/s of each, the
 * ratios (targets: service ≥ 0.85 × bare sharp, ≥ 3 × ImageMagick) and the
 * worker's peak RSS during the job.
 *
 *   bash bench/reprocess.sh [count]      (sets up, builds, installs ImageMagick if missing)
 *   node bench/reprocess.mjs [count]     (after npm run build; count defaults to 200)
 *
 * The originals are photo-like 2725×2225 JPEGs (a gradient under Gaussian
 * noise, different in every file) generated once into $TMPDIR and reused.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { applyUnsharp } from '../dist/src/adapters/media/unsharp.js';
import { findTemporalCli, freePort, startDevServer } from '../dist/src/adapters/temporal/dev-server.js';

const run = promisify(execFile);
const count = Number(process.argv[2] ?? 200);
const WIDTH = 2725;
const HEIGHT = 2225;
const concurrency = Number(process.env.WORKER_ACTIVITY_CONCURRENCY ?? Math.max(2, os.availableParallelism()));
const crop = { left: 100, right: 100, top: 80, bottom: 80 };
const usm = { amount: 1.2, radius: 1.0, threshold: 3, monochrome: 0 };
const outputProfile = '/usr/share/color/icc/ghostscript/a98.icc';
const sourceProfile = '/usr/share/color/icc/ghostscript/srgb.icc';
const admin = { email: 'bench@ips.local', password: 'Bench-Pass-1' };

const log = (line) => process.stdout.write(`${line}\n`);

async function originals() {
  const dir = path.join(os.tmpdir(), `ips-bench-originals-${WIDTH}x${HEIGHT}`);
  await fs.mkdir(dir, { recursive: true });
  const gradient = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3;
      gradient[i] = (x * 255) / WIDTH;
      gradient[i + 1] = (y * 255) / HEIGHT;
      gradient[i + 2] = 128;
    }
  }
  const files = [];
  for (let n = 0; n < count; n++) {
    const file = path.join(dir, `photo-${String(n).padStart(4, '0')}.jpg`);
    files.push(file);
    if (existsSync(file)) continue;
    const noise = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .blur(1.5)
      .raw()
      .toBuffer();
    const mixed = Buffer.alloc(gradient.length);
    for (let i = 0; i < mixed.length; i++) mixed[i] = (gradient[i] * 3 + noise[i] + (n % 7) * 4) >> 2;
    await sharp(mixed, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 90 }).withMetadata({ density: 300 }).toFile(file);
  }
  return files;
}

/** Runs `fn` over `items` with at most `limit` at a time; returns seconds taken. */
async function timedPool(items, limit, fn) {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function bareSharp(files, out) {
  sharp.concurrency(1); // what the worker sets: parallel items, one libvips thread each
  sharp.cache(false);
  return timedPool(files, concurrency, async (file) => {
    await sharp(file, { failOn: 'warning' })
      .rotate()
      .extract({ left: crop.left, top: crop.top, width: WIDTH - crop.left - crop.right, height: HEIGHT - crop.top - crop.bottom })
      .withIccProfile(outputProfile)
      // libvips' sharpen is its unsharp mask (on lightness): sigma = radius, slopes = amount, x1 = threshold in L* units.
      .sharpen({ sigma: usm.radius, m1: 0, m2: usm.amount, x1: (usm.threshold * 100) / 255 })
      .keepMetadata()
      .tiff({ tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, compression: 'jpeg', quality: 95 })
      .toFile(path.join(out, `${path.basename(file, '.jpg')}.tif`));
  });
}

/**
 * The same operations with the service's own unsharp-mask formula (IPS
 * semantics: per-channel threshold on in − blurred) instead of libvips'
 * lightness sharpen: decode + crop to raw, sharp's blur, the formula, then the
 * ICC transform and the pyramid in one sharp pipeline. The strictest baseline:
 * no intermediate file, no catalog, nothing but the pixel work.
 */
async function bareFormula(files, out) {
  sharp.concurrency(1);
  sharp.cache(false);
  return timedPool(files, concurrency, async (file) => {
    const { data, info } = await sharp(file, { failOn: 'warning' })
      .rotate()
      .extract({ left: crop.left, top: crop.top, width: WIDTH - crop.left - crop.right, height: HEIGHT - crop.top - crop.bottom })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { width: info.width, height: info.height, channels: info.channels };
    const blurred = await sharp(data, { raw }).blur(usm.radius).raw().toBuffer();
    const sharpened = applyUnsharp(data, blurred, info.channels, false, usm);
    await sharp(Buffer.from(sharpened.buffer, sharpened.byteOffset, sharpened.byteLength), { raw })
      .withIccProfile(outputProfile)
      .tiff({ tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, compression: 'jpeg', quality: 95 })
      .toFile(path.join(out, `${path.basename(file, '.jpg')}.tif`));
  });
}

async function imageMagick(files, out) {
  const geometry = `${WIDTH - crop.left - crop.right}x${HEIGHT - crop.top - crop.bottom}+${crop.left}+${crop.top}`;
  return timedPool(files, concurrency, async (file) => {
    await run(
      'convert',
      [
        file,
        '-crop', geometry, '+repage',
        '-profile', sourceProfile, '-profile', outputProfile,
        '-unsharp', `0x${usm.radius}+${usm.amount}+${usm.threshold / 255}`,
        '-compress', 'JPEG', '-quality', '95', '-define', 'tiff:tile-geometry=256x256',
        `ptif:${path.join(out, `${path.basename(file, '.jpg')}.tif`)}`,
      ],
      // One thread per process, as the worker runs sharp: the parallelism is the file pool.
      { env: { ...process.env, MAGICK_THREAD_LIMIT: '1' } },
    );
  });
}

function startProcess(role, env) {
  const child = spawn(process.execPath, ['dist/src/main.js', role], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${role} exited unexpectedly (${code ?? signal})`);
      process.exit(1);
    }
  });
  return child;
}
let stopping = false;

async function waitFor(what, probe, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const peakRss = async (pid) => Number(/VmHWM:\s+(\d+)/.exec(await fs.readFile(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function main() {
  for (const f of [outputProfile, sourceProfile]) if (!existsSync(f)) throw new Error(`${f} is missing: apt-get install libgs-common (Ghostscript's ICC profiles)`);
  await run('convert', ['-version']).catch(() => {
    throw new Error('ImageMagick `convert` is missing: apt-get install imagemagick (bench/reprocess.sh does it)');
  });
  log(`[bench] ${count} JPEGs ${WIDTH}x${HEIGHT}, concurrency ${concurrency}, ${os.availableParallelism()} CPUs`);
  const files = await originals();
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-bench-reprocess-'));
  const children = [];
  let dev;
  try {
    // Baselines first, on a quiet machine (the service is not started yet).
    await fs.mkdir(path.join(work, 'sharp'));
    await fs.mkdir(path.join(work, 'magick'));
    const sharpenSeconds = await bareSharp(files, path.join(work, 'sharp'));
    log(`[bench] bare sharp, libvips sharpen: ${(count / sharpenSeconds).toFixed(2)} assets/s (${sharpenSeconds.toFixed(1)} s)`);
    const formulaSeconds = await bareFormula(files, path.join(work, 'sharp'));
    log(`[bench] bare sharp, IPS USM formula: ${(count / formulaSeconds).toFixed(2)} assets/s (${formulaSeconds.toFixed(1)} s)`);
    // The target is against the faster of the two bare loops.
    const sharpSeconds = Math.min(sharpenSeconds, formulaSeconds);
    // ImageMagick is an order of magnitude slower: its rate is measured on the first
    // BENCH_MAGICK_FILES files (default 40; 0 skips it), which keeps the run near 10 minutes.
    const magickFiles = files.slice(0, Number(process.env.BENCH_MAGICK_FILES ?? 40));
    const magickSeconds = magickFiles.length ? (await imageMagick(magickFiles, path.join(work, 'magick'))) * (count / magickFiles.length) : NaN;
    log(`[bench] ImageMagick:                ${(count / magickSeconds).toFixed(2)} assets/s (measured on ${magickFiles.length} files)`);

    dev = await startDevServer({ port: await freePort(), uiPort: 0, headless: true, dbFile: path.join(work, 'temporal.db'), cli: findTemporalCli(process.env.TEMPORAL_CLI) });
    const port = await freePort();
    const env = {
      DATA_DIR: path.join(work, 'data'),
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      TEMPORAL_ADDRESS: dev.address,
      PORT: String(port),
      IPS_ADMIN_EMAIL: admin.email,
      IPS_ADMIN_PASSWORD: admin.password,
      WORKER_ACTIVITY_CONCURRENCY: String(concurrency),
      LOG_LEVEL: 'warn',
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    };
    if (!env.DATABASE_URL) delete env.DATABASE_URL;
    const api = startProcess('api', env);
    children.push(api);
    const base = `http://127.0.0.1:${port}`;
    await waitFor('the API', async () => (await fetch(`${base}/health`)).ok);
    const worker = startProcess('worker', env);
    children.push(worker);

    const call = async (operation, body, who = admin) => {
      const res = await fetch(`${base}/api/${operation}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${who.email}:${who.password}`).toString('base64')}` },
        body: JSON.stringify(body),
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`${operation}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const { companyInfo } = await call('addCompany', { companyName: 'Bench' });
    const companyHandle = companyInfo.companyHandle;
    const user = { email: 'user@bench.test', password: 'User-Pass-1' };
    await call('addUser', { firstName: 'Bench', lastName: 'User', ...user, isValid: true, isIpsAdmin: false, membershipArray: { items: [{ companyHandle, role: 'IpsUser', isActive: true }] } });

    const upload = async (batch, jobName) => {
      const form = new FormData();
      form.append('uploadParams', JSON.stringify({ companyHandle, jobName, endJob: true }));
      for (const f of batch) form.append('file', new Blob([await fs.readFile(f)]), path.basename(f));
      const res = await fetch(`${base}/scene7/UploadFile`, { method: 'POST', body: form, headers: { authorization: `Basic ${Buffer.from(`${user.email}:${user.password}`).toString('base64')}` } });
      const json = await res.json();
      if (!res.ok) throw new Error(`upload: ${res.status} ${JSON.stringify(json)}`);
      return json.jobHandle;
    };
    const finished = async (jobHandle) => {
      const active = await call('getActiveJobs', { companyHandle, jobHandle }, user);
      return !(active.jobArray?.items ?? []).length;
    };
    log('[bench] uploading the originals through /scene7/UploadFile …');
    const uploadJobs = [await upload([outputProfile], 'profile')];
    for (let i = 0; i < files.length; i += 20) uploadJobs.push(await upload(files.slice(i, i + 20), `originals-${i}`));
    for (const job of uploadJobs) await waitFor(`upload job ${job}`, () => finished(job), 30 * 60_000);

    const found = await call('searchAssets', { companyHandle, includeSubfolders: true, recordsPerPage: 1000 }, user);
    const assets = found.assetArray?.items ?? [];
    const profile = assets.find((a) => a.name === path.basename(outputProfile, '.icc'));
    const images = assets.filter((a) => a.type === 'Image').map((a) => a.assetHandle);
    if (!profile || images.length !== count) throw new Error(`expected ${count} images and the profile, found ${images.length} images, profile ${profile ? 'yes' : 'no'}`);

    // Peak RSS from here on: the kernel's high-water mark, reset (root or own process).
    await fs.writeFile(`/proc/${worker.pid}/clear_refs`, '5').catch(() => log('[bench] (could not reset the peak RSS; it includes the uploads)'));
    const started = process.hrtime.bigint();
    const { jobHandle } = await call(
      'submitJob',
      {
        companyHandle,
        jobName: 'bench',
        reprocessAssetsJob: {
          assetHandleArray: images,
          createMask: false,
          emailSetting: 'None',
          manualCropOptions: crop,
          colorManagementOptions: { colorManagement: 'Convert', outputProfileHandle: profile.assetHandle },
          unsharpMaskOptions: usm,
        },
      },
      user,
    );
    await waitFor('the reprocess job', () => finished(jobHandle), 60 * 60_000);
    const serviceSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rss = await peakRss(worker.pid);

    const logs = await call('getJobLogDetails', { companyHandle, jobHandle, recordsPerPage: 1 }, user);
    const jobLog = (logs.jobLogArray?.items ?? [])[0];
    if (!jobLog || jobLog.fileSuccessCount !== count) throw new Error(`the job did not process every asset: ${JSON.stringify(jobLog)}`);

    const rate = (s) => count / s;
    log(`[bench] service (API → job end):     ${rate(serviceSeconds).toFixed(2)} assets/s (${serviceSeconds.toFixed(1)} s)`);
    log(`[bench] service / fastest bare sharp = ${(sharpSeconds / serviceSeconds).toFixed(2)}  (target ≥ 0.85)`);
    log(`[bench] service / ImageMagick       = ${(magickSeconds / serviceSeconds).toFixed(2)}  (target ≥ 3)`);
    log(`[bench] worker peak RSS during the job: ${rss.toFixed(0)} MiB`);
  } finally {
    stopping = true;
    for (const c of children.reverse()) {
      c.kill('SIGTERM');
      await new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)));
    }
    await dev?.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
