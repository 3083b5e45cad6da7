import { describe, expect, it } from 'vitest';
import { type ReadinessCheckName, type ReadinessChecks, ReadinessService } from '../../src/services/observability/readiness.service.js';
import { MetricsService } from '../../src/services/observability/metrics.service.js';
import { MetricsExposition } from '../../src/adapters/metrics/metrics-exposition.js';
import { createJobCatalogMetrics } from '../../src/adapters/metrics/job-catalog-metrics.js';

const ok = async () => undefined;
const allOk = (): ReadinessChecks => ({ database: ok, storage: ok, temporal: ok });

describe('ReadinessService', () => {
  it('is ready when every check answers', async () => {
    expect(await new ReadinessService(allOk()).check()).toEqual({ status: 'ready', checks: { database: 'ok', storage: 'ok', temporal: 'ok' } });
  });

  for (const name of ['database', 'storage', 'temporal'] as ReadinessCheckName[]) {
    it(`is not ready when only the ${name} check fails, and names it with the reason`, async () => {
      const checks = { ...allOk(), [name]: async () => Promise.reject(new Error(`${name} is down\nsecond line of diagnostics`)) };
      const report = await new ReadinessService(checks).check();
      expect(report.status).toBe('not ready');
      expect(report.checks[name]).toBe(`failed: ${name} is down`);
      for (const other of Object.keys(report.checks).filter((n) => n !== name)) expect(report.checks[other as ReadinessCheckName]).toBe('ok');
    });
  }

  it('gives up on a check that never answers and names it', async () => {
    const report = await new ReadinessService({ ...allOk(), temporal: () => new Promise<void>(() => undefined) }, 50).check();
    expect(report).toEqual({ status: 'not ready', checks: { database: 'ok', storage: 'ok', temporal: 'failed: no answer within 50 ms' } });
  });
});

describe('MetricsService', () => {
  const catalog = () =>
    createJobCatalogMetrics(
      async () => [
        { jobType: 'ReprocessAssetsJob', endStatus: 'done', count: 3 },
        { jobType: 'ReprocessAssetsJob', endStatus: 'failed', count: 1 },
        { jobType: 'ReprocessAssetsJob', endStatus: null, count: 2 },
        { jobType: 'UploadPostJob', endStatus: 'success', count: 4 },
        { jobType: 'UploadPostJob', endStatus: 'stopped', count: 1 },
      ],
      () => undefined,
    );

  it('counts jobs by type and end state from the catalog', async () => {
    const { body, status } = await new MetricsService(new MetricsExposition([catalog()])).scrape(undefined);
    expect(status).toBe(200);
    expect(body).toContain('ips_jobs_submitted_total{job_type="ReprocessAssetsJob"} 6');
    expect(body).toContain('ips_jobs_completed_total{job_type="ReprocessAssetsJob"} 3');
    expect(body).toContain('ips_jobs_failed_total{job_type="ReprocessAssetsJob"} 1');
    expect(body).toContain('ips_jobs_active{job_type="ReprocessAssetsJob"} 2');
    expect(body).toContain('ips_jobs_completed_total{job_type="UploadPostJob"} 4');
    expect(body).toContain('ips_jobs_stopped_total{job_type="UploadPostJob"} 1');
    expect(body).toContain('ips_catalog_up 1');
  });

  it('reports the catalog down instead of failing the scrape', async () => {
    const errors: unknown[] = [];
    const down = createJobCatalogMetrics(
      () => Promise.reject(new Error('database is locked')),
      (err) => errors.push(err),
    );
    const { body, status } = await new MetricsService(new MetricsExposition([down])).scrape(undefined);
    expect(status).toBe(200);
    expect(body).toContain('ips_catalog_up 0');
    expect(body).not.toContain('ips_jobs_submitted_total{');
    expect(errors).toHaveLength(1);
  });

  it('with a token, answers only a matching bearer token', async () => {
    const metrics = new MetricsService(new MetricsExposition([catalog()]), 's3cret-token');
    expect((await metrics.scrape(undefined)).status).toBe(401);
    expect((await metrics.scrape('Bearer wrong-token!')).status).toBe(401);
    expect((await metrics.scrape('Basic czNjcmV0LXRva2Vu')).status).toBe(401);
    expect((await metrics.scrape('Bearer s3cret-token')).status).toBe(200);
  });
});
