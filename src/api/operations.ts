import type { z } from 'zod';
import { OPERATION_ACCESS, type OperationName } from '../domain/roles.js';
import * as account from '../domain/schemas/account.schema.js';
import * as asset from '../domain/schemas/asset.schema.js';
import * as metadataSearch from '../domain/schemas/metadata-search.schema.js';
import * as associations from '../domain/schemas/asset-associations.schema.js';
import * as folders from '../domain/schemas/folder.schema.js';
import * as lifecycle from '../domain/schemas/asset-lifecycle.schema.js';
import * as assetState from '../domain/schemas/asset-state.schema.js';
import { emptyReturn } from '../domain/schemas/common.schema.js';
import * as formats from '../domain/schemas/image-format.schema.js';
import * as jobs from '../domain/schemas/job.schema.js';
import * as setScripts from '../domain/schemas/set-script.schema.js';
import * as projects from '../domain/schemas/project.schema.js';
import * as publishOps from '../domain/schemas/publish-ops.schema.js';
import * as metadata from '../domain/schemas/metadata.schema.js';
import { submitJobParam } from '../jobs/submit-job.schema.js';

export interface OperationSpec {
  param: z.ZodType;
  return: z.ZodType;
  summary: string;
}

/**
 * Every JSON operation: its input and output schemas (the same ones that
 * validate requests generate the OpenAPI document) and a one-line summary.
 */
export const OPERATIONS = {
  checkLogin: { param: account.checkLoginParam, return: account.checkLoginReturn, summary: 'Checks an e-mail/password pair (optionally for one company).' },
  addCompany: { param: account.addCompanyParam, return: account.addCompanyReturn, summary: 'Creates a company.' },
  getCompanyInfo: { param: account.getCompanyInfoParam, return: account.getCompanyInfoReturn, summary: 'Returns a company by handle, name or IMS org id.' },
  getAllCompanies: {
    param: account.getAllCompaniesParam,
    return: account.getAllCompaniesReturn,
    summary: 'Lists every company for a global IpsAdmin; a per-company IpsAdmin role sees its own companies only.',
  },
  addUser: { param: account.addUserParam, return: account.addUserReturn, summary: 'Creates a user with company memberships.' },
  getUsers: { param: account.getUsersParam, return: account.getUsersReturn, summary: 'Lists users of the companies the caller administers.' },
  setPassword: { param: account.setPasswordParam, return: emptyReturn, summary: "Sets the caller's (or, for IpsAdmin, any user's) password." },
  getUserInfo: {
    param: account.getUserInfoParam,
    return: account.getUserInfoReturn,
    summary: 'Returns the caller, or a user the caller may see, by handle or e-mail.',
  },
  setUserInfo: {
    param: account.setUserInfoParam,
    return: emptyReturn,
    summary: "Sets a user's names, e-mail, validity, password expiry and IpsAdmin status (company admins: users of their companies only).",
  },
  getAllUsers: {
    param: account.getAllUsersParam,
    return: account.getAllUsersReturn,
    summary: 'Lists every user (company admins: the members of their companies).',
  },
  getCompanyMembers: { param: account.getCompanyMembersParam, return: account.getCompanyMembersReturn, summary: "Lists a company's members with their roles." },
  getCompanyMembership: {
    param: account.getCompanyMembershipParam,
    return: account.getCompanyMembershipReturn,
    summary: "A user's companies with its role in each (company admins see those they administer).",
  },
  addCompanyMembership: { param: account.membershipChangeParam, return: emptyReturn, summary: 'Adds a user to companies with a role in each.' },
  setCompanyMembership: {
    param: account.membershipChangeParam,
    return: emptyReturn,
    summary: "Sets a user's role and state in companies (adding missing memberships).",
  },
  removeCompanyMembership: {
    param: account.removeCompanyMembershipParam,
    return: emptyReturn,
    summary: 'Removes a user (or, without userHandle, every member) from companies; a company keeps an active administrator.',
  },
  getCompanySettings: {
    param: account.getCompanySettingsParam,
    return: account.getCompanySettingsReturn,
    summary: "The company's settings this server has: overwriteMode (fixed), retainPublishState, emailTrashCleanupWarning (always false).",
  },
  setCompanySettings: {
    param: account.setCompanySettingsParam,
    return: emptyReturn,
    summary: 'Sets retainPublishState (what an absent preservePublishState means in jobs); settings this server does not have are refused (30001).',
  },
  searchAssets: {
    param: asset.searchAssetsParam,
    return: asset.searchAssetsReturn,
    summary: 'Finds assets by folder, type, publish state and system fields, optionally without job byproducts (ripped pages, PSD layers), paged.',
  },
  searchAssetsByMetadata: {
    param: metadataSearch.searchAssetsByMetadataParam,
    return: metadataSearch.searchAssetsByMetadataReturn,
    summary: "Finds assets by their metadata values under searchAssets' filters; each summary carries the values of the fields asked for.",
  },
  getAssets: { param: asset.getAssetsParam, return: asset.getAssetsReturn, summary: 'Returns assets by handle (unknown handles are left out).' },
  getAssetsByName: {
    param: lifecycle.getAssetsByNameParam,
    return: lifecycle.getAssetsByNameReturn,
    summary: 'Returns every live asset holding one of the names, optionally filtered by type.',
  },
  checkAssetNames: {
    param: lifecycle.checkAssetNamesParam,
    return: lifecycle.checkAssetNamesReturn,
    summary: 'Returns the names an asset holds, live or in the trash (a trashed asset keeps its name).',
  },
  renameAsset: { param: lifecycle.renameAssetParam, return: emptyReturn, summary: 'Renames an asset; the new name must be free (trashed assets keep theirs).' },
  moveAsset: {
    param: lifecycle.moveAssetParam,
    return: emptyReturn,
    summary: 'Files an asset under another existing folder; what was made from it stays where it is.',
  },
  moveAssets: {
    param: lifecycle.moveAssetsParam,
    return: lifecycle.assetBatchReturn,
    summary: 'Files each asset under its destination folder; per-asset failures are listed, not faulted.',
  },
  deleteAsset: { param: lifecycle.deleteAssetParam, return: emptyReturn, summary: 'Moves an asset, with the assets made from it, to the trash.' },
  deleteAssets: {
    param: lifecycle.assetBatchParam,
    return: lifecycle.assetBatchReturn,
    summary: 'Moves assets, with the assets made from them, to the trash; per-asset failures are listed, not faulted.',
  },
  restoreAssetsFromTrash: {
    param: lifecycle.assetBatchParam,
    return: lifecycle.assetBatchReturn,
    summary: 'Brings trashed assets back (folders re-created), with the assets trashed together with them.',
  },
  emptyAssetsFromTrash: {
    param: lifecycle.assetBatchParam,
    return: lifecycle.assetBatchReturn,
    summary: 'Purges trashed assets: stored files removed, publications withdrawn, job logs kept.',
  },
  forceRepublishAssets: {
    param: publishOps.forceRepublishAssetsParam,
    return: publishOps.forceRepublishAssetsReturn,
    summary: 'Resets the publish status of marked assets so the next publish job republishes them; per-asset failures are listed, not faulted.',
  },
  getAssetPublishHistory: {
    param: publishOps.getAssetPublishHistoryParam,
    return: publishOps.getAssetPublishHistoryReturn,
    summary: 'Lists the publish contexts an asset is published to, with the time of its last publish to each.',
  },
  setAssetPublishState: { param: asset.setAssetPublishStateParam, return: emptyReturn, summary: 'Marks or unmarks an asset for publish.' },
  createFolder: { param: folders.createFolderParam, return: folders.createFolderReturn, summary: 'Creates a folder under an existing parent folder.' },
  getFolders: { param: folders.getFoldersParam, return: folders.getFoldersReturn, summary: 'Lists a folder and all folders below it, flat.' },
  getFolderTree: { param: folders.getFolderTreeParam, return: folders.getFolderTreeReturn, summary: 'Returns a folder and its subfolders to a depth, nested.' },
  renameFolder: { param: folders.renameFolderParam, return: folders.folderHandleReturn, summary: 'Renames a folder (its subfolders and assets follow).' },
  moveFolder: {
    param: folders.moveFolderParam,
    return: folders.folderHandleReturn,
    summary: 'Moves a folder into another (its subfolders and assets follow).',
  },
  deleteFolder: { param: folders.deleteFolderParam, return: emptyReturn, summary: 'Deletes a folder and its subfolders, trashing their assets.' },
  saveImageFormat: { param: formats.saveImageFormatParam, return: formats.saveImageFormatReturn, summary: 'Creates or updates an image preset (IS macro).' },
  getImageFormats: { param: formats.getImageFormatsParam, return: formats.getImageFormatsReturn, summary: "Lists the company's image presets." },
  getAssociatedAssets: {
    param: associations.getAssociatedAssetsParam,
    return: associations.getAssociatedAssetsReturn,
    summary: 'Returns the sets containing an asset, its members, and what generated it or was generated from it.',
  },
  deleteImageFormat: { param: formats.deleteImageFormatParam, return: emptyReturn, summary: 'Deletes an image preset.' },
  setAssetsPublishState: {
    param: assetState.setAssetsPublishStateParam,
    return: assetState.setAssetsPublishStateReturn,
    summary: 'Marks or unmarks many live assets for publish; per-asset errors in errorDetailArray.',
  },
  getAssetCounts: {
    param: assetState.getAssetCountsParam,
    return: assetState.getAssetCountsReturn,
    summary: 'How many live assets of each type the company has.',
  },
  getMetadataFields: {
    param: metadata.getMetadataFieldsParam,
    return: metadata.getMetadataFieldsReturn,
    summary: "The company's metadata fields for an asset type, with the fields of every type ('Asset') and the system fields.",
  },
  getAssetMetadataFields: {
    param: metadata.getAssetMetadataFieldsParam,
    return: metadata.getAssetMetadataFieldsReturn,
    summary: "Every metadata field of the company, grouped by asset type ('Asset': every type).",
  },
  createMetadataField: {
    param: metadata.createMetadataFieldParam,
    return: metadata.fieldHandleReturn,
    summary: "Creates a metadata field for an asset type; initialTagValue seeds a tag field's dictionary (comma-separated).",
  },
  updateMetadataField: {
    param: metadata.updateMetadataFieldParam,
    return: metadata.fieldHandleReturn,
    summary: 'Renames a user-defined metadata field or changes its default, hidden and enforced flags and dictionary (the handle stays).',
  },
  deleteMetadataField: {
    param: metadata.deleteMetadataFieldParam,
    return: emptyReturn,
    summary: 'Deletes a user-defined metadata field with its dictionary and every value assets hold for it.',
  },
  setAssetMetadata: {
    param: metadata.setAssetMetadataParam,
    return: emptyReturn,
    summary: "Sets a live asset's metadata values: all the updates or none.",
  },
  batchSetAssetMetadata: {
    param: metadata.batchSetAssetMetadataParam,
    return: metadata.batchSetAssetMetadataReturn,
    summary: 'Sets metadata values of many live assets; each asset and field failing is listed in errorDetailArray, not faulted.',
  },
  deleteAssetMetadata: {
    param: metadata.deleteAssetMetadataParam,
    return: emptyReturn,
    summary: "Removes a live asset's values of the metadata fields listed.",
  },
  getUniqueMetadataValues: {
    param: metadata.getUniqueMetadataValuesParam,
    return: metadata.getUniqueMetadataValuesReturn,
    summary: "The distinct values the company's live assets hold for a metadata field, sorted.",
  },
  saveSetGenerationScript: {
    param: setScripts.saveSetGenerationScriptParam,
    return: setScripts.saveSetGenerationScriptReturn,
    summary: 'Extension: creates or updates an automated set-generation script (a DMC batch set preset) for autoSetCreationOptions.',
  },
  getSetGenerationScripts: {
    param: setScripts.getSetGenerationScriptsParam,
    return: setScripts.getSetGenerationScriptsReturn,
    summary: "Extension: lists the company's set-generation scripts.",
  },
  deleteSetGenerationScript: { param: setScripts.deleteSetGenerationScriptParam, return: emptyReturn, summary: 'Extension: deletes a set-generation script.' },
  createProject: { param: projects.createProjectParam, return: projects.projectHandleReturn, summary: 'Creates a project (a named group of assets).' },
  getProjects: { param: projects.getProjectsParam, return: projects.getProjectsReturn, summary: "Lists the company's projects by name." },
  renameProject: { param: projects.renameProjectParam, return: projects.projectHandleReturn, summary: 'Renames a project; its handle stays.' },
  deleteProject: { param: projects.deleteProjectParam, return: emptyReturn, summary: 'Deletes a project; its assets stay.' },
  addProjectAssets: {
    param: projects.projectAssetsParam,
    return: projects.projectAssetsReturn,
    summary: 'Adds live assets to a project; per-asset warnings and errors in the detail arrays.',
  },
  removeProjectAssets: {
    param: projects.projectAssetsParam,
    return: projects.projectAssetsReturn,
    summary: 'Removes assets from a project (never the assets themselves); per-asset warnings and errors in the detail arrays.',
  },
  setProjectAssets: {
    param: projects.projectAssetsParam,
    return: projects.projectAssetsReturn,
    summary: "Makes the listed live assets exactly the project's assets; per-asset errors in errorDetailArray.",
  },
  submitJob: {
    param: submitJobParam,
    return: jobs.submitJobReturn,
    summary: 'Submits a job: now, at execTime, or on a recurring execSchedule (Quartz syntax).',
  },
  getActiveJobs: { param: jobs.getActiveJobsParam, return: jobs.getActiveJobsReturn, summary: 'Lists running and waiting jobs with live progress.' },
  getScheduledJobs: {
    param: jobs.getScheduledJobsParam,
    return: jobs.getScheduledJobsReturn,
    summary: 'Lists recurring (scheduled) jobs with their next fire time.',
  },
  stopJob: { param: jobs.jobControlParam, return: emptyReturn, summary: 'Stops a running job at the next safe point (finished items stay finished).' },
  pauseJob: { param: jobs.jobControlParam, return: emptyReturn, summary: 'Pauses a running job (no new item starts) or a scheduled job (no new runs).' },
  resumeJob: { param: jobs.jobControlParam, return: emptyReturn, summary: 'Resumes a paused job or scheduled job.' },
  executeJob: { param: jobs.jobControlParam, return: emptyReturn, summary: 'Runs a scheduled job now; its schedule is unchanged.' },
  deleteJob: { param: jobs.jobControlParam, return: emptyReturn, summary: 'Removes a scheduled job, or stops a running one.' },
  getJobLogs: { param: jobs.getJobLogsParam, return: jobs.getJobLogsReturn, summary: 'Job log summaries (no details), filtered and sorted.' },
  getJobLogDetails: {
    param: jobs.getJobLogDetailsParam,
    return: jobs.getJobLogDetailsReturn,
    summary: "One job's log with its detail rows, paged (at most 1000 per page).",
  },
  getCallbackSecret: {
    param: jobs.getCallbackSecretParam,
    return: jobs.getCallbackSecretReturn,
    summary: "Extension: the HMAC key that signs this company's postHttpUrl callbacks (X-IPS-Signature).",
  },
  getAssetJobLogs: { param: jobs.getAssetJobLogsParam, return: jobs.getAssetJobLogsReturn, summary: 'Every job-log entry, across jobs, about one asset.' },
} as const satisfies Partial<Record<OperationName, OperationSpec>>;

export type JsonOperation = keyof typeof OPERATIONS;
export type OperationParam<N extends JsonOperation> = z.output<(typeof OPERATIONS)[N]['param']>;
/** What the operation's handler returns (the reply schema's input: the wire formats serialise it). */
export type OperationReturn<N extends JsonOperation> = z.input<(typeof OPERATIONS)[N]['return']>;

export function rolesOf(name: OperationName): readonly string[] {
  return OPERATION_ACCESS[name].roles;
}
