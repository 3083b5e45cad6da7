import type { JobLogCounter, JobLogRepository } from '../adapters/repositories/job-log.repository.js';
import { nowIso } from '../domain/handles.js';
import type { JobLogTypes } from '../domain/job-log-types.js';
import { jobTypeByElement, jobTypeByIpsType } from '../jobs/job-registry.js';
import type { AssetRef, FileResult, JobIdentity } from '../jobs/contracts.js';

/**
 * The per-file log types of the job an item belongs to: one job type's rows
 * stay in one family (a RipPdfsJob writes PdfRip*, a reprocess job Reprocess*),
 * so a logTypeArray filter sees the whole job. Items of runs started before
 * jobs carried their type are reprocess items, the only job that had them.
 */
export function itemLogTypes(job: JobIdentity): JobLogTypes {
  return (jobTypeByIpsType(job.jobType ?? '') ?? jobTypeByElement('reprocessAssetsJob')!).logTypes;
}

/**
 * The log type of a per-file warning in the upload, reprocess and RipPdfs
 * families. IPS documents file warnings under this name only (no Reprocess*
 * or PdfRip* warning type in Adobe IPS: sting-constants/r-job-log-types), and
 * job e-mails list it among the warnings.
 */
export const ITEM_WARNING_TYPE = 'UploadWarning';

/**
 * An asset the job could not process: its error row, counted once however
 * often the activity retries. The message names the asset by `ref.name` (its
 * path); `row` overrides what the row records, for a job whose rows follow
 * another pattern (an ExportJob's name the asset, typed ExportJobRenderedFile,
 * and keep no totalFileCount: docs/job-log-types.md#exportjob-export).
 */
export async function recordItemError(
  jobLogs: JobLogRepository,
  job: JobIdentity,
  ref: AssetRef,
  reason: string,
  row: { assetName?: string; assetType?: string; counters?: readonly JobLogCounter[] } = {},
): Promise<FileResult> {
  const recorded = await jobLogs.recordItem(
    { job_handle: job.jobHandle, item_id: ref.assetHandle, status: 'error', asset_handle: ref.assetHandle, reason, updated_at: nowIso() },
    job.companyHandle,
    [
      {
        logType: itemLogTypes(job).failure,
        messageKey: 'fileError',
        messageArgs: { path: ref.name, reason },
        assetName: row.assetName ?? ref.name,
        assetType: row.assetType ?? 'MasterImage',
        assetHandle: ref.assetHandle,
      },
    ],
    row.counters ?? ['file_error_count', 'total_file_count'],
  );
  if (!recorded) return recordedResult(jobLogs, job, ref);
  return { itemId: ref.assetHandle, status: 'error', assetHandle: ref.assetHandle, reason };
}

/** The result an item already has in this job's log: a retried or requeued item keeps its first outcome. */
export async function recordedResult(jobLogs: JobLogRepository, job: JobIdentity, ref: AssetRef): Promise<FileResult> {
  const row = await jobLogs.findItem(job.jobHandle, ref.assetHandle);
  if (!row) throw new Error(`job ${job.jobHandle} has no record of ${ref.assetHandle}`);
  return {
    itemId: ref.assetHandle,
    status: row.status as FileResult['status'],
    ...(row.asset_handle ? { assetHandle: row.asset_handle } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}
