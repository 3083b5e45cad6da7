import type { JsonOperation } from './operations.js';

/**
 * The OpenAPI page's groups, in the order the page lists them: the order a
 * user meets them (who they are, what they have, how it is arranged and
 * rendered, what runs on it, what it logged, how files come in and go out).
 */
export const OPENAPI_TAGS = [
  { name: 'accounts', description: 'Companies, users, memberships and roles, company settings; `checkLogin` to test credentials.' },
  {
    name: 'assets',
    description:
      'Finding, renaming, moving, trashing and publish-marking assets, with their metadata fields and values and the projects that group them (docs/assets.md, docs/metadata.md, docs/projects.md).',
  },
  { name: 'folders', description: "The company's folder tree (`f|<path>` handles that follow the path; docs/folders.md)." },
  {
    name: 'presets',
    description: 'Image presets (IS macros used by `$name$` in Image Serving requests) and, as an extension, automated set-generation scripts.',
  },
  {
    name: 'jobs',
    description:
      'Submitting a job (now, at `execTime` or on a Quartz `execSchedule`), watching and controlling running and scheduled jobs, and the key that signs completion callbacks.',
  },
  { name: 'job logs', description: 'What a job did: summaries, per-item detail rows (paged, by log type) and the log rows about one asset, in en / nl / fr.' },
  {
    name: 'uploads',
    description: "IPS's UploadFile servlet: a multipart post starts an upload job (`jobName`) or adds files to one (`jobHandle`); `endJob` ends it.",
  },
  {
    name: 'delivery',
    description: 'Public URLs, without credentials: Image Serving and video/content delivery of published assets, and export archives behind signed tokens.',
  },
] as const;

export type OpenApiTag = (typeof OPENAPI_TAGS)[number]['name'];

/**
 * Each JSON operation's group. Metadata and projects sit under assets (they
 * describe and group assets, and a user looks for them next to the assets),
 * set-generation scripts under presets (DMC calls them batch set presets),
 * getCallbackSecret under jobs (it signs the jobs' completion callbacks).
 */
export const OPERATION_TAGS: Record<JsonOperation, OpenApiTag> = {
  checkLogin: 'accounts',
  addCompany: 'accounts',
  getCompanyInfo: 'accounts',
  getAllCompanies: 'accounts',
  addUser: 'accounts',
  getUsers: 'accounts',
  setPassword: 'accounts',
  getUserInfo: 'accounts',
  setUserInfo: 'accounts',
  getAllUsers: 'accounts',
  getCompanyMembers: 'accounts',
  getCompanyMembership: 'accounts',
  addCompanyMembership: 'accounts',
  setCompanyMembership: 'accounts',
  removeCompanyMembership: 'accounts',
  getCompanySettings: 'accounts',
  setCompanySettings: 'accounts',
  searchAssets: 'assets',
  searchAssetsByMetadata: 'assets',
  getAssets: 'assets',
  getAssetsByName: 'assets',
  checkAssetNames: 'assets',
  renameAsset: 'assets',
  moveAsset: 'assets',
  moveAssets: 'assets',
  deleteAsset: 'assets',
  deleteAssets: 'assets',
  restoreAssetsFromTrash: 'assets',
  emptyAssetsFromTrash: 'assets',
  forceRepublishAssets: 'assets',
  getAssetPublishHistory: 'assets',
  setAssetPublishState: 'assets',
  setAssetsPublishState: 'assets',
  getAssociatedAssets: 'assets',
  getAssetCounts: 'assets',
  getMetadataFields: 'assets',
  getAssetMetadataFields: 'assets',
  createMetadataField: 'assets',
  updateMetadataField: 'assets',
  deleteMetadataField: 'assets',
  setAssetMetadata: 'assets',
  batchSetAssetMetadata: 'assets',
  deleteAssetMetadata: 'assets',
  getUniqueMetadataValues: 'assets',
  createProject: 'assets',
  getProjects: 'assets',
  renameProject: 'assets',
  deleteProject: 'assets',
  addProjectAssets: 'assets',
  removeProjectAssets: 'assets',
  setProjectAssets: 'assets',
  createFolder: 'folders',
  getFolders: 'folders',
  getFolderTree: 'folders',
  renameFolder: 'folders',
  moveFolder: 'folders',
  deleteFolder: 'folders',
  saveImageFormat: 'presets',
  getImageFormats: 'presets',
  deleteImageFormat: 'presets',
  saveSetGenerationScript: 'presets',
  getSetGenerationScripts: 'presets',
  deleteSetGenerationScript: 'presets',
  submitJob: 'jobs',
  getActiveJobs: 'jobs',
  getScheduledJobs: 'jobs',
  stopJob: 'jobs',
  pauseJob: 'jobs',
  resumeJob: 'jobs',
  executeJob: 'jobs',
  deleteJob: 'jobs',
  getCallbackSecret: 'jobs',
  getJobLogs: 'job logs',
  getJobLogDetails: 'job logs',
  getAssetJobLogs: 'job logs',
};
