import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobGateway } from '../../src/adapters/temporal/job.gateway.js';
import { freePort } from '../../src/adapters/temporal/dev-server.js';
import type { MetricsHttpServer } from '../../src/adapters/metrics/metrics-http-server.js';
import { createHttpApp } from '../../src/app/http-app.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { startWorkerMetricsServer } from '../../src/app/observability.js';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeEps, makePng, uploadPost } from '../support/fixtures.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format 0.0.4: every line a comment (# HELP / # TYPE), blank, or `name{labels} value`; fails on anything else. */
function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line)) continue;
    // Values are Go floats: NaN and Inf in any case (prom-client writes "Nan").
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|[+-]?(?:nan|inf))$/i.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe(`observability: /ready, /metrics and job logs (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let workerMetrics: MetricsHttpServer;
  const lines: string[] = [];
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let uploadJob: string;
  let reprocessJob: string;
  let assetHandles: string[];

  beforeAll(async () => {
    let partial = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop()!;
        lines.push(...parts.filter(Boolean));
        done();
      },
    });
    h = await startHarness({}, { logger: createLogger('info', 'ips-test', sink) });
    workerMetrics = await startWorkerMetricsServer(h.ctx, 0);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-obs-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const files = [
      { path: await makePng(path.join(dir, 'a.png'), 64, 48) },
      { path: await makePng(path.join(dir, 'b.png'), 48, 64) },
      { path: await makeEps(path.join(dir, 'line.eps')) },
    ];
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'seed', endJob: true },
      files,
      authorization: basic(acme.who),
    });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    uploadJob = up.body.jobHandle;
    await h.client.workflow.getHandle(uploadJob).result();
    const rows = await h.ctx.database.db.selectFrom('assets').select('asset_handle').where('company_handle', '=', acme.companyHandle).execute();
    assetHandles = rows.map((r) => r.asset_handle);
    expect(assetHandles).toHaveLength(3);
    const r = await h.api(
      'submitJob',
      { companyHandle: acme.companyHandle, jobName: 'rp', reprocessAssetsJob: { assetHandleArray: assetHandles, createMask: false, emailSetting: 'None' } },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    reprocessJob = r.body.jobHandle;
    await h.client.workflow.getHandle(reprocessJob).result();
  });

  afterAll(async () => {
    await workerMetrics?.close();
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('/ready answers 200 without credentials when the database, storage and Temporal answer', async () => {
    const res = await fetch(`${h.baseUrl}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'ok', storage: 'ok', temporal: 'ok' } });
    // The probe file is removed again.
    expect((await fs.readdir(h.ctx.config.storage.root)).filter((n) => n.startsWith('.ready'))).toEqual([]);
  });

  it('/ready answers 503 naming Temporal when Temporal is unreachable', async () => {
    const closedPort = await freePort();
    // No retry interceptor: the SDK's retries would outlive this test's connection, and a retry timer firing
    // after connection.close() throws "Channel has been shut down" outside any test.
    const connection = Connection.lazy({ address: `127.0.0.1:${closedPort}`, interceptors: [] });
    const app: NestExpressApplication = await createHttpApp(h.ctx, new JobGateway(new Client({ connection }), 'nowhere'));
    try {
      await app.listen(0, '127.0.0.1');
      const res = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe('not ready');
      expect(body.checks.database).toBe('ok');
      expect(body.checks.storage).toBe('ok');
      expect(body.checks.temporal).toMatch(/^failed: /);
    } finally {
      await app.close();
      await connection.close();
    }
  });

  it('/metrics (API) is Prometheus text with the job counts from the catalog and process metrics', async () => {
    const res = await fetch(`${h.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(await res.text());
    expect(value(samples, 'ips_jobs_submitted_total', { job_type: 'ReprocessAssets' })).toBe(1);
    expect(value(samples, 'ips_jobs_completed_total', { job_type: 'ReprocessAssets' })).toBe(1);
    expect(value(samples, 'ips_jobs_failed_total', { job_type: 'ReprocessAssets' })).toBe(0);
    expect(value(samples, 'ips_jobs_stopped_total', { job_type: 'ReprocessAssets' })).toBe(0);
    expect(value(samples, 'ips_jobs_active', { job_type: 'ReprocessAssets' })).toBe(0);
    expect(value(samples, 'ips_jobs_completed_total', { job_type: 'UploadPost' })).toBe(1);
    expect(value(samples, 'ips_catalog_up')).toBe(1);
    expect(samples.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);
  });

  it('/metrics (worker) has a duration sample per processed asset by step, and the ripped pages', async () => {
    const res = await fetch(`http://127.0.0.1:${workerMetrics.port}/metrics`);
    expect(res.status).toBe(200);
    const samples = parsePrometheus(await res.text());
    expect(value(samples, 'ips_asset_step_duration_seconds_count', { step: 'ingest' })).toBe(3);
    expect(value(samples, 'ips_asset_step_duration_seconds_count', { step: 'reprocess' })).toBe(3);
    const pages = value(samples, 'ips_rip_pages_total');
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'ips_asset_step_duration_seconds_count', { step: 'rip_page' })).toBe(pages);
    expect(samples.some((s) => s.name === 'process_cpu_seconds_total')).toBe(true);
  });

  it('logs JSON lines; every line about an item carries its job handle and asset handle', async () => {
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const items = parsed.filter((l) => 'step' in l);
    for (const line of items) {
      expect(typeof line.jobHandle, JSON.stringify(line)).toBe('string');
      expect(typeof line.assetHandle, JSON.stringify(line)).toBe('string');
    }
    const done = (job: string, step: string) => items.filter((l) => l.jobHandle === job && l.step === step && l.msg === 'item done');
    expect(
      done(reprocessJob, 'reprocess')
        .map((l) => l.assetHandle)
        .sort(),
    ).toEqual([...assetHandles].sort());
    expect(done(uploadJob, 'ingest')).toHaveLength(3);
    for (const line of done(reprocessJob, 'reprocess')) {
      expect(line).toMatchObject({ level: 30, status: 'success' });
      expect(typeof line.durationMs).toBe('number');
    }
  });
});
