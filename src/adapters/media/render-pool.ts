import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { DetectedFormat } from '../../domain/asset-types.js';
import { RenderOptionError, UnreadableImageError } from './media-errors.js';
import type { RenderPlan, RenderResult } from './media-types.js';
import type { MediaRepository } from './media.repository.js';
import type { RenderReply, RenderTask } from './render-thread.js';

/** The reprocessing render (crop, knockout, mask, unsharp mask, pyramid TIFF), wherever it runs. */
export type DerivativeRenderer = Pick<MediaRepository, 'renderDerivatives'>;

/**
 * renderDerivatives on a pool of worker threads, one per parallel activity.
 *
 * Why: knockout, automatic crops and the unsharp mask bring whole images
 * into JS as Buffers (tens of MB each). Their memory is returned only when
 * V8 collects the Buffer objects, so every image or two forces a full
 * mark-compact of the heap that owns them. In the worker's main isolate
 * (Temporal SDK, services, catalog: ~45 MB of heap) each of those cost
 * ~50 ms of main-thread time plus as much again on the GC helper threads,
 * and the pixel loops of parallel activities queued behind one another on
 * that one thread; bench/reprocess measured the worker ~25% slower per image
 * than the same calls in a bare process. A render thread's isolate holds
 * nothing but the image code, so its collections are cheap, and the threads
 * run their pixel loops in parallel.
 *
 * Threads start on the first render (the API process never starts them).
 * A thread that dies fails only the render it was running (a plain Error:
 * the activity retries it); piscina replaces the thread.
 */
export class RenderPool implements DerivativeRenderer {
  private pool?: Piscina<RenderTask, RenderReply>;

  /** nice: added to the render threads' CPU nice value (their JS pixel loops yield to the control plane; see image-thread-priority.ts) */
  constructor(private readonly options: { threads: number; maxPixels: number; nice?: number }) {}

  async renderDerivatives(file: string, format: DetectedFormat, plan: RenderPlan, out: { ptiff: string; mask?: string }): Promise<RenderResult> {
    const reply = await this.threads().run({ file, format, plan, out });
    if (reply.ok) return reply.result;
    throw reply.kind === 'unreadable' ? new UnreadableImageError(reply.message) : new RenderOptionError(reply.message);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private threads(): Piscina<RenderTask, RenderReply> {
    this.pool ??= new Piscina<RenderTask, RenderReply>({
      filename: threadEntry(),
      minThreads: this.options.threads,
      maxThreads: this.options.threads,
      // Threads live as long as the pool: starting one (and sharp in it) costs more than an idle thread.
      idleTimeout: Number.POSITIVE_INFINITY,
      // No busy-waiting between tasks: a render takes hundreds of milliseconds, not microseconds.
      atomics: 'disabled',
      workerData: { maxPixels: this.options.maxPixels },
      // Explicit, so the parent's own flags (inspector, test-runner loaders) do not leak into the threads.
      execArgv: [],
      ...(this.options.nice ? { niceIncrement: this.options.nice } : {}),
    });
    return this.pool;
  }
}

/** From dist/, the compiled render-thread.js; under vitest (this module is .ts) the test-only bootstrap that loads the .ts source. */
function threadEntry(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSource ? '../../../test/support/render-thread-dev.mjs' : './render-thread.js', import.meta.url));
}
