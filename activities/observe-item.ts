import { performance } from 'node:perf_hooks';
import type { AssetStep, StepRecorder } from '../src/adapters/metrics/worker-metrics.js';
import type { Logger } from '../src/adapters/logging/logger.js';
import type { FileResult, JobIdentity } from '../src/jobs/contracts.js';

export interface ItemObservationDeps {
  logger: Logger;
  metrics: StepRecorder;
}

/** What an item is known by before its work runs: the asset it is about (null for a job-wide item). */
export interface ItemSubject {
  assetHandle?: string;
}

/** Signed URLs carry their token in the query string, and reasons quote URLs: cut queries off before logging. */
export function withoutUrlQueries(text: string): string {
  return text.replace(/\b(https?:\/\/[^\s?#"']+)[?#][^\s"']*/gi, '$1?[redacted]');
}

/**
 * Wraps one item's service call: times it into the step histogram and logs
 * one JSON line when it ends (info, or warn with the reason when the item
 * failed or the attempt threw) through a child logger bound to the job and
 * asset handles, so every line about an item can be found by either.
 */
export function itemObserver(deps: ItemObservationDeps) {
  return async function observe(step: AssetStep, job: JobIdentity, subject: ItemSubject, work: () => Promise<FileResult>): Promise<FileResult> {
    const log = deps.logger.child({ jobHandle: job.jobHandle, assetHandle: subject.assetHandle ?? null, step });
    const started = performance.now();
    let result: FileResult;
    try {
      result = await work();
    } catch (err) {
      // The batch is retried (or the job stopped): no result for this attempt, so nothing is timed.
      log.warn(
        { status: 'attempt_failed', durationMs: Math.round(performance.now() - started), reason: withoutUrlQueries((err as Error).message ?? String(err)) },
        'item attempt failed',
      );
      throw err;
    }
    const durationMs = performance.now() - started;
    deps.metrics.observeStep(step, result.status, durationMs / 1000);
    const fields = {
      status: result.status,
      durationMs: Math.round(durationMs),
      itemId: result.itemId,
      // A duplicate upload resolves to an existing asset rather than the reserved one.
      ...(result.assetHandle && result.assetHandle !== subject.assetHandle ? { resultAssetHandle: result.assetHandle } : {}),
    };
    if (result.status === 'error') log.warn({ ...fields, reason: withoutUrlQueries(result.reason ?? 'unknown') }, 'item failed');
    else log.info(fields, 'item done');
    return result;
  };
}

/** Logs the items a batch's failure record marked failed; they are not timed (their work was the failed batch). */
export function logRecordedFailures(
  deps: ItemObservationDeps,
  step: AssetStep,
  job: JobIdentity,
  results: readonly FileResult[],
  subjects: readonly ItemSubject[],
): FileResult[] {
  results.forEach((result, i) => {
    // Items recorded before the batch failed keep their own result and were logged then.
    if (result.status !== 'error') return;
    const log = deps.logger.child({ jobHandle: job.jobHandle, assetHandle: result.assetHandle ?? subjects[i]?.assetHandle ?? null, step });
    log.warn({ status: result.status, itemId: result.itemId, reason: withoutUrlQueries(result.reason ?? 'unknown') }, 'item failed after retries');
  });
  return [...results];
}
