import { z } from 'zod';
import { ROLES } from '../roles.js';
import { dateTime, handle, itemsArray, itemsOf, nonEmpty, refused } from './common.schema.js';

export const company = z.object({
  companyHandle: z.string(),
  name: z.string(),
  rootPath: z.string(),
  expires: z.string().optional(),
  imsOrgId: z.string().optional(),
});

export const user = z.object({
  userHandle: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  isValid: z.boolean(),
  isIpsAdmin: z.boolean(),
  defaultRole: z.string().optional(),
  role: z.string().optional(),
  passwordExpires: z.string().optional(),
});

export const checkLoginParam = z.strictObject({
  companyHandle: handle.optional(),
  email: nonEmpty(320),
  password: z.string().min(1).max(1024),
});
export const checkLoginReturn = z.object({ status: z.enum(['ValidLogin', 'InvalidLogin']) });

/** A company plan field (DM version, storage, page-view billing, feature flags) refused with the reason. */
const noPlan = (field: string) => refused(`no ${field} (a Dynamic Media provisioning or billing setting: this server keeps no plan per company)`);

export const addCompanyParam = z.strictObject({
  companyName: nonEmpty(256).regex(/^[^/\\]+$/, 'a name without / or \\'),
  expires: dateTime.optional(),
  imsOrgId: z.string().max(256).optional(),
  // Adobe's provisioning and billing plan of a company: this server keeps none, so each is refused rather than dropped.
  companyDMVersion: noPlan('companyDMVersion'),
  baseStorage: noPlan('baseStorage'),
  cloudStorage: noPlan('cloudStorage'),
  addOnStorage: noPlan('addOnStorage'),
  pvmPerMillion: noPlan('pvmPerMillion'),
  pvmPerThousand: noPlan('pvmPerThousand'),
  vpm: noPlan('vpm'),
  mediaSupport: noPlan('mediaSupport'),
  roleAssignmentAllowed: noPlan('roleAssignmentAllowed'),
  caseCreationAllowed: noPlan('caseCreationAllowed'),
});
export const addCompanyReturn = z.object({ companyInfo: company });

export const getCompanyInfoParam = z.strictObject({
  companyHandle: handle.optional(),
  companyName: nonEmpty(256).optional(),
  imsOrgId: z.string().optional(),
});
export const getCompanyInfoReturn = z.object({ companyInfo: company });

export const getAllCompaniesParam = z.strictObject({ includeExpired: z.boolean() });
export const getAllCompaniesReturn = z.object({ companyArray: itemsOf(company) });

export const role = z.enum(ROLES);

export const companyMembershipUpdate = z.strictObject({
  companyHandle: handle,
  role,
  isActive: z.boolean(),
});

export const addUserParam = z.strictObject({
  firstName: nonEmpty(128),
  lastName: nonEmpty(128),
  email: z.email().max(320),
  password: z.string().max(1024),
  passwordExpires: dateTime.optional(),
  isValid: z.boolean(),
  isIpsAdmin: z.boolean(),
  membershipArray: itemsArray(companyMembershipUpdate, 1000),
});
export const addUserReturn = z.object({ userHandle: z.string() });

export const USER_SORT_FIELDS = ['None', 'FirstName', 'LastName', 'Email', 'Role', 'Valid', 'PasswordExpiration'] as const;
export const getUsersParam = z.strictObject({
  includeInvalid: z.boolean().optional(),
  includeInactive: z.boolean().optional(),
  companyHandleArray: itemsArray(handle, 1000).optional(),
  groupHandleArray: itemsArray(handle, 1000).optional(),
  userRoleArray: itemsArray(role, 20).optional(),
  charFilterField: z.enum(['None', 'FirstName', 'LastName', 'Email', 'StartsWith', 'EndsWith']).optional(),
  charFilter: z.string().max(64).optional(),
  sortBy: z.enum(USER_SORT_FIELDS).optional(),
  recordsPerPage: z.number().int().min(1).max(1000).optional(),
  resultsPage: z.number().int().min(1).optional(),
});
export const getUsersReturn = z.object({ userArray: itemsOf(user) });

export const setPasswordParam = z.strictObject({
  userHandle: handle.optional(),
  password: z.string().max(1024),
  passwordExpires: dateTime.optional(),
});

export const getUserInfoParam = z.strictObject({
  userHandle: handle.optional(),
  email: z.email().max(320).optional(),
});
export const getUserInfoReturn = z.object({ userInfo: user });

/**
 * setUserInfoParam as WSDL 2014-04-03 has it. passwordExpires and isIpsAdmin
 * left out keep their value (isIpsAdmin is absent from 2013-02-15, whose
 * clients cannot send it). 2013-02-15's defaultRole is not taken (refused as
 * an unknown field): roles are per company, set with setCompanyMembership.
 */
export const setUserInfoParam = z.strictObject({
  userHandle: handle.optional(),
  firstName: nonEmpty(128),
  lastName: nonEmpty(128),
  email: z.email().max(320),
  passwordExpires: dateTime.optional(),
  isValid: z.boolean(),
  isIpsAdmin: z.boolean().optional(),
});

export const getAllUsersParam = z.strictObject({ includeInvalid: z.boolean() });
export const getAllUsersReturn = z.object({ userArray: itemsOf(user) });

export const companyMember = z.object({ user, role: z.string(), isActive: z.boolean() });
/** includeInactive is required by the XSD but absent from Adobe's example: left out, inactive members are not listed. */
export const getCompanyMembersParam = z.strictObject({
  companyHandle: handle,
  includeInvalid: z.boolean(),
  includeInactive: z.boolean().optional(),
});
export const getCompanyMembersReturn = z.object({ memberArray: itemsOf(companyMember) });

export const companyMembership = z.object({ company, role: z.string(), isActive: z.boolean() });
export const getCompanyMembershipParam = z.strictObject({ userHandle: handle.optional() });
export const getCompanyMembershipReturn = z.object({ membershipArray: itemsOf(companyMembership) });

/** add/setCompanyMembership: userHandle left out means the caller. */
export const membershipChangeParam = z.strictObject({
  userHandle: handle.optional(),
  membershipArray: itemsArray(companyMembershipUpdate, 1000),
});
/** userHandle left out: every member of the named companies (as IPS documents it). */
export const removeCompanyMembershipParam = z.strictObject({
  userHandle: handle.optional(),
  companyHandleArray: itemsArray(handle, 1000),
});

/** Asset Overwrite Modes (Adobe IPS: sting-constants/r-asset-overwrite-modes; a company setting). */
export const OVERWRITE_MODES = ['OverwriteFullName', 'OverwriteAnyExt', 'OverwriteFullNameAnyFolder', 'OverwriteAnyExtAnyFolder'] as const;
/**
 * The one mode uploads here have: asset names are the file name without its
 * extension and unique per company, so a file of the same name replaces the
 * asset whatever its folder and extension (and the asset moves to the new folder).
 */
export const SERVER_OVERWRITE_MODE = 'OverwriteAnyExtAnyFolder' satisfies (typeof OVERWRITE_MODES)[number];

/**
 * CompanySettings (WSDL 2014-04-03, XSD order) as far as this server has the
 * setting: overwriteMode (fixed, see SERVER_OVERWRITE_MODE), retainPublishState
 * (kept per company) and emailTrashCleanupWarning (false: nothing here empties
 * the trash, so no such e-mail is ever sent). defaultSourceProfile,
 * defaultDisplayProfile, the XSLT mappings and diskSpaceWarningMin are left
 * out: this server has no such thing to report (the XSD marks four of them
 * required; an invented value would be worse than none).
 */
export const companySettings = z.object({
  overwriteMode: z.enum(OVERWRITE_MODES),
  retainPublishState: z.boolean(),
  emailTrashCleanupWarning: z.boolean(),
});

export const getCompanySettingsParam = z.strictObject({ companyHandle: handle });
export const getCompanySettingsReturn = z.object({ settings: companySettings });

/** A setting this server does not have: refused whatever the value, with the reason (never accepted and ignored). */
const notKept = (why: string) =>
  z
    .unknown()
    .refine(() => false, { message: why })
    .optional();

/** setCompanySettingsParam (XSD order): a value is honoured, or refused with 30001 naming the field. */
export const setCompanySettingsParam = z.strictObject({
  companyHandle: handle,
  overwriteMode: z
    .enum(OVERWRITE_MODES)
    .refine((m) => m === SERVER_OVERWRITE_MODE, {
      message: `${SERVER_OVERWRITE_MODE} (the only overwrite mode of this server: asset names are unique per company, so a file of the same name replaces the asset in any folder, with any extension)`,
    })
    .optional(),
  retainPublishState: z.boolean().optional(),
  defaultSourceProfileHandle: notKept(
    'no defaultSourceProfileHandle (this server keeps no default colour profiles: colorManagementOptions Default uses its built-in CMYK profile; name profiles per job with colorManagementOptions Convert)',
  ),
  defaultDisplayProfileHandle: notKept(
    'no defaultDisplayProfileHandle (this server keeps no default colour profiles: colorManagementOptions Default converts to sRGB; name profiles per job with colorManagementOptions Convert)',
  ),
  iptcExifMappingXsltHandle: notKept('no iptcExifMappingXsltHandle (this server has no metadata engine to map IPTC/EXIF fields into)'),
  xmpMappingXsltHandle: notKept('no xmpMappingXsltHandle (this server has no metadata engine to map XMP fields into)'),
  diskSpaceWarningMin: notKept('no diskSpaceWarningMin (this server sends no disk-space warnings)'),
  emailTrashCleanupWarning: z
    .boolean()
    .refine((v) => !v, { message: 'false (this server never empties the trash, so there is no clean-up to send an e-mail about)' })
    .optional(),
});

export type CompanySettings = z.infer<typeof companySettings>;
export type AddUserParam = z.infer<typeof addUserParam>;
export type GetUsersParam = z.infer<typeof getUsersParam>;
export type Company = z.infer<typeof company>;
export type User = z.infer<typeof user>;
export type CompanyMembershipUpdate = z.infer<typeof companyMembershipUpdate>;
