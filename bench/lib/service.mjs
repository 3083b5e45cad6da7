/**
 * What the end-to-end benches share: the photo-like originals, a timed pool,
 * the service started for real (headless Temporal dev server + `api` + `worker`
 * from dist/, a company and an IpsUser in it) and the worker's peak RSS.
 *
 * Plain JavaScript over the compiled dist/ (run `npm run build` first).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { findTemporalCli, freePort, startDevServer } from '../../dist/src/adapters/temporal/dev-server.js';

/** Size of every original. */
export const WIDTH = 2725;
export const HEIGHT = 2225;

/** Items in flight at once, in the baselines and in the worker: WORKER_ACTIVITY_CONCURRENCY, default the worker's (CPUs + 1, see defaultActivityConcurrency). */
export const concurrency = Number(process.env.WORKER_ACTIVITY_CONCURRENCY ?? os.availableParallelism() + 1);

export const admin = { email: 'bench@ips.local', password: 'Bench-Pass-1' };
export const benchUser = { email: 'user@bench.test', password: 'User-Pass-1' };

export const log = (line) => process.stdout.write(`${line}\n`);

/** The Authorization header of HTTP Basic for `who` ({ email, password }). */
export const basic = (who) => `Basic ${Buffer.from(`${who.email}:${who.password}`).toString('base64')}`;

/**
 * `count` photo-like JPEGs of `width`×`height` (default WIDTH×HEIGHT; a gradient
 * under Gaussian noise, different in every file, 300 ppi), generated once into
 * $TMPDIR/ips-bench-originals-<W>x<H> and reused: photo-0000.jpg, photo-0001.jpg…
 */
export async function originals(count, { width, height } = { width: WIDTH, height: HEIGHT }) {
  const dir = path.join(os.tmpdir(), `ips-bench-originals-${width}x${height}`);
  await fs.mkdir(dir, { recursive: true });
  const gradient = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      gradient[i] = (x * 255) / width;
      gradient[i + 1] = (y * 255) / height;
      gradient[i + 2] = 128;
    }
  }
  const files = [];
  for (let n = 0; n < count; n++) {
    const file = path.join(dir, `photo-${String(n).padStart(4, '0')}.jpg`);
    files.push(file);
    if (existsSync(file)) continue;
    const noise = await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .blur(1.5)
      .raw()
      .toBuffer();
    const mixed = Buffer.alloc(gradient.length);
    for (let i = 0; i < mixed.length; i++) mixed[i] = (gradient[i] * 3 + noise[i] + (n % 7) * 4) >> 2;
    await sharp(mixed, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 90 })
      .withMetadata({ density: 300 })
      .toFile(file);
  }
  return files;
}

/** The nearest-rank `p`-th percentile of `values` (in any order; NaN when there are none). */
export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `fn` over `items` with at most `limit` at a time; returns seconds taken. */
export async function timedPool(items, limit, fn) {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Seconds since `started` (a process.hrtime.bigint()). */
export const secondsSince = (started) => Number(process.hrtime.bigint() - started) / 1e9;

/**
 * Polls `probe` every BENCH_POLL_MS (default 1 s, a busy but realistic IPS client) until it resolves truthy
 * (a throw counts as "not yet"). Each job poll is a getActiveJobs call, i.e. a
 * workflow query the worker answers: a slower poll measures the service with
 * a lighter client; the benches time jobs by the job log's own end (server
 * clock, same machine), so the poll interval adds no detection delay.
 */
export async function waitFor(what, probe, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, Number(process.env.BENCH_POLL_MS ?? 1000)));
  }
}

/** The process's peak RSS in MiB: the kernel's high-water mark (VmHWM). */
export const peakRss = async (pid) => Number(/VmHWM:\s+(\d+)/.exec(await fs.readFile(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** Machine-wide CPU seconds (busy, idle) from /proc/stat, to tell contention (no idle left) from waiting (idle cores). */
export async function cpuTimes() {
  const line = (await fs.readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const hz = 100;
  const idle = (line[3] + line[4]) / hz;
  const total = line.reduce((a, b) => a + b, 0) / hz;
  return { busy: total - idle, idle };
}

/** CPU seconds a process has used (user + system), from /proc/<pid>/stat. */
export async function processCpu(pid) {
  const fields = (await fs.readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds used so far by every process on the machine, summed by command name (node, weed, postgres, temporal…),
 * or by what `group({ pid, name, ppid })` returns for it (a process it returns undefined for is left out).
 */
export async function cpuByCommand(group = ({ name }) => name) {
  const byName = new Map();
  for (const pid of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = group({ pid: Number(pid), name, ppid: Number(fields[1]) });
      if (key !== undefined) byName.set(key, (byName.get(key) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // the process ended meanwhile
    }
  }
  return byName;
}

/** What each command used between two cpuByCommand() snapshots, the busiest first (processes that ended meanwhile are not counted). */
export function cpuSpent(before, after) {
  return [...after]
    .map(([name, seconds]) => [name, seconds - (before.get(name) ?? 0)])
    .filter(([, seconds]) => seconds >= 0.05)
    .sort((a, b) => b[1] - a[1]);
}

/** The process's current RSS in MiB (VmRSS). */
export const currentRss = async (pid) => Number(/VmRSS:\s+(\d+)/.exec(await fs.readFile(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** Resets the high-water mark peakRss reads (root or own process); says so when it cannot. */
export async function resetPeakRss(pid) {
  await fs.writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => log('[bench] (could not reset the peak RSS; it includes the uploads)'));
}

let stopping = false;

/** `node dist/src/main.js <role>`, pinned to `cpus` (a taskset list such as "0" or "0,1") when given. */
function startProcess(role, env, cpus) {
  const node = [process.execPath, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), 'dist/src/main.js', role];
  const [command, ...args] = cpus ? ['taskset', '-c', cpus, ...node] : node;
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!stopping && !child.retiring) {
      log(`${role} exited unexpectedly (${code ?? signal})`);
      process.exit(1);
    }
  });
  return child;
}

const exited = (child) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r)));

/**
 * Starts the service in `work` (a scratch directory: Temporal's database and
 * DATA_DIR go there): a headless Temporal dev server, the API, then the
 * worker(s), all with WORKER_ACTIVITY_CONCURRENCY = `concurrency`; creates the
 * company "Bench" and an IpsUser in it. `env` is added to every process's
 * environment; as a function it is called with the API's base URL (for
 * variables that name it, like PUBLIC_URL). DATABASE_URL is passed through
 * when set, else the service uses its SQLite default.
 *
 * `options`:
 *   workers          [{ name, env, cpus }]: several worker processes, each with its own extra
 *                    environment (e.g. its own DATA_DIR) and CPU pinning; default one worker
 *   temporalAddress  an existing Temporal frontend (with a task queue of its own in `env`)
 *                    instead of a dev server started here
 *
 * Returns:
 *   base           the API's URL, http://127.0.0.1:<port>
 *   temporalAddress the Temporal frontend the processes use
 *   companyHandle, user (the IpsUser's credentials)
 *   call(op, body, who = admin)   POST /api/<op> with Basic auth, the JSON reply (throws on an HTTP error)
 *   upload(files, jobName)        one POST /scene7/UploadFile as the user (endJob), its jobHandle
 *   finished(jobHandle)           true once getActiveJobs no longer lists the job
 *   worker                        the (first) worker's ChildProcess (worker.pid for peakRss)
 *   workers                       one entry per worker: { name, child, kill(signal) } (kill: an
 *                                 expected end, e.g. SIGKILL to show a lost machine)
 *   restartWorker(extraEnv)       stops the first worker (SIGTERM, drained) and starts a new one with
 *                                 the same environment plus `extraEnv`; the new ChildProcess
 *   stop()                        SIGTERM to workers then API, waits for them, stops Temporal
 */
export async function startService(work, env = {}, options = {}) {
  stopping = false;
  const children = [];
  let dev;
  const stop = async () => {
    stopping = true;
    for (const c of children.reverse()) {
      c.kill('SIGTERM');
      await exited(c);
    }
    children.length = 0;
    await dev?.stop();
    dev = undefined;
  };
  try {
    let address = options.temporalAddress;
    if (!address) {
      dev = await startDevServer({
        port: await freePort(),
        uiPort: 0,
        headless: true,
        dbFile: path.join(work, 'temporal.db'),
        cli: findTemporalCli(process.env.TEMPORAL_CLI),
      });
      address = dev.address;
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const vars = {
      DATA_DIR: path.join(work, 'data'),
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      TEMPORAL_ADDRESS: address,
      PORT: String(port),
      IPS_ADMIN_EMAIL: admin.email,
      IPS_ADMIN_PASSWORD: admin.password,
      WORKER_ACTIVITY_CONCURRENCY: String(concurrency),
      LOG_LEVEL: 'warn',
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      ...(typeof env === 'function' ? env(base) : env),
    };
    if (!vars.DATABASE_URL) delete vars.DATABASE_URL;
    children.push(startProcess('api', vars));
    await waitFor('the API', async () => (await fetch(`${base}/health`)).ok);
    const workers = (options.workers ?? [{ name: 'worker' }]).map((w) => {
      const child = startProcess('worker', { ...vars, ...w.env }, w.cpus);
      children.push(child);
      const kill = async (signal) => {
        child.retiring = true;
        child.kill(signal);
        await exited(child);
        children.splice(children.indexOf(child), 1);
      };
      return { name: w.name, child, kill };
    });
    let worker = workers[0].child;
    const restartWorker = async (extraEnv = {}) => {
      worker.retiring = true;
      worker.kill('SIGTERM');
      await exited(worker);
      children.splice(children.indexOf(worker), 1);
      worker = startProcess('worker', { ...vars, ...options.workers?.[0]?.env, ...extraEnv }, options.workers?.[0]?.cpus);
      children.push(worker);
      return worker;
    };

    const call = async (operation, body, who = admin) => {
      const res = await fetch(`${base}/api/${operation}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(who) },
        body: JSON.stringify(body),
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`${operation}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const { companyInfo } = await call('addCompany', { companyName: 'Bench' });
    const companyHandle = companyInfo.companyHandle;
    const user = benchUser;
    await call('addUser', {
      firstName: 'Bench',
      lastName: 'User',
      ...user,
      isValid: true,
      isIpsAdmin: false,
      membershipArray: { items: [{ companyHandle, role: 'IpsUser', isActive: true }] },
    });

    const upload = async (batch, jobName) => {
      const form = new FormData();
      form.append('uploadParams', JSON.stringify({ companyHandle, jobName, endJob: true }));
      for (const f of batch) form.append('file', new Blob([await fs.readFile(f)]), path.basename(f));
      const res = await fetch(`${base}/scene7/UploadFile`, { method: 'POST', body: form, headers: { authorization: basic(user) } });
      const json = await res.json();
      if (!res.ok) throw new Error(`upload: ${res.status} ${JSON.stringify(json)}`);
      return json.jobHandle;
    };
    const finished = async (jobHandle) => {
      const active = await call('getActiveJobs', { companyHandle, jobHandle }, user);
      return !(active.jobArray?.items ?? []).length;
    };
    return {
      base,
      temporalAddress: address,
      companyHandle,
      user,
      call,
      upload,
      finished,
      get worker() {
        return worker;
      },
      workers,
      restartWorker,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Ghostscript's a98.icc (libgs-common): the output profile of the benches' reprocess work. */
export const OUTPUT_PROFILE = '/usr/share/color/icc/ghostscript/a98.icc';

/**
 * The reprocess work the benches measure (bench/reprocess.mjs's baselines do
 * the same by hand): manual crop 100/100/80/80, Convert to a98.icc, unsharp
 * mask 1.2/1.0/3, pyramid TIFF. The reprocessAssetsJob element for `images`.
 */
export function reprocessWork(images, profileHandle) {
  return {
    assetHandleArray: images,
    createMask: false,
    emailSetting: 'None',
    manualCropOptions: { left: 100, right: 100, top: 80, bottom: 80 },
    colorManagementOptions: { colorManagement: 'Convert', outputProfileHandle: profileHandle },
    unsharpMaskOptions: { amount: 1.2, radius: 1.0, threshold: 3, monochrome: 0 },
  };
}

/** Uploads OUTPUT_PROFILE and `files` and waits for the upload jobs; the profile's handle and the images' handles. */
export async function uploadReprocessInputs(service, files) {
  const jobs = [await service.upload([OUTPUT_PROFILE], 'profile'), ...(await uploadOriginals(service, files))];
  for (const job of jobs) await waitFor(`upload job ${job}`, () => service.finished(job), 30 * 60_000);
  const found = await service.call('searchAssets', { companyHandle: service.companyHandle, includeSubfolders: true, recordsPerPage: 1000 }, service.user);
  const assets = found.assetArray?.items ?? [];
  const profile = assets.find((a) => a.type === 'IccProfile');
  const images = assets.filter((a) => a.type === 'Image').map((a) => a.assetHandle);
  if (!profile || images.length !== files.length) {
    throw new Error(`expected ${files.length} images and the profile, found ${images.length} images, profile ${profile ? 'yes' : 'no'}`);
  }
  return { profileHandle: profile.assetHandle, images };
}

/** Uploads `files` in posts of 20 (one upload job each, named originals-<first index>); their job handles, in order. */
export async function uploadOriginals(service, files) {
  const jobs = [];
  for (let i = 0; i < files.length; i += 20) jobs.push(await service.upload(files.slice(i, i + 20), `originals-${i}`));
  return jobs;
}
