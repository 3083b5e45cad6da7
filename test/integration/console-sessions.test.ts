import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSessionRepository } from '../../src/adapters/repositories/console-session.repository.js';
import { FaultCode, LoginThrottledFault } from '../../src/domain/faults.js';
import { ConsoleSessionService } from '../../src/services/console/console-session.service.js';
import { ADMIN, type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { type SecondApi, startSecondApi } from '../support/two-apis.js';

const MAX_FAILURES = 3;

/** The console's sessions on the real catalog (SQLite or PostgreSQL) through the application context, and a second API replica beside it. */
describe(`console sessions (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let second: SecondApi;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let globexHandle: string;

  beforeAll(async () => {
    h = await startHarness({ AUTH_MAX_FAILURES: String(MAX_FAILURES), AUTH_CACHE_SECONDS: '0' });
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    globexHandle = (await companyWithUser(h, 'Globex', 'IpsCompanyAdmin')).companyHandle;
    const joined = await h.api('addCompanyMembership', {
      userHandle: acme.userHandle,
      membershipArray: [{ companyHandle: globexHandle, role: 'IpsUser', isActive: true }],
    });
    expect(joined.status).toBe(200);
    second = await startSecondApi(h);
  });
  afterAll(async () => {
    await second?.close();
    await h?.close();
  });

  const sessions = () => h.ctx.services.consoleSessions;
  const rows = () => h.ctx.database.db.selectFrom('console_sessions').selectAll().execute();
  const firstCompany = () => [acme.companyHandle, globexHandle].sort()[0];

  it('signs in, starting in the first company by handle, and stores only the hash of the token', async () => {
    const { token, session } = await sessions().signIn(acme.who, '192.0.2.1');
    expect(session.principal).toMatchObject({ userHandle: acme.userHandle, isIpsAdmin: false });
    expect(session.companyHandle).toBe(firstCompany());
    const stored = await rows();
    expect(stored.map((r) => r.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect((await sessions().resolve(token))?.principal.userHandle).toBe(acme.userHandle);
  });

  it('counts wrong passwords in the login throttle the API shares, then refuses with 429', async () => {
    const victim = await companyWithUser(h, 'Initech', 'IpsUser');
    for (let i = 0; i < MAX_FAILURES; i++) {
      await expect(sessions().signIn({ email: victim.who.email, password: 'Wrong-Guess-1' }, '192.0.2.2')).rejects.toMatchObject({
        code: FaultCode.InvalidCredentials,
      });
    }
    await expect(sessions().signIn(victim.who, '192.0.2.3')).rejects.toBeInstanceOf(LoginThrottledFault);
    const api = await fetch(`${h.baseUrl}/api/getCompanyMembership`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(victim.who) },
      body: '{}',
    });
    expect(api.status).toBe(429);
  });

  it('is known to a second API replica, which agrees on the CSRF token', async () => {
    const { token } = await sessions().signIn(acme.who);
    const there = second.ctx.services.consoleSessions;
    const seen = await there.resolve(token);
    expect(seen).toMatchObject({ principal: { userHandle: acme.userHandle }, companyHandle: firstCompany() });
    const other = [acme.companyHandle, globexHandle].find((c) => c !== firstCompany())!;
    await there.selectCompany(seen!, other);
    expect((await sessions().resolve(token))?.companyHandle).toBe(other);
    const csrf = sessions().csrfToken(token);
    expect(there.csrfToken(token)).toBe(csrf);
    expect(there.csrfMatches(token, csrf)).toBe(true);
    const another = await sessions().signIn(acme.who);
    expect(there.csrfMatches(token, sessions().csrfToken(another.token))).toBe(false);
    expect(there.csrfMatches(token, 'forged')).toBe(false);
  });

  it('signs out on every replica at once', async () => {
    const { token } = await sessions().signIn(acme.who);
    await second.ctx.services.consoleSessions.signOut(token);
    expect(await sessions().resolve(token)).toBeUndefined();
    expect(await second.ctx.services.consoleSessions.resolve(token)).toBeUndefined();
  });

  it('lets an IpsAdmin start in no company and choose any existing one', async () => {
    const { token, session } = await sessions().signIn(ADMIN);
    expect(session.companyHandle).toBeUndefined();
    expect((await sessions().selectCompany(session, globexHandle)).companyHandle).toBe(globexHandle);
    expect((await second.ctx.services.consoleSessions.resolve(token))?.companyHandle).toBe(globexHandle);
    await expect(sessions().selectCompany(session, 'no-such-company')).rejects.toMatchObject({ field: 'companyHandle' });
  });

  it('drops the company of a removed membership at the next request, and refuses to select it again', async () => {
    const worker = await companyWithUser(h, 'Umbrella', 'IpsUser');
    const added = await h.api('addCompanyMembership', {
      userHandle: worker.userHandle,
      membershipArray: [{ companyHandle: globexHandle, role: 'IpsUser', isActive: true }],
    });
    expect(added.status).toBe(200);
    const { token, session } = await sessions().signIn(worker.who);
    await sessions().selectCompany(session, globexHandle);
    expect((await h.api('removeCompanyMembership', { userHandle: worker.userHandle, companyHandleArray: [globexHandle] })).status).toBe(200);
    const after = await second.ctx.services.consoleSessions.resolve(token);
    expect(after?.companyHandle).toBe(worker.companyHandle);
    expect(after?.principal.memberships.map((m) => m.companyHandle)).toEqual([worker.companyHandle]);
    await expect(sessions().selectCompany(after!, globexHandle)).rejects.toMatchObject({ code: FaultCode.IllegalCompany, field: 'companyHandle' });
  });

  it('ends the session of a deactivated user, through whichever replica', async () => {
    const leaver = await companyWithUser(h, 'Hooli', 'IpsUser');
    const { token } = await sessions().signIn(leaver.who);
    const off = await h.api('setUserInfo', { userHandle: leaver.userHandle, firstName: 'Test', lastName: 'IpsUser', email: leaver.who.email, isValid: false });
    expect(off.status).toBe(200);
    expect(await second.ctx.services.consoleSessions.resolve(token)).toBeUndefined();
    expect((await rows()).map((r) => r.user_handle)).not.toContain(leaver.userHandle);
  });

  it('ends a session left idle, on the catalog every replica reads', async () => {
    // The same service on the same database with a clock the test moves: no waiting for real minutes.
    let now = Date.now();
    const clocked = new ConsoleSessionService({
      auth: h.ctx.services.auth,
      consoleSessions: new ConsoleSessionRepository(h.ctx.database.db),
      companies: h.ctx.repositories.companies,
      csrfKey: Buffer.alloc(32, 1),
      options: { idleMinutes: 5, maxHours: 1, now: () => now },
    });
    const { token } = await clocked.signIn(acme.who);
    now += 4 * 60_000;
    expect(await clocked.resolve(token)).toBeDefined();
    now += 5 * 60_000;
    expect(await clocked.resolve(token)).toBeUndefined();
    expect(await sessions().resolve(token)).toBeUndefined();
    expect((await rows()).map((r) => r.token_hash)).not.toContain(createHash('sha256').update(token).digest('hex'));
  });
});
