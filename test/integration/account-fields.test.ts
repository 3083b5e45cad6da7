import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type Harness, startHarness } from '../support/harness.js';

/**
 * Each optional field of the account operations (addCompany, getAllCompanies,
 * addUser, setPassword, getUsers, checkLogin) changes what the service does:
 * every test sends the field and checks the difference it makes against the
 * same call without it.
 */

const PASSWORD = 'User-Pass-1';
const PAST = '2001-02-03T04:05:06Z';
const PAST_STORED = '2001-02-03T04:05:06.000Z';
// An offset on input: the service keeps one UTC form, so expiry comparisons do not depend on the sender's zone.
const FUTURE = '2099-06-30T18:00:00-06:00';
const FUTURE_STORED = '2099-07-01T00:00:00.000Z';

type Who = { email: string; password: string };
type ListedUser = {
  userHandle: string;
  email: string;
  firstName: string;
  lastName: string;
  isValid: boolean;
  isIpsAdmin: boolean;
  role?: string;
  passwordExpires?: string;
};

describe(`account operation fields (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  const company = { umbrella: '', hooli: '' };
  const users: Record<string, { userHandle: string; who: Who }> = {};

  const addCompany = async (body: Record<string, unknown>) => {
    const r = await h.api('addCompany', body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.companyInfo as { companyHandle: string; name: string; rootPath: string; expires?: string; imsOrgId?: string };
  };

  const addUser = async (
    key: string,
    fields: { email: string; firstName?: string; lastName?: string; isValid?: boolean; isIpsAdmin?: boolean; passwordExpires?: string },
    memberships: Array<{ companyHandle: string; role: string; isActive?: boolean }>,
  ) => {
    const r = await h.api('addUser', {
      firstName: fields.firstName ?? 'Test',
      lastName: fields.lastName ?? 'Tester',
      email: fields.email,
      password: PASSWORD,
      isValid: fields.isValid ?? true,
      isIpsAdmin: fields.isIpsAdmin ?? false,
      ...(fields.passwordExpires ? { passwordExpires: fields.passwordExpires } : {}),
      membershipArray: { items: memberships.map((m) => ({ companyHandle: m.companyHandle, role: m.role, isActive: m.isActive ?? true })) },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    users[key] = { userHandle: r.body.userHandle, who: { email: fields.email, password: PASSWORD } };
    return users[key]!;
  };

  const checkLogin = async (who: Who, companyHandle?: string) => {
    const r = await h.api('checkLogin', { email: who.email, password: who.password, ...(companyHandle ? { companyHandle } : {}) }, ADMIN);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.status as 'ValidLogin' | 'InvalidLogin';
  };

  const getUsers = async (param: Record<string, unknown>, who: Who = ADMIN) => {
    const r = await h.api('getUsers', param, who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.userArray.items as ListedUser[];
  };
  /** getUsers restricted to Umbrella, so users made by other tests of this file never show. */
  const umbrellaEmails = async (param: Record<string, unknown> = {}) =>
    (await getUsers({ companyHandleArray: [company.umbrella], ...param })).map((u) => u.email);

  beforeAll(async () => {
    h = await startHarness();
    company.umbrella = (await addCompany({ companyName: 'Umbrella' })).companyHandle;
    company.hooli = (await addCompany({ companyName: 'Hooli' })).companyHandle;

    // Names chosen so e-mail, first-name, last-name and expiry orders all differ.
    const u = company.umbrella;
    await addUser('amber', { email: 'amber@umbrella.test', firstName: 'Nora', lastName: 'Quinn', passwordExpires: '2095-01-01T00:00:00Z' }, [
      { companyHandle: u, role: 'IpsCompanyAdmin' },
      { companyHandle: company.hooli, role: 'IpsUser' },
    ]);
    await addUser('basil', { email: 'basil@umbrella.test', firstName: 'Liam', lastName: 'Sloan', passwordExpires: '2080-01-01T00:00:00Z' }, [
      { companyHandle: u, role: 'IpsUser' },
    ]);
    await addUser('ember', { email: 'ember@umbrella.example', firstName: 'Jade', lastName: 'Ruiz', passwordExpires: '2090-01-01T00:00:00Z' }, [
      { companyHandle: u, role: 'IpsUser' },
    ]);
    await addUser('flint', { email: 'flint@umbrella.test', firstName: 'Omar', lastName: 'Park', passwordExpires: '2085-01-01T00:00:00Z' }, [
      { companyHandle: u, role: 'WebServiceUser' },
    ]);
    await addUser('cedar', { email: 'cedar@umbrella.example', firstName: 'Mila', lastName: 'Lane' }, [{ companyHandle: u, role: 'IpsUser', isActive: false }]);
    await addUser('delta', { email: 'delta@umbrella.test', firstName: 'Kai', lastName: 'Ortiz', isValid: false }, [
      { companyHandle: u, role: 'WebServiceUser' },
    ]);
    await addUser('gale', { email: 'gale@hooli.test', firstName: 'Gale', lastName: 'Hart' }, [{ companyHandle: company.hooli, role: 'IpsUser' }]);
    // Same membership as basil's but the global IpsAdmin flag.
    await addUser('root', { email: 'root@hooli.test', firstName: 'Root', lastName: 'Admin', isIpsAdmin: true }, [
      { companyHandle: company.hooli, role: 'IpsUser' },
    ]);
  });
  afterAll(async () => h?.close());

  it('addCompany expires is stored in UTC and reported by getCompanyInfo; imsOrgId is stored and finds the company', async () => {
    const created = await addCompany({ companyName: 'Futureco', expires: FUTURE, imsOrgId: 'ABC123@AdobeOrg' });
    expect(created).toEqual({
      companyHandle: created.companyHandle,
      name: 'Futureco',
      rootPath: 'Futureco/',
      expires: FUTURE_STORED,
      imsOrgId: 'ABC123@AdobeOrg',
    });

    const byHandle = await h.api('getCompanyInfo', { companyHandle: created.companyHandle });
    expect(byHandle.body.companyInfo).toEqual(created);
    const byOrg = await h.api('getCompanyInfo', { imsOrgId: 'ABC123@AdobeOrg' });
    expect(byOrg.status).toBe(200);
    expect(byOrg.body.companyInfo).toEqual(created);

    // Without the fields nothing is reported, and another organisation id finds nothing.
    const plain = await h.api('getCompanyInfo', { companyHandle: company.umbrella });
    expect(plain.body.companyInfo).toEqual({ companyHandle: company.umbrella, name: 'Umbrella', rootPath: 'Umbrella/' });
    const otherOrg = await h.api('getCompanyInfo', { imsOrgId: 'XYZ999@AdobeOrg' });
    expect(otherOrg.status).toBe(404);
    expect(otherOrg.body).toMatchObject({ code: 30001, field: 'imsOrgId' });

    // One org id, one company: a second would make the lookup above arbitrary.
    const twice = await h.api('addCompany', { companyName: 'Dupco', imsOrgId: 'ABC123@AdobeOrg' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ field: 'imsOrgId' });
    expect((await h.api('getCompanyInfo', { companyName: 'Dupco' })).status).toBe(404);
  });

  it('getAllCompanies includeExpired false leaves out a company whose expires is past; true lists it', async () => {
    const oldco = await addCompany({ companyName: 'Oldco', expires: PAST });
    expect(oldco.expires).toBe(PAST_STORED);
    await addCompany({ companyName: 'Laterco', expires: FUTURE });
    // Expired, it still answers getCompanyInfo with its expiry.
    expect((await h.api('getCompanyInfo', { companyHandle: oldco.companyHandle })).body.companyInfo.expires).toBe(PAST_STORED);

    const current = await h.api('getAllCompanies', { includeExpired: false });
    const currentNames = current.body.companyArray.items.map((c: { name: string }) => c.name);
    expect(currentNames).not.toContain('Oldco');
    // A future expiry and no expiry both count as current.
    expect(currentNames).toEqual(expect.arrayContaining(['Umbrella', 'Hooli', 'Laterco']));

    const all = await h.api('getAllCompanies', { includeExpired: true });
    const expired = all.body.companyArray.items.find((c: { name: string }) => c.name === 'Oldco');
    expect(expired).toEqual({ companyHandle: oldco.companyHandle, name: 'Oldco', rootPath: 'Oldco/', expires: PAST_STORED });
    expect(all.body.companyArray.items).toHaveLength(current.body.companyArray.items.length + 1);
  });

  it('addUser passwordExpires: a past value refuses every login of the user, a future one does not', async () => {
    const expired = await addUser('expired', { email: 'expired@umbrella.test', passwordExpires: PAST }, [
      { companyHandle: company.umbrella, role: 'IpsCompanyAdmin' },
    ]);
    const fresh = await addUser('fresh', { email: 'fresh@umbrella.test', passwordExpires: FUTURE }, [
      { companyHandle: company.umbrella, role: 'IpsCompanyAdmin' },
    ]);

    expect(await checkLogin(expired.who)).toBe('InvalidLogin');
    const refused = await h.api('getUsers', {}, expired.who);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ fault: 'authenticationFault', code: 10001 });

    expect(await checkLogin(fresh.who)).toBe('ValidLogin');
    expect((await h.api('getUsers', {}, fresh.who)).status).toBe(200);

    const listed = await getUsers({ companyHandleArray: [company.umbrella], charFilterField: 'StartsWith', charFilter: 'fresh@' });
    expect(listed.map((u) => u.passwordExpires)).toEqual([FUTURE_STORED]);
  });

  it('addUser isValid false: the user cannot log in (checkLogin and API calls)', async () => {
    expect(await checkLogin(users.delta!.who)).toBe('InvalidLogin');
    const call = await h.api('checkLogin', { email: users.basil!.who.email, password: PASSWORD }, users.delta!.who);
    expect(call.status).toBe(401);
    expect(call.body).toMatchObject({ code: 10001 });
    // The same password and a similar membership with isValid true logs in.
    expect(await checkLogin(users.flint!.who)).toBe('ValidLogin');
  });

  it('addUser isIpsAdmin true gives the global IpsAdmin role; only an IpsAdmin may grant it', async () => {
    const root = users.root!.who;
    const all = await h.api('getAllCompanies', { includeExpired: true }, root);
    expect(all.status).toBe(200);
    expect(all.body.companyArray.items.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['Umbrella', 'Hooli']));
    // gale has the same membership (Hooli, IpsUser) without the flag.
    const plain = await h.api('getAllCompanies', { includeExpired: true }, users.gale!.who);
    expect(plain.status).toBe(403);
    expect(plain.body).toMatchObject({ fault: 'authorizationFault', code: 20003 });

    const listed = await getUsers({ companyHandleArray: [company.hooli], charFilterField: 'Email', charFilter: 'root@' });
    expect(listed).toEqual([expect.objectContaining({ email: 'root@hooli.test', isIpsAdmin: true, role: 'IpsAdmin' })]);
    const gale = await getUsers({ companyHandleArray: [company.hooli], charFilterField: 'Email', charFilter: 'gale@' });
    expect(gale).toEqual([expect.objectContaining({ isIpsAdmin: false, role: 'IpsUser' })]);

    const byCompanyAdmin = await h.api(
      'addUser',
      {
        firstName: 'Would',
        lastName: 'Be',
        email: 'wouldbe@umbrella.test',
        password: PASSWORD,
        isValid: true,
        isIpsAdmin: true,
        membershipArray: { items: [{ companyHandle: company.umbrella, role: 'IpsUser', isActive: true }] },
      },
      users.amber!.who,
    );
    expect(byCompanyAdmin.status).toBe(403);
    expect(byCompanyAdmin.body).toMatchObject({ code: 20005, field: 'isIpsAdmin' });
  });

  it('setPassword passwordExpires: a past value locks the new password out, omitting it means no expiry', async () => {
    const user = await addUser('rotating', { email: 'rotating@umbrella.test' }, [{ companyHandle: company.umbrella, role: 'IpsCompanyAdmin' }]);
    const lapsed = { email: user.who.email, password: 'Lapsed-Pass-2' };
    expect((await h.api('setPassword', { password: lapsed.password, passwordExpires: PAST }, user.who)).status).toBe(200);
    expect(await checkLogin(lapsed)).toBe('InvalidLogin');
    expect((await h.api('getUsers', {}, lapsed)).status).toBe(401);
    const listed = async () => (await getUsers({ companyHandleArray: [company.umbrella], charFilterField: 'Email', charFilter: 'rotating@' }))[0]!;
    expect((await listed()).passwordExpires).toBe(PAST_STORED);

    // An IpsAdmin renews it with a future expiry: it works, and getUsers reports the expiry.
    const renewed = { email: user.who.email, password: 'Renewed-Pass-3' };
    expect((await h.api('setPassword', { userHandle: user.userHandle, password: renewed.password, passwordExpires: FUTURE }, ADMIN)).status).toBe(200);
    expect(await checkLogin(renewed)).toBe('ValidLogin');
    expect((await h.api('getUsers', {}, renewed)).status).toBe(200);
    expect((await listed()).passwordExpires).toBe(FUTURE_STORED);

    // Without passwordExpires the expiry is cleared.
    expect((await h.api('setPassword', { password: 'Forever-Pass-4' }, renewed)).status).toBe(200);
    expect((await listed()).passwordExpires).toBeUndefined();
  });

  it("setPassword userHandle: an IpsAdmin user sets another user's password; anyone else is refused", async () => {
    const target = await addUser('target', { email: 'target@hooli.test' }, [{ companyHandle: company.hooli, role: 'IpsUser' }]);
    const bySelf = await h.api('setPassword', { userHandle: target.userHandle, password: 'Stolen-Pass-5' }, users.gale!.who);
    expect(bySelf.status).toBe(403);
    expect(bySelf.body).toMatchObject({ code: 20007, field: 'userHandle' });
    expect(await checkLogin(target.who)).toBe('ValidLogin');

    // root is an IpsAdmin only through addUser's isIpsAdmin.
    expect((await h.api('setPassword', { userHandle: target.userHandle, password: 'Reset-Pass-6' }, users.root!.who)).status).toBe(200);
    expect(await checkLogin(target.who)).toBe('InvalidLogin');
    expect(await checkLogin({ email: target.who.email, password: 'Reset-Pass-6' })).toBe('ValidLogin');
    // The caller's own password did not change.
    expect(await checkLogin(users.root!.who)).toBe('ValidLogin');

    const unknown = await h.api('setPassword', { userHandle: 'u|nobody|nobody@hooli.test', password: 'Reset-Pass-6' }, users.root!.who);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 30001, field: 'userHandle' });
  });

  it('getUsers includeInvalid lists users whose isValid is false', async () => {
    expect(await umbrellaEmails()).not.toContain('delta@umbrella.test');
    const all = await getUsers({ companyHandleArray: [company.umbrella], includeInvalid: true });
    expect(all.find((u) => u.email === 'delta@umbrella.test')).toMatchObject({ isValid: false, role: 'WebServiceUser' });
    expect(all.filter((u) => !u.isValid).map((u) => u.email)).toEqual(['delta@umbrella.test']);
  });

  it('getUsers includeInactive lists members whose membership is inactive', async () => {
    expect(await umbrellaEmails()).not.toContain('cedar@umbrella.example');
    expect(await umbrellaEmails({ includeInactive: true })).toContain('cedar@umbrella.example');
    // A company admin's own company is the default scope, and includeInactive applies there too.
    const byAdmin = async (param: Record<string, unknown>) => (await getUsers(param, users.amber!.who)).map((u) => u.email);
    expect(await byAdmin({})).not.toContain('cedar@umbrella.example');
    expect(await byAdmin({ includeInactive: true })).toContain('cedar@umbrella.example');
    // Without a company filter (a global IpsAdmin's view) an inactive membership counts for nothing either, role filter included.
    const cedar = { charFilterField: 'Email', charFilter: 'cedar' };
    expect((await getUsers(cedar)).map((u) => u.email)).toEqual([]);
    expect((await getUsers({ ...cedar, userRoleArray: ['IpsUser'] })).map((u) => u.email)).toEqual([]);
    expect((await getUsers({ ...cedar, includeInactive: true })).map((u) => u.email)).toEqual(['cedar@umbrella.example']);
    expect((await getUsers({ ...cedar, includeInactive: true, userRoleArray: ['IpsUser'] })).map((u) => u.email)).toEqual(['cedar@umbrella.example']);
    // A user with no membership at all (the global IpsAdmin this harness made) is still listed.
    expect((await getUsers({ charFilterField: 'Email', charFilter: ADMIN.email })).map((u) => u.email)).toEqual([ADMIN.email]);
  });

  it('getUsers companyHandleArray lists only members of those companies, a company admin only its own', async () => {
    const hooli = await getUsers({ companyHandleArray: [company.hooli], charFilterField: 'EndsWith', charFilter: '.test' });
    expect(hooli.map((u) => u.email).filter((e) => !e.startsWith('target@'))).toEqual(['amber@umbrella.test', 'gale@hooli.test', 'root@hooli.test']);
    // One company: each user's role there (amber is IpsUser in Hooli, IpsCompanyAdmin in Umbrella).
    expect(hooli.find((u) => u.email === 'amber@umbrella.test')!.role).toBe('IpsUser');
    expect(await umbrellaEmails({ charFilterField: 'StartsWith', charFilter: 'amber' })).toEqual(['amber@umbrella.test']);
    expect((await getUsers({ companyHandleArray: [company.umbrella], charFilterField: 'StartsWith', charFilter: 'amber' }))[0]!.role).toBe('IpsCompanyAdmin');

    const both = (await getUsers({ companyHandleArray: [company.umbrella, company.hooli] })).map((u) => u.email);
    expect(both).toEqual(expect.arrayContaining(['amber@umbrella.test', 'basil@umbrella.test', 'gale@hooli.test']));
    expect(await umbrellaEmails()).not.toContain('gale@hooli.test');

    // amber administers Umbrella only: Hooli (where she is IpsUser) is refused, naming the item.
    const foreign = await h.api('getUsers', { companyHandleArray: [company.umbrella, company.hooli] }, users.amber!.who);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ code: 20006, field: 'companyHandleArray.items[1]' });
  });

  it('getUsers userRoleArray lists only users with those roles', async () => {
    expect(await umbrellaEmails({ userRoleArray: ['IpsUser'] })).toEqual(['basil@umbrella.test', 'ember@umbrella.example']);
    expect(await umbrellaEmails({ userRoleArray: ['WebServiceUser'] })).toEqual(['flint@umbrella.test']);
    expect(await umbrellaEmails({ userRoleArray: ['WebServiceUser'], includeInvalid: true })).toEqual(['delta@umbrella.test', 'flint@umbrella.test']);
    const admins = await umbrellaEmails({ userRoleArray: { items: ['IpsCompanyAdmin', 'WebServiceUser'] }, charFilterField: 'EndsWith', charFilter: '.test' });
    expect(admins.filter((e) => ['amber', 'flint', 'basil'].some((n) => e.startsWith(`${n}@`)))).toEqual(['amber@umbrella.test', 'flint@umbrella.test']);
    expect(await umbrellaEmails({ userRoleArray: ['ImagePortalAdmin'] })).toEqual([]);
  });

  it('getUsers charFilterField + charFilter: FirstName, LastName, Email and StartsWith match a prefix, EndsWith a suffix, None nothing', async () => {
    // The same text matches different users depending on the field.
    expect(await umbrellaEmails({ charFilterField: 'FirstName', charFilter: 'o' })).toEqual(['flint@umbrella.test']); // Omar
    expect(await umbrellaEmails({ charFilterField: 'LastName', charFilter: 'o' })).toEqual([]);
    expect(await umbrellaEmails({ charFilterField: 'LastName', charFilter: 'R' })).toEqual(['ember@umbrella.example']); // Ruiz
    expect(await umbrellaEmails({ charFilterField: 'FirstName', charFilter: 'r' })).toEqual([]);
    expect(await umbrellaEmails({ charFilterField: 'Email', charFilter: 'B' })).toEqual(['basil@umbrella.test']);
    expect(await umbrellaEmails({ charFilterField: 'FirstName', charFilter: 'b' })).toEqual([]);
    // A prefix, not a substring: 'sloan' is basil's last name, 'loan' is not its start.
    expect(await umbrellaEmails({ charFilterField: 'LastName', charFilter: 'loan' })).toEqual([]);
    expect(await umbrellaEmails({ charFilterField: 'LastName', charFilter: 'SLO' })).toEqual(['basil@umbrella.test']);

    expect(await umbrellaEmails({ charFilterField: 'StartsWith', charFilter: 'em' })).toEqual(['ember@umbrella.example']);
    expect(await umbrellaEmails({ charFilterField: 'EndsWith', charFilter: '.EXAMPLE' })).toEqual(['ember@umbrella.example']);
    expect(await umbrellaEmails({ charFilterField: 'EndsWith', charFilter: '.example', includeInactive: true })).toEqual([
      'cedar@umbrella.example',
      'ember@umbrella.example',
    ]);
    expect(await umbrellaEmails({ charFilterField: 'StartsWith', charFilter: '.example' })).toEqual([]);
    // LIKE wildcards in the text are literal characters.
    expect(await umbrellaEmails({ charFilterField: 'Email', charFilter: '%' })).toEqual([]);
    expect(await umbrellaEmails({ charFilterField: 'EndsWith', charFilter: '_' })).toEqual([]);

    const everyone = await umbrellaEmails();
    expect(everyone.length).toBeGreaterThan(1);
    expect(await umbrellaEmails({ charFilterField: 'None', charFilter: 'zzz' })).toEqual(everyone);
  });

  it('getUsers sortBy orders by first name, last name, e-mail, validity or password expiry', async () => {
    const dotTest = { charFilterField: 'EndsWith', charFilter: '.test' };
    const pick = (emails: string[]) =>
      emails.filter((e) => ['amber', 'basil', 'ember', 'flint', 'delta'].includes(e.split('@')[0]!)).map((e) => e.split('@')[0]);
    const sorted = async (sortBy: string | undefined, extra: Record<string, unknown> = {}) =>
      pick(await umbrellaEmails({ ...(sortBy ? { sortBy } : {}), ...extra }));

    expect(await sorted(undefined)).toEqual(['amber', 'basil', 'ember', 'flint']);
    expect(await sorted('Email')).toEqual(['amber', 'basil', 'ember', 'flint']);
    expect(await sorted('FirstName')).toEqual(['ember', 'basil', 'amber', 'flint']); // Jade, Liam, Nora, Omar
    expect(await sorted('LastName')).toEqual(['flint', 'amber', 'ember', 'basil']); // Park, Quinn, Ruiz, Sloan
    expect(await sorted('PasswordExpiration')).toEqual(['basil', 'flint', 'ember', 'amber']); // 2080, 2085, 2090, 2095
    // Invalid before valid; by e-mail delta would be third.
    expect(await sorted('Email', { includeInvalid: true, ...dotTest })).toEqual(['amber', 'basil', 'delta', 'flint']);
    const byValid = await sorted('Valid', { includeInvalid: true, ...dotTest });
    expect(byValid[0]).toBe('delta');
    expect(byValid.slice(1).sort()).toEqual(['amber', 'basil', 'flint']);
    // Role: the role in the company listed — IpsCompanyAdmin, IpsUser (two), WebServiceUser.
    const byRole = await sorted('Role');
    expect([byRole[0], byRole[3]]).toEqual(['amber', 'flint']);
    expect(byRole.slice(1, 3).sort()).toEqual(['basil', 'ember']);
  });

  it('getUsers recordsPerPage + resultsPage page through the sorted list', async () => {
    const base = {
      companyHandleArray: [company.umbrella],
      userRoleArray: ['IpsCompanyAdmin', 'IpsUser', 'WebServiceUser'],
      charFilterField: 'EndsWith',
      charFilter: 'umbrella.test',
    };
    const full = (await getUsers(base)).map((u) => u.email);
    expect(full.length).toBeGreaterThanOrEqual(4);
    const page = async (resultsPage: number | undefined, recordsPerPage: number | undefined, extra: Record<string, unknown> = {}) =>
      (await getUsers({ ...base, ...extra, ...(resultsPage ? { resultsPage } : {}), ...(recordsPerPage ? { recordsPerPage } : {}) })).map((u) => u.email);

    expect(await page(undefined, 2)).toEqual(full.slice(0, 2));
    expect(await page(1, 2)).toEqual(full.slice(0, 2));
    expect(await page(2, 2)).toEqual(full.slice(2, 4));
    const pages: string[] = [];
    for (let n = 1; n <= Math.ceil(full.length / 3); n++) pages.push(...(await page(n, 3)));
    expect(pages).toEqual(full);
    expect(await page(Math.ceil(full.length / 3) + 1, 3)).toEqual([]);
    // Paging applies after sorting.
    const byFirst = (await getUsers({ ...base, sortBy: 'FirstName' })).map((u) => u.email);
    expect(byFirst).not.toEqual(full);
    expect(await page(2, 2, { sortBy: 'FirstName' })).toEqual(byFirst.slice(2, 4));
    // Without recordsPerPage every user is on page 1.
    expect(await page(2, undefined)).toEqual([]);

    const zero = await h.api('getUsers', { ...base, recordsPerPage: 0 });
    expect(zero.body).toMatchObject({ code: 30001, field: 'recordsPerPage' });
    const pageZero = await h.api('getUsers', { ...base, resultsPage: 0 });
    expect(pageZero.body).toMatchObject({ code: 30001, field: 'resultsPage' });
  });

  it('getUsers groupHandleArray is refused with 30001 naming it (this server has no user groups)', async () => {
    const r = await h.api('getUsers', { companyHandleArray: [company.umbrella], groupHandleArray: { items: ['g|marketing'] } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ fault: 'ipsApiFault', code: 30001, field: 'groupHandleArray' });
    expect(r.body.reason).toBe('groupHandleArray: expected no groups (user groups are not supported), received an array of 1');
  });

  it('checkLogin companyHandle: valid only for an active member of that company (or an IpsAdmin)', async () => {
    const gale = users.gale!.who;
    expect(await checkLogin(gale)).toBe('ValidLogin');
    expect(await checkLogin(gale, company.hooli)).toBe('ValidLogin');
    expect(await checkLogin(gale, company.umbrella)).toBe('InvalidLogin');
    expect(await checkLogin(gale, 'c|no-such-company')).toBe('InvalidLogin');
    // cedar's Umbrella membership is inactive.
    expect(await checkLogin(users.cedar!.who)).toBe('ValidLogin');
    expect(await checkLogin(users.cedar!.who, company.umbrella)).toBe('InvalidLogin');
    // amber is a member of both.
    expect(await checkLogin(users.amber!.who, company.umbrella)).toBe('ValidLogin');
    expect(await checkLogin(users.amber!.who, company.hooli)).toBe('ValidLogin');
    // The global IpsAdmin is valid for any company.
    expect(await checkLogin(users.root!.who, company.umbrella)).toBe('ValidLogin');
  });
});
