import type { JobLogRepository, JobLogRow, NewDetail } from '../adapters/repositories/job-log.repository.js';
import { nowIso } from '../domain/handles.js';
import { jobTypeByIpsType } from '../jobs/job-registry.js';
import type { JobIdentity, JobOutcome } from '../jobs/contracts.js';

/** How Temporal closed a run whose workflow never wrote its job's end row (no workflow code runs after a terminate or a timeout). */
export type ClosedRunEnd =
  | { status: 'Terminated'; reason: string }
  | { status: 'TimedOut'; seconds: number }
  | { status: 'Failed'; reason: string }
  | { status: 'Canceled'; total?: number };

/** A job as its run's search attributes and memo describe it: enough for a log when the run closed before its Begin row. */
export interface ClosedRunJob {
  jobHandle: string;
  companyHandle: string;
  jobType: string;
  originalName: string;
  jobName: string;
  submitUserEmail: string;
  submitUserHandle: string;
  locale?: string;
  description?: string;
  startDate: string;
}

/** A job log as it opens, for a run that begins or one the reconciler ends without a Begin row: nothing counted, not ended. */
export function openingRow(
  job: Pick<JobIdentity, 'jobHandle' | 'companyHandle' | 'jobName' | 'originalName' | 'submitUserEmail' | 'submitUserHandle' | 'locale' | 'description'>,
  jobType: string,
  logType: string,
  jobSubType: string,
  startDate: string,
): JobLogRow {
  return {
    job_handle: job.jobHandle,
    company_handle: job.companyHandle,
    job_type: jobType,
    job_name: job.jobName,
    original_job_name: job.originalName,
    submit_user_email: job.submitUserEmail,
    submit_user_handle: job.submitUserHandle,
    locale: job.locale ?? null,
    description: job.description ?? null,
    log_type: logType,
    job_sub_type: jobSubType,
    start_date: startDate,
    end_date: null,
    ...NO_COUNTS,
  };
}

/** A new job log's counters: nothing counted yet. */
const NO_COUNTS = {
  file_success_count: 0,
  file_error_count: 0,
  file_warning_count: 0,
  file_duplicate_count: 0,
  file_update_count: 0,
  total_file_count: 0,
  transfer_success_count: 0,
  transfer_error_count: 0,
  transfer_warning_count: 0,
  fatal_error: 0,
} as const;

/**
 * Start and end rows of a job's log. Each is recorded under a fixed item id
 * ('begin' / 'end'), so a retried activity never writes them twice.
 */
export class JobBookkeeping {
  /** serverName: this worker's name, logged as the job's JobClient */
  constructor(private readonly deps: { jobLogs: JobLogRepository; serverName: string }) {}

  get serverName(): string {
    return this.deps.serverName;
  }

  async begin(job: JobIdentity, jobType: string): Promise<void> {
    const entry = entryOf(jobType);
    const logTypes = entry.logTypes;
    const now = nowIso();
    await this.deps.jobLogs.ensureJob(openingRow(job, jobType, logTypes.begin, job.jobSubType ?? '', now));
    await this.deps.jobLogs.recordItem(
      { job_handle: job.jobHandle, item_id: 'begin', status: 'success', asset_handle: null, reason: null, updated_at: now },
      job.companyHandle,
      logTypes.filesOnly
        ? []
        : [
            { logType: logTypes.begin, messageKey: entry.beginMessage, messageArgs: { name: job.jobName } },
            { logType: 'OriginalJobName', messageKey: 'value', messageArgs: { value: job.originalName } },
            { logType: 'JobType', messageKey: 'value', messageArgs: { value: jobType } },
            { logType: 'JobClient', messageKey: 'value', messageArgs: { value: this.deps.serverName } },
          ],
      [],
    );
  }

  async end(job: JobIdentity, jobType: string, outcome: JobOutcome): Promise<void> {
    const logTypes = entryOf(jobType).logTypes;
    const now = nowIso();
    const log = await this.deps.jobLogs.find(job.jobHandle);
    const detail: NewDetail =
      outcome.outcome === 'done'
        ? {
            logType: logTypes.end,
            messageKey: outcome.total === 0 ? 'nothingToDo' : 'jobDone',
            messageArgs: {
              name: job.jobName,
              success: (log?.file_success_count ?? 0) + (log?.file_update_count ?? 0),
              error: log?.file_error_count ?? outcome.errors,
              warning: log?.file_warning_count ?? 0,
            },
          }
        : outcome.outcome === 'stopped'
          ? stoppedDetail(logTypes.end, job.jobName, outcome)
          : { logType: 'FatalError', messageKey: 'jobFailed', messageArgs: { name: job.jobName, reason: outcome.reason ?? 'unknown error' } };
    await this.deps.jobLogs.recordItem(
      { job_handle: job.jobHandle, item_id: 'end', status: outcome.outcome, asset_handle: null, reason: outcome.reason ?? null, updated_at: now },
      job.companyHandle,
      // A completed files-only job says everything in its counters and end date.
      logTypes.filesOnly && outcome.outcome === 'done' ? [] : [detail],
      [],
    );
    await this.deps.jobLogs.finish(job.jobHandle, now, outcome.outcome === 'failed');
  }

  /**
   * Ends the log of a run that closed without ending it: the end row says how
   * Temporal closed the run, and the counters stay as the items left them.
   * A run that closed before its Begin row gets its log from `job`. Safe to
   * run twice, or from two workers at once: the end row is written once.
   * Returns whether this call wrote it.
   */
  async endClosedRun(job: ClosedRunJob, end: ClosedRunEnd): Promise<boolean> {
    const logTypes = jobTypeByIpsType(job.jobType)?.logTypes;
    let log = await this.deps.jobLogs.find(job.jobHandle);
    if (log?.end_date) return false;
    if (!log) {
      // A job type this server does not run has no Begin type of its own.
      await this.deps.jobLogs.ensureJob(openingRow(job, job.jobType, logTypes?.begin ?? 'FatalError', '', job.startDate));
      log = await this.deps.jobLogs.find(job.jobHandle);
    }
    const name = log?.job_name ?? job.jobName;
    const done = log?.total_file_count ?? 0;
    const detail: NewDetail =
      end.status === 'Terminated'
        ? { logType: 'FatalError', messageKey: 'jobTerminated', messageArgs: { name, reason: end.reason, done } }
        : end.status === 'TimedOut'
          ? { logType: 'FatalError', messageKey: 'jobTimedOut', messageArgs: { name, seconds: end.seconds, done } }
          : end.status === 'Failed'
            ? { logType: 'FatalError', messageKey: 'jobFailed', messageArgs: { name, reason: end.reason } }
            : { logType: logTypes?.end ?? 'FatalError', messageKey: 'jobCancelRequested', messageArgs: { name, done, total: Math.max(done, end.total ?? 0) } };
    const fatal = end.status !== 'Canceled';
    const now = nowIso();
    const reason = end.status === 'Terminated' || end.status === 'Failed' ? end.reason : end.status === 'TimedOut' ? `timed out after ${end.seconds} s` : null;
    const wrote = await this.deps.jobLogs.recordItem(
      { job_handle: job.jobHandle, item_id: 'end', status: fatal ? 'failed' : 'stopped', asset_handle: null, reason, updated_at: now },
      job.companyHandle,
      [detail],
      [],
    );
    // An end row already there (the workflow's own, its log closed by nobody yet) decides the outcome.
    const recorded = wrote ? undefined : await this.deps.jobLogs.findItem(job.jobHandle, 'end');
    await this.deps.jobLogs.finish(job.jobHandle, now, recorded ? recorded.status === 'failed' : fatal);
    return wrote;
  }
}

/**
 * The end row of a stopped job names who stopped it: the stopJob caller or the
 * signal's user, else the kind of request (a Temporal client gives no name).
 */
function stoppedDetail(logType: string, name: string, outcome: JobOutcome): NewDetail {
  const counts = { name, done: outcome.processed, total: outcome.total };
  const reason = outcome.reason ? { reason: outcome.reason } : undefined;
  if (outcome.stoppedBy) {
    return reason
      ? { logType, messageKey: 'jobStoppedBecause', messageArgs: { ...counts, user: outcome.stoppedBy, ...reason } }
      : { logType, messageKey: 'jobStopped', messageArgs: { ...counts, user: outcome.stoppedBy } };
  }
  if (outcome.stopSource === 'signal') {
    return reason
      ? { logType, messageKey: 'jobStoppedBySignalBecause', messageArgs: { ...counts, ...reason } }
      : { logType, messageKey: 'jobStoppedBySignal', messageArgs: counts };
  }
  return { logType, messageKey: 'jobCancelRequested', messageArgs: counts };
}

/**
 * A job type this server does not run, e.g. in a schedule an older version
 * created. The name is its Temporal failure type: no retry can register it
 * (BOOKKEEPING_OPTIONS does not retry it).
 */
export class UnknownJobType extends Error {
  override readonly name = 'UnknownJobType';
}

function entryOf(jobType: string) {
  const entry = jobTypeByIpsType(jobType);
  if (!entry) throw new UnknownJobType(`job type ${jobType} is not one this server runs`);
  return entry;
}
