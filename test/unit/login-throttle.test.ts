import { Writable } from 'node:stream';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/adapters/database/database.js';
import { loginFailures } from '../../src/adapters/database/migrations/0024_login_failures.js';
import { LoginFailureRepository } from '../../src/adapters/repositories/login-failure.repository.js';
import { PasswordHasher } from '../../src/adapters/security/password-hasher.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { FaultCode, IpsFault, LoginThrottledFault } from '../../src/domain/faults.js';
import { AuthService } from '../../src/services/auth.service.js';
import { LoginThrottle, type LoginThrottleOptions, throttleKeys } from '../../src/services/login-throttle.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function refusal(fn: () => Promise<void>): Promise<LoginThrottledFault | undefined> {
  try {
    await fn();
    return undefined;
  } catch (err) {
    if (err instanceof LoginThrottledFault) return err;
    throw err;
  }
}

/** The throttle on its real store: the catalog table of migration 0024 in an in-memory SQLite database. */
const opened: Kysely<unknown>[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
});

async function failureTable() {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  opened.push(db);
  await loginFailures('sqlite').up(db);
  return { db, repository: new LoginFailureRepository(db as unknown as Db) };
}

async function throttle(options: LoginThrottleOptions) {
  const { db, repository } = await failureTable();
  const rows = async () => (await sql<{ key_hash: string; failed_at: number }>`select key_hash, failed_at from login_failures`.execute(db)).rows;
  return { t: new LoginThrottle({ loginFailures: repository, options }), rows };
}

describe('LoginThrottle', () => {
  it('refuses after maxFailures within the window, with the seconds until the oldest failure leaves it', async () => {
    const c = clock();
    const { t } = await throttle({ maxFailures: 3, windowMs: 60_000, now: c.now });
    const keys = [throttleKeys.user('Ann@Example.com')];
    for (let i = 0; i < 2; i++) {
      await t.recordFailure(keys);
      c.advance(10_000);
    }
    expect(await refusal(() => t.check(keys))).toBeUndefined();
    await t.recordFailure(keys);
    const fault = await refusal(() => t.check([throttleKeys.user('ann@example.com ')]));
    expect(fault).toBeInstanceOf(IpsFault);
    expect(fault?.httpStatus).toBe(429);
    expect(fault?.toJSON()).toEqual({
      fault: 'authenticationFault',
      code: FaultCode.InvalidCredentials,
      reason: 'Too many failed logins for this user or client address: try again in 40 seconds',
    });
    expect(fault?.retryAfterSeconds).toBe(40);
  });

  it('lets attempts through again once the window has passed', async () => {
    const c = clock();
    const { t } = await throttle({ maxFailures: 2, maxAddressFailures: 2, windowMs: 5_000, now: c.now });
    const keys = [throttleKeys.address('10.0.0.1')];
    await t.recordFailure(keys);
    await t.recordFailure(keys);
    expect(await refusal(() => t.check(keys))).toBeDefined();
    c.advance(4_999);
    expect((await refusal(() => t.check(keys)))?.retryAfterSeconds).toBe(1);
    c.advance(1);
    expect(await refusal(() => t.check(keys))).toBeUndefined();
  });

  it('times Retry-After by the newest maxFailures failures when more were counted (attempts racing on two replicas)', async () => {
    const c = clock();
    const { t } = await throttle({ maxFailures: 2, windowMs: 60_000, now: c.now });
    const keys = [throttleKeys.user('a@x.test')];
    for (let i = 0; i < 4; i++) {
      await t.recordFailure(keys);
      c.advance(10_000);
    }
    // Failures at 0, 10, 20, 30 s; now 40 s: the lock lasts until the one at 20 s leaves the window.
    expect((await refusal(() => t.check(keys)))?.retryAfterSeconds).toBe(40);
  });

  it('counts each key on its own: a locked address does not lock another address', async () => {
    const { t } = await throttle({ maxFailures: 1, maxAddressFailures: 1, windowMs: 60_000, now: clock().now });
    await t.recordFailure([throttleKeys.user('a@x.test'), throttleKeys.address('10.0.0.1')]);
    expect(await refusal(() => t.check([throttleKeys.user('b@x.test'), throttleKeys.address('10.0.0.2')]))).toBeUndefined();
    expect(await refusal(() => t.check([throttleKeys.user('b@x.test'), throttleKeys.address('10.0.0.1')]))).toBeDefined();
  });

  it('allows an address five times the failures of one e-mail by default (colleagues behind one NAT)', async () => {
    const { t } = await throttle({ maxFailures: 2, windowMs: 60_000, now: clock().now });
    for (let i = 0; i < 9; i++) await t.recordFailure([throttleKeys.user(`u${i}@x.test`), throttleKeys.address('10.0.0.1')]);
    expect(await refusal(() => t.check([throttleKeys.user('new@x.test'), throttleKeys.address('10.0.0.1')]))).toBeUndefined();
    await t.recordFailure([throttleKeys.user('u9@x.test'), throttleKeys.address('10.0.0.1')]);
    expect(await refusal(() => t.check([throttleKeys.user('new@x.test'), throttleKeys.address('10.0.0.1')]))).toBeDefined();
  });

  it('forget clears a key and no other', async () => {
    const { t } = await throttle({ maxFailures: 1, windowMs: 60_000, now: clock().now });
    await t.recordFailure(['user:a', 'user:b']);
    await t.forget('user:a');
    expect(await refusal(() => t.check(['user:a']))).toBeUndefined();
    expect(await refusal(() => t.check(['user:b']))).toBeDefined();
  });

  it('keeps the table bounded: failures past the window are pruned as new ones are recorded', async () => {
    const c = clock();
    const { t, rows } = await throttle({ maxFailures: 1, windowMs: 60_000, now: c.now });
    for (let i = 0; i < 50; i++) await t.recordFailure([`user:${i}@spray.test`]);
    expect(await rows()).toHaveLength(50);
    c.advance(60_000);
    await t.recordFailure(['user:late@x.test']);
    expect(await rows()).toEqual([{ key_hash: expect.stringMatching(/^[0-9a-f]{64}$/), failed_at: c.now() }]);
  });

  it('stores hashes of the keys, never the e-mail or the address', async () => {
    const { t, rows } = await throttle({ maxFailures: 5, windowMs: 60_000, now: clock().now });
    await t.recordFailure([throttleKeys.user('Ann@Example.com'), throttleKeys.address('10.1.2.3')]);
    const text = JSON.stringify(await rows());
    for (const plain of ['ann@example.com', 'Ann@Example.com', '10.1.2.3']) expect(text.toLowerCase()).not.toContain(plain.toLowerCase());
    expect(await rows()).toHaveLength(2);
  });
});

describe('AuthService with the throttle', () => {
  const hasher = new PasswordHasher();

  async function setup(maxFailures: number, maxAddressFailures = maxFailures) {
    const password_hash = await hasher.hash('Right-Pass-1');
    const user = { user_handle: 'u|1', email: 'ann@example.com', password_hash, is_valid: 1, is_ips_admin: 1, password_expires: null };
    const users = {
      findByEmail: async (email: string) => (email.toLowerCase() === user.email ? user : undefined),
      memberships: async () => [],
    };
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const { repository } = await failureTable();
    const throttle = new LoginThrottle({ loginFailures: repository, options: { maxFailures, maxAddressFailures, windowMs: 60_000 } });
    const auth = new AuthService({ users: users as never, hasher, cacheSeconds: 60, throttle, logger: createLogger('debug', 'test', sink) });
    return { auth, lines };
  }

  it('counts only failures, refuses the right password during a lockout, and forgets a user after a success', async () => {
    const { auth } = await setup(2);
    for (let i = 0; i < 5; i++) await auth.authenticate({ email: 'ann@example.com', password: 'Right-Pass-1' }, '10.0.0.1');
    await expect(auth.authenticate({ email: 'ann@example.com', password: 'Wrong-1' }, '10.0.0.2')).rejects.toMatchObject({ code: 10001 });
    await auth.authenticate({ email: 'ann@example.com', password: 'Right-Pass-1' }, '10.0.0.3');
    await expect(auth.authenticate({ email: 'ann@example.com', password: 'Wrong-1' }, '10.0.0.4')).rejects.toMatchObject({ code: 10001 });
    await expect(auth.authenticate({ email: 'ann@example.com', password: 'Wrong-2' }, '10.0.0.5')).rejects.toMatchObject({ code: 10001 });
    await expect(auth.authenticate({ email: 'ANN@example.com', password: 'Right-Pass-1' }, '10.0.0.6')).rejects.toBeInstanceOf(LoginThrottledFault);
  });

  it('counts unknown e-mails per address, so one address cannot spray', async () => {
    const { auth } = await setup(2);
    await expect(auth.authenticate({ email: 'x@example.com', password: 'P-1' }, '10.9.9.9')).rejects.toMatchObject({ code: 10001 });
    await expect(auth.authenticate({ email: 'y@example.com', password: 'P-1' }, '10.9.9.9')).rejects.toMatchObject({ code: 10001 });
    await expect(auth.authenticate({ email: 'ann@example.com', password: 'Right-Pass-1' }, '10.9.9.9')).rejects.toBeInstanceOf(LoginThrottledFault);
    await auth.authenticate({ email: 'ann@example.com', password: 'Right-Pass-1' }, '10.0.0.1');
  });

  it("counts checkLogin's wrong passwords against the e-mail tested, and refuses further tests during a lockout", async () => {
    const { auth } = await setup(2);
    expect(await auth.checkPassword({ email: 'ann@example.com', password: 'Wrong-1' })).toBeUndefined();
    expect(await auth.checkPassword({ email: 'ann@example.com', password: 'Wrong-2' })).toBeUndefined();
    await expect(auth.checkPassword({ email: 'ann@example.com', password: 'Right-Pass-1' })).rejects.toBeInstanceOf(LoginThrottledFault);
    await expect(auth.authenticate({ email: 'ann@example.com', password: 'Right-Pass-1' }, '10.0.0.1')).rejects.toBeInstanceOf(LoginThrottledFault);
  });

  it('logs failed logins and lockouts without the password', async () => {
    const { auth, lines } = await setup(1);
    await expect(auth.authenticate({ email: 'ann@example.com', password: 'Secret-Guess-77' }, '10.0.0.1')).rejects.toBeDefined();
    await expect(auth.authenticate({ email: 'ann@example.com', password: 'Right-Pass-1' }, '10.0.0.1')).rejects.toBeInstanceOf(LoginThrottledFault);
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['login failed', 'login refused: too many failed attempts']);
    expect(JSON.parse(lines[0]!)).toMatchObject({ email: 'ann@example.com', clientAddress: '10.0.0.1' });
    expect(lines.join('')).not.toContain('Secret-Guess-77');
    expect(lines.join('')).not.toContain('Right-Pass-1');
  });
});

describe('logger redaction', () => {
  it('censors passwords, Authorization headers and secrets wherever they are logged', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = createLogger('info', 'test', sink);
    logger.info({ password: 'p-1', req: { headers: { authorization: 'Basic YTpi' } }, company: { callback_secret: 's-2', secret: 's-3' } }, 'a');
    logger.info({ params: { password: 'p-4', callbackSecret: 's-5' }, authorization: 'Basic Yzpk' }, 'b');
    const text = lines.join('');
    for (const secret of ['p-1', 'YTpi', 's-2', 's-3', 'p-4', 's-5', 'Yzpk']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
