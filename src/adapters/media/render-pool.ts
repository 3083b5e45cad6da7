import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { DetectedFormat } from '../../domain/asset-types.js';
import { IsCommandError, type IsRequest } from '../../domain/image-serving/is-request.js';
import { IsLimitError, type IsRenderOptions, type IsRenderResult } from './image-serving/is-renderer.js';
import { RenderOptionError, UnreadableImageError } from './media-errors.js';
import type { RenderPlan, RenderResult } from './media-types.js';
import type { MediaRepository } from './media.repository.js';
import type { RenderFailure, RenderReply, RenderResults, RenderTask } from './render-thread.js';

/** The reprocessing render (crop, knockout, mask, unsharp mask, pyramid TIFF), wherever it runs. */
export type DerivativeRenderer = Pick<MediaRepository, 'renderDerivatives'>;

/** The Image Serving render (image-serving/is-renderer.ts renderIsImage), wherever it runs. */
export interface IsImageRenderer {
  renderIsImage(source: string, req: IsRequest, outFile: string, opts: IsRenderOptions): Promise<IsRenderResult>;
}

/**
 * renderDerivatives (reprocessing) and renderIsImage (export conversions) on
 * a pool of worker threads, one per parallel activity.
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
 * Threads start with the worker (start) or on the first render; the API
 * process never starts them.
 * A thread that dies fails only the render it was running (a plain Error:
 * the activity retries it); piscina replaces the thread.
 */
export class RenderPool implements DerivativeRenderer, IsImageRenderer {
  private pool?: Piscina<RenderTask, RenderReply>;

  /** nice: added to the render threads' CPU nice value (their JS pixel loops yield to the control plane; see worker-thread-priority.ts) */
  constructor(private readonly options: { threads: number; maxPixels: number; nice?: number }) {}

  renderDerivatives(file: string, format: DetectedFormat, plan: RenderPlan, out: { ptiff: string; mask?: string }): Promise<RenderResult> {
    return this.run({ kind: 'derivatives', file, format, plan, out });
  }

  /**
   * Why export conversions run here too: each is a libvips pipeline whose
   * JS (planning, header reads, callbacks) and any decoded pixels then stay
   * off the worker's main thread, which keeps the Temporal SDK, the catalog
   * and every lane's bookkeeping.
   */
  renderIsImage(source: string, req: IsRequest, outFile: string, opts: IsRenderOptions): Promise<IsRenderResult> {
    return this.run({ kind: 'isImage', source, req, outFile, opts });
  }

  /**
   * Starts the threads now (they load sharp and the render code, ~0.1 CPU-s
   * each) so the first job does not wait for them: bench/export saw 0.27 CPU-s
   * of thread start inside its job's first batch.
   */
  start(): void {
    this.threads();
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private async run<K extends RenderTask['kind']>(task: Extract<RenderTask, { kind: K }>): Promise<RenderResults[K]> {
    // The thread answers each task with its own kind's result (render-thread.ts).
    const reply = (await this.threads().run(task)) as RenderReply<K>;
    if (reply.ok) return reply.result;
    throw failureError(reply);
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

/** The error a thread's failure stands for, of the class the in-process render would have thrown. */
function failureError(failure: RenderFailure): Error {
  switch (failure.kind) {
    case 'unreadable':
      return new UnreadableImageError(failure.message);
    case 'option':
      return new RenderOptionError(failure.message);
    case 'isLimit':
      return new IsLimitError(failure.message);
    case 'isCommand':
      return new IsCommandError(failure.command, failure.detail);
  }
}

/** From dist/, the compiled render-thread.js; under vitest (this module is .ts) the test-only bootstrap that loads the .ts source. */
function threadEntry(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSource ? '../../../test/support/render-thread-dev.mjs' : './render-thread.js', import.meta.url));
}
