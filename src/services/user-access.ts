import type { MembershipRow, UserRepository, UserRow } from '../adapters/repositories/user.repository.js';
import { FaultCode, IpsFault, faults } from '../domain/faults.js';
import { ADMIN_ROLES } from '../domain/roles.js';
import type { AuthService } from './auth.service.js';
import type { Principal } from './principal.js';

/** A user a caller named, with its memberships. */
export interface TargetUser {
  user: UserRow;
  memberships: MembershipRow[];
  /** the caller itself */
  self: boolean;
}

/**
 * Which users a caller may see and change (docs/accounts.md#who-may-manage-whom):
 * the global IpsAdmin everyone; a company administrator (an admin role,
 * active, in a company that has not expired) itself and the users with a
 * membership in a company it administers, never a global IpsAdmin; anyone
 * else only itself. An unknown user and one out of reach answer alike (20007),
 * so a company administrator cannot probe which e-mails have accounts.
 */
export class UserAccess {
  constructor(private readonly deps: { users: UserRepository; auth: AuthService }) {}

  /** The companies the caller administers (undefined: all, for the global IpsAdmin). */
  administered(caller: Principal): string[] | undefined {
    return this.deps.auth.companiesWithRole(caller, ADMIN_ROLES);
  }

  /** The user named by handle or e-mail (neither: the caller), if the caller may see it. */
  async target(caller: Principal, ref: { userHandle?: string; email?: string }): Promise<TargetUser> {
    const field = ref.userHandle !== undefined || ref.email === undefined ? 'userHandle' : 'email';
    const found =
      ref.userHandle !== undefined
        ? await this.deps.users.findByHandle(ref.userHandle)
        : await (ref.email !== undefined ? this.deps.users.findByEmail(ref.email) : this.deps.users.findByHandle(caller.userHandle));
    // Both named: they must be the same user.
    const user = found && ref.email !== undefined && found.email !== ref.email.toLowerCase() ? undefined : found;
    const self = user?.user_handle === caller.userHandle;
    if (!user) {
      if (caller.isIpsAdmin) throw faults.notFound(field, 'user', ref.userHandle ?? ref.email ?? caller.userHandle);
      throw outOfReach(field);
    }
    const memberships = await this.deps.users.memberships(user.user_handle);
    if (caller.isIpsAdmin || self) return { user, memberships, self };
    const administered = this.administered(caller) ?? [];
    if (user.is_ips_admin === 1 || !memberships.some((m) => administered.includes(m.company_handle))) throw outOfReach(field);
    return { user, memberships, self };
  }

  /**
   * For a change to the whole account (name, e-mail, validity): every company
   * the user belongs to must be administered by the caller, or the change
   * would reach into a company the caller does not manage.
   */
  assertWholeAccount(caller: Principal, target: TargetUser): void {
    if (caller.isIpsAdmin || target.self) return;
    const administered = this.administered(caller) ?? [];
    if (target.memberships.some((m) => !administered.includes(m.company_handle))) {
      throw new IpsFault(
        FaultCode.IllegalRequestUser,
        'userHandle: the user also belongs to a company you do not administer; only an IpsAdmin may change the account',
        'userHandle',
      );
    }
  }
}

export function outOfReach(field: string): IpsFault {
  return new IpsFault(FaultCode.IllegalRequestUser, `${field}: no such user among you and the members of the companies you administer`, field);
}
