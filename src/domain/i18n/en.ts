/**
 * English messages: the reference catalog. Every other locale must have the
 * same keys with the same `{placeholders}` (enforced by the type below and by
 * test/unit/i18n.test.ts), and English is the fallback for any gap.
 */
export const en = {
  // Upload job log (stored as key + args in job_log_details, rendered when read)
  uploadBegun: 'Upload has begun!',
  uploadEnded: 'Upload has ended: {total} files, {success} new, {updated} updated, {duplicate} skipped as duplicates, {error} failed',
  uploadEndedIdle:
    'Upload ended after {seconds} seconds without a further post: {total} files, {success} new, {updated} updated, {duplicate} skipped, {error} failed',
  value: '{value}',
  fileProcessed: '{path} was processed into IPS',
  fileUpdated: '{path} replaced the existing asset {name}',
  fileDuplicate: '{path} was skipped: an asset named {name} already exists and overwrite is false',
  fileError: '{path} failed: {reason}',
  fileWarning: '{path}: {reason}',
  documentRasterized: '{path} was rasterised into {pages} page image(s) at {resolution} ppi',
  documentKept: '{path} was kept as a document ({option}.process is None)',
  documentThumbnail: '{path}: page 1 became its thumbnail',
  optionNotApplied: '{path}: {option} does not apply to {assetType} assets',
  optionNotAppliedNoPages:
    '{path}: {option} was not applied: it applies to the page images of a rasterised document, and this {assetType} asset was not rasterised into pages',
  optionNotAppliedAtUpload:
    '{path}: {option} does not apply to {assetType} assets at upload: a reprocessAssetsJob rasterises the document and applies it to the page images',

  // Job engine
  jobBegun: 'Job {name} has begun',
  jobDone: 'Job {name} finished: {success} succeeded, {error} failed, {warning} warnings',
  jobStopped: 'Job {name} was stopped by {user}; {done} of {total} items were finished',
  jobFailed: 'Job {name} failed: {reason}',
  // Stops from a Temporal client (the stopJob signal, a cancellation request) and runs Temporal ended without the workflow
  jobStoppedBecause: 'Job {name} was stopped by {user} ({reason}); {done} of {total} items were finished',
  jobStoppedBySignal: 'Job {name} was stopped by a stopJob signal from a Temporal client; {done} of {total} items were finished',
  jobStoppedBySignalBecause: 'Job {name} was stopped by a stopJob signal from a Temporal client ({reason}); {done} of {total} items were finished',
  jobCancelRequested: 'Job {name} was stopped by a cancellation request from a Temporal client; {done} of {total} items were finished',
  jobTerminated: 'Job {name} was terminated in Temporal ({reason}); {done} items were finished',
  jobTimedOut: 'Job {name} timed out: it reached its Temporal time limit of {seconds} seconds; {done} items were finished',
  jobPaused: 'Job paused by {user}',
  jobResumed: 'Job resumed by {user}',
  optimizeSuccess: '{path} was optimized',
  optimizeError: '{path} could not be optimized: {reason}',
  // Written by the Image Rendering / Video follow-on of earlier versions; kept so their logs still render.
  published: 'Asset {asset} was published to {context}',
  isPublished: '{path} was published to Image Serving',
  isRepublished: '{path} was republished to Image Serving (changed since its last publish)',
  isUnpublished: '{path} was unpublished: removed from Image Serving (no longer marked for publish, or deleted)',
  isNotPublished: '{path} was not published: it is no longer marked for publish',
  isNotPublishedTrashed: '{path} was not published: it is in the trash',
  isMacrosPublished: '{count} image presets were published as Image Serving macros',
  contextPublished: '{path} was published to {context}',
  contextRepublished: '{path} was republished to {context}',
  contextUnpublished: '{path} was unpublished: removed from {context} (no longer marked for publish, or deleted)',
  directoryPublished: '{path} was published to the server directory as {files}',
  directoryRepublished: '{path} was republished to the server directory as {files}',
  metadataPublished: 'The metadata of {count} assets was published to {file}',
  metadataUnchanged: 'The metadata of {count} assets is unchanged since the last publish; {file} was left as it is',
  videoSitemapWritten: 'The video sitemap of {count} published videos was written to {url}',
  videoSitemapUnchanged: 'The video sitemap ({count} published videos) is unchanged since it was last written; {url} was left as it is',
  nothingToDo: 'No assets needed processing',
  setCreated: 'Set {name} ({type}) was created with {count} members: {members}',
  setUpdated: 'Set {name} ({type}) now has {count} members: {members}',
  fileExported: '{path} was exported as {files}',
  fileConverted: '{path} was converted to {files}',
  fileExportedAsOriginal: '{path} was exported as its original file {files} ({type} assets are not converted)',
  exportArchiveReady: 'The export archive ({files} files, {bytes} bytes) can be downloaded until {expires}',
  // ExportJob as IPS logs it (docs/job-log-types.md#exportjob-export); the four keys above render the logs of earlier exports.
  exportFile: '{file} is exported to {entry}',
  exportFileAsOriginal: '{file} is exported to {entry} (as its original: {type} assets are not converted)',
  exportZipCreated: '{url} has been created',

  // Job notification e-mail (services/notification.service.ts)
  mailSubjectDone: 'IPS job {name} completed',
  mailSubjectDoneWithIssues: 'IPS job {name} completed (errors: {error}, warnings: {warning})',
  mailSubjectStopped: 'IPS job {name} was stopped',
  mailSubjectFailed: 'IPS job {name} failed',
  mailIntroDone: 'The {type} job {name} of company {company} has completed.',
  mailIntroStopped: 'The {type} job {name} of company {company} was stopped before it completed.',
  mailIntroFailed: 'The {type} job {name} of company {company} failed.',
  mailOriginalName: 'Submitted as: {name}',
  mailStarted: 'Started: {date}',
  mailEnded: 'Ended: {date}',
  mailCounts: 'Files: {total} · succeeded: {success} · updated: {updated} · duplicates skipped: {duplicate} · failed: {error} · warnings: {warning}',
  mailErrors: 'Errors ({count}):',
  mailWarnings: 'Warnings ({count}):',
  mailItem: '{asset}: {message}',
  mailFirstErrors: 'Errors (first {shown} of {total}):',
  mailFirstWarnings: 'Warnings (first {shown} of {total}):',
  mailMore: '… and {count} more; the job log has the full list.',
  mailDownload: 'Download the exported files (until {expires}): {url}',
  mailFooter: 'This message was sent automatically by the IPS job service. Change the e-mail setting of the job to stop receiving it.',
} as const;

export type MessageKey = keyof typeof en;

/** The shape a translation must have: every English key, as a plain string. */
export type Catalog = Record<MessageKey, string>;
