import type { JobLogRepository, NewDetail } from '../adapters/repositories/job-log.repository.js';
import { nowIso } from '../domain/handles.js';
import { jobTypeByIpsType } from '../jobs/job-registry.js';
import type { JobIdentity, JobOutcome } from '../../workflows/contracts.js';

/**
 * Start and end rows of a job's log. Each is recorded under a fixed item id
 * ('begin' / 'end'), so a retried activity never writes them twice.
 */
export class JobBookkeeping {
  constructor(
    private readonly jobLogs: JobLogRepository,
    readonly serverName: string,
  ) {}

  async begin(job: JobIdentity, jobType: string): Promise<void> {
    const entry = entryOf(jobType);
    const logTypes = entry.logTypes;
    const now = nowIso();
    await this.jobLogs.ensureJob({
      job_handle: job.jobHandle,
      company_handle: job.companyHandle,
      job_type: jobType,
      job_name: job.jobName,
      original_job_name: job.originalName,
      submit_user_email: job.submitUserEmail,
      submit_user_handle: job.submitUserHandle,
      locale: job.locale ?? null,
      description: job.description ?? null,
      log_type: logTypes.begin,
      job_sub_type: job.jobSubType ?? '',
      start_date: now,
      end_date: null,
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
    });
    await this.jobLogs.recordItem(
      { job_handle: job.jobHandle, item_id: 'begin', status: 'success', asset_handle: null, reason: null, updated_at: now },
      job.companyHandle,
      logTypes.filesOnly
        ? []
        : [
            { logType: logTypes.begin, messageKey: entry.beginMessage, messageArgs: { name: job.jobName } },
            { logType: 'OriginalJobName', messageKey: 'value', messageArgs: { value: job.originalName } },
            { logType: 'JobType', messageKey: 'value', messageArgs: { value: jobType } },
            { logType: 'JobClient', messageKey: 'value', messageArgs: { value: this.serverName } },
          ],
      [],
    );
  }

  async end(job: JobIdentity, jobType: string, outcome: JobOutcome): Promise<void> {
    const logTypes = entryOf(jobType).logTypes;
    const now = nowIso();
    const log = await this.jobLogs.find(job.jobHandle);
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
          ? { logType: logTypes.end, messageKey: 'jobStopped', messageArgs: { name: job.jobName, user: outcome.stoppedBy ?? '?', done: outcome.processed, total: outcome.total } }
          : { logType: 'FatalError', messageKey: 'jobFailed', messageArgs: { name: job.jobName, reason: outcome.reason ?? 'unknown error' } };
    await this.jobLogs.recordItem(
      { job_handle: job.jobHandle, item_id: 'end', status: outcome.outcome, asset_handle: null, reason: outcome.reason ?? null, updated_at: now },
      job.companyHandle,
      // A completed files-only job says everything in its counters and end date.
      logTypes.filesOnly && outcome.outcome === 'done' ? [] : [detail],
      [],
    );
    await this.jobLogs.finish(job.jobHandle, now, outcome.outcome === 'failed');
  }
}

function entryOf(jobType: string) {
  const entry = jobTypeByIpsType(jobType);
  if (!entry) throw new Error(`unregistered job type ${jobType}`);
  return entry;
}
