import type { FieldTable } from './job-fields-rule.js';

/** The field table's part for the account and membership operations (docs/accounts.md), by `<operation>Param` (see job-fields.ts). */
export const ACCOUNT_OPERATION_FIELDS: FieldTable = {
  getUserInfoParam: {
    userHandle: { honoured: 'whose information (left out: the caller)', tests: ['accounts.test.ts'] },
    email: { honoured: 'whose information, by login e-mail', tests: ['accounts.test.ts', 'soap-zeep-accounts.test.ts'] },
  },
  setUserInfoParam: {
    userHandle: { honoured: 'whose account (left out: the caller)', tests: ['accounts.test.ts'] },
    firstName: { honoured: 'the first name', tests: ['accounts.test.ts'] },
    lastName: { honoured: 'the last name', tests: ['accounts.test.ts'] },
    email: { honoured: 'the login e-mail (unique; the handle stays)', tests: ['accounts.test.ts'] },
    passwordExpires: { honoured: 'logins fail after it (left out: unchanged)', tests: ['accounts.test.ts'] },
    isValid: { honoured: 'false: the user cannot log in', tests: ['accounts.test.ts'] },
    isIpsAdmin: { honoured: 'a global IpsAdmin (only an IpsAdmin changes it)', tests: ['accounts.test.ts'] },
  },
  getAllUsersParam: {
    includeInvalid: { honoured: 'users with isValid false listed too', tests: ['accounts.test.ts', 'company-expiry.test.ts'] },
  },
  getCompanyMembersParam: {
    companyHandle: { honoured: 'the company whose members are listed', tests: ['accounts.test.ts', 'soap-zeep-accounts.test.ts'] },
    includeInvalid: { honoured: 'users with isValid false listed too', tests: ['accounts.test.ts', 'soap-zeep-accounts.test.ts'] },
    includeInactive: { honoured: 'inactive memberships listed too', tests: ['soap-zeep-accounts.test.ts'] },
  },
  getCompanyMembershipParam: {
    userHandle: { honoured: 'whose memberships (left out: the caller)', tests: ['accounts.test.ts'] },
  },
  addCompanyMembershipParam: {
    userHandle: { honoured: 'the user joining (left out: the caller)', tests: ['accounts.test.ts'] },
    membershipArray: { honoured: 'the companies joined, a role and state each', tests: ['accounts.test.ts'] },
  },
  'addCompanyMembershipParam.membershipArray': {
    companyHandle: { honoured: 'the company joined', tests: ['accounts.test.ts'] },
    role: { honoured: 'the IPS role there', tests: ['accounts.test.ts'] },
    isActive: { honoured: 'an inactive membership grants nothing', tests: ['accounts.test.ts'] },
  },
  setCompanyMembershipParam: {
    userHandle: { honoured: 'whose memberships change (left out: the caller)', tests: ['accounts.test.ts'] },
    membershipArray: { honoured: 'the memberships set', tests: ['accounts.test.ts'] },
  },
  'setCompanyMembershipParam.membershipArray': {
    companyHandle: { honoured: 'the company of the membership', tests: ['accounts.test.ts'] },
    role: { honoured: 'the new IPS role there', tests: ['accounts.test.ts'] },
    isActive: { honoured: 'an inactive membership grants nothing', tests: ['accounts.test.ts'] },
  },
  removeCompanyMembershipParam: {
    userHandle: { honoured: 'the user leaving (left out: every member)', tests: ['accounts.test.ts'] },
    companyHandleArray: { honoured: 'the companies left', tests: ['accounts.test.ts'] },
  },
};
