import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleSessionRepository, ConsoleSessionRow } from '../../adapters/repositories/console-session.repository.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import { faults } from '../../domain/faults.js';
import type { AuthService, Credentials } from '../auth.service.js';
import type { Principal } from '../principal.js';

/** A signed-in console user, as every console request sees it: the principal is read afresh each time. */
export interface ConsoleSession {
  /** SHA-256 (hex) of the session token: the row's key, safe to log */
  tokenHash: string;
  principal: Principal;
  /** the company the console acts in; undefined for an IpsAdmin who chose none, or a user without an active membership */
  companyHandle?: string;
  /** ISO UTC: when the session ends unless a request extends it */
  expiresAt: string;
}

export interface ConsoleSessionOptions {
  /** a session ends after this long without a request */
  idleMinutes: number;
  /** and this long after sign-in, however active */
  maxHours: number;
  /** injectable clock (epoch ms) for tests */
  now?: () => number;
}

/** last_seen_at is written at most this often: a write per console request (the jobs table polls every second) would be a write per second per open tab. */
const TOUCH_INTERVAL_MS = 60_000;
const TOKEN_BYTES = 32;

/**
 * Sign-in sessions of the web console. Sign-in goes through
 * AuthService.authenticate, so the login throttle and its 429 apply as for the
 * API. The session token (cookie `ips_session`) is random; only its SHA-256 is
 * stored (table console_sessions), so every API replica resolves any session
 * and a dump of the catalog holds no usable cookie. Each request re-reads the
 * user and its memberships (AuthService.principalOf): a deactivation or
 * membership change holds at the next request, on every replica.
 * The CSRF token is an HMAC of the session token under a key derived from
 * SECRETS_KEY: replicas agree on it without storing it, and it cannot be
 * computed from what a cross-site page can see.
 */
export class ConsoleSessionService {
  private readonly auth: Pick<AuthService, 'authenticate' | 'principalOf' | 'isExpired'>;
  private readonly sessions: ConsoleSessionRepository;
  private readonly companies: Pick<CompanyRepository, 'findByHandle'>;
  private readonly csrfKey: Buffer;
  private readonly idleMs: number;
  private readonly maxMs: number;
  private readonly now: () => number;

  constructor(deps: {
    auth: Pick<AuthService, 'authenticate' | 'principalOf' | 'isExpired'>;
    consoleSessions: ConsoleSessionRepository;
    companies: Pick<CompanyRepository, 'findByHandle'>;
    /** a key of its own for CSRF tokens (SecretBox.deriveKey), never the sealing key */
    csrfKey: Buffer;
    options: ConsoleSessionOptions;
  }) {
    ({ auth: this.auth, consoleSessions: this.sessions, companies: this.companies, csrfKey: this.csrfKey } = deps);
    this.idleMs = deps.options.idleMinutes * 60_000;
    this.maxMs = deps.options.maxHours * 3_600_000;
    this.now = deps.options.now ?? Date.now;
  }

  /** Authenticates (throttled, 401/429 faults as the API) and starts a session; the token goes to the cookie and nowhere else. */
  async signIn(credentials: Credentials, clientAddress?: string): Promise<{ token: string; session: ConsoleSession }> {
    const principal = await this.auth.authenticate(credentials, clientAddress);
    const now = this.now();
    // Sign-ins are rare and the delete uses the expiry index: a timer-free bound on the table.
    await this.sessions.deleteExpired(iso(now));
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const companyHandle = this.defaultCompany(principal);
    const row: ConsoleSessionRow = {
      token_hash: hashToken(token),
      user_handle: principal.userHandle,
      company_handle: companyHandle ?? null,
      created_at: iso(now),
      last_seen_at: iso(now),
      expires_at: iso(Math.min(now + this.idleMs, now + this.maxMs)),
    };
    await this.sessions.insert(row);
    return { token, session: { tokenHash: row.token_hash, principal, companyHandle, expiresAt: row.expires_at } };
  }

  /** The live session of a cookie's token, its idle end moved on; undefined when there is none (unknown, expired, user disabled or gone). */
  async resolve(token: string | undefined): Promise<ConsoleSession | undefined> {
    if (!token) return undefined;
    const tokenHash = hashToken(token);
    const row = await this.sessions.find(tokenHash);
    if (!row) return undefined;
    const now = this.now();
    if (row.expires_at <= iso(now)) {
      await this.sessions.delete(tokenHash);
      return undefined;
    }
    const principal = await this.auth.principalOf(row.user_handle);
    if (!principal) {
      await this.sessions.delete(tokenHash);
      return undefined;
    }
    let companyHandle = row.company_handle ?? undefined;
    if (companyHandle !== undefined && !(await this.mayUse(principal, companyHandle))) {
      companyHandle = this.defaultCompany(principal);
      await this.sessions.setCompany(tokenHash, companyHandle ?? null);
    }
    let expiresAt = row.expires_at;
    if (now - Date.parse(row.last_seen_at) >= TOUCH_INTERVAL_MS) {
      expiresAt = iso(Math.min(now + this.idleMs, Date.parse(row.created_at) + this.maxMs));
      await this.sessions.touch(tokenHash, iso(now), expiresAt);
    }
    return { tokenHash, principal, companyHandle, expiresAt };
  }

  /** Switches the session's company: one of the user's active memberships, or any existing company for an IpsAdmin. */
  async selectCompany(session: ConsoleSession, companyHandle: string): Promise<ConsoleSession> {
    if (!(await this.mayUse(session.principal, companyHandle))) throw faults.foreignCompany('companyHandle');
    await this.sessions.setCompany(session.tokenHash, companyHandle);
    return { ...session, companyHandle };
  }

  async signOut(token: string | undefined): Promise<void> {
    if (token) await this.sessions.delete(hashToken(token));
  }

  /** The CSRF token of a session: forms send it as `_csrf`, htmx and fetch as header X-CSRF-Token. */
  csrfToken(token: string): string {
    return this.csrfDigest(token).toString('base64url');
  }

  /** Whether `offered` is the CSRF token of the session token (compared in constant time). */
  csrfMatches(token: string, offered: string | undefined): boolean {
    if (!offered) return false;
    const expected = this.csrfDigest(token);
    const given = Buffer.from(offered, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private csrfDigest(token: string): Buffer {
    return createHmac('sha256', this.csrfKey).update(token, 'utf8').digest();
  }

  private async mayUse(principal: Principal, companyHandle: string): Promise<boolean> {
    if (principal.isIpsAdmin) return (await this.companies.findByHandle(companyHandle)) !== undefined;
    return principal.memberships.some((m) => m.isActive && m.companyHandle === companyHandle);
  }

  /**
   * Where a session starts, and where it falls back when its company's
   * membership goes: the first active membership by handle, one of a company
   * that has not expired if there is one. An IpsAdmin starts in none (it
   * manages every company; the console lets it choose).
   */
  private defaultCompany(principal: Principal): string | undefined {
    if (principal.isIpsAdmin) return undefined;
    const active = principal.memberships
      .filter((m) => m.isActive)
      .map((m) => m.companyHandle)
      .sort();
    return active.find((c) => !this.auth.isExpired(principal, c)) ?? active[0];
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
