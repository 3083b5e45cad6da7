import { Context } from '@temporalio/activity';
import { withoutUrlQueries } from './observe-item.js';

/**
 * How often a running item reports liveness: well inside
 * ITEM_ACTIVITY_OPTIONS.heartbeatTimeout, and often because a cancellation
 * (stop, pause) reaches the activity only in a heartbeat's reply (the worker's
 * maxHeartbeatThrottleInterval is as short).
 */
export const HEARTBEAT_EVERY_MS = 1_000;

/**
 * What an item activity's heartbeats carry: the item at hand. Temporal keeps
 * the last heartbeat's details on the pending activity, so the Web UI (and
 * `temporal workflow describe`) shows which asset of a batch is in flight,
 * as one activity per asset would (bench/README.md, "Per-asset activities
 * vs batches").
 */
export interface ItemInFlight {
  /** the item's name when it has one besides its handle: a file's name or path, a source URL cut before its query, an asset's name */
  item?: string;
  assetHandle?: string;
  /** 1-based position of the item in its activity's batch */
  position: number;
  of: number;
}

/** Reports the item an activity has moved on to; it goes out with this and every later heartbeat. */
export type ReportItem = (details: ItemInFlight) => void;

/**
 * The heartbeat details for `item`, the `position`-th (1-based) of `of`.
 * Items are asset references, upload files, source URLs, directory entries
 * or job-wide options; only their name and asset handle are shown, the name
 * without a URL's query (signed URLs carry their token there).
 */
export function itemInFlight(item: unknown, position: number, of: number): ItemInFlight {
  const field = (key: string) => {
    const value = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const assetHandle = field('assetHandle');
  // Jobs given handles only (reprocess, export) name each item by its handle: shown once.
  const name = field('name') ?? field('fileName');
  const shown = name === assetHandle ? undefined : name;
  return { ...(shown ? { item: withoutUrlQueries(shown) } : {}), ...(assetHandle ? { assetHandle } : {}), position, of };
}

/**
 * Runs one item's work while heartbeating, so a worker that dies mid-item (or
 * an activity task lost in a worker shutdown) is retried after the heartbeat
 * timeout instead of the 2-hour start-to-close timeout, and so a stop
 * request reaches the work as an AbortSignal (Temporal delivers cancellation
 * only through heartbeats). `report` sets the item the heartbeats name: the
 * server keeps only the last heartbeat's details, so every beat repeats them.
 * Outside an activity (unit tests) it just runs, and reports go nowhere.
 */
export async function withHeartbeat<T>(work: (signal?: AbortSignal, report?: ReportItem) => Promise<T>): Promise<T> {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return work();
  }
  let details: ItemInFlight | undefined;
  const beat = () => (details ? ctx.heartbeat(details) : ctx.heartbeat());
  beat();
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  try {
    // A new item beats at once (the SDK throttles what it sends), so the UI names it without waiting out the interval.
    return await work(ctx.cancellationSignal, (next) => {
      details = next;
      beat();
    });
  } finally {
    clearInterval(timer);
  }
}
