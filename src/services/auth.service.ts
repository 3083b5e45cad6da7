import { createHash } from 'node:crypto';
import type { UserRepository } from '../adapters/repositories/user.repository.js';
import type { PasswordHasher } from '../adapters/security/password-hasher.js';
import type { Logger } from '../adapters/logging/logger.js';
import { FaultCode, IpsFault, faults } from '../domain/faults.js';
import { OPERATION_ACCESS, type OperationName, type Role, isRole } from '../domain/roles.js';
import { type LoginThrottle, throttleKeys } from './login-throttle.js';
import type { Principal } from './principal.js';

export interface Credentials {
  email: string;
  password: string;
}

/**
 * Authentication (HTTP Basic, or the UploadFile `auth` part) and the role
 * check of every IPS operation (its "Authorized User Types": src/domain/roles.ts). Successful logins are cached briefly by a hash
 * of the credentials: a slow KDF on every API call would make the control
 * plane CPU-bound. Any password or membership change clears the cache.
 * Failed logins feed the throttle, which is consulted before the cache so a
 * locked-out e-mail or address gets 429 even with the right password.
 */
export class AuthService {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  /** When each company of a principal's memberships expires (ISO UTC), read at login with the memberships. */
  private readonly companyExpiry = new WeakMap<Principal, ReadonlyMap<string, string>>();

  private readonly users: UserRepository;
  private readonly hasher: PasswordHasher;
  /** how long a verified login is remembered (0: never) */
  private readonly cacheSeconds: number;
  private readonly guard: { throttle?: LoginThrottle; logger?: Logger };

  constructor(deps: { users: UserRepository; hasher: PasswordHasher; cacheSeconds: number; throttle?: LoginThrottle; logger?: Logger }) {
    ({ users: this.users, hasher: this.hasher, cacheSeconds: this.cacheSeconds } = deps);
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
      this.guard.throttle?.check(keys);
    } catch (err) {
      this.guard.logger?.warn({ email: credentials.email, clientAddress }, 'login refused: too many failed attempts');
      throw err;
    }
    const key = createHash('sha256').update(`${credentials.email.toLowerCase()}\u0000${credentials.password}`).digest('hex');
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.principal;

    const principal = await this.verify(credentials);
    if (!principal) {
      this.guard.throttle?.recordFailure(keys);
      this.guard.logger?.warn({ email: credentials.email, clientAddress }, 'login failed');
      throw new IpsFault(FaultCode.InvalidCredentials, 'Invalid username/password');
    }
    // The address keeps its failures: one good account must not launder guesses at others.
    this.guard.throttle?.forget(userKey);
    if (this.cacheSeconds > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { principal, until: Date.now() + this.cacheSeconds * 1000 });
    }
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
    this.guard.throttle?.check(keys);
    const principal = await this.verify(credentials);
    if (!principal) {
      this.guard.throttle?.recordFailure(keys);
      this.guard.logger?.warn({ email: credentials.email }, 'checkLogin: wrong password');
    }
    return principal;
  }

  async verify(credentials: Credentials): Promise<Principal | undefined> {
    const user = await this.users.findByEmail(credentials.email);
    if (!user) {
      await this.hasher.burn(credentials.password);
      return undefined;
    }
    const ok = await this.hasher.verify(credentials.password, user.password_hash);
    if (!ok || user.is_valid !== 1) return undefined;
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

  forgetCachedLogins(): void {
    this.cache.clear();
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
