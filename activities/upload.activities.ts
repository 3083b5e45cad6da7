import type { JobLogRepository } from '../src/adapters/repositories/job-log.repository.js';
import { nowIso } from '../src/domain/handles.js';
import type { UploadPostJob } from '../src/domain/schemas/upload.schema.js';
import type { IngestService } from '../src/services/ingest/ingest.service.js';
import type { FileResult, JobIdentity, UploadActivities, UploadItem, UploadJobResult } from '../workflows/contracts.js';

export interface UploadActivityDeps {
  ingest: IngestService;
  jobLogs: JobLogRepository;
  /** worker identity, recorded as the job's client/server name */
  serverName: string;
}

/** Job type string for HTTP-post upload jobs (IPS documents none; named after ActiveJob.uploadPostJob). */
export const UPLOAD_POST_JOB_TYPE = 'UploadPost';

export function createUploadActivities(deps: UploadActivityDeps): UploadActivities {
  return {
    async beginUploadJob(job: JobIdentity, _options: UploadPostJob): Promise<void> {
      const now = nowIso();
      await deps.jobLogs.ensureJob({
        job_handle: job.jobHandle,
        company_handle: job.companyHandle,
        job_type: UPLOAD_POST_JOB_TYPE,
        job_name: job.jobName,
        original_job_name: job.originalName,
        submit_user_email: job.submitUserEmail,
        submit_user_handle: job.submitUserHandle,
        locale: job.locale ?? null,
        description: job.description ?? null,
        log_type: 'BeginUpload',
        job_sub_type: '',
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
      // Item 'begin' makes these rows idempotent across activity retries.
      await deps.jobLogs.recordItem(
        { job_handle: job.jobHandle, item_id: 'begin', status: 'success', asset_handle: null, reason: null, updated_at: now },
        job.companyHandle,
        [
          { logType: 'BeginUpload', messageKey: 'uploadBegun', messageArgs: {} },
          { logType: 'OriginalJobName', messageKey: 'value', messageArgs: { value: job.originalName } },
          { logType: 'JobClient', messageKey: 'value', messageArgs: { value: deps.serverName } },
        ],
        [],
      );
    },

    async ingestUploadedFile(job: JobIdentity, options: UploadPostJob, item: UploadItem): Promise<FileResult> {
      return deps.ingest.ingest(job, options, item);
    },

    async recordFileFailure(job: JobIdentity, item: UploadItem, reason: string): Promise<FileResult> {
      return deps.ingest.reject(job, item, reason);
    },

    async endUploadJob(job: JobIdentity, result: UploadJobResult): Promise<void> {
      const now = nowIso();
      const { endedBy, idleTimeoutSeconds, ...counts } = result;
      await deps.jobLogs.recordItem(
        { job_handle: job.jobHandle, item_id: 'end', status: 'success', asset_handle: null, reason: null, updated_at: now },
        job.companyHandle,
        [
          endedBy === 'idleTimeout'
            ? { logType: 'EndUpload', messageKey: 'uploadEndedIdle', messageArgs: { ...counts, seconds: idleTimeoutSeconds } }
            : { logType: 'EndUpload', messageKey: 'uploadEnded', messageArgs: counts },
        ],
        [],
      );
      await deps.jobLogs.finish(job.jobHandle, now, false);
    },
  };
}
