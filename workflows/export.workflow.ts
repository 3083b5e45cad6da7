import { ParentClosePolicy, continueAsNew, proxyActivities, sleep, startChild, workflowInfo } from '@temporalio/workflow';
import { BOOKKEEPING_OPTIONS, ITEM_ACTIVITY_OPTIONS } from './activity-options.js';
import type { AssetRef, ExportActivities, ExportExpiryRequest, ExportRequest, JobOutcome } from '../src/jobs/contracts.js';
import { type ItemJobCarry, runItemJob } from './item-job.js';

const book = proxyActivities<ExportActivities>(BOOKKEEPING_OPTIONS);
const work = proxyActivities<ExportActivities>(ITEM_ACTIVITY_OPTIONS);

/**
 * ExportJob (docs/jobs/export.md): each asset is staged by a retryable batch
 * activity (its original referenced, or converted through the Image Serving
 * engine), then one activity streams the staged files into a ZIP and logs its
 * signed download URL. A child workflow deletes the ZIP when the URL expires.
 * At most 500 assets, so the handle list travels in the input.
 */
export async function exportWorkflow(request: ExportRequest, carry?: ItemJobCarry): Promise<JobOutcome> {
  const { assetHandleArray, ...itemOptions } = request.options;
  return runItemJob<AssetRef>(request, carry, {
    taskType: request.jobType,
    count: async () => assetHandleArray.length,
    page: async () => ({ items: assetHandleArray.map((h) => ({ assetHandle: h, name: h })), next: null }),
    process: (job, items) => work.exportAssets(job, itemOptions, items),
    fail: (job, items, reason) => book.recordExportFailures(job, items, reason),
    continueAsNew: (next) => continueAsNew<typeof exportWorkflow>(request, next),
    finish: async (job) => {
      const archive = await work.buildExportArchive(job, assetHandleArray);
      const expiry: ExportExpiryRequest = { companyHandle: job.companyHandle, jobHandle: job.jobHandle, expiresAt: archive.expiresAt };
      await startChild(exportExpiryWorkflow, {
        workflowId: `${workflowInfo().workflowId}_Expiry`,
        args: [expiry],
        // The job is over; its archive outlives it until the URL expires.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `Deletes the export archive of ${job.jobName} at ${archive.expiresAt}`,
      });
    },
  });
}

/** Sleeps (durably, across restarts) until the export URL expires, then deletes the archive. */
export async function exportExpiryWorkflow(request: ExportExpiryRequest): Promise<void> {
  const wait = Date.parse(request.expiresAt) - Date.now();
  if (wait > 0) await sleep(wait);
  await book.removeExportArchive(request.companyHandle, request.jobHandle);
}
