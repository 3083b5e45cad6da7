import type { JobLogRepository } from '../adapters/repositories/job-log.repository.js';
import type { AssetRef, FileResult, JobIdentity } from '../../workflows/contracts.js';

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
