import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, startHarness } from '../support/harness.js';
import { readZip } from '../support/zip.js';
import { waitUntil } from '../support/wait.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The package's bin as `npm run build` makes it: the real `ips`, run as a user runs it. */
const BIN = path.join(root, 'dist/src/cli/main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe(`ips CLI, the built binary against the service (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let proxy: http.Server;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const assets: Record<string, string> = {};

  /** Runs `ips args…` with the credentials in the environment only (never on the command line). */
  const ips = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          IPS_URL: h.baseUrl,
          IPS_EMAIL: acme.who.email,
          IPS_PASSWORD: acme.who.password,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const json = (r: Run) => {
    expect(r.code, r.stderr).not.toBeNull();
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    // Export links are made under PUBLIC_URL, known before the service's own port is: a pass-through listener stands in for it.
    proxy = http.createServer((req, res) => {
      void fetch(`${h.baseUrl}${req.url}`).then(
        (r) => {
          res.writeHead(r.status, Object.fromEntries(r.headers));
          if (r.body) Readable.fromWeb(r.body as never).pipe(res);
          else res.end();
        },
        () => res.writeHead(502).end(),
      );
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    h = await startHarness({ PUBLIC_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-cli-'));
    await fs.mkdir(path.join(dir, 'photos'));
    for (const [name, r] of [
      ['red', 255],
      ['green', 0],
      ['blue', 0],
    ] as const) {
      await sharp({ create: { width: 40, height: 30, channels: 3, background: { r, g: name === 'green' ? 255 : 0, b: name === 'blue' ? 255 : 0 } } })
        .png()
        .toFile(path.join(dir, 'photos', `${name}.png`));
    }
  });
  afterAll(async () => {
    await h?.close();
    proxy?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('uploads a folder of three images as one job and exits 0 once it has ended', async () => {
    const r = await ips(['--json', 'upload', path.join(dir, 'photos'), '--company', acme.companyHandle, '--job-name', 'cli upload']);
    expect(r.code, r.stderr).toBe(0);
    const out = json(r);
    expect(out.files).toBe(3);
    expect(out.jobLog).toMatchObject({ jobHandle: out.jobHandle, originalJobName: 'cli upload', fileSuccessCount: 3, fileErrorCount: 0 });
    expect(out.jobLog.endDate).toBeDefined();
    // Not a terminal: progress is plain lines on stderr, one per file sent.
    expect(r.stderr).toMatch(/red\.png: \d+ bytes sent/);
    for (const name of ['red', 'green', 'blue']) {
      const asset = await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, name);
      expect(asset, name).toBeDefined();
      assets[name] = asset!.asset_handle;
    }
  });

  it('submit reprocess --watch follows the job to its end (exit 0); logs --json has a row for each asset', async () => {
    const handles = Object.values(assets);
    const r = await ips(['--json', 'submit', 'reprocess', '--company', acme.companyHandle, '--assets', handles.join(','), '--watch']);
    expect(r.code, r.stderr).toBe(0);
    const { jobHandle, jobLog } = json(r);
    expect(jobLog).toMatchObject({ jobHandle, fileSuccessCount: 3, fileErrorCount: 0, fatalError: false });

    const logs = await ips(['--json', 'logs', jobHandle, '--company', acme.companyHandle]);
    expect(logs.code, logs.stderr).toBe(0);
    const { details } = json(logs);
    expect(details.filter((d: { assetHandle?: string }) => d.assetHandle).map((d: { assetHandle: string }) => d.assetHandle)).toEqual(
      expect.arrayContaining(handles),
    );
    const only = json(await ips(['--json', 'logs', jobHandle, '--company', acme.companyHandle, '--type', 'ReprocessSuccess']));
    expect(only.details.length).toBe(3);
    expect(new Set(only.details.map((d: { logType: string }) => d.logType))).toEqual(new Set(['ReprocessSuccess']));
  });

  it('exits 1 when the job logged errors, and 1 with the fault code, reason and field when the call is refused', async () => {
    const failing = await ips(['--json', 'submit', 'reprocess', '--company', acme.companyHandle, '--assets', `a|nope,${assets.red}`, '--watch']);
    expect(failing.code, failing.stderr).toBe(1);
    expect(json(failing).jobLog).toMatchObject({ fileSuccessCount: 1, fileErrorCount: 1 });

    const refused = await ips(['submit', 'reprocess', '--company', acme.companyHandle, '--assets', assets.red!, '--options', '{"createMask":"yes"}']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ipsApiFault 30001: .*\(field reprocessAssetsJob\.createMask\)/);
  });

  it('exits 3 on a wrong password or a foreign company, and 2 on usage errors', async () => {
    const wrong = await ips(['jobs', '--company', acme.companyHandle], { IPS_PASSWORD: 'Not-The-Password-1' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/authenticationFault 10001/);
    expect(wrong.stderr).not.toContain('Not-The-Password-1');

    const other = await companyWithUser(h, 'Other', 'IpsUser');
    expect((await ips(['jobs', '--company', other.companyHandle])).code).toBe(3);

    const unknownFlag = await ips(['jobs', '--company', acme.companyHandle, '--password', 'x']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/unknown option '--password'/);
    const badJson = await ips(['submit', 'reprocess', '--company', acme.companyHandle, '--assets', assets.red!, '--options', '{nope']);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/--options is not JSON/);
    const noProfile = await ips(['jobs', '--company', acme.companyHandle], { IPS_PASSWORD: '' });
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toMatch(/no password in the environment/);
  });

  it('pauses and resumes a scheduled job, stops a waiting one, and lists active jobs', async () => {
    const scheduled = await h.api(
      'submitJob',
      { companyHandle: acme.companyHandle, jobName: 'nightly', execSchedule: '0 0 3 * * ?', optimizeImagesJob: { emailSetting: 'None' } },
      acme.who,
    );
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    const triggerState = async (jobHandle: string) =>
      (await h.api('getScheduledJobs', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).body.jobArray.items[0]?.triggerState;
    const schedule: string = scheduled.body.jobHandle;
    expect((await ips(['pause', schedule, '--company', acme.companyHandle])).code).toBe(0);
    expect(await triggerState(schedule)).toBe('Paused');
    const resumed = await ips(['--json', 'resume', schedule, '--company', acme.companyHandle]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(json(resumed)).toEqual({ jobHandle: schedule, operation: 'resumeJob' });
    expect(await triggerState(schedule)).toBe('Normal');

    const later = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'later',
        execTime: new Date(Date.now() + 3_600_000).toISOString(),
        optimizeImagesJob: { emailSetting: 'None' },
      },
      acme.who,
    );
    const waiting: string = later.body.jobHandle;
    const listed = await ips(['jobs', '--company', acme.companyHandle]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^NAME +TYPE +STATE +PROGRESS +MESSAGE +HANDLE/);
    expect(listed.stdout).toContain(waiting);

    const stopped = await ips(['stop', waiting, '--company', acme.companyHandle]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toBe(`${waiting}: stopping\n`);
    await h.client.workflow
      .getHandle(waiting)
      .result()
      .catch(() => undefined);
    const log = json(await ips(['--json', 'logs', waiting, '--company', acme.companyHandle]));
    expect(log.details.at(-1).logMessage).toContain(`stopped by ${acme.who.email}`);
  });

  it('jobs --watch draws a live table on a terminal and redraws it in place', async () => {
    const later = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'watched',
        execTime: new Date(Date.now() + 3_600_000).toISOString(),
        optimizeImagesJob: { emailSetting: 'None' },
      },
      acme.who,
    );
    const waiting: string = later.body.jobHandle;
    // util-linux `script` gives the CLI a pseudo-terminal, as a person's shell would.
    const child = spawn('script', ['-qfec', `'${process.execPath}' '${BIN}' jobs --company '${acme.companyHandle}' --watch`, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, TERM: 'xterm', IPS_URL: h.baseUrl, IPS_EMAIL: acme.who.email, IPS_PASSWORD: acme.who.password },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    try {
      // Two drawings of the table, the second after moving the cursor back up over the first (ESC [ n A, then clear below).
      await waitUntil('the table drawn twice in place', async () => /\x1b\[\d+A/.test(screen) && screen.split(waiting).length > 2, 20_000);
      expect(screen).toMatch(/NAME +TYPE +STATE +PROGRESS +MESSAGE +HANDLE/);
      expect(screen).toContain('\x1b[0J');
    } finally {
      child.kill('SIGKILL');
      await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle: waiting }, acme.who);
    }
  });

  it('export --download waits for the ZIP and saves it', async () => {
    const out = path.join(dir, 'downloads');
    const r = await ips([
      '--json',
      'export',
      '--company',
      acme.companyHandle,
      '--assets',
      `${assets.red},${assets.blue}`,
      '--download',
      out,
      '--job-name',
      'two',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { file, jobLog } = json(r);
    expect(path.dirname(file)).toBe(out);
    expect(jobLog.fileErrorCount).toBe(0);
    expect([...(await readZip(await fs.readFile(file))).keys()].sort()).toEqual(['blue.png', 'red.png']);
  });
});
