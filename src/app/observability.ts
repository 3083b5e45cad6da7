import { createJobCatalogMetrics } from '../adapters/metrics/job-catalog-metrics.js';
import { MetricsExposition } from '../adapters/metrics/metrics-exposition.js';
import { type MetricsHttpServer, serveMetricsHttp } from '../adapters/metrics/metrics-http-server.js';
import { processMetricsRegistry } from '../adapters/metrics/process-metrics.js';
import { MetricsService } from '../services/observability/metrics.service.js';
import type { AppContext } from './context.js';

/**
 * The API's /metrics: process metrics and the job counts from the catalog;
 * with `withWorker` (one process runs both, role `all`) also what this
 * process's worker did, so one scrape target covers the whole process.
 */
export function apiMetricsService(ctx: AppContext, withWorker: boolean): MetricsService {
  const jobs = createJobCatalogMetrics(
    () => ctx.repositories.jobLogs.countByTypeAndEndStatus(),
    (err) => ctx.logger.warn({ err }, 'job metrics: the catalog did not answer'),
  );
  const registries = [processMetricsRegistry(), jobs, ...(withWorker ? [ctx.metrics.registry] : [])];
  return new MetricsService(new MetricsExposition(registries), ctx.config.metrics.token);
}

/** A worker process's own /metrics (WORKER_METRICS_PORT; port 0 here picks a free port). */
export async function startWorkerMetricsServer(ctx: AppContext, port: number): Promise<MetricsHttpServer> {
  const metrics = new MetricsService(new MetricsExposition([processMetricsRegistry(), ctx.metrics.registry]), ctx.config.metrics.token);
  return serveMetricsHttp(ctx.config.host, port, (authorization) => metrics.scrape(authorization));
}
