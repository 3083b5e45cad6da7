/**
 * IPS user roles (Adobe IPS: sting-constants/r-user-roles) and the operation →
 * allowed-roles table (the "Authorized User Types" of each operation's page
 * under Adobe IPS: operation-methods/operation-parameters/). This table is the
 * single source for authorization; the
 * authorization-matrix tests are generated from it.
 */
export const ROLES = [
  'IpsAdmin',
  'IpsCompanyAdmin',
  'IpsUser',
  'WebServiceUser',
  'TrialSiteAdmin',
  'TrialSiteUser',
  'ImagePortalAdmin',
  'ImagePortalUser',
  'ImagePortalContrib',
  'ImagePortalContribUser',
] as const;
export type Role = (typeof ROLES)[number];

const ALL9: readonly Role[] = [
  'IpsUser',
  'IpsAdmin',
  'IpsCompanyAdmin',
  'TrialSiteAdmin',
  'TrialSiteUser',
  'ImagePortalAdmin',
  'ImagePortalUser',
  'ImagePortalContrib',
  'ImagePortalContribUser',
];
const ADM4: readonly Role[] = ['IpsAdmin', 'IpsCompanyAdmin', 'TrialSiteAdmin', 'ImagePortalAdmin'];
const PRESET_WRITE: readonly Role[] = ['IpsUser', 'IpsAdmin', 'IpsCompanyAdmin', 'ImagePortalAdmin'];
/** The list most job operations share ("ALLJOB"): ALL9 without ImagePortalUser. */
const ALLJOB: readonly Role[] = ALL9.filter((r) => r !== 'ImagePortalUser');
/** submitJob's list (Adobe IPS: operation-methods/operation-parameters/r-submit-job): ALLJOB without IpsCompanyAdmin, deliberately, as in IPS. */
const SUBMIT_JOB: readonly Role[] = ALLJOB.filter((r) => r !== 'IpsCompanyAdmin');
/** Who may change or trash assets (deleteAsset, renameAsset, the trash operations). */
const WR6: readonly Role[] = ['IpsUser', 'IpsAdmin', 'IpsCompanyAdmin', 'ImagePortalAdmin', 'ImagePortalContrib', 'ImagePortalContribUser'];

/** How an operation picks the company whose membership role is checked. */
export type CompanyScope = 'company' | 'optionalCompany' | 'global';

export interface OperationAccess {
  roles: readonly Role[];
  scope: CompanyScope;
}

export const OPERATION_ACCESS = {
  // Its companyHandle concerns the login being checked, not the caller, so it is not a scope.
  checkLogin: { roles: ALL9, scope: 'global' },
  addCompany: { roles: ['IpsAdmin', 'TrialSiteAdmin', 'ImagePortalAdmin'], scope: 'global' },
  // The docs leave IpsCompanyAdmin out of getCompanyInfo; that is an omission (Adobe IPS: operation-methods/operation-parameters/r-get-company-info).
  getCompanyInfo: { roles: ALL9, scope: 'optionalCompany' },
  getAllCompanies: { roles: ['IpsAdmin'], scope: 'global' },
  addUser: { roles: ADM4, scope: 'global' },
  getUsers: { roles: ADM4, scope: 'global' },
  setPassword: { roles: ALL9, scope: 'global' },
  // Accounts and memberships (docs/accounts.md): company admins act on the users of their own companies only.
  getUserInfo: { roles: ALL9, scope: 'global' },
  setUserInfo: { roles: ADM4, scope: 'global' },
  getAllUsers: { roles: ADM4, scope: 'global' },
  getCompanyMembers: { roles: ADM4, scope: 'company' },
  // The page lists ImagePortalAdmin twice and leaves out nobody of ALL9.
  getCompanyMembership: { roles: ALL9, scope: 'global' },
  addCompanyMembership: { roles: ADM4, scope: 'global' },
  setCompanyMembership: { roles: ADM4, scope: 'global' },
  removeCompanyMembership: { roles: ADM4, scope: 'global' },
  // Both documented with ADM4, the company administrators (WSDL 2014-04-03 and later).
  getCompanySettings: { roles: ADM4, scope: 'company' },
  setCompanySettings: { roles: ADM4, scope: 'company' },
  searchAssets: { roles: ALL9, scope: 'company' },
  // Folders (docs/folders.md): getFolderTree's page leaves out ImagePortalAdmin and ImagePortalUser, as followed here.
  createFolder: { roles: WR6, scope: 'company' },
  getFolders: { roles: ALL9, scope: 'company' },
  getFolderTree: {
    roles: ['IpsUser', 'IpsAdmin', 'IpsCompanyAdmin', 'TrialSiteAdmin', 'TrialSiteUser', 'ImagePortalContrib', 'ImagePortalContribUser'],
    scope: 'company',
  },
  renameFolder: { roles: WR6, scope: 'company' },
  moveFolder: { roles: WR6, scope: 'company' },
  deleteFolder: { roles: WR6, scope: 'company' },
  // The page lists ALL9 but for the two TrialSite roles.
  searchAssetsByMetadata: {
    roles: ['IpsUser', 'IpsAdmin', 'IpsCompanyAdmin', 'ImagePortalAdmin', 'ImagePortalUser', 'ImagePortalContrib', 'ImagePortalContribUser'],
    scope: 'company',
  },
  getAssets: { roles: ALL9, scope: 'company' },
  getAssetsByName: { roles: ALLJOB, scope: 'company' },
  // As documented: IpsCompanyAdmin is not among checkAssetNames' users (Adobe IPS: operation-methods/operation-parameters/r-check-asset-names).
  checkAssetNames: { roles: ALL9.filter((r) => r !== 'IpsCompanyAdmin'), scope: 'company' },
  renameAsset: { roles: WR6, scope: 'company' },
  moveAsset: { roles: WR6, scope: 'company' },
  moveAssets: { roles: WR6, scope: 'company' },
  deleteAsset: { roles: WR6, scope: 'company' },
  deleteAssets: { roles: WR6, scope: 'company' },
  restoreAssetsFromTrash: { roles: WR6, scope: 'company' },
  emptyAssetsFromTrash: { roles: WR6, scope: 'company' },
  // Adobe IPS: r-force-republish-assets lists the WR6 roles; r-get-asset-publish-history all nine.
  forceRepublishAssets: { roles: WR6, scope: 'company' },
  getAssetPublishHistory: { roles: ALL9, scope: 'company' },
  setAssetPublishState: {
    roles: ['IpsUser', 'IpsAdmin', 'IpsCompanyAdmin', 'ImagePortalContrib', 'ImagePortalContribUser'],
    scope: 'company',
  },
  saveImageFormat: { roles: PRESET_WRITE, scope: 'company' },
  getImageFormats: {
    roles: ['IpsUser', 'IpsAdmin', 'IpsCompanyAdmin', 'ImagePortalAdmin', 'ImagePortalUser', 'ImagePortalContrib', 'ImagePortalContribUser'],
    scope: 'company',
  },
  getAssociatedAssets: { roles: ALL9, scope: 'company' },
  // IPS documents no list for deleteImageFormat; whoever may save a preset may delete it.
  deleteImageFormat: { roles: PRESET_WRITE, scope: 'company' },
  // Adobe IPS: r-set-assets-publish-state lists the WR6 roles (ImagePortalAdmin included, unlike setAssetPublishState's page).
  setAssetsPublishState: { roles: WR6, scope: 'company' },
  getAssetCounts: { roles: ALL9, scope: 'company' },
  // Projects (docs/projects.md): the roles of each operation's page.
  createProject: { roles: WR6, scope: 'company' },
  // As documented: IpsCompanyAdmin and ImagePortalAdmin, who may create projects, are not among getProjects' users.
  getProjects: {
    roles: ['IpsUser', 'IpsAdmin', 'TrialSiteAdmin', 'TrialSiteUser', 'ImagePortalContrib', 'ImagePortalContribUser'],
    scope: 'company',
  },
  renameProject: { roles: WR6, scope: 'company' },
  deleteProject: { roles: WR6, scope: 'company' },
  addProjectAssets: { roles: WR6, scope: 'company' },
  // The page leaves IpsAdmin out, who may add, set and delete; an omission: WR6 as for its siblings.
  removeProjectAssets: { roles: WR6, scope: 'company' },
  setProjectAssets: { roles: WR6, scope: 'company' },
  // The UploadFile servlet starts an upload job, so it takes submitJob's roles.
  uploadFile: { roles: SUBMIT_JOB, scope: 'company' },
  submitJob: { roles: SUBMIT_JOB, scope: 'company' },
  getActiveJobs: { roles: ALLJOB, scope: 'optionalCompany' },
  getScheduledJobs: { roles: ALLJOB, scope: 'optionalCompany' },
  stopJob: { roles: ALLJOB, scope: 'company' },
  pauseJob: { roles: ALLJOB, scope: 'company' },
  resumeJob: { roles: ALLJOB, scope: 'company' },
  executeJob: { roles: SUBMIT_JOB, scope: 'company' },
  deleteJob: { roles: ALLJOB, scope: 'company' },
  getJobLogs: { roles: [...ALLJOB, 'ImagePortalUser'], scope: 'optionalCompany' },
  getJobLogDetails: {
    roles: ['IpsUser', 'IpsAdmin', 'IpsCompanyAdmin', 'TrialSiteUser', 'ImagePortalAdmin', 'ImagePortalUser', 'ImagePortalContrib', 'ImagePortalContribUser'],
    scope: 'company',
  },
  getAssetJobLogs: { roles: [...ALLJOB, 'ImagePortalUser'], scope: 'company' },
  // Metadata (docs/metadata.md), with each Adobe page's roles: createMetadataField lists IpsAdmin only, update and delete the company admins.
  getMetadataFields: {
    roles: ['IpsUser', 'IpsAdmin', 'IpsCompanyAdmin', 'ImagePortalAdmin', 'ImagePortalUser', 'ImagePortalContrib', 'ImagePortalContribUser'],
    scope: 'company',
  },
  getAssetMetadataFields: {
    roles: ['IpsUser', 'IpsAdmin', 'IpsCompanyAdmin', 'ImagePortalAdmin', 'ImagePortalUser', 'ImagePortalContrib', 'ImagePortalContribUser'],
    scope: 'company',
  },
  createMetadataField: { roles: ['IpsAdmin'], scope: 'company' },
  updateMetadataField: { roles: ['IpsAdmin', 'IpsCompanyAdmin', 'ImagePortalAdmin'], scope: 'company' },
  deleteMetadataField: { roles: ['IpsAdmin', 'IpsCompanyAdmin', 'ImagePortalAdmin'], scope: 'company' },
  setAssetMetadata: { roles: WR6, scope: 'company' },
  batchSetAssetMetadata: { roles: WR6, scope: 'company' },
  deleteAssetMetadata: { roles: WR6, scope: 'company' },
  getUniqueMetadataValues: {
    roles: ['IpsUser', 'IpsAdmin', 'IpsCompanyAdmin', 'ImagePortalAdmin', 'ImagePortalUser', 'ImagePortalContrib', 'ImagePortalContribUser'],
    scope: 'company',
  },
  // Extension (not in IPS, where they are DMC batch set presets): set-generation scripts, with the preset roles.
  saveSetGenerationScript: { roles: PRESET_WRITE, scope: 'company' },
  getSetGenerationScripts: {
    roles: ['IpsUser', 'IpsAdmin', 'IpsCompanyAdmin', 'ImagePortalAdmin', 'ImagePortalUser', 'ImagePortalContrib', 'ImagePortalContribUser'],
    scope: 'company',
  },
  deleteSetGenerationScript: { roles: PRESET_WRITE, scope: 'company' },
  // Extension (not in IPS): the key that signs the company's postHttpUrl callbacks.
  getCallbackSecret: { roles: ADM4, scope: 'company' },
} as const satisfies Record<string, OperationAccess>;

export type OperationName = keyof typeof OPERATION_ACCESS;

export const ADMIN_ROLES = ADM4;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
