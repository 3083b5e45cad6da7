import { workerData } from 'node:worker_threads';
import type { DetectedFormat } from '../../domain/asset-types.js';
import { IsCommandError, type IsRequest } from '../../domain/image-serving/is-request.js';
import { IsLimitError, type IsRenderOptions, type IsRenderResult, renderIsImage } from './image-serving/is-renderer.js';
import { RenderOptionError, UnreadableImageError } from './media-errors.js';
import type { RenderPlan, RenderResult } from './media-types.js';
import { MediaRepository } from './media.repository.js';

/** What the render pool sends a thread: one renderDerivatives call (reprocessing) or one renderIsImage call (export conversions). */
export type RenderTask =
  | { kind: 'derivatives'; file: string; format: DetectedFormat; plan: RenderPlan; out: { ptiff: string; mask?: string } }
  | { kind: 'isImage'; source: string; req: IsRequest; outFile: string; opts: IsRenderOptions };

/** Each task kind's result. */
export interface RenderResults {
  derivatives: RenderResult;
  isImage: IsRenderResult;
}

/**
 * The errors that mean "this file or these options", not "try again", as
 * values: a thrown error reaches the pool as a plain Error, its class lost on
 * the way between threads. An IsCommandError keeps its command and detail.
 */
export type RenderFailure =
  { ok: false; kind: 'unreadable' | 'option' | 'isLimit'; message: string } | { ok: false; kind: 'isCommand'; command: string; detail: string };

/** The reply to a task of kind K. */
export type RenderReply<K extends RenderTask['kind'] = RenderTask['kind']> = { ok: true; result: RenderResults[K] } | RenderFailure;

const media = new MediaRepository((workerData as { maxPixels: number }).maxPixels);

/** A render thread's task (piscina calls the default export). */
export default async function renderInThread(task: RenderTask): Promise<RenderReply> {
  try {
    if (task.kind === 'isImage') return { ok: true, result: await renderIsImage(task.source, task.req, task.outFile, task.opts) };
    return { ok: true, result: await media.renderDerivatives(task.file, task.format, task.plan, task.out) };
  } catch (err) {
    if (err instanceof UnreadableImageError) return { ok: false, kind: 'unreadable', message: err.message };
    if (err instanceof RenderOptionError) return { ok: false, kind: 'option', message: err.message };
    if (err instanceof IsLimitError) return { ok: false, kind: 'isLimit', message: err.message };
    if (err instanceof IsCommandError) return { ok: false, kind: 'isCommand', command: err.command, detail: err.detail };
    throw err;
  }
}
