import type { z } from 'zod';
import * as O from '../domain/schemas/options.schema.js';
import { inDesignOptions, jobControlParam } from '../domain/schemas/job.schema.js';
import { mediaOptions, thumbnailOptions, videoEncoding } from '../domain/schemas/media.schema.js';
import { uploadPostParam } from '../domain/schemas/upload.schema.js';
import { unCompressOptions, uploadUrl } from '../domain/schemas/upload-jobs.schema.js';
import { type AcceptedField, acceptedFields } from './job-fields-walk.js';
import { JOB_TYPES } from './job-registry.js';
import { submitJobParam } from './submit-job.schema.js';

/**
 * Every field an operation accepts — each job element, submitJobParam, the
 * UploadFile servlet's uploadPostParam and every other operation's param —
 * with how this server honours it, or that it is refused with 30001 whatever
 * its value. Nothing is accepted and ignored:
 * test/unit/job-fields.test.ts walks the schemas and fails when a schema
 * accepts a field this table does not list, when the table lists one no
 * schema has, when a `refused` field is not refused, and when an honoured
 * field's tests do not exercise it.
 *
 * `tests` name test files (under test/unit or test/integration) that exercise
 * the field by name; `refuses` lists values the schema refuses although the
 * field itself is accepted (e.g. `twoPass: true`).
 */
export type FieldRule = { honoured: string; tests: readonly string[]; refuses?: readonly unknown[] } | { refused: string };

type FieldTable = Record<string, Record<string, FieldRule>>;

const refused = (why: string): FieldRule => ({ refused: why });

/** The IPS option types nested in job elements, named once however many elements share them. */
export const NAMED_TYPES: Readonly<Record<string, z.ZodType>> = {
  KnockoutBackgroundOptions: O.knockoutBackgroundOptions,
  ManualCropOptions: O.manualCropOptions,
  AutoColorCropOptions: O.autoColorCropOptions,
  AutoTransparentCropOptions: O.autoTransparentCropOptions,
  PhotoshopOptions: O.photoshopOptions,
  PhotoshopLayerOptions: O.photoshopLayerOptions,
  PostScriptOptions: O.postScriptOptions,
  PDFOptions: O.pdfOptions,
  IllustratorOptions: O.illustratorOptions,
  ColorManagementOptions: O.colorManagementOptions,
  AutoSetCreationOptions: O.autoSetCreationOptions,
  UnsharpMaskOptions: O.unsharpMaskOptions,
  InDesignOptions: inDesignOptions,
  UnCompressOptions: unCompressOptions,
  UploadUrl: uploadUrl,
  MediaOptions: mediaOptions,
  VideoEncoding: videoEncoding,
  ThumbnailOptions: thumbnailOptions,
  // stopJob, pauseJob, resumeJob, executeJob and deleteJob share one param.
  jobControlParam,
  ...Object.fromEntries(JOB_TYPES.map((j) => [j.element, j.options])),
};

/**
 * The fields of the schemas the table covers: submitJob's param (every job
 * element through it), the UploadFile servlet's, and `operationParams`
 * (the other operations' params by `<operation>Param`; the caller passes the
 * operation registry, which lives above this module).
 */
export function schemaFields(operationParams: Readonly<Record<string, z.ZodType>> = {}): AcceptedField[] {
  return acceptedFields({ submitJobParam, uploadPostParam, ...operationParams }, NAMED_TYPES);
}

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
  projectHandleArray: refused('projects are not supported yet'),
  metadataOptions: refused('metadata fields are not supported yet'),
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

export const FIELD_TABLE: FieldTable = {
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
    ...FOLLOW_ON,
    ...FEATURES_NOT_HERE,
  },
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
    projectHandleArray: FEATURES_NOT_HERE.projectHandleArray,
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

  // --- the other operations' params ---
  checkLoginParam: {
    companyHandle: { honoured: 'the login is valid only for a member of that company', tests: ['accounts.test.ts', 'account-fields.test.ts'] },
    email: { honoured: 'the user checked', tests: ['accounts.test.ts'] },
    password: { honoured: 'the password checked (throttled like every login)', tests: ['accounts.test.ts', 'login-throttle.test.ts'] },
  },
  addCompanyParam: {
    companyName: { honoured: 'the company name and root folder (unique)', tests: ['accounts.test.ts'] },
    expires: { honoured: 'kept and reported; getAllCompanies includeExpired filters on it', tests: ['account-fields.test.ts'] },
    imsOrgId: { honoured: 'kept; getCompanyInfo finds the company by it', tests: ['account-fields.test.ts'] },
    companyDMVersion: refused('no Dynamic Media plan per company on this server'),
    baseStorage: refused('no Dynamic Media plan per company on this server'),
    cloudStorage: refused('no Dynamic Media plan per company on this server'),
    addOnStorage: refused('no Dynamic Media plan per company on this server'),
    pvmPerMillion: refused('no Dynamic Media plan per company on this server'),
    pvmPerThousand: refused('no Dynamic Media plan per company on this server'),
    vpm: refused('no Dynamic Media plan per company on this server'),
    mediaSupport: refused('no Dynamic Media plan per company on this server'),
    roleAssignmentAllowed: refused('no Dynamic Media plan per company on this server'),
    caseCreationAllowed: refused('no Dynamic Media plan per company on this server'),
  },
  getCompanyInfoParam: {
    companyHandle: { honoured: 'the company looked up by handle', tests: ['accounts.test.ts'] },
    companyName: { honoured: 'the company looked up by name', tests: ['accounts.test.ts'] },
    imsOrgId: { honoured: 'the company looked up by IMS org id', tests: ['account-fields.test.ts'] },
  },
  getAllCompaniesParam: {
    includeExpired: { honoured: 'expired companies listed too', tests: ['accounts.test.ts', 'account-fields.test.ts'] },
  },
  addUserParam: {
    firstName: { honoured: 'kept and returned by getUsers', tests: ['accounts.test.ts'] },
    lastName: { honoured: 'kept and returned by getUsers', tests: ['accounts.test.ts'] },
    email: { honoured: 'the login (unique)', tests: ['accounts.test.ts'] },
    password: { honoured: 'the password (policy checked, scrypt-hashed, never kept in clear)', tests: ['accounts.test.ts', 'credentials.test.ts'] },
    passwordExpires: { honoured: 'logins fail after it', tests: ['account-fields.test.ts'] },
    isValid: { honoured: 'false: the user cannot log in', tests: ['account-fields.test.ts'] },
    isIpsAdmin: { honoured: 'a global IpsAdmin', tests: ['account-fields.test.ts', 'authorization.test.ts'] },
    membershipArray: { honoured: 'the companies and roles of the user', tests: ['accounts.test.ts'] },
  },
  'addUserParam.membershipArray': {
    companyHandle: { honoured: 'the company of the membership', tests: ['accounts.test.ts'] },
    role: { honoured: 'the IPS role in that company (gates every operation)', tests: ['accounts.test.ts', 'authorization.test.ts'] },
    isActive: { honoured: 'an inactive membership grants nothing', tests: ['account-fields.test.ts'] },
  },
  getUsersParam: {
    includeInvalid: { honoured: 'users with isValid false listed too', tests: ['account-fields.test.ts'] },
    includeInactive: { honoured: 'users whose membership is inactive listed too', tests: ['account-fields.test.ts'] },
    companyHandleArray: { honoured: 'only users of these companies', tests: ['accounts.test.ts', 'account-fields.test.ts'] },
    groupHandleArray: { honoured: 'refused when not empty: user groups are not supported', tests: ['account-fields.test.ts'] },
    userRoleArray: { honoured: 'only users with one of these roles', tests: ['account-fields.test.ts'] },
    charFilterField: { honoured: 'which name the character filter applies to, and how', tests: ['account-fields.test.ts'] },
    charFilter: { honoured: 'the characters filtered on', tests: ['account-fields.test.ts'] },
    sortBy: { honoured: 'order of the users (Role: the role in the company listed)', tests: ['account-fields.test.ts'] },
    recordsPerPage: { honoured: 'page size', tests: ['account-fields.test.ts'] },
    resultsPage: { honoured: 'which page', tests: ['account-fields.test.ts'] },
  },
  setPasswordParam: {
    userHandle: { honoured: "whose password (an IpsAdmin may set another user's)", tests: ['accounts.test.ts', 'account-fields.test.ts'] },
    password: { honoured: 'the new password (policy checked)', tests: ['accounts.test.ts', 'credentials.test.ts'] },
    passwordExpires: { honoured: 'logins fail after it', tests: ['account-fields.test.ts'] },
  },
  getCompanySettingsParam: {
    companyHandle: { honoured: 'the company whose settings are returned', tests: ['accounts.test.ts'] },
  },
  setCompanySettingsParam: {
    companyHandle: { honoured: 'the company whose settings change', tests: ['accounts.test.ts'] },
    overwriteMode: {
      honoured: 'only OverwriteAnyExtAnyFolder (names are unique per company); others refused',
      tests: ['accounts.test.ts'],
      refuses: ['OverwriteFullName', 'OverwriteAnyExt', 'OverwriteFullNameAnyFolder'],
    },
    retainPublishState: { honoured: 'what an absent preservePublishState means in every job', tests: ['publish-state.test.ts', 'accounts.test.ts'] },
    defaultSourceProfileHandle: refused('no default colour profiles per company on this server'),
    defaultDisplayProfileHandle: refused('no default colour profiles per company on this server'),
    iptcExifMappingXsltHandle: refused('no metadata mapping on this server'),
    xmpMappingXsltHandle: refused('no metadata mapping on this server'),
    diskSpaceWarningMin: refused('no disk-space warnings on this server'),
    emailTrashCleanupWarning: { honoured: 'only false (nothing empties the trash); true refused', tests: ['accounts.test.ts'], refuses: [true] },
  },
  searchAssetsParam: {
    companyHandle: { honoured: 'the company searched', tests: ['search-byproducts.test.ts'] },
    accessUserHandle: refused('per-user access control is not supported'),
    accessGroupHandle: refused('user groups are not supported'),
    folder: { honoured: 'the folder searched', tests: ['asset-fields.test.ts'] },
    includeSubfolders: { honoured: 'subfolders searched too', tests: ['asset-fields.test.ts'] },
    publishState: { honoured: 'only marked or unmarked assets', tests: ['asset-fields.test.ts'] },
    trashState: { honoured: 'assets in or out of the trash', tests: ['asset-fields.test.ts'] },
    conditionMatchMode: {
      honoured: 'how the condition groups combine (only the system-field group exists here, so both modes give what IPS gives for one group)',
      tests: ['asset-fields.test.ts'],
    },
    keywordArray: refused('keyword search is not supported yet'),
    systemFieldMatchMode: { honoured: 'MatchAll or MatchAny of the system-field conditions', tests: ['asset-fields.test.ts'] },
    systemFieldConditionArray: {
      honoured: 'conditions on Name, FileName, users, FileSize, Created, LastModified',
      tests: ['asset-fields.test.ts', 'set-generation.test.ts'],
    },
    tagMatchMode: refused('tag search is not supported yet'),
    tagConditionArray: refused('tag search is not supported yet'),
    metadataMatchMode: refused('metadata search is not supported yet'),
    metadataConditionArray: refused('metadata search is not supported yet'),
    assetTypeArray: { honoured: 'only these asset types', tests: ['asset-fields.test.ts', 'set-generation.test.ts'] },
    excludeAssetTypeArray: { honoured: 'not these asset types', tests: ['asset-fields.test.ts'] },
    assetSubTypeArray: { honoured: 'only these sub types', tests: ['asset-fields.test.ts'] },
    strictSubTypeCheck: { honoured: 'assets without a sub type excluded by assetSubTypeArray', tests: ['asset-fields.test.ts'] },
    excludeByproducts: { honoured: 'hides ripped pages and PSD layers', tests: ['search-byproducts.test.ts'] },
    excludeByproductArray: { honoured: 'hides exactly what an engine made with a type', tests: ['search-byproducts.test.ts'] },
    projectHandle: refused('projects are not supported yet'),
    recordsPerPage: { honoured: 'page size (at most 1000)', tests: ['asset-fields.test.ts', 'search-byproducts.test.ts'] },
    resultsPage: { honoured: 'which page', tests: ['asset-fields.test.ts', 'search-byproducts.test.ts'] },
    sortBy: { honoured: 'order of the assets', tests: ['asset-fields.test.ts', 'search-byproducts.test.ts'] },
    sortDirection: { honoured: 'ascending or descending', tests: ['asset-fields.test.ts'] },
    responseFieldArray: refused('field selection is not supported yet'),
    excludeFieldArray: refused('field selection is not supported yet'),
  },
  'searchAssetsParam.systemFieldConditionArray': {
    field: { honoured: 'the system field compared', tests: ['asset-fields.test.ts'] },
    op: { honoured: 'the comparison', tests: ['asset-fields.test.ts'] },
    value: { honoured: 'a text value', tests: ['asset-fields.test.ts'] },
    longVal: { honoured: 'a number (FileSize)', tests: ['asset-fields.test.ts'] },
    minLong: { honoured: 'a lower bound (FileSize)', tests: ['asset-fields.test.ts'] },
    maxLong: { honoured: 'an upper bound (FileSize)', tests: ['asset-fields.test.ts'] },
    dateVal: { honoured: 'a date (Created, LastModified)', tests: ['asset-fields.test.ts'] },
    minDate: { honoured: 'a lower date bound', tests: ['asset-fields.test.ts'] },
    maxDate: { honoured: 'an upper date bound', tests: ['asset-fields.test.ts'] },
  },
  'searchAssetsParam.excludeByproductArray': {
    engine: { honoured: 'the engine whose byproducts are hidden', tests: ['search-byproducts.test.ts'] },
    generatedAssetType: { honoured: 'the type of byproduct hidden', tests: ['search-byproducts.test.ts'] },
  },
  getAssetsParam: {
    companyHandle: { honoured: 'the company', tests: ['asset-fields.test.ts'] },
    accessUserHandle: refused('per-user access control is not supported'),
    accessGroupHandle: refused('user groups are not supported'),
    assetHandleArray: { honoured: 'the assets returned (unknown handles left out)', tests: ['asset-fields.test.ts'] },
    responseFieldArray: refused('field selection is not supported yet'),
    excludeFieldArray: refused('field selection is not supported yet'),
  },
  setAssetPublishStateParam: {
    companyHandle: { honoured: 'the company', tests: ['asset-fields.test.ts'] },
    assetHandle: { honoured: 'the asset marked or unmarked', tests: ['asset-fields.test.ts'] },
    publishState: { honoured: 'MarkedForPublish or NotMarkedForPublish', tests: ['asset-fields.test.ts', 'image-serving-publish.test.ts'] },
    contextHandleArray: refused('publish contexts are not supported (one context per company)'),
  },
  saveImageFormatParam: {
    companyHandle: { honoured: 'the company', tests: ['accounts.test.ts'] },
    imageFormatHandle: { honoured: 'updates that preset instead of creating one', tests: ['accounts.test.ts'] },
    name: { honoured: 'the preset (macro) name', tests: ['accounts.test.ts'] },
    urlModifier: { honoured: 'the Image Serving commands of the preset', tests: ['accounts.test.ts'] },
  },
  getImageFormatsParam: {
    companyHandle: { honoured: 'the company', tests: ['accounts.test.ts'] },
  },
  deleteImageFormatParam: {
    companyHandle: { honoured: 'the company', tests: ['accounts.test.ts'] },
    imageFormatHandle: { honoured: 'the preset deleted', tests: ['accounts.test.ts'] },
  },
  saveSetGenerationScriptParam: {
    companyHandle: { honoured: 'the company', tests: ['set-generation.test.ts'] },
    scriptHandle: { honoured: 'updates that script instead of creating one', tests: ['set-generation.test.ts'] },
    name: { honoured: 'the script name (unique per company)', tests: ['set-generation.test.ts'] },
    setType: { honoured: 'the type of set made', tests: ['set-generation.test.ts'] },
    memberPattern: { honoured: 'which asset names become members', tests: ['set-generation.test.ts'] },
    swatchPattern: { honoured: 'which asset is the swatch', tests: ['set-generation.test.ts'] },
    setNameTemplate: { honoured: "the set's name", tests: ['set-generation.test.ts'] },
  },
  getSetGenerationScriptsParam: {
    companyHandle: { honoured: 'the company', tests: ['set-generation.test.ts'] },
  },
  deleteSetGenerationScriptParam: {
    companyHandle: { honoured: 'the company', tests: ['set-generation.test.ts'] },
    scriptHandle: { honoured: 'the script deleted', tests: ['set-generation.test.ts'] },
  },
  getActiveJobsParam: {
    companyHandle: { honoured: "only this company's jobs", tests: ['jobs.test.ts', 'aliases.test.ts'] },
    jobHandle: { honoured: 'only this job', tests: ['aliases.test.ts', 'export.test.ts'] },
    originalName: { honoured: 'only jobs of this name', tests: ['jobs.test.ts'] },
    includeWaitingJobs: { honoured: 'false leaves out upload jobs waiting for posts', tests: ['asset-fields.test.ts'] },
  },
  getScheduledJobsParam: {
    companyHandle: { honoured: "only this company's scheduled jobs", tests: ['aliases.test.ts', 'jobs.test.ts'] },
    jobHandle: { honoured: 'only this scheduled job', tests: ['jobs.test.ts'] },
    originalName: { honoured: 'only scheduled jobs of this name', tests: ['jobs.test.ts'] },
  },
  jobControlParam: {
    companyHandle: { honoured: "the company whose job it is (another company's job is 403)", tests: ['jobs.test.ts'] },
    jobHandle: { honoured: 'the job stopped, paused, resumed, run now or deleted', tests: ['jobs.test.ts', 'stop-paths.test.ts'] },
  },
  getJobLogsParam: {
    companyHandle: { honoured: "only this company's logs", tests: ['job-logs.test.ts'] },
    userHandle: { honoured: 'only jobs this user submitted', tests: ['job-logs.test.ts', 'asset-fields.test.ts'] },
    sortBy: { honoured: 'order of the logs', tests: ['job-logs.test.ts'] },
    sortDirection: { honoured: 'ascending or descending', tests: ['job-logs.test.ts'] },
    startDate: { honoured: 'only jobs started at or after', tests: ['asset-fields.test.ts'] },
    endDate: { honoured: 'only jobs started at or before', tests: ['asset-fields.test.ts'] },
    numRows: { honoured: 'at most this many logs', tests: ['job-logs.test.ts'] },
  },
  getJobLogDetailsParam: {
    companyHandle: { honoured: 'the company', tests: ['job-logs.test.ts'] },
    jobHandle: { honoured: 'the job whose log is read', tests: ['job-logs.test.ts', 'export.test.ts'] },
    originalName: { honoured: 'the job looked up by its original name', tests: ['export.test.ts'] },
    logTypeArray: { honoured: 'only detail rows of these types', tests: ['job-logs.test.ts'] },
    recordsPerPage: { honoured: 'detail rows per page (at most 1000)', tests: ['job-logs.test.ts'] },
    resultsPage: { honoured: 'which page of detail rows', tests: ['job-logs.test.ts'] },
    sortBy: { honoured: 'Date or LogType', tests: ['job-logs.test.ts'] },
    sortDirection: { honoured: 'ascending or descending', tests: ['job-logs.test.ts'] },
  },
  getCallbackSecretParam: {
    companyHandle: { honoured: 'the company whose callback signing key is returned', tests: ['image-serving-publish.test.ts'] },
  },
  getAssetJobLogsParam: {
    companyHandle: { honoured: 'the company', tests: ['job-logs.test.ts'] },
    assetHandle: { honoured: 'the asset whose log entries are listed', tests: ['job-logs.test.ts'] },
  },

  // --- option types ---
  KnockoutBackgroundOptions: {
    corner: { honoured: 'the corner whose colour is knocked out', tests: ['pixel-ops.test.ts', 'media-color.test.ts'] },
    tolerance: { honoured: 'how close a colour must be to the corner colour', tests: ['pixel-ops.test.ts'] },
    fillMethod: { honoured: 'FloodFill (connected pixels) or MatchPixel (every matching pixel)', tests: ['pixel-ops.test.ts'] },
  },
  ManualCropOptions: {
    left: { honoured: 'pixels cropped off the left', tests: ['pixel-ops.test.ts'] },
    right: { honoured: 'pixels cropped off the right', tests: ['pixel-ops.test.ts'] },
    top: { honoured: 'pixels cropped off the top', tests: ['pixel-ops.test.ts'] },
    bottom: { honoured: 'pixels cropped off the bottom', tests: ['pixel-ops.test.ts'] },
  },
  AutoColorCropOptions: {
    corner: { honoured: 'the corner whose colour is trimmed', tests: ['pixel-ops.test.ts'] },
    tolerance: { honoured: 'how close a colour must be to be trimmed', tests: ['pixel-ops.test.ts'] },
  },
  AutoTransparentCropOptions: {
    tolerance: { honoured: 'how transparent a pixel must be to be trimmed', tests: ['pixel-ops.test.ts'] },
  },
  PhotoshopOptions: {
    process: { honoured: 'None keeps the PSD whole, MaintainLayers splits its layers', tests: ['psd-layers.test.ts'] },
    layerOptions: { honoured: 'how layers are split and named', tests: ['psd-layers.test.ts'] },
  },
  PhotoshopLayerOptions: {
    layerNaming: { honoured: 'layer asset names', tests: ['psd-layers.test.ts'] },
    anchor: { honoured: 'where a layer sits when extended to the canvas', tests: ['psd-layer-naming.test.ts'] },
    createTemplate: { honoured: 'also writes a PSD template asset', tests: ['psd-layers.test.ts'] },
    extractText: { honoured: "text layers' text kept as their search words", tests: ['psd-layers.test.ts'] },
    extendLayers: { honoured: 'layers extended to the background size', tests: ['psd-layers.test.ts'] },
  },
  PostScriptOptions: {
    process: { honoured: 'Rasterize or None', tests: ['rip-pdfs-job.test.ts'] },
    resolution: { honoured: 'ppi of the rasterised pages', tests: ['rip-pdfs-job.test.ts'] },
    colorspace: { honoured: 'colour space of the rasterised pages', tests: ['rip-pdfs-job.test.ts'] },
    alpha: { honoured: 'keeps a transparent background', tests: ['rip-pool.test.ts'] },
    extractSearchWords: { honoured: 'page text kept as search words', tests: ['rip-pdfs-job.test.ts'] },
  },
  PDFOptions: {
    process: { honoured: 'Rasterize, Thumbnail or None', tests: ['rip-pdfs-job.test.ts', 'rip.test.ts'] },
    resolution: { honoured: 'ppi of the rasterised pages', tests: ['rip-pdfs-job.test.ts'] },
    colorspace: { honoured: 'colour space of the rasterised pages', tests: ['rip-pdfs-job.test.ts'] },
    pdfCatalog: { honoured: 'a multi-page PDF becomes an eCatalog', tests: ['rip.test.ts', 'rip-pdfs-job.test.ts'] },
    extractSearchWords: { honoured: 'page text kept as search words', tests: ['rip.test.ts'] },
    extractLinks: { honoured: 'PDF links kept with the pages', tests: ['rip-pdfs-job.test.ts'] },
  },
  IllustratorOptions: {
    process: { honoured: 'Rasterize or None', tests: ['rip-pdfs-job.test.ts'] },
    resolution: { honoured: 'ppi of the rasterised artwork', tests: ['rip-pdfs-job.test.ts'] },
    colorspace: { honoured: 'colour space of the rasterised artwork', tests: ['rip-pdfs-job.test.ts'] },
    alpha: { honoured: 'keeps a transparent background', tests: ['rip-pool.test.ts'] },
  },
  InDesignOptions: {
    process: { honoured: 'only None (there is no InDesign engine)', tests: ['rip-pdfs-job.test.ts'] },
  },
  ColorManagementOptions: {
    colorManagement: { honoured: 'Default, MaintainOriginal or Convert', tests: ['reprocess.test.ts', 'upload.test.ts'] },
    sourceProfileHandle: { honoured: 'ICC profile asset the source is read in (Convert)', tests: ['media-color.test.ts', 'reprocess.test.ts'] },
    outputProfileHandle: { honoured: 'ICC profile asset the result is converted to (Convert)', tests: ['media-color.test.ts', 'reprocess.test.ts'] },
  },
  AutoSetCreationOptions: {
    autoSetsArray: { honoured: 'the set-generation scripts to apply', tests: ['set-generation.test.ts'] },
  },
  UnsharpMaskOptions: {
    amount: { honoured: 'strength of the sharpening (0 = off)', tests: ['media-color.test.ts', 'render-pool.test.ts'] },
    radius: { honoured: 'radius of the sharpening', tests: ['media-color.test.ts'] },
    threshold: { honoured: 'levels below which nothing is sharpened', tests: ['media-color.test.ts'] },
    monochrome: { honoured: '1 sharpens brightness only', tests: ['media-color.test.ts'] },
  },
  UnCompressOptions: {
    process: { honoured: 'None stores archives, UnCompress ingests their files', tests: ['upload-directory.test.ts'] },
  },
  UploadUrl: {
    sourceUrl: { honoured: 'where the file is downloaded from (its query is never kept in plain text)', tests: ['upload-urls.test.ts'] },
    destPath: { honoured: 'folder and name of the asset', tests: ['upload-urls.test.ts'] },
  },
  MediaOptions: {
    videoEncodingPresetsArray: refused('encoding presets are not supported: give the settings in videoEncodingArray'),
    videoEncodingArray: { honoured: 'one encoded MP4 asset per entry', tests: ['video.test.ts'] },
    videoSmartCropArray: refused('no smart crops on this server'),
    videoSmartCropSampleRate: refused('no smart crops on this server'),
    avsEncodingArray: refused('no adaptive video sets on this server'),
    generateThumbnail: { honoured: "a poster frame becomes the video's thumbnail", tests: ['video.test.ts'] },
    thumbnailOptions: { honoured: 'when the poster frame is taken', tests: ['video.test.ts'] },
    cmafConformance: { honoured: 'only false (encodings are progressive MP4)', tests: ['video.test.ts'], refuses: [true] },
  },
  VideoEncoding: {
    name: { honoured: 'name of the encoding', tests: ['video.test.ts'] },
    fileSuffix: { honoured: 'appended to the video name to name the encoded asset', tests: ['video.test.ts'] },
    playbackTarget: refused('every encoding here is one progressive MP4 for all players: a playback target would change nothing'),
    width: { honoured: 'output width', tests: ['video.test.ts'] },
    height: { honoured: 'output height', tests: ['video.test.ts'] },
    videoCodec: { honoured: 'only H.264 (other codecs refused)', tests: ['video.test.ts'] },
    videoBitrate: { honoured: 'target video bit rate (kbps)', tests: ['video.test.ts'] },
    minBitrate: { honoured: 'lower bound of the video bit rate', tests: ['video.test.ts'] },
    maxBitrate: { honoured: 'upper bound of the video bit rate', tests: ['video.test.ts'] },
    constantBitrate: { honoured: 'constant bit rate encoding', tests: ['video.test.ts'] },
    frameRate: { honoured: 'output frame rate', tests: ['video.test.ts'] },
    keyframeInterval: { honoured: 'frames between key frames', tests: ['video.test.ts'] },
    h264Profile: { honoured: 'H.264 profile', tests: ['video.test.ts'] },
    h264Level: { honoured: 'H.264 level', tests: ['video.test.ts'] },
    twoPass: { honoured: 'only false (one pass)', tests: ['video.test.ts'], refuses: [true] },
    audioCodec: { honoured: 'only AAC (other codecs refused)', tests: ['video.test.ts'] },
    audioBitrate: { honoured: 'audio bit rate (kbps)', tests: ['video.test.ts'] },
    audioSampleRate: { honoured: 'audio sample rate', tests: ['video.test.ts'] },
    advancedSettings: refused('advanced encoder settings are not supported'),
  },
  ThumbnailOptions: {
    thumbnailTime: { honoured: 'milliseconds from the start of the poster frame', tests: ['video.test.ts'] },
  },
};
