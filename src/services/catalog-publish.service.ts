import type { JobLogCounter, JobLogRepository } from '../adapters/repositories/job-log.repository.js';
import { PublicationRepository } from '../adapters/repositories/publication.repository.js';
import { nowIso } from '../domain/handles.js';
import { jobTypeByIpsType } from '../jobs/job-registry.js';
import type { JobIdentity } from '../../workflows/contracts.js';

const BATCH = 500;

/**
 * The Video follow-on publish of a reprocess job, until VideoPublishJob exists:
 * marks the assets the parent job finished as published in the publish
 * context and logs each one. One batch per call, idempotent (a retried batch
 * rewrites the same rows and is counted once).
 */
export class CatalogPublishService {
  constructor(private readonly jobLogs: JobLogRepository) {}

  async publishBatch(job: JobIdentity, jobType: string, parentJobHandle: string, context: string, after: string | null): Promise<{ next: string | null; published: number }> {
    const handles = await this.jobLogs.succeededAssets(parentJobHandle, after, BATCH);
    if (handles.length === 0) return { next: null, published: 0 };
    const success = jobTypeByIpsType(jobType)!.logTypes.success;
    const now = nowIso();
    const itemId = `batch-${after ?? 'start'}`;
    await this.jobLogs.recordItem(
      { job_handle: job.jobHandle, item_id: itemId, status: 'success', asset_handle: null, reason: null, updated_at: now },
      job.companyHandle,
      handles.map((h) => ({ logType: success, messageKey: 'published', messageArgs: { asset: h, context }, assetHandle: h, assetType: 'OptimizedImage' })),
      handles.flatMap((): JobLogCounter[] => ['file_success_count', 'total_file_count']),
      (tx) => new PublicationRepository(tx).markPublished(job.companyHandle, context, job.jobHandle, handles, now),
    );
    return { next: handles.length === BATCH ? handles[handles.length - 1]! : null, published: handles.length };
  }
}
