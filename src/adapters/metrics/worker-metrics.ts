import { Counter, Histogram, Registry } from 'prom-client';

/** The per-item steps a worker times (label `step` of ips_asset_step_duration_seconds). */
export type AssetStep = 'ingest' | 'reprocess' | 'optimize' | 'rip_page' | 'export_stage' | 'publish' | 'set_generation';

/** What activities and adapters report; the worker's metrics implement it. */
export interface StepRecorder {
  observeStep(step: AssetStep, status: string, seconds: number): void;
}

// From a 10 ms catalog-only publish to a 10-minute video encoding.
const STEP_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * Metrics of the work a worker process does, in their own registry: served on
 * WORKER_METRICS_PORT, or merged into the API's /metrics when one process runs
 * both. A registry per instance keeps test processes with several workers apart.
 */
export class WorkerMetrics implements StepRecorder {
  readonly registry = new Registry();
  private readonly stepSeconds = new Histogram({
    name: 'ips_asset_step_duration_seconds',
    help: 'Time to process one item (asset, file or page) by step and item status',
    labelNames: ['step', 'status'] as const,
    buckets: STEP_BUCKETS,
    registers: [this.registry],
  });
  private readonly ripPages = new Counter({
    name: 'ips_rip_pages_total',
    help: 'Pages rasterised by Ghostscript',
    registers: [this.registry],
  });

  observeStep(step: AssetStep, status: string, seconds: number): void {
    this.stepSeconds.observe({ step, status }, seconds);
  }

  /** A rip renders several pages in one Ghostscript run: each page is counted with its share of the time. */
  observeRippedPages(pages: number, seconds: number): void {
    if (pages <= 0) return;
    this.ripPages.inc(pages);
    for (let i = 0; i < pages; i++) this.stepSeconds.observe({ step: 'rip_page', status: 'success' }, seconds / pages);
  }
}
