import { setTimeout as sleep } from 'node:timers/promises';
import type { ActiveJob, JobLog } from '../domain/schemas/job.schema.js';
import { IpsFault, type IpsClient } from './client.js';
import type { JobBar } from './output.js';

/** How often a watch asks: at least once a second, as the issue asks of live progress. */
export const POLL_MS = 500;

export type JobLogDetail = NonNullable<JobLog['detailArray']>['items'][number];

/** The job log's summary (counts, dates) without its detail rows, or undefined while the job has not written its Begin row. */
export async function jobLogSummary(client: IpsClient, companyHandle: string, jobHandle: string): Promise<JobLog | undefined> {
  try {
    const r = await client.call<{ jobLogArray: { items: JobLog[] } }>('getJobLogDetails', { companyHandle, jobHandle, recordsPerPage: 1 });
    const log = r.jobLogArray.items[0];
    if (!log) return undefined;
    const { detailArray: _rows, ...summary } = log;
    return summary;
  } catch (e) {
    if (e instanceof IpsFault && e.status === 404) return undefined;
    throw e;
  }
}

/** Every detail row of a job log, page by page (at most 1000 a page, the operation's limit). */
export async function jobLogWithDetails(
  client: IpsClient,
  companyHandle: string,
  jobHandle: string,
  logTypes?: string[],
): Promise<{ log: JobLog; details: JobLogDetail[] }> {
  const perPage = 1000;
  const details: JobLogDetail[] = [];
  for (let page = 1; ; page++) {
    const r = await client.call<{ jobLogArray: { items: JobLog[] } }>('getJobLogDetails', {
      companyHandle,
      jobHandle,
      recordsPerPage: perPage,
      resultsPage: page,
      ...(logTypes?.length ? { logTypeArray: logTypes } : {}),
    });
    const { detailArray, ...log } = r.jobLogArray.items[0]!;
    const rows = detailArray?.items ?? [];
    details.push(...rows);
    if (rows.length < perPage || details.length >= (log.detailTotalRows ?? 0)) return { log, details };
  }
}

export async function activeJob(client: IpsClient, companyHandle: string, jobHandle: string): Promise<ActiveJob | undefined> {
  const r = await client.call<{ jobArray: { items: ActiveJob[] } }>('getActiveJobs', { companyHandle, jobHandle, includeWaitingJobs: true });
  return r.jobArray.items.find((j) => j.jobHandle === jobHandle);
}

/**
 * Waits for a job to end: it has left getActiveJobs and its log has an end
 * date (visibility lags a start, so leaving the list alone proves nothing).
 * Progress goes to `bar` on every poll.
 */
export async function waitForJob(client: IpsClient, companyHandle: string, jobHandle: string, bar: JobBar): Promise<JobLog> {
  try {
    for (;;) {
      const active = await activeJob(client, companyHandle, jobHandle);
      if (active) bar.update(active.progress, `${active.state} ${active.progressMessage}`);
      else {
        const log = await jobLogSummary(client, companyHandle, jobHandle);
        if (log?.endDate !== undefined || log?.fatalError) {
          bar.update(100, 'done');
          return log;
        }
      }
      await sleep(POLL_MS);
    }
  } finally {
    bar.stop();
  }
}

/** A job ended badly: it logged file errors or a fatal error. */
export function jobFailed(log: JobLog): boolean {
  return log.fileErrorCount > 0 || log.fatalError;
}

/** One line of counts, as the job's summary. */
export function countsLine(log: JobLog): string {
  return (
    `${log.jobName} (${log.jobHandle}): ${log.fileSuccessCount} succeeded, ${log.fileErrorCount} errors, ${log.fileWarningCount} warnings` +
    (log.fatalError ? ', fatal error' : '')
  );
}
