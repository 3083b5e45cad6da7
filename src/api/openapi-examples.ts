import type { UploadPostParam } from '../domain/schemas/upload.schema.js';
import type { JsonOperation } from './operations.js';

/**
 * One example request per operation for the OpenAPI page, in the handle shapes
 * this server hands out (src/domain/handles.ts, folder/project/field handles
 * in their schemas). test/unit/openapi.test.ts parses each with the
 * operation's own schema, so an example that drifts from it fails the build.
 */
const company = 'c|4f7kq2m9xz1d';
const user = 'u|8bx3kp0ts6wq|jane.doe@acme.example';
const shoe = 'a|2hq7vm4c9ksd';
const boot = 'a|7tx1np5rb3ge';
const redFolder = 'f|Acme/Shoes/Red/';
const project = 'p|4f7kq2m9xz1d|Spring 2027';
const seasonField = 'm|4f7kq2m9xz1d|IMAGE|Season';
const preset = 'if|9rw2db6mn0kc';
const setScript = 'ps|3gv8hx1qa5zt';
const job = 'j|4f7kq2m9xz1d||spring-reprocess_2026-12-05-09:30:00.000|k3m8q1vz';
const scheduledJob = 'j|4f7kq2m9xz1d|nightly-publish||w6c2j9ad';
const items = <T>(...values: T[]) => ({ items: values });
const jobControl = { companyHandle: company, jobHandle: job };

export const OPERATION_EXAMPLES: Record<JsonOperation, Record<string, unknown>> = {
  checkLogin: { email: 'jane.doe@acme.example', password: 'correct-horse-battery', companyHandle: company },
  addCompany: { companyName: 'Acme Footwear' },
  getCompanyInfo: { companyName: 'Acme Footwear' },
  getAllCompanies: { includeExpired: false },
  addUser: {
    firstName: 'Jane',
    lastName: 'Doe',
    email: 'jane.doe@acme.example',
    password: 'correct-horse-battery',
    isValid: true,
    isIpsAdmin: false,
    membershipArray: items({ companyHandle: company, role: 'IpsUser', isActive: true }),
  },
  getUsers: { companyHandleArray: items(company), recordsPerPage: 50, resultsPage: 1 },
  setPassword: { password: 'a-new-long-passphrase', userHandle: user },
  getUserInfo: { email: 'jane.doe@acme.example' },
  setUserInfo: { userHandle: user, firstName: 'Jane', lastName: 'Doe-Smith', email: 'jane.doe@acme.example', isValid: true },
  getAllUsers: { includeInvalid: false },
  getCompanyMembers: { companyHandle: company, includeInvalid: false },
  getCompanyMembership: { userHandle: user },
  addCompanyMembership: { userHandle: user, membershipArray: items({ companyHandle: company, role: 'IpsUser', isActive: true }) },
  setCompanyMembership: { userHandle: user, membershipArray: items({ companyHandle: company, role: 'IpsCompanyAdmin', isActive: true }) },
  removeCompanyMembership: { userHandle: user, companyHandleArray: items(company) },
  getCompanySettings: { companyHandle: company },
  setCompanySettings: { companyHandle: company, retainPublishState: true },
  searchAssets: {
    companyHandle: company,
    folder: 'Acme/Shoes/',
    includeSubfolders: true,
    assetTypeArray: items('Image'),
    systemFieldConditionArray: items({ field: 'Name', op: 'StartsWith', value: 'shoe_' }),
    excludeByproducts: true,
    recordsPerPage: 100,
    resultsPage: 1,
    sortBy: 'Modified',
    sortDirection: 'Descending',
  },
  searchAssetsByMetadata: {
    companyHandle: company,
    filters: { folder: 'Acme/Shoes/', includeSubfolders: true },
    metadataConditionArray: items({ fieldHandle: seasonField, op: 'Equals', value: 'Spring' }),
    responseMetadataArray: items(seasonField),
    recordsPerPage: 100,
  },
  getAssets: { companyHandle: company, assetHandleArray: items(shoe, boot) },
  getAssetsByName: { companyHandle: company, nameArray: items('shoe_1', 'boot_1'), assetTypeArray: items('Image') },
  checkAssetNames: { companyHandle: company, assetNameArray: items('shoe_1', 'shoe_2') },
  renameAsset: { companyHandle: company, assetHandle: shoe, newName: 'shoe_red_1', validateName: true },
  moveAsset: { companyHandle: company, assetHandle: shoe, folderHandle: redFolder },
  moveAssets: {
    companyHandle: company,
    assetMoveArray: items({ assetHandle: shoe, folderHandle: redFolder }, { assetHandle: boot, folderHandle: 'f|Acme/Boots/' }),
  },
  deleteAsset: { companyHandle: company, assetHandle: shoe },
  deleteAssets: { companyHandle: company, assetHandleArray: items(shoe, boot) },
  restoreAssetsFromTrash: { companyHandle: company, assetHandleArray: items(shoe) },
  emptyAssetsFromTrash: { companyHandle: company, assetHandleArray: items(boot) },
  forceRepublishAssets: { companyHandle: company, assetHandleArray: items(shoe, boot) },
  getAssetPublishHistory: { companyHandle: company, assetHandle: shoe },
  setAssetPublishState: { companyHandle: company, assetHandle: shoe, publishState: 'MarkedForPublish' },
  setAssetsPublishState: {
    companyHandle: company,
    publishStateUpdateArray: items({ assetHandle: shoe, publishState: 'MarkedForPublish' }, { assetHandle: boot, publishState: 'NotMarkedForPublish' }),
  },
  getAssociatedAssets: { companyHandle: company, assetHandle: shoe },
  getAssetCounts: { companyHandle: company },
  getMetadataFields: { companyHandle: company, assetType: 'Image' },
  getAssetMetadataFields: { companyHandle: company },
  createMetadataField: {
    companyHandle: company,
    assetType: 'Image',
    name: 'Season',
    fieldType: 'SingleFixedTag',
    initialTagValue: 'Spring,Summer,Autumn,Winter',
  },
  updateMetadataField: { companyHandle: company, fieldHandle: seasonField, defaultValue: 'Spring', isEnforced: true },
  deleteMetadataField: { companyHandle: company, fieldHandle: seasonField },
  setAssetMetadata: { companyHandle: company, assetHandle: shoe, updateArray: items({ fieldHandle: seasonField, value: 'Spring' }) },
  batchSetAssetMetadata: {
    companyHandle: company,
    updateArray: items({ assetHandleArray: items(shoe, boot), updateArray: items({ fieldHandle: seasonField, value: 'Autumn' }) }),
  },
  deleteAssetMetadata: { companyHandle: company, assetHandle: shoe, deleteArray: items({ fieldHandle: seasonField }) },
  getUniqueMetadataValues: { companyHandle: company, fieldHandle: seasonField },
  createFolder: { companyHandle: company, folderPath: 'Shoes/Red' },
  getFolders: { companyHandle: company, folderPath: 'Shoes' },
  getFolderTree: { companyHandle: company, folderPath: 'Shoes', depth: 2 },
  renameFolder: { companyHandle: company, folderHandle: redFolder, folderName: 'Crimson' },
  moveFolder: { companyHandle: company, folderHandle: redFolder, destFolderHandle: 'f|Acme/Archive/' },
  deleteFolder: { companyHandle: company, folderHandle: 'f|Acme/Archive/' },
  saveImageFormat: { companyHandle: company, name: 'thumb-400', urlModifier: 'wid=400&hei=400&fit=constrain&fmt=jpeg&qlt=85' },
  getImageFormats: { companyHandle: company },
  deleteImageFormat: { companyHandle: company, imageFormatHandle: preset },
  saveSetGenerationScript: {
    companyHandle: company,
    name: 'Shoe image sets',
    setType: 'ImageSet',
    memberPattern: '{base}_{n}',
    swatchPattern: '{base}_swatch',
    setNameTemplate: '{base}_set',
  },
  getSetGenerationScripts: { companyHandle: company },
  deleteSetGenerationScript: { companyHandle: company, scriptHandle: setScript },
  createProject: { companyHandle: company, projectName: 'Spring 2027' },
  getProjects: { companyHandle: company },
  renameProject: { companyHandle: company, projectHandle: project, projectName: 'Spring 2027 launch' },
  deleteProject: { companyHandle: company, projectHandle: project },
  addProjectAssets: { companyHandle: company, projectHandle: project, assetHandleArray: items(shoe, boot) },
  removeProjectAssets: { companyHandle: company, projectHandle: project, assetHandleArray: items(boot) },
  setProjectAssets: { companyHandle: company, projectHandle: project, assetHandleArray: items(shoe) },
  submitJob: {
    companyHandle: company,
    jobName: 'spring-reprocess',
    locale: 'en-US',
    reprocessAssetsJob: { assetHandleArray: items(shoe, boot), createMask: true, emailSetting: 'ErrorAndWarning' },
  },
  getActiveJobs: { companyHandle: company, includeWaitingJobs: true },
  getScheduledJobs: { companyHandle: company },
  stopJob: jobControl,
  pauseJob: jobControl,
  resumeJob: jobControl,
  executeJob: { companyHandle: company, jobHandle: scheduledJob },
  deleteJob: { companyHandle: company, jobHandle: scheduledJob },
  getJobLogs: { companyHandle: company, sortBy: 'StartDate', sortDirection: 'Descending', startDate: '2026-12-01T00:00:00Z', numRows: 50 },
  getJobLogDetails: { ...jobControl, logTypeArray: items('ReprocessError', 'ReprocessSuccess'), recordsPerPage: 100, resultsPage: 1, sortBy: 'Date' },
  getCallbackSecret: { companyHandle: company },
  getAssetJobLogs: { companyHandle: company, assetHandle: shoe },
};

/** The UploadFile servlet's `uploadParams` part: a first post that starts an upload job into a folder. */
export const UPLOAD_PARAMS_EXAMPLE: UploadPostParam = {
  companyHandle: company,
  jobName: 'spring-shoots',
  destFolder: 'Shoes/Spring/',
  endJob: true,
};

/** Public delivery URLs of published assets and an export archive (rootId: the company's root folder; the token as ExportJob's log gives it). */
export const DELIVERY_EXAMPLES = {
  rootId: 'Acme',
  imageName: 'shoe_1',
  imageQuery: 'wid=800&hei=800&fit=constrain&fmt=webp',
  videoName: 'spring-campaign.mp4',
  exportToken:
    'WyJjfDRmN2txMm05eHoxZCIsImp8NGY3a3EybTl4ejFkfHxzcHJpbmctZXhwb3J0XzIwMjYtMTItMDUtMDk6NDU6MDAuMDAwfHI3Ym4yeHE0IiwxNzk3MDY4NzAwXQ.ulPYggRnwAecYUTmoj-waT-zM-jRrrVg4Oji8z7VSvA',
} as const;
