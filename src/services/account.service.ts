import type { z } from 'zod';
import type { ConsoleSessionRepository } from '../adapters/repositories/console-session.repository.js';
import type { CompanyRepository, CompanyRow } from '../adapters/repositories/company.repository.js';
import type { UserRepository, UserRow } from '../adapters/repositories/user.repository.js';
import type { PasswordHasher } from '../adapters/security/password-hasher.js';
import { FaultCode, IpsFault, faults } from '../domain/faults.js';
import { nameKey, newHandle, newSecret, nowIso } from '../domain/handles.js';
import { ADMIN_ROLES, OPERATION_ACCESS } from '../domain/roles.js';
import type * as S from '../domain/schemas/account.schema.js';
import { SERVER_OVERWRITE_MODE } from '../domain/schemas/account.schema.js';
import type { AuthService } from './auth.service.js';
import { assertPasswordAllowed } from './password-policy.js';
import type { Principal } from './principal.js';
import { UserAccess } from './user-access.js';
import { companyOf } from './company-of.js';

type In<T extends z.ZodType> = z.output<T>;
type Out<T extends z.ZodType> = z.input<T>;

/** getAllUsers answers in one reply; past this many users it asks for getUsers, which pages. */
const ALL_USERS_MAX = 10_000;

export class AccountService {
  private readonly access: UserAccess;

  constructor(
    private readonly deps: {
      companies: CompanyRepository;
      users: UserRepository;
      hasher: PasswordHasher;
      auth: AuthService;
      /** a new password ends the user's console sessions (someone who learnt the old one may hold a cookie) */
      consoleSessions?: Pick<ConsoleSessionRepository, 'deleteForUser'>;
    },
  ) {
    this.access = new UserAccess(deps);
  }

  async checkLogin(p: In<typeof S.checkLoginParam>): Promise<Out<typeof S.checkLoginReturn>> {
    const principal = await this.deps.auth.checkPassword({ email: p.email, password: p.password });
    const valid =
      principal !== undefined &&
      (p.companyHandle === undefined ||
        principal.isIpsAdmin ||
        (principal.memberships.some((m) => m.isActive && m.companyHandle === p.companyHandle) && !this.deps.auth.isExpired(principal, p.companyHandle)));
    return { status: valid ? 'ValidLogin' : 'InvalidLogin' };
  }

  async addCompany(caller: Principal, p: In<typeof S.addCompanyParam>): Promise<Out<typeof S.addCompanyReturn>> {
    const key = nameKey(p.companyName);
    if (await this.deps.companies.findByNameKey(key)) {
      throw faults.conflict('companyName', `Company name '${p.companyName}' is already in use`);
    }
    // getCompanyInfo finds a company by its IMS org id: two companies with one id would make that answer arbitrary.
    if (p.imsOrgId && (await this.deps.companies.findByImsOrgId(p.imsOrgId))) {
      throw faults.conflict('imsOrgId', `IMS org id '${p.imsOrgId}' already belongs to another company`);
    }
    const row: CompanyRow = {
      company_handle: newHandle.company(),
      name: p.companyName,
      name_key: key,
      root_path: `${p.companyName}/`,
      expires: p.expires ? new Date(p.expires).toISOString() : null,
      ims_org_id: p.imsOrgId ?? null,
      created_at: nowIso(),
      callback_secret: null,
      // IPS documents no default for CompanySettings.retainPublishState: off, so an absent preservePublishState applies readyForPublish.
      retain_publish_state: 0,
    };
    await this.deps.companies.insert(row);
    if (!caller.isIpsAdmin) {
      // A trial/portal admin who creates a company must be able to use it.
      const role = this.deps.auth.authorize(caller, 'addCompany');
      await this.deps.users.addMembership({ user_handle: caller.userHandle, company_handle: row.company_handle, role, is_active: 1 });
      this.deps.auth.forgetCachedLogins();
    }
    return { companyInfo: toCompany(row) };
  }

  async getCompanyInfo(caller: Principal, p: In<typeof S.getCompanyInfoParam>): Promise<Out<typeof S.getCompanyInfoReturn>> {
    if (!p.companyHandle && !p.companyName && !p.imsOrgId) throw faults.missing('companyHandle', 'companyHandle or companyName');
    const row = p.companyHandle
      ? await this.deps.companies.findByHandle(p.companyHandle)
      : p.companyName
        ? await this.deps.companies.findByNameKey(nameKey(p.companyName))
        : await this.deps.companies.findByImsOrgId(p.imsOrgId!);
    const field = p.companyHandle ? 'companyHandle' : p.companyName ? 'companyName' : 'imsOrgId';
    const member = row && (caller.isIpsAdmin || caller.memberships.some((m) => m.isActive && m.companyHandle === row.company_handle));
    // Unknown and foreign companies answer alike, so names of other companies cannot be probed.
    if (!member) {
      if (!caller.isIpsAdmin) throw faults.foreignCompany(field);
      throw faults.notFound(field, 'company', p.companyHandle ?? p.companyName ?? p.imsOrgId ?? '');
    }
    this.deps.auth.authorize(caller, 'getCompanyInfo', row.company_handle);
    return { companyInfo: toCompany(row) };
  }

  async getAllCompanies(caller: Principal, p: In<typeof S.getAllCompaniesParam>): Promise<Out<typeof S.getAllCompaniesReturn>> {
    // An IpsAdmin role held in a company is a per-company role (Adobe IPS: sting-constants/r-user-roles): only the global IpsAdmin sees every company.
    const handles = this.deps.auth.companiesWithRole(caller, OPERATION_ACCESS.getAllCompanies.roles);
    const rows = await this.deps.companies.list({ includeExpiredBefore: p.includeExpired ? undefined : nowIso(), ...(handles ? { handles } : {}) });
    return { companyArray: { items: rows.map(toCompany) } };
  }

  async addUser(caller: Principal, p: In<typeof S.addUserParam>): Promise<Out<typeof S.addUserReturn>> {
    assertPasswordAllowed(p.password);
    if (p.isIpsAdmin && !caller.isIpsAdmin) {
      throw new IpsFault(FaultCode.IllegalParameterValue, 'isIpsAdmin: only an IpsAdmin may create IpsAdmin users', 'isIpsAdmin');
    }
    const administered = this.deps.auth.companiesWithRole(caller, ADMIN_ROLES);
    for (const [i, m] of p.membershipArray.entries()) {
      const field = `membershipArray.items[${i}]`;
      if (m.role === 'IpsAdmin' && !caller.isIpsAdmin) {
        throw new IpsFault(FaultCode.IllegalParameterValue, `${field}.role: only an IpsAdmin may grant IpsAdmin`, `${field}.role`);
      }
      if (administered && !administered.includes(m.companyHandle)) throw faults.foreignCompany(`${field}.companyHandle`);
      if (!(await this.deps.companies.findByHandle(m.companyHandle))) {
        throw faults.notFound(`${field}.companyHandle`, 'company', m.companyHandle);
      }
    }
    const email = p.email.toLowerCase();
    if (await this.deps.users.findByEmail(email)) throw faults.conflict('email', `E-mail '${email}' is already in use`);
    const userHandle = newHandle.user(email);
    await this.deps.users.insert(
      {
        user_handle: userHandle,
        email,
        first_name: p.firstName,
        last_name: p.lastName,
        password_hash: await this.deps.hasher.hash(p.password),
        password_expires: p.passwordExpires ? new Date(p.passwordExpires).toISOString() : null,
        is_valid: p.isValid ? 1 : 0,
        is_ips_admin: p.isIpsAdmin ? 1 : 0,
        created_at: nowIso(),
      },
      dedupeMemberships(p.membershipArray).map((m) => ({
        user_handle: userHandle,
        company_handle: m.companyHandle,
        role: m.role,
        is_active: m.isActive ? 1 : 0,
      })),
    );
    return { userHandle };
  }

  async getUsers(caller: Principal, p: In<typeof S.getUsersParam>): Promise<Out<typeof S.getUsersReturn>> {
    const administered = this.deps.auth.companiesWithRole(caller, OPERATION_ACCESS.getUsers.roles);
    let companyHandles = p.companyHandleArray;
    if (administered) {
      const outside = companyHandles?.findIndex((c) => !administered.includes(c)) ?? -1;
      if (outside >= 0) throw faults.foreignCompany(`companyHandleArray.items[${outside}]`);
      companyHandles ??= administered;
    }
    if (p.groupHandleArray?.length) throw faults.invalid('groupHandleArray', 'no groups (user groups are not supported)', p.groupHandleArray);
    const perPage = p.recordsPerPage ?? 1000;
    const charField = { FirstName: 'first_name', LastName: 'last_name', Email: 'email' } as const;
    const cf = p.charFilterField;
    const rows = await this.deps.users.list({
      includeInvalid: p.includeInvalid ?? false,
      includeInactive: p.includeInactive ?? false,
      companyHandles,
      roles: p.userRoleArray,
      charFilter:
        p.charFilter && cf && cf !== 'None'
          ? cf === 'StartsWith' || cf === 'EndsWith'
            ? { field: 'email', mode: cf === 'StartsWith' ? 'prefix' : 'suffix', text: p.charFilter }
            : { field: charField[cf], mode: 'prefix', text: p.charFilter }
          : undefined,
      sortBy: sortColumn(p.sortBy),
      limit: perPage,
      offset: ((p.resultsPage ?? 1) - 1) * perPage,
    });
    const singleCompany = companyHandles?.length === 1;
    return { userArray: { items: rows.map((r) => toUser(r, singleCompany ? r.role : null)) } };
  }

  /** The caller (neither field given) or a user it may see (docs/accounts.md#who-may-manage-whom). */
  async getUserInfo(caller: Principal, p: In<typeof S.getUserInfoParam>): Promise<Out<typeof S.getUserInfoReturn>> {
    const { user } = await this.access.target(caller, p);
    return { userInfo: toUser(user, null) };
  }

  /**
   * Sets the account's names, e-mail (the login; the handle stays), validity and
   * optionally password expiry and IpsAdmin status. A company administrator
   * changes only accounts wholly inside the companies it administers; nobody
   * disables or demotes their own account (it could lock the server out).
   */
  async setUserInfo(caller: Principal, p: In<typeof S.setUserInfoParam>): Promise<Record<string, never>> {
    const target = await this.access.target(caller, { userHandle: p.userHandle });
    this.access.assertWholeAccount(caller, target);
    const { user } = target;
    if (p.isIpsAdmin !== undefined && (p.isIpsAdmin ? 1 : 0) !== user.is_ips_admin) {
      if (!caller.isIpsAdmin) throw new IpsFault(FaultCode.IllegalParameterValue, 'isIpsAdmin: only an IpsAdmin may grant or take IpsAdmin', 'isIpsAdmin');
      if (target.self) throw new IpsFault(FaultCode.IllegalParameterValue, 'isIpsAdmin: you cannot take your own IpsAdmin status', 'isIpsAdmin');
    }
    if (target.self && !p.isValid) throw new IpsFault(FaultCode.IllegalParameterValue, 'isValid: you cannot disable your own account', 'isValid');
    const email = p.email.toLowerCase();
    if (email !== user.email && (await this.deps.users.findByEmail(email))) throw faults.conflict('email', `E-mail '${email}' is already in use`);
    await this.deps.users.updateUser(user.user_handle, {
      first_name: p.firstName,
      last_name: p.lastName,
      email,
      is_valid: p.isValid ? 1 : 0,
      ...(p.passwordExpires ? { password_expires: new Date(p.passwordExpires).toISOString() } : {}),
      ...(p.isIpsAdmin !== undefined ? { is_ips_admin: p.isIpsAdmin ? 1 : 0 } : {}),
    });
    this.deps.auth.forgetCachedLogins();
    return {};
  }

  /** Every user for the global IpsAdmin; a company administrator's are the members of the companies it administers. */
  async getAllUsers(caller: Principal, p: In<typeof S.getAllUsersParam>): Promise<Out<typeof S.getAllUsersReturn>> {
    const administered = this.access.administered(caller);
    const rows = await this.deps.users.list({
      includeInvalid: p.includeInvalid,
      includeInactive: true,
      ...(administered ? { companyHandles: administered } : {}),
      limit: ALL_USERS_MAX + 1,
      offset: 0,
    });
    if (rows.length > ALL_USERS_MAX) {
      throw new IpsFault(
        FaultCode.InvalidRequest,
        `getAllUsers: more than ${ALL_USERS_MAX} users; list them with getUsers, which pages (recordsPerPage, resultsPage)`,
      );
    }
    const singleCompany = administered?.length === 1;
    return { userArray: { items: rows.map((r) => toUser(r, singleCompany ? r.role : null)) } };
  }

  /** Receivers verify X-IPS-Signature = HMAC-SHA256(secret, timestamp + '.' + body) with this key. */
  async getCallbackSecret(p: { companyHandle: string }): Promise<{ secret: string }> {
    await companyOf(this.deps.companies, p.companyHandle);
    return { secret: await this.deps.companies.callbackSecret(p.companyHandle, newSecret) };
  }

  async getCompanySettings(p: In<typeof S.getCompanySettingsParam>): Promise<Out<typeof S.getCompanySettingsReturn>> {
    const row = await companyOf(this.deps.companies, p.companyHandle);
    return { settings: toSettings(row) };
  }

  /** Only retainPublishState changes anything; the schema refused every setting this server does not have. */
  async setCompanySettings(p: In<typeof S.setCompanySettingsParam>): Promise<Record<string, never>> {
    await companyOf(this.deps.companies, p.companyHandle);
    await this.deps.companies.updateSettings(p.companyHandle, p.retainPublishState === undefined ? {} : { retain_publish_state: p.retainPublishState ? 1 : 0 });
    return {};
  }

  async setPassword(caller: Principal, p: In<typeof S.setPasswordParam>): Promise<Record<string, never>> {
    const target = p.userHandle ?? caller.userHandle;
    if (target !== caller.userHandle && !caller.isIpsAdmin) {
      throw new IpsFault(FaultCode.IllegalRequestUser, "userHandle: only an IpsAdmin may set another user's password", 'userHandle');
    }
    if (!(await this.deps.users.findByHandle(target))) throw faults.notFound('userHandle', 'user', target);
    assertPasswordAllowed(p.password);
    const expires = p.passwordExpires ? new Date(p.passwordExpires).toISOString() : null;
    await this.deps.users.setPassword(target, await this.deps.hasher.hash(p.password), expires);
    await this.deps.consoleSessions?.deleteForUser(target);
    this.deps.auth.forgetCachedLogins();
    return {};
  }
}

function dedupeMemberships<T extends { companyHandle: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((m) => [m.companyHandle, m])).values()];
}

function sortColumn(sortBy: In<typeof S.getUsersParam>['sortBy']) {
  switch (sortBy) {
    case 'FirstName':
      return 'first_name' as const;
    case 'LastName':
      return 'last_name' as const;
    case 'Valid':
      return 'is_valid' as const;
    case 'PasswordExpiration':
      return 'password_expires' as const;
    case 'Role':
      return 'role' as const;
    default:
      return 'email' as const;
  }
}

export function toCompany(row: CompanyRow): S.Company {
  return {
    companyHandle: row.company_handle,
    name: row.name,
    rootPath: row.root_path,
    ...(row.expires ? { expires: row.expires } : {}),
    ...(row.ims_org_id ? { imsOrgId: row.ims_org_id } : {}),
  };
}

/** CompanySettings in XSD order, with the settings this server has (see S.companySettings). */
function toSettings(row: CompanyRow): S.CompanySettings {
  return {
    overwriteMode: SERVER_OVERWRITE_MODE,
    retainPublishState: row.retain_publish_state === 1,
    emailTrashCleanupWarning: false,
  };
}

export function toUser(row: UserRow, role: string | null): S.User {
  return {
    userHandle: row.user_handle,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    isValid: row.is_valid === 1,
    isIpsAdmin: row.is_ips_admin === 1,
    ...(row.is_ips_admin === 1 ? { role: 'IpsAdmin' } : role ? { role } : {}),
    ...(row.password_expires ? { passwordExpires: row.password_expires } : {}),
  };
}
