import { createHash, randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/adapters/database/database.js';
import type { ConsoleSessionTable } from '../../src/adapters/database/tables.js';
import { consoleSessions } from '../../src/adapters/database/migrations/0026_console_sessions.js';
import { ConsoleSessionRepository } from '../../src/adapters/repositories/console-session.repository.js';
import { FaultCode, IpsFault } from '../../src/domain/faults.js';
import type { Role } from '../../src/domain/roles.js';
import type { Credentials } from '../../src/services/auth.service.js';
import { ConsoleSessionService } from '../../src/services/console/console-session.service.js';
import type { Principal } from '../../src/services/principal.js';

const IDLE_MINUTES = 60;
const MAX_HOURS = 12;
const MINUTE = 60_000;

/** The sessions on their real store (migration 0026 in an in-memory SQLite); AuthService and the companies faked at their edge. */
const opened: Kysely<unknown>[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
});

type Membership = { companyHandle: string; role: Role; isActive: boolean };

async function setup(opts: { key?: Buffer } = {}) {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  opened.push(db);
  await consoleSessions('sqlite').up(db);
  let now = Date.parse('2026-01-05T08:00:00.000Z');
  const user = { valid: true, isIpsAdmin: false, memberships: [] as Membership[] };
  const expired = new Set<string>();
  const principal = (): Principal => ({
    userHandle: 'u|1',
    email: 'ann@example.com',
    isIpsAdmin: user.isIpsAdmin,
    memberships: user.memberships.map((m) => ({ ...m })),
  });
  const auth = {
    authenticate: async (credentials: Credentials | undefined) => {
      if (credentials?.password !== 'Right-Pass-1') throw new IpsFault(FaultCode.InvalidCredentials, 'Invalid username/password');
      return principal();
    },
    principalOf: async (handle: string) => (handle === 'u|1' && user.valid ? principal() : undefined),
    isExpired: (_p: Principal, company: string) => expired.has(company),
  };
  const companies = { findByHandle: async (handle: string) => (['c|a', 'c|b', 'c|z'].includes(handle) ? ({ company_handle: handle } as never) : undefined) };
  const key = opts.key ?? Buffer.alloc(32, 7);
  const service = new ConsoleSessionService({
    auth,
    consoleSessions: new ConsoleSessionRepository(db as unknown as Db),
    companies,
    csrfKey: key,
    options: { idleMinutes: IDLE_MINUTES, maxHours: MAX_HOURS, now: () => now },
  });
  const rows = async () => (await sql<ConsoleSessionTable>`select * from console_sessions`.execute(db)).rows;
  return { db, service, user, expired, rows, key, advance: (ms: number) => (now += ms), iso: (offset = 0) => new Date(now + offset).toISOString() };
}

const right = { email: 'ann@example.com', password: 'Right-Pass-1' };
const member = (companyHandle: string, isActive = true): Membership => ({ companyHandle, role: 'IpsUser', isActive });

describe('ConsoleSessionService', () => {
  it('signs in with a random token and stores only its SHA-256', async () => {
    const s = await setup();
    s.user.memberships = [member('c|b')];
    const { token, session } = await s.service.signIn(right, '10.0.0.1');
    const other = await s.service.signIn(right, '10.0.0.1');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(other.token).not.toBe(token);
    const rows = await s.rows();
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(session).toMatchObject({ principal: { userHandle: 'u|1' }, companyHandle: 'c|b', expiresAt: s.iso(IDLE_MINUTES * MINUTE) });
  });

  it('refuses wrong credentials with the authentication fault and stores nothing', async () => {
    const s = await setup();
    await expect(s.service.signIn({ ...right, password: 'Wrong-1' })).rejects.toMatchObject({ code: FaultCode.InvalidCredentials });
    expect(await s.rows()).toEqual([]);
  });

  it('starts in the first active membership by handle, preferring a company that has not expired; an IpsAdmin in none', async () => {
    const s = await setup();
    s.user.memberships = [member('c|z'), member('c|a', false), member('c|c'), member('c|b')];
    expect((await s.service.signIn(right)).session.companyHandle).toBe('c|b');
    s.expired.add('c|b');
    expect((await s.service.signIn(right)).session.companyHandle).toBe('c|c');
    s.user.isIpsAdmin = true;
    expect((await s.service.signIn(right)).session.companyHandle).toBeUndefined();
  });

  it('resolves a token to a fresh principal; unknown or missing tokens to nothing', async () => {
    const s = await setup();
    s.user.memberships = [member('c|a')];
    const { token } = await s.service.signIn(right);
    s.user.memberships.push(member('c|b', true));
    const session = await s.service.resolve(token);
    expect(session?.principal.memberships.map((m) => m.companyHandle)).toEqual(['c|a', 'c|b']);
    expect(await s.service.resolve(undefined)).toBeUndefined();
    expect(await s.service.resolve('')).toBeUndefined();
    expect(await s.service.resolve(randomBytes(32).toString('base64url'))).toBeUndefined();
  });

  it('writes last_seen_at at most once a minute, moving the idle end with it', async () => {
    const s = await setup();
    const { token } = await s.service.signIn(right);
    const [created] = await s.rows();
    s.advance(30_000);
    expect((await s.service.resolve(token))?.expiresAt).toBe(created!.expires_at);
    expect(await s.rows()).toEqual([created]);
    s.advance(30_000);
    const moved = await s.service.resolve(token);
    expect(moved?.expiresAt).toBe(s.iso(IDLE_MINUTES * MINUTE));
    expect((await s.rows())[0]).toMatchObject({ last_seen_at: s.iso(), expires_at: s.iso(IDLE_MINUTES * MINUTE), created_at: created!.created_at });
  });

  it('ends a session left idle, and deletes its row', async () => {
    const s = await setup();
    const { token } = await s.service.signIn(right);
    s.advance(IDLE_MINUTES * MINUTE - 1);
    expect(await s.service.resolve(token)).toBeDefined();
    s.advance(IDLE_MINUTES * MINUTE);
    expect(await s.service.resolve(token)).toBeUndefined();
    expect(await s.rows()).toEqual([]);
  });

  it('ends a busy session at its absolute lifetime', async () => {
    const s = await setup();
    const { token } = await s.service.signIn(right);
    const end = s.iso(MAX_HOURS * 60 * MINUTE);
    for (let minutes = 0; minutes < MAX_HOURS * 60 - 30; minutes += 30) {
      s.advance(30 * MINUTE);
      const session = await s.service.resolve(token);
      expect(session).toBeDefined();
      expect(session!.expiresAt <= end).toBe(true);
    }
    expect((await s.rows())[0]?.expires_at).toBe(end);
    s.advance(30 * MINUTE);
    expect(await s.service.resolve(token)).toBeUndefined();
  });

  it('ends the session of a user who is disabled or gone', async () => {
    const s = await setup();
    const { token } = await s.service.signIn(right);
    s.user.valid = false;
    expect(await s.service.resolve(token)).toBeUndefined();
    expect(await s.rows()).toEqual([]);
    s.user.valid = true;
    expect(await s.service.resolve(token)).toBeUndefined();
  });

  it('drops a company whose membership is gone or inactive, falling back to another active one', async () => {
    const s = await setup();
    s.user.memberships = [member('c|a'), member('c|b')];
    const { token } = await s.service.signIn(right);
    expect((await s.service.resolve(token))?.companyHandle).toBe('c|a');
    s.user.memberships = [member('c|a', false), member('c|b')];
    expect((await s.service.resolve(token))?.companyHandle).toBe('c|b');
    expect((await s.rows())[0]?.company_handle).toBe('c|b');
    s.user.memberships = [];
    expect((await s.service.resolve(token))?.companyHandle).toBeUndefined();
    expect((await s.rows())[0]?.company_handle).toBeNull();
  });

  it('selects a company of an active membership, or any existing one for an IpsAdmin; refuses others naming companyHandle', async () => {
    const s = await setup();
    s.user.memberships = [member('c|a'), member('c|b', false)];
    const { token, session } = await s.service.signIn(right);
    expect((await s.service.selectCompany(session, 'c|a')).companyHandle).toBe('c|a');
    for (const handle of ['c|b', 'c|z', 'c|nowhere']) {
      await expect(s.service.selectCompany(session, handle)).rejects.toMatchObject({ code: FaultCode.IllegalCompany, field: 'companyHandle' });
    }
    s.user.isIpsAdmin = true;
    const admin = (await s.service.resolve(token))!;
    expect((await s.service.selectCompany(admin, 'c|z')).companyHandle).toBe('c|z');
    expect((await s.service.resolve(token))?.companyHandle).toBe('c|z');
    await expect(s.service.selectCompany(admin, 'c|nowhere')).rejects.toMatchObject({ field: 'companyHandle' });
  });

  it("derives a CSRF token from the session token and the key, matching only that session's", async () => {
    const s = await setup();
    const a = await s.service.signIn(right);
    const b = await s.service.signIn(right);
    const csrf = s.service.csrfToken(a.token);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrf).not.toBe(a.token);
    expect(s.service.csrfMatches(a.token, csrf)).toBe(true);
    expect(s.service.csrfMatches(b.token, csrf)).toBe(false);
    expect(s.service.csrfMatches(a.token, s.service.csrfToken(b.token))).toBe(false);
    expect(s.service.csrfMatches(a.token, undefined)).toBe(false);
    expect(s.service.csrfMatches(a.token, '')).toBe(false);
    expect(s.service.csrfMatches(a.token, csrf.slice(0, -2))).toBe(false);
    expect(s.service.csrfMatches(a.token, `${csrf}AA`)).toBe(false);
    const otherKey = await setup({ key: Buffer.alloc(32, 8) });
    expect(otherKey.service.csrfToken(a.token)).not.toBe(csrf);
  });

  it('signs out by deleting the row; a second sign-out is harmless', async () => {
    const s = await setup();
    const a = await s.service.signIn(right);
    const b = await s.service.signIn(right);
    await s.service.signOut(a.token);
    await s.service.signOut(a.token);
    await s.service.signOut(undefined);
    expect(await s.service.resolve(a.token)).toBeUndefined();
    expect(await s.service.resolve(b.token)).toBeDefined();
    expect(await s.rows()).toHaveLength(1);
  });

  it('sweeps expired sessions at sign-in', async () => {
    const s = await setup();
    await s.service.signIn(right);
    await s.service.signIn(right);
    s.advance(IDLE_MINUTES * MINUTE);
    const fresh = await s.service.signIn(right);
    expect((await s.rows()).map((r) => r.token_hash)).toEqual([fresh.session.tokenHash]);
  });
});

describe('ConsoleSessionRepository', () => {
  it('deletes every session of one user', async () => {
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    opened.push(db);
    await consoleSessions('sqlite').up(db);
    const repo = new ConsoleSessionRepository(db as unknown as Db);
    const at = '2026-01-01T00:00:00.000Z';
    const row = (token_hash: string, user_handle: string) => ({
      token_hash,
      user_handle,
      company_handle: null,
      created_at: at,
      last_seen_at: at,
      expires_at: at,
    });
    await repo.insert(row('h1', 'u|1'));
    await repo.insert(row('h2', 'u|1'));
    await repo.insert(row('h3', 'u|2'));
    expect(await repo.deleteForUser('u|1')).toBe(2);
    expect(await repo.find('h1')).toBeUndefined();
    expect(await repo.find('h3')).toMatchObject({ user_handle: 'u|2' });
  });
});
