import type { ExportArchiveService } from '../src/services/export/export-archive.service.js';
import type { ExportService } from '../src/services/export/export.service.js';
import type { ExportActivities } from '../src/jobs/contracts.js';
import { processBatch } from './batch.js';
import { withHeartbeat } from './heartbeat.js';
import { type ItemObservationDeps, itemObserver, logRecordedFailures } from './observe-item.js';
import type { ItemProgressReporter } from '../src/services/item-progress.js';

/** ExportJob: per-batch staging, its failure record, the archive and its removal. */
export function createExportActivities(
  deps: { exports: ExportService; exportArchives: ExportArchiveService; itemProgress: Pick<ItemProgressReporter, 'track'> } & ItemObservationDeps,
): ExportActivities {
  const observe = itemObserver(deps);
  return {
    exportAssets: async (job, options, assets) => {
      const prepared = await deps.exports.prepare(job, options);
      return processBatch(assets, (asset, signal) =>
        deps.itemProgress.track(job.jobHandle, asset, (progress) =>
          observe('export_stage', job, asset, () => deps.exports.stage(job, options, asset, signal, prepared, progress)),
        ),
      );
    },
    recordExportFailures: async (job, assets, reason) => {
      const results = [];
      for (const asset of assets) results.push(await deps.exports.fail(job, asset, reason));
      return logRecordedFailures(deps, 'export_stage', job, results, assets);
    },
    // A 1 GB archive takes a while: heartbeats keep a lost worker's archive from waiting out start-to-close.
    buildExportArchive: (job, assetHandles) => withHeartbeat(() => deps.exportArchives.build(job, assetHandles)),
    removeExportArchive: (companyHandle, jobHandle) => deps.exportArchives.remove(companyHandle, jobHandle),
  };
}
