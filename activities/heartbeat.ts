import { Context } from '@temporalio/activity';

/**
 * How often a running item reports liveness: well inside
 * ITEM_ACTIVITY_OPTIONS.heartbeatTimeout, and often because a cancellation
 * (stop, pause) reaches the activity only in a heartbeat's reply (the worker's
 * maxHeartbeatThrottleInterval is as short).
 */
export const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Runs one item's work while heartbeating, so a worker that dies mid-item (or
 * an activity task lost in a worker shutdown) is retried after the heartbeat
 * timeout instead of the 2-hour start-to-close timeout, and so a stop
 * request reaches the work as an AbortSignal (Temporal delivers cancellation
 * only through heartbeats). Outside an activity (unit tests) it just runs.
 */
export async function withHeartbeat<T>(work: (signal?: AbortSignal) => Promise<T>): Promise<T> {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return work();
  }
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work(ctx.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
