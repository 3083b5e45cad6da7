import type { AccountService } from '../services/account.service.js';
import type { MembershipService } from '../services/membership.service.js';
import type { AssetService } from '../services/asset.service.js';
import type { FolderService } from '../services/folder.service.js';
import type { AssetLifecycleService } from '../services/asset-lifecycle.service.js';
import type { AssetMoveService } from '../services/asset-move.service.js';
import type { AssetStateService } from '../services/asset-state.service.js';
import type { AssetAssociationsService } from '../services/asset-associations.service.js';
import type { ImageFormatService } from '../services/image-format.service.js';
import type { JobLogService } from '../services/job-log.service.js';
import type { JobService } from '../services/job.service.js';
import type { Principal } from '../services/principal.js';
import type { SetScriptService } from '../services/sets/set-script.service.js';
import type { ProjectService } from '../services/projects/project.service.js';
import type { ForceRepublishService } from '../services/publish/force-republish.service.js';
import type { PublishHistoryService } from '../services/publish/publish-history.service.js';
import type { MetadataFieldService } from '../services/metadata/metadata-field.service.js';
import type { AssetMetadataService } from '../services/metadata/asset-metadata.service.js';
import type { JsonOperation, OperationParam } from './operations.js';

export interface OperationServices {
  accounts: AccountService;
  memberships: MembershipService;
  assets: AssetService;
  folders: FolderService;
  imageFormats: ImageFormatService;
  assetLifecycle: AssetLifecycleService;
  assetMove: AssetMoveService;
  jobs: JobService;
  jobLogs: JobLogService;
  assetAssociations: AssetAssociationsService;
  metadataFields: MetadataFieldService;
  assetMetadata: AssetMetadataService;
  forceRepublish: ForceRepublishService;
  publishHistory: PublishHistoryService;
  setScripts: SetScriptService;
  projects: ProjectService;
  assetState: AssetStateService;
}

/** One authenticated, validated call: the same for a JSON and a SOAP request. */
export interface OperationCall<N extends JsonOperation> {
  caller: Principal;
  param: OperationParam<N>;
  /** the reader's language (Accept-Language, or SOAP authHeader.locale) for texts a reply carries */
  locale?: string;
}

export type OperationHandlers = { [N in JsonOperation]: (call: OperationCall<N>) => Promise<unknown> };

/**
 * Which service method serves each operation: the one table both wire formats
 * dispatch through, so JSON and SOAP cannot drift apart.
 */
export function operationHandlers(s: OperationServices): OperationHandlers {
  return {
    checkLogin: async ({ param }) => s.accounts.checkLogin(param),
    addCompany: async ({ caller, param }) => s.accounts.addCompany(caller, param),
    getCompanyInfo: async ({ caller, param }) => s.accounts.getCompanyInfo(caller, param),
    getAllCompanies: async ({ caller, param }) => s.accounts.getAllCompanies(caller, param),
    addUser: async ({ caller, param }) => s.accounts.addUser(caller, param),
    getUsers: async ({ caller, param }) => s.accounts.getUsers(caller, param),
    setPassword: async ({ caller, param }) => s.accounts.setPassword(caller, param),
    getUserInfo: async ({ caller, param }) => s.accounts.getUserInfo(caller, param),
    setUserInfo: async ({ caller, param }) => s.accounts.setUserInfo(caller, param),
    getAllUsers: async ({ caller, param }) => s.accounts.getAllUsers(caller, param),
    getCompanyMembers: async ({ param }) => s.memberships.getCompanyMembers(param),
    getCompanyMembership: async ({ caller, param }) => s.memberships.getCompanyMembership(caller, param),
    addCompanyMembership: async ({ caller, param }) => s.memberships.addCompanyMembership(caller, param),
    setCompanyMembership: async ({ caller, param }) => s.memberships.setCompanyMembership(caller, param),
    removeCompanyMembership: async ({ caller, param }) => s.memberships.removeCompanyMembership(caller, param),
    getCompanySettings: async ({ param }) => s.accounts.getCompanySettings(param),
    setCompanySettings: async ({ param }) => s.accounts.setCompanySettings(param),
    getCallbackSecret: async ({ param }) => s.accounts.getCallbackSecret(param),
    searchAssets: async ({ param }) => s.assets.searchAssets(param),
    searchAssetsByMetadata: async ({ param }) => s.assets.searchAssetsByMetadata(param),
    getAssets: async ({ param }) => s.assets.getAssets(param),
    getAssetsByName: async ({ param }) => s.assetLifecycle.getAssetsByName(param),
    checkAssetNames: async ({ param }) => s.assetLifecycle.checkAssetNames(param),
    renameAsset: async ({ caller, param }) => s.assetLifecycle.renameAsset(caller, param),
    moveAsset: async ({ caller, param }) => s.assetMove.moveAsset(caller, param),
    moveAssets: async ({ caller, param }) => s.assetMove.moveAssets(caller, param),
    deleteAsset: async ({ caller, param }) => s.assetLifecycle.deleteAsset(caller, param),
    deleteAssets: async ({ caller, param }) => s.assetLifecycle.deleteAssets(caller, param),
    restoreAssetsFromTrash: async ({ caller, param }) => s.assetLifecycle.restoreAssetsFromTrash(caller, param),
    emptyAssetsFromTrash: async ({ caller, param }) => s.assetLifecycle.emptyAssetsFromTrash(caller, param),
    forceRepublishAssets: async ({ param }) => s.forceRepublish.forceRepublishAssets(param),
    getAssetPublishHistory: async ({ param }) => s.publishHistory.getAssetPublishHistory(param),
    setAssetPublishState: async ({ caller, param }) => s.assets.setAssetPublishState(caller, param),
    createFolder: async ({ param }) => s.folders.createFolder(param),
    getFolders: async ({ param }) => s.folders.getFolders(param),
    getFolderTree: async ({ param }) => s.folders.getFolderTree(param),
    renameFolder: async ({ param }) => s.folders.renameFolder(param),
    moveFolder: async ({ param }) => s.folders.moveFolder(param),
    deleteFolder: async ({ caller, param }) => s.folders.deleteFolder(caller, param),
    saveImageFormat: async ({ param }) => s.imageFormats.save(param),
    getImageFormats: async ({ param }) => s.imageFormats.list(param),
    getAssociatedAssets: async ({ param }) => s.assetAssociations.getAssociatedAssets(param),
    deleteImageFormat: async ({ param }) => s.imageFormats.delete(param),
    setAssetsPublishState: async ({ caller, param }) => s.assetState.setAssetsPublishState(caller, param),
    getAssetCounts: async ({ param }) => s.assetState.getAssetCounts(param),
    getMetadataFields: async ({ param }) => s.metadataFields.getMetadataFields(param),
    getAssetMetadataFields: async ({ param }) => s.metadataFields.getAssetMetadataFields(param),
    createMetadataField: async ({ param }) => s.metadataFields.createMetadataField(param),
    updateMetadataField: async ({ param }) => s.metadataFields.updateMetadataField(param),
    deleteMetadataField: async ({ param }) => s.metadataFields.deleteMetadataField(param),
    setAssetMetadata: async ({ caller, param }) => s.assetMetadata.setAssetMetadata(caller, param),
    batchSetAssetMetadata: async ({ caller, param }) => s.assetMetadata.batchSetAssetMetadata(caller, param),
    deleteAssetMetadata: async ({ caller, param }) => s.assetMetadata.deleteAssetMetadata(caller, param),
    getUniqueMetadataValues: async ({ param }) => s.metadataFields.getUniqueMetadataValues(param),
    saveSetGenerationScript: async ({ param }) => s.setScripts.save(param),
    getSetGenerationScripts: async ({ param }) => s.setScripts.list(param),
    deleteSetGenerationScript: async ({ param }) => s.setScripts.delete(param),
    createProject: async ({ param }) => s.projects.createProject(param),
    getProjects: async ({ param }) => s.projects.getProjects(param),
    renameProject: async ({ param }) => s.projects.renameProject(param),
    deleteProject: async ({ param }) => s.projects.deleteProject(param),
    addProjectAssets: async ({ param }) => s.projects.addProjectAssets(param),
    removeProjectAssets: async ({ param }) => s.projects.removeProjectAssets(param),
    setProjectAssets: async ({ param }) => s.projects.setProjectAssets(param),
    submitJob: async ({ caller, param }) => s.jobs.submit(caller, param),
    getActiveJobs: async ({ caller, param }) => s.jobs.getActiveJobs(caller, param),
    getScheduledJobs: async ({ caller, param }) => s.jobs.getScheduledJobs(caller, param),
    stopJob: async ({ caller, param }) => s.jobs.stop(caller, param),
    pauseJob: async ({ caller, param }) => s.jobs.pause(caller, param),
    resumeJob: async ({ caller, param }) => s.jobs.resume(caller, param),
    executeJob: async ({ caller, param }) => s.jobs.execute(caller, param),
    deleteJob: async ({ caller, param }) => s.jobs.delete(caller, param),
    getJobLogs: async ({ caller, param }) => s.jobLogs.getJobLogs(caller, param),
    getJobLogDetails: async ({ param, locale }) => s.jobLogs.getJobLogDetails(param, locale),
    getAssetJobLogs: async ({ param, locale }) => s.jobLogs.getAssetJobLogs(param, locale),
  };
}
