import { OPERATIONS, type JsonOperation } from '../../src/api/operations.js';
import { FaultCode } from '../../src/domain/faults.js';
import { OPERATION_ACCESS, type OperationName, type Role } from '../../src/domain/roles.js';

/**
 * The cases of the authorization matrix (test/integration/authorization-matrix*.test.ts),
 * generated from OPERATION_ACCESS (never restated here): every JSON operation ×
 * every caller × every company scope the operation has, plus the UploadFile
 * servlet and the exportJob element rule.
 *
 * Callers: one user per IPS role, each an active member of company A only; the
 * global IpsAdmin; a user with no membership at all; a user whose only
 * membership (IpsAdmin, in A) is inactive. Scopes: A ("own"), B ("foreign"),
 * and no company field, where the operation's schema has one to leave out.
 *
 * Allowed calls are made cheap and side-effect free: each operation's body is
 * valid, and where the operation would change something it names a handle
 * that does not exist (a job, preset, script, asset, notification user), a
 * duplicate company name or a password the policy refuses, so the call faults
 * with 400/404/409 in the service, after authorization. No job is started, no
 * password, preset or publish state changes. Reads answer 200 with data.
 */

export type Scope = 'own' | 'foreign' | 'none';
export type Caller =
  | { kind: 'member'; role: Role; label: string; who: Who }
  | { kind: 'ipsAdmin'; label: string; who: Who }
  | { kind: 'noMembership'; label: string; who: Who }
  | { kind: 'inactive'; label: string; who: Who };
export interface Who {
  email: string;
  password: string;
}
export type Expected = { allowed: true } | { allowed: false; code: number };
export interface Reply {
  status: number;
  body: any;
  text: string;
}

/** What a company holds, so bodies can name real (or, for writes, missing) things of the company they target. */
export interface Fixture {
  companyHandle: string;
  name: string;
  assetHandle: string;
  assetName: string;
  finishedJob: string;
  finishedJobName: string;
  waitingJob: string;
  schedule: string;
  scheduleName: string;
  preset: string;
  presetName: string;
  script: string;
  scriptName: string;
  userHandle: string;
  email: string;
}

/** Handles that exist nowhere: an allowed write that names one faults after authorization (404) and changes nothing. */
export const MISSING = {
  job: 'j|matrix||missing|0',
  asset: 'a|matrix-missing',
  preset: 'if|matrix-missing',
  script: 'ps|matrix-missing',
  user: 'u|matrix-missing|nobody@matrix.test',
};
const WEAK_PASSWORD = 'weak';

export interface OperationCase {
  /** The body for company `c` (undefined = the "no company field" scope); undefined when the operation has no such form. */
  body: (t: Fixture | undefined) => Record<string, unknown> | undefined;
  /** What an allowed call answers: the service's own fault or 200. */
  allowed: { status: number; code?: number; field?: string };
}

const byCompany = (build: (t: Fixture) => Record<string, unknown>) => (t: Fixture | undefined) => (t ? build(t) : undefined);

/** One entry per JSON operation; `satisfies` makes a new operation without a case a type error. */
export const CASES = {
  // Global: the companyHandle is the checked login's; a foreign one changes nothing about the caller's access.
  checkLogin: {
    body: (t) => ({ email: 'nobody@matrix.test', password: 'Not-the-one-1', ...(t ? { companyHandle: t.companyHandle } : {}) }),
    allowed: { status: 200 },
  },
  // An existing name: the duplicate check answers 409 before anything is created.
  addCompany: { body: (t) => (t ? undefined : { companyName: COMPANY_A }), allowed: { status: 409, code: FaultCode.Exception, field: 'companyName' } },
  getCompanyInfo: { body: (t) => (t ? { companyHandle: t.companyHandle } : { companyName: COMPANY_A }), allowed: { status: 200 } },
  getAllCompanies: { body: (t) => (t ? undefined : { includeExpired: true }), allowed: { status: 200 } },
  // The password policy is checked first: 400, no user is created.
  addUser: {
    body: (t) =>
      t
        ? undefined
        : {
            firstName: 'M',
            lastName: 'X',
            email: 'never-created@matrix.test',
            password: WEAK_PASSWORD,
            isValid: true,
            isIpsAdmin: false,
            membershipArray: { items: [] },
          },
    allowed: { status: 400, code: FaultCode.InvalidParameter, field: 'password' },
  },
  getUsers: { body: (t) => (t ? undefined : {}), allowed: { status: 200 } },
  // The caller's own password, refused by the policy: nothing changes.
  setPassword: { body: (t) => (t ? undefined : { password: WEAK_PASSWORD }), allowed: { status: 400, code: FaultCode.InvalidParameter, field: 'password' } },
  getUserInfo: { body: (t) => (t ? undefined : {}), allowed: { status: 200 } },
  // Writes leave out a required field: refused after authorization (30002; 30001 for a missing array), nothing changes.
  setUserInfo: { body: (t) => (t ? undefined : {}), allowed: { status: 400, code: FaultCode.MissingParameter, field: 'firstName' } },
  getAllUsers: { body: (t) => (t ? undefined : { includeInvalid: true }), allowed: { status: 200 } },
  getCompanyMembers: { body: byCompany((t) => ({ companyHandle: t.companyHandle, includeInvalid: true, includeInactive: true })), allowed: { status: 200 } },
  getCompanyMembership: { body: (t) => (t ? undefined : {}), allowed: { status: 200 } },
  addCompanyMembership: { body: (t) => (t ? undefined : {}), allowed: { status: 400, code: FaultCode.InvalidParameter, field: 'membershipArray' } },
  setCompanyMembership: { body: (t) => (t ? undefined : {}), allowed: { status: 400, code: FaultCode.InvalidParameter, field: 'membershipArray' } },
  removeCompanyMembership: { body: (t) => (t ? undefined : {}), allowed: { status: 400, code: FaultCode.InvalidParameter, field: 'companyHandleArray' } },
  getCompanySettings: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  // A setting this server does not have: refused after authorization, so nothing changes.
  setCompanySettings: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, diskSpaceWarningMin: 1 })),
    allowed: { status: 400, code: FaultCode.InvalidParameter, field: 'diskSpaceWarningMin' },
  },
  searchAssets: { body: byCompany((t) => ({ companyHandle: t.companyHandle, includeSubfolders: true })), allowed: { status: 200 } },
  getAssetsByName: { body: byCompany((t) => ({ companyHandle: t.companyHandle, nameArray: { items: ['matrix-name'] } })), allowed: { status: 200 } },
  checkAssetNames: { body: byCompany((t) => ({ companyHandle: t.companyHandle, assetNameArray: { items: ['matrix-name'] } })), allowed: { status: 200 } },
  renameAsset: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandle: MISSING.asset, newName: 'matrix-renamed', validateName: true })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'assetHandle' },
  },
  moveAsset: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandle: MISSING.asset, folderHandle: 'f|matrix-missing/' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'assetHandle' },
  },
  // A batch lists the missing asset in errorDetailArray instead of faulting: the allowed call changes nothing.
  moveAssets: {
    body: byCompany((t) => ({
      companyHandle: t.companyHandle,
      assetMoveArray: { items: [{ assetHandle: MISSING.asset, folderHandle: 'f|matrix-missing/' }] },
    })),
    allowed: { status: 200 },
  },
  deleteAsset: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandle: MISSING.asset })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'assetHandle' },
  },
  // A batch lists the missing asset in errorDetailArray instead of faulting: the allowed call changes nothing.
  deleteAssets: { body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandleArray: { items: [MISSING.asset] } })), allowed: { status: 200 } },
  restoreAssetsFromTrash: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandleArray: { items: [MISSING.asset] } })),
    allowed: { status: 200 },
  },
  emptyAssetsFromTrash: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandleArray: { items: [MISSING.asset] } })),
    allowed: { status: 200 },
  },
  searchAssetsByMetadata: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  getAssets: { body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandleArray: { items: [t.assetHandle] } })), allowed: { status: 200 } },
  createFolder: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, folderPath: 'matrix-missing-parent/child' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'folderPath' },
  },
  getFolders: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  getFolderTree: { body: byCompany((t) => ({ companyHandle: t.companyHandle, depth: -1 })), allowed: { status: 200 } },
  renameFolder: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, folderHandle: 'f|matrix-missing/', folderName: 'matrix' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'folderHandle' },
  },
  moveFolder: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, folderHandle: 'f|matrix-missing/', destFolderHandle: 'f|matrix-missing/' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'folderHandle' },
  },
  deleteFolder: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, folderHandle: 'f|matrix-missing/' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'folderHandle' },
  },
  // A batch lists the missing asset in errorDetailArray instead of faulting: the allowed call changes nothing.
  forceRepublishAssets: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandleArray: { items: [MISSING.asset] } })),
    allowed: { status: 200 },
  },
  getAssetPublishHistory: { body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandle: t.assetHandle })), allowed: { status: 200 } },
  setAssetPublishState: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandle: MISSING.asset, publishState: 'NotMarkedForPublish' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'assetHandle' },
  },
  saveImageFormat: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, imageFormatHandle: MISSING.preset, name: 'matrix', urlModifier: 'wid=10' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'imageFormatHandle' },
  },
  getImageFormats: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  getAssociatedAssets: { body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandle: t.assetHandle })), allowed: { status: 200 } },
  deleteImageFormat: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, imageFormatHandle: MISSING.preset })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'imageFormatHandle' },
  },
  // A batch lists the missing asset in errorDetailArray instead of faulting: the allowed call changes nothing.
  setAssetsPublishState: {
    body: byCompany((t) => ({
      companyHandle: t.companyHandle,
      publishStateUpdateArray: { items: [{ assetHandle: MISSING.asset, publishState: 'NotMarkedForPublish' }] },
    })),
    allowed: { status: 200 },
  },
  getAssetCounts: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  getMetadataFields: { body: byCompany((t) => ({ companyHandle: t.companyHandle, assetType: 'Image' })), allowed: { status: 200 } },
  getAssetMetadataFields: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  // The system field 'Keywords' applies to every type: the duplicate check answers 409 before anything is created.
  createMetadataField: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, assetType: 'Image', name: 'Keywords', fieldType: 'String' })),
    allowed: { status: 409, code: FaultCode.Exception, field: 'name' },
  },
  updateMetadataField: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, fieldHandle: 'm|matrix|ASSET|missing', name: 'matrix' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'fieldHandle' },
  },
  deleteMetadataField: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, fieldHandle: 'm|matrix|ASSET|missing' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'fieldHandle' },
  },
  setAssetMetadata: {
    body: byCompany((t) => ({
      companyHandle: t.companyHandle,
      assetHandle: MISSING.asset,
      updateArray: { items: [{ fieldHandle: 'm|matrix|ASSET|missing', value: 'x' }] },
    })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'assetHandle' },
  },
  batchSetAssetMetadata: {
    body: byCompany((t) => ({
      companyHandle: t.companyHandle,
      updateArray: {
        items: [{ assetHandleArray: { items: [MISSING.asset] }, updateArray: { items: [{ fieldHandle: 'm|matrix|ASSET|missing', value: 'x' }] } }],
      },
    })),
    allowed: { status: 200 },
  },
  deleteAssetMetadata: {
    body: byCompany((t) => ({
      companyHandle: t.companyHandle,
      assetHandle: MISSING.asset,
      deleteArray: { items: [{ fieldHandle: 'm|matrix|ASSET|missing' }] },
    })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'assetHandle' },
  },
  getUniqueMetadataValues: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, fieldHandle: `m|${t.companyHandle.replace(/^c\|/, '')}|ASSET|Keywords` })),
    allowed: { status: 200 },
  },
  saveSetGenerationScript: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, scriptHandle: MISSING.script, name: 'matrix', setType: 'SpinSet', memberPattern: '{base}_{n}' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'scriptHandle' },
  },
  getSetGenerationScripts: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  deleteSetGenerationScript: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, scriptHandle: MISSING.script })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'scriptHandle' },
  },
  // A name longer than a project may carry: refused before anything is created.
  createProject: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, projectName: 'x'.repeat(300) })),
    allowed: { status: 400, code: FaultCode.InvalidParameter, field: 'projectName' },
  },
  getProjects: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  renameProject: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, projectHandle: 'p|matrix|missing', projectName: 'matrix' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'projectHandle' },
  },
  deleteProject: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, projectHandle: 'p|matrix|missing' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'projectHandle' },
  },
  addProjectAssets: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, projectHandle: 'p|matrix|missing', assetHandleArray: { items: [MISSING.asset] } })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'projectHandle' },
  },
  removeProjectAssets: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, projectHandle: 'p|matrix|missing', assetHandleArray: { items: [MISSING.asset] } })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'projectHandle' },
  },
  setProjectAssets: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, projectHandle: 'p|matrix|missing', assetHandleArray: { items: [MISSING.asset] } })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'projectHandle' },
  },
  // Every submit-time check passes; the notification user does not exist, which is checked last, before anything starts.
  submitJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, userHandle: MISSING.user, jobName: 'matrix', optimizeImagesJob: { emailSetting: 'None' } })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'userHandle' },
  },
  getActiveJobs: { body: (t) => (t ? { companyHandle: t.companyHandle } : {}), allowed: { status: 200 } },
  getScheduledJobs: { body: (t) => (t ? { companyHandle: t.companyHandle } : {}), allowed: { status: 200 } },
  stopJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: MISSING.job })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'jobHandle' },
  },
  pauseJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: MISSING.job })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'jobHandle' },
  },
  resumeJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: MISSING.job })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'jobHandle' },
  },
  executeJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: MISSING.job })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'jobHandle' },
  },
  deleteJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: MISSING.job })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'jobHandle' },
  },
  getJobLogs: { body: (t) => (t ? { companyHandle: t.companyHandle } : {}), allowed: { status: 200 } },
  getJobLogDetails: { body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: t.finishedJob })), allowed: { status: 200 } },
  getCallbackSecret: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  getAssetJobLogs: { body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandle: t.assetHandle })), allowed: { status: 200 } },
} satisfies Record<JsonOperation, OperationCase>;

export const COMPANY_A = 'Arbor Matrix Co';
export const COMPANY_B = 'Globex Matrix Co';
/** Every name of company B starts with this, so one case-insensitive search finds any of them. */
export const B_MARK = 'globex';

export const JSON_OPERATIONS = Object.keys(OPERATIONS) as JsonOperation[];

/** The role the table is asked about for a caller (the global IpsAdmin is asked as IpsAdmin). */
export function expectedFor(op: OperationName, caller: Caller, scope: Scope, extraRoles?: readonly Role[]): Expected {
  const access = OPERATION_ACCESS[op];
  const roles: readonly Role[] = access.roles;
  const may = (role: Role) => roles.includes(role) && (!extraRoles || extraRoles.includes(role));
  if (caller.kind === 'ipsAdmin') return may('IpsAdmin') ? { allowed: true } : { allowed: false, code: FaultCode.NoOperationPermission };
  if (caller.kind !== 'member') return { allowed: false, code: FaultCode.InvalidCompany };
  if (access.scope !== 'global' && scope === 'foreign') return { allowed: false, code: FaultCode.IllegalCompany };
  return may(caller.role) ? { allowed: true } : { allowed: false, code: FaultCode.NoOperationPermission };
}

export function scopesOf(op: OperationName): Scope[] {
  return OPERATION_ACCESS[op].scope === 'company' ? ['own', 'foreign'] : ['own', 'foreign', 'none'];
}
