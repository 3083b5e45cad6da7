import { itemInFlight, withHeartbeat } from './heartbeat.js';
import { type ItemObservationDeps, itemObserver, logRecordedFailures } from './observe-item.js';
import type { JobLogRepository } from '../src/adapters/repositories/job-log.repository.js';
import { nowIso } from '../src/domain/handles.js';
import { jobTypeByElement } from '../src/jobs/job-registry.js';
import type { UploadPostJob } from '../src/domain/schemas/upload.schema.js';
import type { IngestService } from '../src/services/ingest/ingest.service.js';
import type { JobBookkeeping } from '../src/services/job-bookkeeping.service.js';
import type { FileResult, JobIdentity, UploadActivities, UploadItem, UploadJobResult } from '../src/jobs/contracts.js';

export interface UploadActivityDeps extends ItemObservationDeps {
  ingest: IngestService;
  jobLogs: JobLogRepository;
  bookkeeping: JobBookkeeping;
}

/** Job type string for HTTP-post upload jobs (IPS documents none; named after ActiveJob.uploadPostJob). */
export const UPLOAD_POST_JOB_TYPE = jobTypeByElement('uploadPostJob')!.ipsType;

export function createUploadActivities(deps: UploadActivityDeps): UploadActivities {
  const observe = itemObserver(deps);
  return {
    async beginUploadJob(job: JobIdentity, _options: UploadPostJob): Promise<{ serverName: string }> {
      await deps.bookkeeping.begin(job, UPLOAD_POST_JOB_TYPE);
      return { serverName: deps.bookkeeping.serverName };
    },

    async ingestUploadedFile(job: JobIdentity, options: UploadPostJob, item: UploadItem): Promise<FileResult> {
      // The signal reaches ffmpeg: a stopped job kills a running video encoding. The heartbeats name the file.
      return withHeartbeat((signal, report) => {
        report?.(itemInFlight(item, 1, 1));
        return observe('ingest', job, item, () => deps.ingest.ingest(job, options, item, signal));
      });
    },

    async recordFileFailure(job: JobIdentity, item: UploadItem, reason: string): Promise<FileResult> {
      return logRecordedFailures(deps, 'ingest', job, [await deps.ingest.reject(job, item, reason)], [item])[0]!;
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
