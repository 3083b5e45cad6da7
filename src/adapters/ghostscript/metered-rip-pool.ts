import { performance } from 'node:perf_hooks';
import { RipPool, type RipPoolOptions, type RipRequest, type RipResult } from './rip-pool.js';

/** Told about every successful rip: how many pages it rendered and how long it took. */
export type RipPagesObserver = (pages: number, seconds: number) => void;

/** The rip pool, reporting rendered pages to the worker's metrics (ips_rip_pages_total, step rip_page). */
export class MeteredRipPool extends RipPool {
  constructor(
    opts: RipPoolOptions,
    private readonly observe: RipPagesObserver,
  ) {
    super(opts);
  }

  override async rip(req: RipRequest, signal?: AbortSignal): Promise<RipResult> {
    const started = performance.now();
    const result = await super.rip(req, signal);
    this.observe(result.pages.length, (performance.now() - started) / 1000);
    return result;
  }
}
