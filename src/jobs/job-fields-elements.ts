import { type FieldRule, type FieldTable, refused } from './job-fields-rule.js';
import { PROJECT_HANDLE_ARRAY } from './job-fields-projects.js';
import { METADATA_OPTIONS, metadataOptionsFields } from './job-fields-metadata-options.js';

// --- groups shared by several job elements -----------------------------------------

const FEATURES_NOT_HERE = {
  synchronizationComplete: refused('undocumented IPS flag: nothing here waits for a synchronisation'),
  overwriteAVS: refused('no adaptive video sets on this server'),
  excludeMasterVideoFromAVS: refused('no adaptive video sets on this server'),
  jwtToken: refused('Adobe IMS credential: this server calls no IMS service; never kept or echoed'),
  imsOrg: refused('Adobe IMS credential: this server calls no IMS service; never kept or echoed'),
  apikey: refused('Adobe IMS credential: this server calls no IMS service; never kept or echoed'),
  ignoreSmartCropGeneration: refused('no smart crops on this server'),
  preserveSmartCrop: refused('no smart crops on this server'),
  autoSmartCropOptionsArray: refused('no smart crops on this server'),
  cssOptions: refused('undocumented CSS options: not supported'),
} satisfies Record<string, FieldRule>;

const IMAGE_OPTIONS = {
  createMask: { honoured: 'writes a mask (from transparency or the knockout) with the optimised image', tests: ['reprocess.test.ts', 'upload.test.ts'] },
  knockoutBackgroundOptions: {
    honoured: 'knocks out the background from a corner before the pyramid is built (alias knockoutBackground accepted)',
    tests: ['reprocess.test.ts', 'upload.test.ts'],
  },
  manualCropOptions: { honoured: 'crops the given pixels off each side', tests: ['reprocess.test.ts', 'render-pool.test.ts'] },
  autoColorCropOptions: { honoured: 'trims the border matching a corner colour', tests: ['reprocess.test.ts'] },
  autoTransparentCropOptions: { honoured: 'trims transparent borders', tests: ['reprocess.test.ts', 'upload-urls.test.ts'] },
  colorManagementOptions: {
    honoured: 'colour conversion of the optimised image (profile handles checked at submit)',
    tests: ['reprocess.test.ts', 'upload.test.ts'],
  },
  unsharpMaskOptions: { honoured: 'unsharp mask applied when the pyramid is built', tests: ['reprocess.test.ts', 'upload.test.ts'] },
} satisfies Record<string, FieldRule>;

const UPLOAD_OPTIONS = {
  overwrite: { honoured: 'replaces a same-named asset (FileUpdated) or skips it (DuplicateSkipped)', tests: ['upload.test.ts', 'upload-urls.test.ts'] },
  readyForPublish: { honoured: 'publish state of the assets the job creates', tests: ['upload.test.ts', 'video.test.ts'] },
  preservePublishState: {
    honoured: 'an overwritten asset keeps its publish state (absent: the company setting retainPublishState)',
    tests: ['publish-state.test.ts'],
  },
  preserveCrop: { honoured: 'an overwritten image keeps its stored crop unless a crop is given', tests: ['upload.test.ts', 'reprocess.test.ts'] },
  ...IMAGE_OPTIONS,
  photoshopOptions: refused('layers are split by a reprocessAssetsJob after the upload (the fault says so)'),
  postScriptOptions: refused('documents are rasterised by a reprocessAssetsJob after the upload'),
  pdfOptions: refused('documents are rasterised by a reprocessAssetsJob after the upload'),
  illustratorOptions: refused('documents are rasterised by a reprocessAssetsJob after the upload'),
  autoSetCreationOptions: { honoured: 'set-generation scripts run over every asset the job created or updated', tests: ['set-generation.test.ts'] },
  emailSetting: { honoured: 'which end-of-job mail is sent', tests: ['upload.test.ts', 'upload-urls.test.ts'] },
  mediaOptions: { honoured: 'video encodings and thumbnail of uploaded videos', tests: ['video.test.ts'] },
  inDesignOptions: refused('no InDesign engine on this server'),
  xmpKeywords: refused('XMP keywords are not supported yet'),
  projectHandleArray: PROJECT_HANDLE_ARRAY,
  metadataOptions: METADATA_OPTIONS,
  ...(({ overwriteAVS: _notInUploadJobs, ...rest }) => rest)(FEATURES_NOT_HERE),
} satisfies Record<string, FieldRule>;

/** Upload jobs submitted with submitJob (UploadUrlsJob, UploadDirectoryJob): the servlet's options plus the per-item job's. */
const SUBMITTED_UPLOAD_OPTIONS = {
  ...UPLOAD_OPTIONS,
  postHttpUrl: { honoured: 'the signed job summary is POSTed there when the job ends', tests: ['credentials.test.ts'] },
  postJobOnlyIfFiles: { honoured: 'the follow-on publish runs only when the job ingested files', tests: ['upload-urls.test.ts'] },
  postImageServingPublishJob: { honoured: 'a follow-on ImageServingPublishJob (<name>_Pub) once the files are in', tests: ['upload-urls.test.ts'] },
  postImageRenderingPublishJob: { honoured: 'a follow-on ImageRenderingPublishJob once the files are in', tests: ['upload-directory.test.ts'] },
  postVideoPublishJob: { honoured: 'a follow-on VideoPublishJob once the files are in', tests: ['upload-directory.test.ts'] },
} satisfies Record<string, FieldRule>;

const DOCUMENT_OPTIONS = {
  postScriptOptions: {
    honoured: 'how PostScript/EPS assets are rasterised (process, resolution, colorspace, alpha)',
    tests: ['rip-pdfs-job.test.ts', 'rip.test.ts'],
  },
  pdfOptions: { honoured: 'how PDF assets are rasterised and catalogued', tests: ['rip-pdfs-job.test.ts', 'rip.test.ts'] },
  illustratorOptions: { honoured: 'how Illustrator assets are rasterised (alias colorSpace accepted)', tests: ['rip-pdfs-job.test.ts', 'rip.test.ts'] },
  inDesignOptions: { honoured: 'only process None (there is no InDesign engine; other values refused)', tests: ['rip-pdfs-job.test.ts'] },
} satisfies Record<string, FieldRule>;

const FOLLOW_ON = {
  emailSetting: { honoured: 'which end-of-job mail is sent', tests: ['reprocess.test.ts', 'rip-pdfs-job.test.ts'] },
  postHttpUrl: { honoured: 'the signed job summary is POSTed there when the job ends', tests: ['reprocess.test.ts', 'credentials.test.ts'] },
  postImageServingPublishJob: {
    honoured: 'a follow-on ImageServingPublishJob (<name>_Pub) once the items are done',
    tests: ['image-serving-publish.test.ts', 'reprocess.test.ts'],
  },
  postImageRenderingPublishJob: {
    honoured: 'a follow-on ImageRenderingPublishJob once the items are done',
    tests: ['publish-contexts.test.ts', 'reprocess.test.ts'],
  },
  postVideoPublishJob: { honoured: 'a follow-on VideoPublishJob once the items are done', tests: ['video-publish.test.ts', 'reprocess.test.ts'] },
} satisfies Record<string, FieldRule>;

const PUBLISH = {
  emailSetting: { honoured: 'which end-of-job mail is sent', tests: ['publish-contexts.test.ts', 'image-serving-publish.test.ts'] },
  httpCompletionUrl: {
    honoured: 'the signed job summary is POSTed there when the job ends',
    tests: ['image-serving-publish.test.ts', 'publish-contexts.test.ts'],
  },
} satisfies Record<string, FieldRule>;

const ONE_CONTEXT = { contextHandle: refused('one publish context per company on this server: publish contexts are not supported') };

const submitElement = (element: string): FieldRule => ({ honoured: `the job element: see ${element}`, tests: ['job-registry.test.ts'] });

/**
 * The field table's part for submitJob: its param, every job element, and the
 * UploadFile servlet's param and job options (see job-fields.ts).
 */
export const JOB_ELEMENT_FIELDS: FieldTable = {
  submitJobParam: {
    companyHandle: { honoured: "the company the job runs for (the caller's role in it is checked)", tests: ['authorization-matrix.test.ts', 'jobs.test.ts'] },
    userHandle: { honoured: 'who receives the job mail (a user of the company)', tests: ['jobs.test.ts', 'rip-pdfs-job.test.ts'] },
    jobName: { honoured: "the job's original name; the run name adds the start time", tests: ['jobs.test.ts'] },
    locale: { honoured: 'language of the job log and mail (en, nl, fr)', tests: ['job-logs.test.ts', 'mail.test.ts'] },
    execTime: { honoured: 'a delayed start (state New until then)', tests: ['jobs.test.ts', 'export.test.ts'] },
    execSchedule: { honoured: 'a recurring job (Temporal Schedule, Quartz syntax)', tests: ['jobs.test.ts', 'quartz-schedule.test.ts'] },
    description: { honoured: 'kept in the job log and echoed by getActiveJobs / getScheduledJobs', tests: ['jobs.test.ts'] },
    imageServingPublishJob: submitElement('imageServingPublishJob'),
    imageRenderingPublishJob: submitElement('imageRenderingPublishJob'),
    videoPublishJob: submitElement('videoPublishJob'),
    serverDirectoryPublishJob: submitElement('serverDirectoryPublishJob'),
    metadataPublishJob: submitElement('metadataPublishJob'),
    uploadDirectoryJob: submitElement('uploadDirectoryJob'),
    uploadUrlsJob: submitElement('uploadUrlsJob'),
    optimizeImagesJob: submitElement('optimizeImagesJob'),
    ripPdfsJob: submitElement('ripPdfsJob'),
    reprocessAssetsJob: submitElement('reprocessAssetsJob'),
    createVideoSitemapJob: submitElement('createVideoSitemapJob'),
    exportJob: submitElement('exportJob'),
    automatedSetGenerationJob: submitElement('automatedSetGenerationJob'),
  },
  uploadPostParam: {
    companyHandle: { honoured: 'the company the files go to', tests: ['upload.test.ts'] },
    jobName: { honoured: 'starts an upload job of that name', tests: ['upload.test.ts'] },
    jobHandle: { honoured: 'adds the files to that running upload job', tests: ['upload.test.ts'] },
    locale: { honoured: 'language of the job log and mail', tests: ['job-logs.test.ts'] },
    description: { honoured: 'kept in the job log', tests: ['upload.test.ts'] },
    destFolder: { honoured: 'the folder the files go to', tests: ['upload.test.ts', 'folders.test.ts'] },
    fileName: { honoured: 'the name of the posted file', tests: ['upload.test.ts'] },
    endJob: { honoured: 'ends the upload job after this post', tests: ['upload.test.ts'] },
    uploadParams: { honoured: 'the job options: see uploadPostJob', tests: ['upload.test.ts'] },
  },
  uploadPostJob: {
    ...UPLOAD_OPTIONS,
    postHttpUrl: refused("the servlet's upload job has no completion callback yet"),
    unCompressOptions: refused('posted archives are not extracted yet (UploadDirectoryJob extracts them)'),
  },
  uploadUrlsJob: {
    urlArray: { honoured: 'each URL is downloaded (SSRF-guarded) and ingested', tests: ['upload-urls.test.ts'] },
    numUrls: { honoured: 'checked against urlArray and echoed', tests: ['upload-urls.test.ts', 'upload-sources.test.ts'] },
    ...SUBMITTED_UPLOAD_OPTIONS,
    unCompressOptions: refused('downloaded archives are not extracted yet'),
    sourceVideoAssetHandle: refused('not supported yet'),
    audioCaptionsMetadata: refused('not supported yet'),
  },
  uploadDirectoryJob: {
    destFolder: { honoured: 'the folder the files go to', tests: ['upload-directory.test.ts'] },
    serverDir: { honoured: 'the directory under IMPORT_ROOT that is ingested', tests: ['upload-directory.test.ts'] },
    includeSubfolders: { honoured: 'walks subdirectories too', tests: ['upload-directory.test.ts'] },
    processMetadataFiles: {
      honoured: 'only false (there is no metadata engine)',
      tests: ['upload-directory.test.ts', 'upload-sources.test.ts'],
      refuses: [true],
    },
    ...SUBMITTED_UPLOAD_OPTIONS,
    unCompressOptions: { honoured: 'UnCompress extracts ZIPs and ingests their files', tests: ['upload-directory.test.ts'] },
  },
  optimizeImagesJob: {
    emailSetting: { honoured: 'which end-of-job mail is sent', tests: ['jobs.test.ts'] },
  },
  reprocessAssetsJob: {
    assetHandleArray: { honoured: 'the assets reprocessed', tests: ['reprocess.test.ts'] },
    readyForPublish: {
      honoured: 'publish state of every asset the job updates or creates (pages, eCatalogs, layers, encodings too)',
      tests: ['publish-state.test.ts', 'psd-layers.test.ts'],
    },
    preservePublishState: {
      honoured: 'updated assets keep their publish state (absent: the company setting retainPublishState)',
      tests: ['publish-state.test.ts', 'psd-layers.test.ts'],
    },
    preserveCrop: { honoured: 'keeps the stored crop unless a crop is given (default true)', tests: ['reprocess.test.ts'] },
    ...IMAGE_OPTIONS,
    photoshopOptions: { honoured: 'MaintainLayers splits PSD layers into assets', tests: ['psd-layers.test.ts'] },
    ...DOCUMENT_OPTIONS,
    mediaOptions: { honoured: 'video encodings and thumbnail', tests: ['video.test.ts'] },
    autoSetCreationOptions: { honoured: "set-generation scripts over the job's assets", tests: ['set-generation.test.ts'] },
    postJobOnlyIfFiles: { honoured: 'the follow-on publish runs only when the job produced files', tests: ['reprocess.test.ts'] },
    projectHandleArray: PROJECT_HANDLE_ARRAY,
    metadataOptions: METADATA_OPTIONS,
    ...FOLLOW_ON,
    ...FEATURES_NOT_HERE,
  },
  ...metadataOptionsFields('reprocessAssetsJob'),
  ...metadataOptionsFields('uploadPostJob'),
  ...metadataOptionsFields('uploadUrlsJob'),
  ...metadataOptionsFields('uploadDirectoryJob'),
  ripPdfsJob: {
    pdfHandleArray: { honoured: 'the documents ripped (each must be a Pdf, PostScript or Illustrator asset)', tests: ['rip-pdfs-job.test.ts'] },
    createMask: IMAGE_OPTIONS.createMask,
    knockoutBackgroundOptions: IMAGE_OPTIONS.knockoutBackgroundOptions,
    manualCropOptions: IMAGE_OPTIONS.manualCropOptions,
    autoColorCropOptions: IMAGE_OPTIONS.autoColorCropOptions,
    autoTransparentCropOptions: IMAGE_OPTIONS.autoTransparentCropOptions,
    ...DOCUMENT_OPTIONS,
    colorManagementOptions: { honoured: 'colour handling of the ripped pages', tests: ['rip-pdfs-job.test.ts'] },
    autoSmartCropOptionsArray: FEATURES_NOT_HERE.autoSmartCropOptionsArray,
    projectHandleArray: PROJECT_HANDLE_ARRAY,
    ...FOLLOW_ON,
  },
  exportJob: {
    assetHandleArray: { honoured: 'the assets exported (at most 500)', tests: ['export.test.ts'] },
    fmt: { honoured: 'orig exports the originals, convert renders through Image Serving', tests: ['export.test.ts'] },
    is_modifier: { honoured: 'Image Serving commands of the conversion', tests: ['export.test.ts'] },
    macro: { honoured: 'the image preset of the conversion (its format wins)', tests: ['export.test.ts'] },
    emailSetting: { honoured: 'which end-of-job mail is sent (with the download URL)', tests: ['export.test.ts'] },
    clientId: { honoured: 'reserved by IPS for the client address: kept and echoed by getActiveJobs', tests: ['export.test.ts'] },
  },
  automatedSetGenerationJob: {
    assetHandleArray: { honoured: 'the assets the scripts look at (at most 1000)', tests: ['set-generation.test.ts'] },
    destFolder: { honoured: 'the folder the sets are written to', tests: ['set-generation.test.ts'] },
    readyForPublish: { honoured: 'publish state of the sets written', tests: ['set-generation.test.ts'] },
    synchronizationComplete: FEATURES_NOT_HERE.synchronizationComplete,
    autoSetCreationOptions: { honoured: 'the set-generation scripts to apply', tests: ['set-generation.test.ts'] },
    emailSetting: { honoured: 'which end-of-job mail is sent', tests: ['set-generation.test.ts'] },
  },
  imageServingPublishJob: {
    publishType: { honoured: 'Full, FullWithSearch or Incremental publish to /is/image', tests: ['image-serving-publish.test.ts'] },
    ...PUBLISH,
    ...ONE_CONTEXT,
  },
  imageRenderingPublishJob: { ...PUBLISH, ...ONE_CONTEXT },
  videoPublishJob: { ...PUBLISH, ...ONE_CONTEXT },
  serverDirectoryPublishJob: { ...PUBLISH },
  metadataPublishJob: {
    forcePublish: { honoured: 'republishes the metadata document even when unchanged', tests: ['publish-contexts.test.ts'] },
    ...PUBLISH,
  },
  createVideoSitemapJob: {
    forceUpdate: {
      honoured: 'rewrites the video sitemap even when unchanged (without it an identical sitemap is left as it is)',
      tests: ['video-sitemap.test.ts'],
    },
    emailSetting: { honoured: 'which end-of-job mail is sent', tests: ['video-sitemap.test.ts'] },
    httpCompletionUrl: { honoured: 'the signed job summary is POSTed there when the job ends', tests: ['video-sitemap.test.ts'] },
    // Extension: DMC takes the landing page from its Video SEO settings, which this server does not have.
    landingPageUrl: { honoured: 'each entry’s <loc>: the template with {name} replaced by the video’s URL-encoded name', tests: ['video-sitemap.test.ts'] },
  },
};
