import { itemInFlight, withHeartbeat } from './heartbeat.js';

/**
 * Runs a batch of items in order inside one heartbeating activity. A batch
 * keeps a 10,000-item job far below Temporal's history limits (one activity's
 * events for many items; one activity per item measured slower and needing
 * continue-as-new: bench/README.md, "Per-asset activities vs batches"); each
 * heartbeat names the item in flight, so the Web UI's pending activity still
 * shows which asset is being worked on. Cancellation (stop, or pause: the
 * workflow cancels batches in flight) is honoured between items, and the
 * results then cover only the items finished, a prefix of the batch, so the
 * workflow requeues or drops the rest. An item aborted mid-way (e.g. a killed
 * rip) is not finished. Items are idempotent per job, so a retried batch skips
 * what is already done.
 */
export function processBatch<I, R>(items: readonly I[], one: (item: I, signal?: AbortSignal) => Promise<R>): Promise<R[]> {
  return withHeartbeat(async (signal, report) => {
    const results: R[] = [];
    for (const [i, item] of items.entries()) {
      if (signal?.aborted) break;
      report?.(itemInFlight(item, i + 1, items.length));
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
