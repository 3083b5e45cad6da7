import { withHeartbeat } from './heartbeat.js';

/**
 * Runs a batch of items in order inside one heartbeating activity. A batch
 * keeps a 10,000-item job far below Temporal's history limits (one activity's
 * events for many items); cancellation (stop, or pause: the workflow cancels
 * batches in flight) is honoured between items, and the results then cover
 * only the items finished, a prefix of the batch, so the workflow requeues or
 * drops the rest. An item aborted mid-way (e.g. a killed rip) is not finished.
 * Items are idempotent per job, so a retried batch skips what is already done.
 */
export function processBatch<I, R>(items: readonly I[], one: (item: I, signal?: AbortSignal) => Promise<R>): Promise<R[]> {
  return withHeartbeat(async (signal) => {
    const results: R[] = [];
    for (const item of items) {
      if (signal?.aborted) break;
      try {
        results.push(await one(item, signal));
      } catch (err) {
        if (signal?.aborted) break;
        throw err;
      }
    }
    return results;
  });
}
