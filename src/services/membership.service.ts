import type { z } from 'zod';
import type { CompanyRepository } from '../adapters/repositories/company.repository.js';
import type { MembershipRow, UserRepository } from '../adapters/repositories/user.repository.js';
import { FaultCode, IpsFault, faults } from '../domain/faults.js';
import { ADMIN_ROLES } from '../domain/roles.js';
import type * as S from '../domain/schemas/account.schema.js';
import { toCompany, toUser } from './account.service.js';
import type { AuthService } from './auth.service.js';
import type { Principal } from './principal.js';
import { type TargetUser, UserAccess } from './user-access.js';
import { companyOf } from './company-of.js';

type In<T extends z.ZodType> = z.output<T>;
type Out<T extends z.ZodType> = z.input<T>;

export interface MembershipDeps {
  companies: CompanyRepository;
  users: UserRepository;
  auth: AuthService;
}

const isAdminRole = (role: string) => (ADMIN_ROLES as readonly string[]).includes(role);

/**
 * Company memberships: who belongs to a company with which role
 * (docs/accounts.md). A company administrator acts only in the companies it
 * administers, never on its own memberships but to leave, and never leaves a
 * company without an active administrator; the global IpsAdmin may do all.
 */
export class MembershipService {
  private readonly access: UserAccess;

  constructor(private readonly deps: MembershipDeps) {
    this.access = new UserAccess(deps);
  }

  /** The caller's access to the company was checked by its role there (a company-scoped operation). */
  async getCompanyMembers(p: In<typeof S.getCompanyMembersParam>): Promise<Out<typeof S.getCompanyMembersReturn>> {
    await companyOf(this.deps.companies, p.companyHandle);
    const rows = await this.deps.users.companyMembers(p.companyHandle, { includeInvalid: p.includeInvalid, includeInactive: p.includeInactive ?? false });
    return { memberArray: { items: rows.map((r) => ({ user: toUser(r, r.role), role: r.role, isActive: r.is_active === 1 })) } };
  }

  /** A company administrator sees another user's memberships in the companies it administers only. */
  async getCompanyMembership(caller: Principal, p: In<typeof S.getCompanyMembershipParam>): Promise<Out<typeof S.getCompanyMembershipReturn>> {
    const target = await this.access.target(caller, { userHandle: p.userHandle });
    const rows = await this.deps.users.membershipsWithCompany(target.user.user_handle);
    const administered = target.self ? undefined : this.access.administered(caller);
    const visible = administered ? rows.filter((m) => administered.includes(m.company_handle)) : rows;
    return { membershipArray: { items: visible.map((m) => ({ company: toCompany(m.company), role: m.role, isActive: m.is_active === 1 })) } };
  }

  /** Adds memberships; a company the user already belongs to is refused (setCompanyMembership changes one). */
  async addCompanyMembership(caller: Principal, p: In<typeof S.membershipChangeParam>): Promise<Record<string, never>> {
    const { target, rows } = await this.checkedChanges(caller, p);
    for (const [i, row] of rows.entries()) {
      if (target.memberships.some((m) => m.company_handle === row.company_handle)) {
        throw faults.conflict(
          `membershipArray.items[${i}].companyHandle`,
          `The user is already a member of company '${row.company_handle}': setCompanyMembership changes a membership`,
        );
      }
    }
    await this.write(rows, []);
    return {};
  }

  /** Sets the role and state of each named membership, adding those the user does not have yet. */
  async setCompanyMembership(caller: Principal, p: In<typeof S.membershipChangeParam>): Promise<Record<string, never>> {
    const { target, rows } = await this.checkedChanges(caller, p);
    const valid = target.user.is_valid === 1;
    await this.assertAdministratorsRemain(
      caller,
      rows.map((row, i) => ({ row, keepsAdmin: valid && row.is_active === 1 && isAdminRole(row.role), field: `membershipArray.items[${i}]` })),
    );
    await this.write(rows, []);
    return {};
  }

  /**
   * Removes the user (or, without userHandle, every member, as IPS documents)
   * from the companies; a company the user does not belong to is refused.
   */
  async removeCompanyMembership(caller: Principal, p: In<typeof S.removeCompanyMembershipParam>): Promise<Record<string, never>> {
    await this.assertCompanies(caller, p.companyHandleArray, (i) => `companyHandleArray.items[${i}]`);
    let removed: MembershipRow[];
    if (p.userHandle !== undefined) {
      const target = await this.access.target(caller, { userHandle: p.userHandle });
      removed = p.companyHandleArray.map((companyHandle, i) => {
        const membership = target.memberships.find((m) => m.company_handle === companyHandle);
        if (!membership) {
          throw new IpsFault(
            FaultCode.InvalidParameter,
            `companyHandleArray.items[${i}]: the user is no member of company '${companyHandle}'`,
            `companyHandleArray.items[${i}]`,
            'notFound',
          );
        }
        return membership;
      });
    } else {
      removed = await this.deps.users.membersOf(p.companyHandleArray);
    }
    await this.assertAdministratorsRemain(
      caller,
      removed.map((row) => ({ row, keepsAdmin: false, field: `companyHandleArray.items[${p.companyHandleArray.indexOf(row.company_handle)}]` })),
    );
    await this.write([], removed);
    return {};
  }

  /** The target and its new membership rows, once every rule of add/setCompanyMembership holds. */
  private async checkedChanges(caller: Principal, p: In<typeof S.membershipChangeParam>): Promise<{ target: TargetUser; rows: MembershipRow[] }> {
    const target = await this.access.target(caller, { userHandle: p.userHandle });
    if (target.self && !caller.isIpsAdmin && p.membershipArray.length > 0) {
      throw new IpsFault(
        FaultCode.IllegalRequestUser,
        'userHandle: you cannot change your own memberships; another administrator of the company can',
        'userHandle',
      );
    }
    for (const [i, m] of p.membershipArray.entries()) {
      if (m.role === 'IpsAdmin' && !caller.isIpsAdmin) {
        throw new IpsFault(
          FaultCode.IllegalParameterValue,
          `membershipArray.items[${i}].role: only an IpsAdmin may grant IpsAdmin`,
          `membershipArray.items[${i}].role`,
        );
      }
    }
    await this.assertCompanies(
      caller,
      p.membershipArray.map((m) => m.companyHandle),
      (i) => `membershipArray.items[${i}].companyHandle`,
    );
    const byCompany = new Map(p.membershipArray.map((m) => [m.companyHandle, m]));
    const rows = [...byCompany.values()].map((m) => ({
      user_handle: target.user.user_handle,
      company_handle: m.companyHandle,
      role: m.role,
      is_active: m.isActive ? 1 : 0,
    }));
    return { target, rows };
  }

  /** Each company must be one the caller administers (checked first, so unknown and foreign look alike) and exist. */
  private async assertCompanies(caller: Principal, handles: readonly string[], field: (i: number) => string): Promise<void> {
    const administered = this.access.administered(caller);
    for (const [i, handle] of handles.entries()) {
      if (administered && !administered.includes(handle)) throw faults.foreignCompany(field(i));
      if (!(await this.deps.companies.findByHandle(handle))) throw faults.notFound(field(i), 'company', handle);
    }
  }

  /**
   * A company administrator may not leave a company without an active, valid
   * administrator (it could not be managed but by the global IpsAdmin, who is
   * free to do so, e.g. to wind a company down).
   */
  private async assertAdministratorsRemain(
    caller: Principal,
    changes: ReadonlyArray<{ row: Pick<MembershipRow, 'user_handle' | 'company_handle'>; keepsAdmin: boolean; field: string }>,
  ): Promise<void> {
    if (caller.isIpsAdmin) return;
    for (const company of new Set(changes.map((c) => c.row.company_handle))) {
      const admins = new Set(await this.deps.users.activeMembersWithRoles(company, ADMIN_ROLES));
      if (admins.size === 0) continue;
      const inCompany = changes.filter((c) => c.row.company_handle === company);
      for (const c of inCompany) {
        if (c.keepsAdmin) admins.add(c.row.user_handle);
        else admins.delete(c.row.user_handle);
      }
      if (admins.size === 0) {
        throw new IpsFault(
          FaultCode.Exception,
          `${inCompany[0]!.field}: this would leave company '${company}' without an active administrator; make another member its administrator first`,
          inCompany[0]!.field,
          'conflict',
        );
      }
    }
  }

  private async write(upsert: readonly MembershipRow[], remove: readonly MembershipRow[]): Promise<void> {
    if (upsert.length === 0 && remove.length === 0) return;
    await this.deps.users.changeMemberships({ upsert, remove });
    // Cached logins carry memberships: the next call must see the new ones.
    this.deps.auth.forgetCachedLogins();
  }
}
