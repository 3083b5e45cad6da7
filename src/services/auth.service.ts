import { createHash } from 'node:crypto';
import type { UserRepository, UserRow } from '../adapters/repositories/user.repository.js';
import type { PasswordHasher } from '../adapters/security/password-hasher.js';
import type { Logger } from '../adapters/logging/logger.js';
import { FaultCode, IpsFault, faults } from '../domain/faults.js';
import { OPERATION_ACCESS, type OperationName, type Role, isRole } from '../domain/roles.js';
import { type LoginThrottle, throttleKeys } from './login-throttle.js';
import type { Principal } from './principal.js';
import { RememberedPasswords } from './remembered-passwords.js';

export interface Credentials {
  email: string;
  password: string;
}

/**
 * Authentication (HTTP Basic, or the UploadFile `auth` part) and the role
 * check of every IPS operation (its "Authorized User Types": src/domain/roles.ts).
 * A slow KDF on every API call would make the control plane CPU-bound, so a
 * verified password is remembered briefly, by a hash of the password and the
 * stored password hash (RememberedPasswords: one KDF per key at a time, and
 * re-confirmed before it expires while in use). Everything else a login
 * depends on (the user row: valid, expiry, password hash; the memberships) is
 * read on every call, so a password change, deactivation or membership change
 * made through any API replica holds on every replica at once: a changed
 * password has a new stored hash (new salt), which no remembered entry matches.
 * Failed logins feed the throttle, which is consulted before the password so a
 * locked-out e-mail or address gets 429 even with the right password.
 */
export class AuthService {
  /** keyed by a hash of (user, stored password hash, offered password) */
  private readonly verified: RememberedPasswords;
  /** When each company of a principal's memberships expires (ISO UTC), read at login with the memberships. */
  private readonly companyExpiry = new WeakMap<Principal, ReadonlyMap<string, string>>();

  private readonly users: UserRepository;
  private readonly hasher: PasswordHasher;
  private readonly guard: { throttle?: LoginThrottle; logger?: Logger };

  /** cacheSeconds: how long a verified password is remembered (0: never) */
  constructor(deps: { users: UserRepository; hasher: PasswordHasher; cacheSeconds: number; throttle?: LoginThrottle; logger?: Logger }) {
    ({ users: this.users, hasher: this.hasher } = deps);
    this.verified = new RememberedPasswords(deps.cacheSeconds * 1000);
    this.guard = { throttle: deps.throttle, logger: deps.logger };
  }

  static parseBasic(header: string | undefined): Credentials | undefined {
    if (!header) return undefined;
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match) return undefined;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) return undefined;
    return { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }

  /** clientAddress: the caller's IP, a second throttle key so one address cannot spray many e-mails. */
  async authenticate(credentials: Credentials | undefined, clientAddress?: string): Promise<Principal> {
    if (!credentials) {
      throw new IpsFault(
        FaultCode.NoCredentials,
        'No credentials: send HTTP Basic authentication (email:password), or over SOAP an authHeader with user and password',
      );
    }
    const userKey = throttleKeys.user(credentials.email);
    const keys = clientAddress ? [userKey, throttleKeys.address(clientAddress)] : [userKey];
    try {
      await this.guard.throttle?.check(keys);
    } catch (err) {
      this.guard.logger?.warn({ email: credentials.email, clientAddress }, 'login refused: too many failed attempts');
      throw err;
    }
    const { principal, remembered } = await this.login(credentials);
    if (!principal) {
      await this.guard.throttle?.recordFailure(keys);
      this.guard.logger?.warn({ email: credentials.email, clientAddress }, 'login failed');
      throw new IpsFault(FaultCode.InvalidCredentials, 'Invalid username/password');
    }
    // The address keeps its failures: one good account must not launder guesses at others.
    // Forgetting is a write, so only a login the KDF checked does it (as before the failures moved
    // to the catalog); a remembered password within cacheSeconds of that leaves the key as it is.
    if (!remembered) await this.guard.throttle?.forget(userKey);
    return principal;
  }

  /** Checks credentials without faulting; undefined when they are wrong, expired or the user is disabled. */
  /**
   * checkLogin's test of someone's password: a logged-in caller could
   * otherwise guess another user's password through it without limit, so
   * its failures count against that e-mail like failed logins do.
   */
  async checkPassword(credentials: Credentials): Promise<Principal | undefined> {
    const keys = [throttleKeys.user(credentials.email)];
    await this.guard.throttle?.check(keys);
    const principal = await this.verify(credentials);
    if (!principal) {
      await this.guard.throttle?.recordFailure(keys);
      this.guard.logger?.warn({ email: credentials.email }, 'checkLogin: wrong password');
    }
    return principal;
  }

  async verify(credentials: Credentials): Promise<Principal | undefined> {
    return (await this.login(credentials)).principal;
  }

  /** The principal of right credentials of a valid, unexpired user; `remembered` when the password was known to match without the KDF. */
  private async login(credentials: Credentials): Promise<{ principal?: Principal; remembered: boolean }> {
    const user = await this.users.findByEmail(credentials.email);
    if (!user) {
      await this.hasher.burn(credentials.password);
      return { remembered: false };
    }
    const key = createHash('sha256').update(`${user.user_handle}\u0000${user.password_hash}\u0000${credentials.password}`).digest('hex');
    const { matches, remembered } = await this.verified.check(key, () => this.hasher.verify(credentials.password, user.password_hash));
    if (!matches) return { remembered };
    return { principal: await this.principalOfRow(user), remembered };
  }

  /**
   * The principal of a user already signed in (a console session), read afresh:
   * undefined when the user is gone, disabled or its password has expired, so
   * a deactivation or membership change holds at the session's next request.
   */
  async principalOf(userHandle: string): Promise<Principal | undefined> {
    const user = await this.users.findByHandle(userHandle);
    return user ? this.principalOfRow(user) : undefined;
  }

  /** The principal of a user row with its memberships and their companies' expiry; undefined for an invalid or expired user. */
  private async principalOfRow(user: UserRow): Promise<Principal | undefined> {
    if (user.is_valid !== 1) return undefined;
    if (user.password_expires && user.password_expires < new Date().toISOString()) return undefined;
    const memberships = await this.users.memberships(user.user_handle);
    const principal: Principal = {
      userHandle: user.user_handle,
      email: user.email,
      isIpsAdmin: user.is_ips_admin === 1,
      memberships: memberships
        .filter((m) => isRole(m.role))
        .map((m) => ({ companyHandle: m.company_handle, role: m.role as Role, isActive: m.is_active === 1 })),
    };
    this.companyExpiry.set(principal, new Map(memberships.flatMap((m) => (m.company_expires ? [[m.company_handle, m.company_expires] as const] : []))));
    return principal;
  }

  /** Whether the company of one of the caller's memberships has passed its `expires` (checked at each call, so a cached login sees it too). */
  isExpired(principal: Principal, companyHandle: string): boolean {
    const expires = this.companyExpiry.get(principal)?.get(companyHandle);
    return expires !== undefined && expires <= new Date().toISOString();
  }

  /**
   * Drops the remembered passwords of this process. Not needed for
   * correctness (every login re-reads what it depends on); a password change
   * still calls it so an old password's entry does not linger in memory.
   */
  forgetCachedLogins(): void {
    this.verified.clear();
  }

  /**
   * Returns the role the caller acts with. With a company: its active
   * membership there (a missing one looks the same as a missing company, so
   * nothing about other companies leaks), in a company that has not expired
   * (20000, whatever the role: an expired company is closed to its users; the
   * global IpsAdmin still manages it, docs/accounts.md#company-expiry).
   * Without: any active membership whose role the operation allows.
   */
  authorize(principal: Principal, operation: OperationName, companyHandle?: string): Role {
    const allowed: readonly Role[] = OPERATION_ACCESS[operation].roles;
    if (principal.isIpsAdmin) {
      if (allowed.includes('IpsAdmin')) return 'IpsAdmin';
      throw faults.noPermission(operation);
    }
    const active = principal.memberships.filter((m) => m.isActive);
    if (active.length === 0) {
      throw new IpsFault(FaultCode.InvalidCompany, 'User has no active company membership');
    }
    if (companyHandle !== undefined) {
      const membership = active.find((m) => m.companyHandle === companyHandle);
      if (!membership) throw faults.foreignCompany();
      if (this.isExpired(principal, companyHandle))
        throw new IpsFault(FaultCode.InvalidCompany, 'The company has expired: only an IpsAdmin can use it', 'companyHandle');
      if (!allowed.includes(membership.role)) throw faults.noPermission(operation);
      return membership.role;
    }
    const role = active.find((m) => allowed.includes(m.role))?.role;
    if (!role) throw faults.noPermission(operation);
    return role;
  }

  /** Companies where the caller holds one of `roles` (undefined = all, for IpsAdmin); expired companies are not among them. */
  companiesWithRole(principal: Principal, roles: readonly Role[]): string[] | undefined {
    if (principal.isIpsAdmin) return undefined;
    return principal.memberships.filter((m) => m.isActive && roles.includes(m.role) && !this.isExpired(principal, m.companyHandle)).map((m) => m.companyHandle);
  }
}
