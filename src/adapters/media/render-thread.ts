import { workerData } from 'node:worker_threads';
import type { DetectedFormat } from '../../domain/asset-types.js';
import { RenderOptionError, UnreadableImageError } from './media-errors.js';
import type { RenderPlan, RenderResult } from './media-types.js';
import { MediaRepository } from './media.repository.js';

/** What the render pool sends a thread: one renderDerivatives call. */
export interface RenderTask {
  file: string;
  format: DetectedFormat;
  plan: RenderPlan;
  out: { ptiff: string; mask?: string };
}

/**
 * The reply. The two errors that mean "this file or these options", not "try
 * again", travel as values: a thrown error reaches the pool as a plain Error,
 * its class lost on the way between threads.
 */
export type RenderReply = { ok: true; result: RenderResult } | { ok: false; kind: 'unreadable' | 'option'; message: string };

const media = new MediaRepository((workerData as { maxPixels: number }).maxPixels);

/** A render thread's task (piscina calls the default export). */
export default async function renderInThread(task: RenderTask): Promise<RenderReply> {
  try {
    return { ok: true, result: await media.renderDerivatives(task.file, task.format, task.plan, task.out) };
  } catch (err) {
    if (err instanceof UnreadableImageError) return { ok: false, kind: 'unreadable', message: err.message };
    if (err instanceof RenderOptionError) return { ok: false, kind: 'option', message: err.message };
    throw err;
  }
}
