import { ApplicationFailure } from '@temporalio/activity';
import { IpsFault } from '../src/domain/faults.js';
import type { DirectoryUploadService } from '../src/services/ingest/directory-upload.service.js';
import type { UrlUploadService } from '../src/services/ingest/url-upload.service.js';
import type { ItemProgressReporter } from '../src/services/item-progress.js';
import type { IngestSourceActivities } from '../src/jobs/contracts.js';
import { processBatch } from './batch.js';
import { withHeartbeat } from './heartbeat.js';
import { type ItemObservationDeps, itemObserver, logRecordedFailures } from './observe-item.js';

export interface IngestSourceActivityDeps extends ItemObservationDeps {
  urlUploads: UrlUploadService;
  directoryUploads: DirectoryUploadService;
  itemProgress: Pick<ItemProgressReporter, 'track'>;
}

/** UploadUrlsJob and UploadDirectoryJob: per-batch download / copy-in and ingest, listing, failure records. */
export function createIngestSourceActivities(deps: IngestSourceActivityDeps): IngestSourceActivities {
  const observe = itemObserver(deps);
  return {
    uploadUrls: (job, options, items) =>
      processBatch(items, (item, signal) =>
        deps.itemProgress.track(job.jobHandle, item, (progress) =>
          observe('ingest', job, item, () => deps.urlUploads.upload(job, options, item, signal, progress)),
        ),
      ),
    recordUrlFailures: async (job, items, reason) => {
      const results = [];
      for (const item of items) results.push(await deps.urlUploads.fail(job, item, reason));
      return logRecordedFailures(deps, 'ingest', job, results, items);
    },
    // A walk of a large tree takes a while: heartbeats keep a lost worker's walk from waiting out start-to-close.
    // A directory gone since submitJob counts as empty here; the listing then fails the job with the reason.
    countDirectory: (options) =>
      withHeartbeat(() => deps.directoryUploads.count(options).catch((err: unknown) => (err instanceof IpsFault ? 0 : Promise.reject(err)))),
    listDirectory: (jobHandle, options, cursor, limit) =>
      withHeartbeat(async () => {
        try {
          return await deps.directoryUploads.list(jobHandle, options, cursor, limit);
        } catch (err) {
          // No retry brings the directory back.
          if (err instanceof IpsFault) throw ApplicationFailure.nonRetryable(err.message, 'ServerDirectoryGone');
          throw err;
        }
      }),
    uploadDirectoryFiles: (job, options, items) =>
      processBatch(items, (item, signal) =>
        deps.itemProgress.track(job.jobHandle, item, (progress) =>
          observe('ingest', job, item, () => deps.directoryUploads.upload(job, options, item, signal, progress)),
        ),
      ),
    recordDirectoryFailures: async (job, options, items, reason) => {
      const results = [];
      for (const item of items) results.push(await deps.directoryUploads.fail(job, options, item, reason));
      return logRecordedFailures(deps, 'ingest', job, results, items);
    },
  };
}
