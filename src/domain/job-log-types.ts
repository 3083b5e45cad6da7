/**
 * Job-log type names (JobLog.logType, JobLogDetail.logType) and job-log file
 * types (JobLogDetail.assetType): the names IPS documents, the spellings we
 * correct, and the names we had to invent, each with its reason.
 * test/unit/job-log-types.test.ts holds the registry, the services' literal
 * log types and docs/job-log-types.md to these lists, so a new name cannot
 * appear without being classified here and explained in the document.
 */

/** The log types of one job type (src/jobs/job-registry.ts). */
export interface JobLogTypes {
  /** JobLog.logType, and the logType of the job's first detail row */
  begin: string;
  /** the job's last detail row (a stopped job's, too) */
  end: string;
  /** one file processed */
  success: string;
  /** one file that could not be processed */
  failure: string;
  /** the row of the job's one product beyond its files: ExportJob's ZIP (`ZipFileExportJobSuccess`, docs/job-log-types.md#exportjob-export) */
  archive?: string;
  /**
   * The job's log holds its files' rows only, as IPS's ExportJob log does
   * (detailTotalRows 2 for one file: the file's row and the ZIP's): no
   * Begin / OriginalJobName / JobType / JobClient rows and no End row for a
   * job that completed. A stopped job still gets its End row and a failed one
   * its FatalError row: who stopped it, or why it failed, is nowhere else.
   */
  filesOnly?: boolean;
}

/**
 * IPS's Job Log Types exactly as Adobe IPS: sting-constants/r-job-log-types
 * prints them (sic spellings included), plus the three names of the captured
 * ExportJob log (docs/job-log-types.md#exportjob-export).
 */
export const IPS_DOCUMENTED_LOG_TYPES: ReadonlySet<string> = new Set([
  // Image Serving publish
  'BeginImageServingPublish',
  'EndImageServingPublish',
  'ImageServingPublishSuccess',
  'ImageServingPublishError',
  'ImageServingPublishWarning',
  'BeginImageServingPublishCleanup',
  'EndImageServingPublishCleanup',
  'ImageServingPublishCleanupFailure',
  'ImageServingPublishCleanupSuccess',
  // Upload
  'BeginUpload',
  'EndUpload',
  'UploadError',
  'UploadSuccess',
  'UploadWarning',
  'BeginUploadUrls',
  'EndUploadUrls',
  // Asset migration
  'BeginAssetMigration',
  'EndAssetMigration',
  'AssetMigrationFailure',
  'AssetMigrationSuccess',
  // Delete / trash
  'BeginDelete',
  'EndDelete',
  'DeleteFailure',
  'DeleteSuccess',
  'BeginEmptyTrash',
  'EndEmptyTrash',
  'EmptyTrashSuccess',
  'BeginRestoreTrash',
  'EndRestoreTrash',
  'RestoreTrashSuccess',
  'RecoverTrashSuccess',
  'BeginTrash',
  'EndTrash',
  'TrashFailure',
  'TrashSuccess',
  'TrashWarning',
  // Get / return
  'BeginGet',
  'EndGet',
  'GetFailure',
  'ReturnSuccess',
  // Image Rendering publish
  'BeginImageRenderingPublish',
  'EndImageRenderingPublish',
  'ImageRenderingPublishError',
  'ImageRenderingPublishSuccess',
  'BeginImageRenderingPublishCleanup',
  'EndImageRenderingPublishCleanupFailure',
  'ImageRenderingPublishCleanupsuccess',
  // Mark / unmark for publish
  'BeginMarkForPublish',
  'EndMarkForPublish',
  'MarkForPublishFailure',
  'MarkForPublishSuccess',
  'BeginUnmarkForPublish',
  'EndUnmarkForPublish',
  'UnmarkForPublishSuccess',
  // Metadata
  'BeginMetadata',
  'EndMetadata',
  'MetadataFailure',
  'MetadataSuccess',
  // PDF rip
  'BeginPdfRip',
  'PdfRipError',
  // Publish to CM / WC
  'BeginPublishToCm',
  'EndPublishToCm',
  'PublishToCmError',
  'PublishToCmSuccess',
  'BeginPublishToWc',
  'PublishToWcSuccess',
  // Server-directory publish
  'BeginServerDirectoryPublish',
  'EndServerDirectoryPublish',
  'ServerDirectoryPublishError',
  'ServerDirectoryPublishSuccess',
  'ServerDirectoryPublishWarning',
  // Re-optimize
  'BeginReoptimize',
  'endReoptimize',
  'ReoptimizeSuccess',
  'ReoptimizeFailure',
  // Template merge
  'BeginTemplateMerge',
  'EndTemplateMerge',
  'TemplateMergeError',
  'TemplateMergeSuccess',
  // Video publish
  'BeginVideoPublish',
  'EndVideoPublish',
  'VideoPublishError',
  'VideoPubilshSuccess',
  'VideoPublishWarning',
  'BeginVideoPublishCleanup',
  'EndVideoPublishCleanup',
  'VideoPublishCleanupFailure',
  'VideoPublishCleanupSuccess',
  // Per-file / job metadata
  'DuplicateSkipped',
  'FatalError',
  'FileBegin',
  'FileCancel',
  'FleEnd',
  'FileProgress',
  'FileUpdated',
  'InitiatingJobName',
  'JobClient',
  'JobType',
  'OriginalJobName',
  'TotalFileCount',
  // A real ExportJob's log
  'BeginExportJob',
  'ExportJobRenderFileSuccess',
  'ZipFileExportJobSuccess',
]);

/**
 * Our spelling → the documentation's (sic) spelling of the same name. The
 * server's own spelling is unknown; we write the one that follows the rest of
 * its family, so a logTypeArray filter built from the family's pattern matches.
 */
export const CORRECTED_LOG_TYPES: Readonly<Record<string, string>> = {
  EndReoptimize: 'endReoptimize',
  VideoPublishSuccess: 'VideoPubilshSuccess',
};

/** Names IPS does not document, each with why we needed it and how it was formed. */
export const INVENTED_LOG_TYPES: Readonly<Record<string, string>> = {
  EndExportJob:
    'ExportJob: the captured IPS log shows no End row (a completed export has none here either); a stopped export still needs the row that says who stopped it. Formed after BeginExportJob.',
  ExportJobRenderFileError:
    'ExportJob: a file that could not be exported (unknown or unexportable asset, failed conversion, left out of a full ZIP). The captured IPS log shows only the success row; formed after ExportJobRenderFileSuccess.',
  BeginReprocess: 'ReprocessAssetsJob: IPS documents no reprocess log types; Begin*/End*/…Success/…Error pattern.',
  EndReprocess: 'ReprocessAssetsJob: as BeginReprocess.',
  ReprocessSuccess: 'ReprocessAssetsJob: as BeginReprocess.',
  ReprocessError: 'ReprocessAssetsJob: as BeginReprocess.',
  EndPdfRip: 'RipPdfsJob: IPS documents only BeginPdfRip and PdfRipError; End* pattern of the other families.',
  PdfRipSuccess: 'RipPdfsJob: IPS documents only BeginPdfRip and PdfRipError; …Success pattern of the other families.',
  BeginSetGeneration: 'AutomatedSetGenerationJob: IPS documents no set-generation log types; Begin*/End*/…Success/…Error pattern.',
  EndSetGeneration: 'AutomatedSetGenerationJob: as BeginSetGeneration.',
  SetGenerationSuccess: 'AutomatedSetGenerationJob: as BeginSetGeneration.',
  SetGenerationError: 'AutomatedSetGenerationJob: as BeginSetGeneration.',
  BeginCreateVideoSitemap: 'CreateVideoSitemapJob: IPS documents no video-sitemap log types; Begin*/End*/…Success/…Error pattern on its type string.',
  EndCreateVideoSitemap: 'CreateVideoSitemapJob: as BeginCreateVideoSitemap.',
  CreateVideoSitemapSuccess: 'CreateVideoSitemapJob: as BeginCreateVideoSitemap.',
  CreateVideoSitemapError: 'CreateVideoSitemapJob: as BeginCreateVideoSitemap.',
  SetGenerationWarning:
    'A set script that matched nothing or could not build its set (AutomatedSetGenerationJob, and the sets of upload and reprocess jobs): a warning, not the job family’s error.',
};

/** IPS's Job Log File Types (Adobe IPS: sting-constants/r-job-log-file-types), plus the two file types of the captured ExportJob log. */
export const IPS_DOCUMENTED_FILE_TYPES: ReadonlySet<string> = new Set([
  'NoType',
  'PublishCatalog',
  'OptimizedImage',
  'MasterImage',
  'SealedImage',
  'Mask',
  'Vignette',
  'Thumbnail',
  'ImageMap',
  'IccProfile',
  'Font',
  'Xsl',
  'Cabinet',
  'WindowCovering',
  'Video',
  'ViewerSwf',
  'Icon',
  'VideoEncodingXml',
  'ViewerConfigXml',
  'Template',
  'Catalog',
  'Xml',
  'ImageSet',
  'RenderSet',
  'SpinSet',
  'Svg',
  'Watermark',
  'Pdf',
  'Aco',
  'PsdTemplate',
  'Zip',
  // A real ExportJob's log
  'ExportJobRenderedFile',
  'ExportJobZip',
]);

/** File types we write that IPS's Job Log File Types do not list, with why. */
export const INVENTED_FILE_TYPES: Readonly<Record<string, string>> = {
  Image:
    'The page images a PDF, PostScript or Illustrator rip creates are logged with their asset type (`Image`): the IPS file types have no name for a new asset made from another one’s page.',
};

/** JobLogDetail.assetType of an ExportJob's file rows (docs/job-log-types.md#exportjob-export). */
export const EXPORT_FILE_TYPE = 'ExportJobRenderedFile';

/** JobLogDetail.assetType of an ExportJob's ZIP row, whose assetName is the download URL (docs/job-log-types.md#exportjob-export). */
export const EXPORT_ZIP_TYPE = 'ExportJobZip';
