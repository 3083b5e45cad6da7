import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type Harness, companyWithUser, startHarness } from '../support/harness.js';

describe(`account, asset and preset operations (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let globex: Awaited<ReturnType<typeof companyWithUser>>;

  beforeAll(async () => {
    h = await startHarness();
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    globex = await companyWithUser(h, 'Globex', 'IpsCompanyAdmin');
  });
  afterAll(async () => h?.close());

  it('authenticates every call: no credentials 10000, wrong password 10001 (HTTP 401)', async () => {
    const none = await h.api('getCompanyInfo', { companyHandle: acme.companyHandle }, null);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ fault: 'authenticationFault', code: 10000 });
    const wrong = await h.api('getCompanyInfo', { companyHandle: acme.companyHandle }, { email: ADMIN.email, password: 'nope-Nope-1' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ fault: 'authenticationFault', code: 10001, reason: 'Invalid username/password' });
  });

  it('refuses addCompany to a non-admin with 20003', async () => {
    const r = await h.api('addCompany', { companyName: 'Initech' }, acme.who);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ fault: 'authorizationFault', code: 20003 });
    expect(r.body.reason).toContain("operation 'addCompany'");
  });

  it('refuses a duplicate company name with 409', async () => {
    const r = await h.api('addCompany', { companyName: 'acme' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ fault: 'ipsApiFault', code: 30000, field: 'companyName' });
  });

  it('names a missing companyHandle with 30002', async () => {
    const r = await h.api('searchAssets', { includeSubfolders: true }, acme.who);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ fault: 'ipsApiFault', code: 30002, field: 'companyHandle' });
    expect(r.body.reason).toMatch(/companyHandle is required: expected string, received nothing/);
  });

  it('names an unknown field and a wrong type with 30001', async () => {
    const unknown = await h.api('searchAssets', { companyHandle: acme.companyHandle, includeSubfolders: true, recordPerPage: 5 }, acme.who);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 30001, field: 'recordPerPage' });
    const wrongType = await h.api('searchAssets', { companyHandle: acme.companyHandle, includeSubfolders: 'yes' }, acme.who);
    expect(wrongType.body).toMatchObject({ code: 30001, field: 'includeSubfolders' });
    expect(wrongType.body.reason).toBe("includeSubfolders: expected boolean, received 'yes'");
  });

  it("keeps company B's data from a user of company A (403, nothing leaked)", async () => {
    const search = await h.api('searchAssets', { companyHandle: globex.companyHandle, includeSubfolders: true }, acme.who);
    expect(search.status).toBe(403);
    expect(search.body).toMatchObject({ fault: 'authorizationFault', code: 20006 });
    expect(JSON.stringify(search.body)).not.toContain('Globex');
    const info = await h.api('getCompanyInfo', { companyName: 'Globex' }, acme.who);
    expect(info.status).toBe(403);
    expect(JSON.stringify(info.body)).not.toContain(globex.companyHandle);
    const missing = await h.api('getCompanyInfo', { companyName: 'NoSuchCo' }, acme.who);
    expect(missing.body).toEqual(info.body); // unknown and foreign look the same
  });

  it('answers getCompanyInfo and getAllCompanies', async () => {
    const own = await h.api('getCompanyInfo', { companyHandle: acme.companyHandle }, acme.who);
    expect(own.body.companyInfo).toEqual({ companyHandle: acme.companyHandle, name: 'Acme', rootPath: 'Acme/' });
    const all = await h.api('getAllCompanies', { includeExpired: true });
    expect(all.body.companyArray.items.map((c: { name: string }) => c.name)).toEqual(['Acme', 'Globex']);
    expect((await h.api('getAllCompanies', { includeExpired: true }, acme.who)).status).toBe(403);
  });

  it('checks logins without faulting on bad ones', async () => {
    expect((await h.api('checkLogin', { email: acme.who.email, password: acme.who.password }, acme.who)).body).toEqual({ status: 'ValidLogin' });
    expect((await h.api('checkLogin', { email: acme.who.email, password: 'Wrong-pass-1' }, acme.who)).body).toEqual({ status: 'InvalidLogin' });
    expect((await h.api('checkLogin', { email: acme.who.email, password: acme.who.password, companyHandle: globex.companyHandle }, acme.who)).body).toEqual({
      status: 'InvalidLogin',
    });
  });

  it('lets a company admin list only its own users; addUser enforces the password rules', async () => {
    const users = await h.api('getUsers', {}, globex.who);
    expect(users.status).toBe(200);
    expect(users.body.userArray.items.map((u: { email: string }) => u.email)).toEqual([globex.who.email]);
    expect(users.body.userArray.items[0]).toMatchObject({ role: 'IpsCompanyAdmin', isValid: true, isIpsAdmin: false });
    const foreign = await h.api('getUsers', { companyHandleArray: [acme.companyHandle] }, globex.who);
    expect(foreign.status).toBe(403);
    const weak = await h.api(
      'addUser',
      {
        firstName: 'W',
        lastName: 'K',
        email: 'weak@globex.test',
        password: 'password',
        isValid: true,
        isIpsAdmin: false,
        membershipArray: [{ companyHandle: globex.companyHandle, role: 'IpsUser', isActive: true }],
      },
      globex.who,
    );
    expect(weak.body).toMatchObject({ code: 30001, field: 'password' });
    const intoForeign = await h.api(
      'addUser',
      {
        firstName: 'W',
        lastName: 'K',
        email: 'x@globex.test',
        password: 'Strong-pass-1',
        isValid: true,
        isIpsAdmin: false,
        membershipArray: [{ companyHandle: acme.companyHandle, role: 'IpsUser', isActive: true }],
      },
      globex.who,
    );
    expect(intoForeign.status).toBe(403);
    expect(intoForeign.body).toMatchObject({ code: 20006, field: 'membershipArray.items[0].companyHandle' });
  });

  it('changes passwords: own yes, someone else only as IpsAdmin', async () => {
    const other = await h.api('setPassword', { userHandle: globex.userHandle, password: 'Another-pass-2' }, acme.who);
    expect(other.body).toMatchObject({ code: 20007 });
    expect((await h.api('setPassword', { password: 'Changed-pass-3' }, acme.who)).status).toBe(200);
    expect((await h.api('checkLogin', { email: acme.who.email, password: acme.who.password }, ADMIN)).body.status).toBe('InvalidLogin');
    acme.who = { ...acme.who, password: 'Changed-pass-3' };
    expect((await h.api('checkLogin', { email: acme.who.email, password: 'Changed-pass-3' }, acme.who)).body.status).toBe('ValidLogin');
  });

  it('gets and sets CompanySettings as a company admin; settings this server does not have are refused', async () => {
    const c = globex.companyHandle;
    expect((await h.api('getCompanySettings', { companyHandle: c }, globex.who)).body).toEqual({
      settings: { overwriteMode: 'OverwriteAnyExtAnyFolder', retainPublishState: false, emailTrashCleanupWarning: false },
    });
    expect(
      (await h.api('setCompanySettings', { companyHandle: c, retainPublishState: true, overwriteMode: 'OverwriteAnyExtAnyFolder' }, globex.who)).body,
    ).toEqual({});
    expect((await h.api('getCompanySettings', { companyHandle: c }, globex.who)).body.settings.retainPublishState).toBe(true);
    // Another company's setting is untouched.
    expect((await h.api('getCompanySettings', { companyHandle: acme.companyHandle })).body.settings.retainPublishState).toBe(false);

    const unsupported = await h.api('setCompanySettings', { companyHandle: c, retainPublishState: false, defaultSourceProfileHandle: 'a|1' }, globex.who);
    expect(unsupported.status).toBe(400);
    expect(unsupported.body).toMatchObject({ code: 30001, field: 'defaultSourceProfileHandle' });
    expect(unsupported.body.reason).toMatch(
      /^defaultSourceProfileHandle: expected no defaultSourceProfileHandle \(this server keeps no default colour profiles/,
    );
    // Refused as a whole: retainPublishState in the same call did not change.
    expect((await h.api('getCompanySettings', { companyHandle: c }, globex.who)).body.settings.retainPublishState).toBe(true);
    expect((await h.api('setCompanySettings', { companyHandle: c, overwriteMode: 'OverwriteFullName' }, globex.who)).body).toMatchObject({
      code: 30001,
      field: 'overwriteMode',
    });

    // IpsUser is no company admin; a foreign company is refused too.
    expect((await h.api('getCompanySettings', { companyHandle: acme.companyHandle }, acme.who)).body).toMatchObject({
      fault: 'authorizationFault',
      code: 20003,
    });
    expect((await h.api('setCompanySettings', { companyHandle: acme.companyHandle, retainPublishState: true }, globex.who)).body).toMatchObject({
      fault: 'authorizationFault',
      code: 20006,
    });
    expect((await h.api('getCompanySettings', { companyHandle: 'c|no-such' })).status).toBe(404);
  });

  it('saves, lists, updates and deletes image presets with the 512-character limit', async () => {
    const c = acme.companyHandle;
    const saved = await h.api('saveImageFormat', { companyHandle: c, name: 'thumb', urlModifier: '?wid=400&hei=400&fmt=jpeg&qlt=75,0' }, acme.who);
    expect(saved.status).toBe(200);
    const handle = saved.body.imageFormatHandle;
    expect((await h.api('saveImageFormat', { companyHandle: c, name: 'THUMB', urlModifier: 'wid=1' }, acme.who)).status).toBe(409);
    const tooLong = await h.api('saveImageFormat', { companyHandle: c, name: 'big', urlModifier: `wid=1&${'x'.repeat(520)}` }, acme.who);
    expect(tooLong.body).toMatchObject({ code: 30001, field: 'urlModifier' });
    expect(tooLong.body.reason).toContain('at most 512 characters');
    expect((await h.api('saveImageFormat', { companyHandle: c, imageFormatHandle: handle, name: 'thumb', urlModifier: 'wid=200' }, acme.who)).body).toEqual({
      imageFormatHandle: handle,
    });
    const list = await h.api('getImageFormats', { companyHandle: c }, acme.who);
    expect(list.body).toEqual({ imageFormatArray: { items: [{ imageFormatHandle: handle, name: 'thumb', urlModifier: 'wid=200' }] } });
    expect((await h.api('getImageFormats', { companyHandle: c }, globex.who)).status).toBe(403);
    expect((await h.api('deleteImageFormat', { companyHandle: c, imageFormatHandle: handle }, acme.who)).status).toBe(200);
    const again = await h.api('deleteImageFormat', { companyHandle: c, imageFormatHandle: handle }, acme.who);
    expect(again.status).toBe(404);
  });

  it('answers unknown operations, malformed JSON and oversized bodies with faults', async () => {
    expect((await h.api('noSuchOperation', {})).body).toMatchObject({ fault: 'ipsApiFault', code: 30003 });
    const bad = await h.api('getCompanyInfo', '{"companyHandle": ', ADMIN);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 30003 });
    const huge = await h.api('getCompanyInfo', { companyName: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
  });

  it('serves the OpenAPI document with every operation, grouped by tag, with examples', async () => {
    const res = await fetch(`${h.baseUrl}/api/docs-json`);
    const doc = (await res.json()) as { tags: Array<{ name: string }>; paths: Record<string, Record<string, any>> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/searchAssets', '/api/addUser', '/scene7/UploadFile', '/is/image/{rootId}/{name}', '/export/{token}']),
    );
    expect(doc.tags.map((t) => t.name)).toEqual(['accounts', 'assets', 'folders', 'presets', 'jobs', 'job logs', 'uploads', 'delivery']);
    expect(doc.paths['/api/submitJob']!.post.tags).toEqual(['jobs']);
    expect(doc.paths['/api/submitJob']!.post.requestBody.content['application/json'].example).toHaveProperty('reprocessAssetsJob');
    expect((await fetch(`${h.baseUrl}/api/docs`)).status).toBe(200);
  });
});

/** Users and memberships (docs/accounts.md): what each caller may see and change. */
describe(`users and company memberships (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let globex: Awaited<ReturnType<typeof companyWithUser>>;
  /** an IpsUser of Acme */
  let worker: Awaited<ReturnType<typeof companyWithUser>>;
  const membership = (companyHandle: string, role: string, isActive = true) => ({ companyHandle, role, isActive });

  beforeAll(async () => {
    h = await startHarness();
    acme = await companyWithUser(h, 'Acme', 'IpsCompanyAdmin');
    globex = await companyWithUser(h, 'Globex', 'IpsCompanyAdmin');
    const added = await h.api('addUser', {
      firstName: 'Wo',
      lastName: 'Rker',
      email: 'worker@acme.test',
      password: 'User-Pass-1',
      isValid: true,
      isIpsAdmin: false,
      membershipArray: [membership(acme.companyHandle, 'IpsUser')],
    });
    worker = { companyHandle: acme.companyHandle, userHandle: added.body.userHandle, who: { email: 'worker@acme.test', password: 'User-Pass-1' } };
  });
  afterAll(async () => h?.close());

  it('getUserInfo: yourself by default; a company admin its members; unknown and foreign users look alike', async () => {
    expect((await h.api('getUserInfo', {}, worker.who)).body.userInfo).toMatchObject({
      userHandle: worker.userHandle,
      email: 'worker@acme.test',
      isValid: true,
    });
    expect((await h.api('getUserInfo', { email: 'WORKER@acme.test' }, acme.who)).body.userInfo.userHandle).toBe(worker.userHandle);
    const foreign = await h.api('getUserInfo', { userHandle: worker.userHandle }, globex.who);
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ fault: 'authorizationFault', code: 20007, field: 'userHandle' });
    const unknown = await h.api('getUserInfo', { userHandle: 'u|nobody|nobody@acme.test' }, globex.who);
    expect(unknown.body).toEqual(foreign.body);
    expect((await h.api('getUserInfo', { userHandle: acme.userHandle }, worker.who)).body).toMatchObject({ code: 20007 });
    expect((await h.api('getUserInfo', { userHandle: 'u|nobody|nobody@acme.test' })).status).toBe(404);
    // A handle and an e-mail of two different users name nobody.
    expect((await h.api('getUserInfo', { userHandle: worker.userHandle, email: acme.who.email })).status).toBe(404);
  });

  it('getCompanyMembers lists one company; getAllUsers the companies a caller administers', async () => {
    const members = await h.api('getCompanyMembers', { companyHandle: acme.companyHandle, includeInvalid: false }, acme.who);
    expect(members.status).toBe(200);
    const items = members.body.memberArray.items as Array<{ user: { email: string }; role: string; isActive: boolean }>;
    expect(items.map((m) => [m.user.email, m.role, m.isActive])).toEqual(
      [
        [acme.who.email, 'IpsCompanyAdmin', true],
        ['worker@acme.test', 'IpsUser', true],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect((await h.api('getCompanyMembers', { companyHandle: acme.companyHandle, includeInvalid: false }, globex.who)).body).toMatchObject({ code: 20006 });
    expect((await h.api('getCompanyMembers', { companyHandle: acme.companyHandle, includeInvalid: false }, worker.who)).body).toMatchObject({ code: 20003 });
    const mine = await h.api('getAllUsers', { includeInvalid: true }, globex.who);
    expect(mine.body.userArray.items.map((u: { email: string }) => u.email)).toEqual([globex.who.email]);
    const all = await h.api('getAllUsers', { includeInvalid: true });
    expect(all.body.userArray.items.map((u: { email: string }) => u.email)).toEqual(
      expect.arrayContaining([acme.who.email, globex.who.email, 'worker@acme.test', ADMIN.email]),
    );
  });

  it('add, set and remove memberships within the companies a caller administers', async () => {
    const w = worker.userHandle;
    // Globex's admin cannot reach Acme's worker, nor put anyone into Acme.
    expect(
      (await h.api('addCompanyMembership', { userHandle: w, membershipArray: [membership(globex.companyHandle, 'IpsUser')] }, globex.who)).body,
    ).toMatchObject({
      code: 20007,
    });
    expect(
      (await h.api('addCompanyMembership', { userHandle: globex.userHandle, membershipArray: [membership(acme.companyHandle, 'IpsUser')] }, acme.who)).body,
    ).toMatchObject({
      code: 20007,
    });
    // The IpsAdmin may: the worker joins Globex.
    expect((await h.api('addCompanyMembership', { userHandle: w, membershipArray: [membership(globex.companyHandle, 'IpsUser')] })).status).toBe(200);
    const again = await h.api('addCompanyMembership', { userHandle: w, membershipArray: [membership(globex.companyHandle, 'IpsUser')] });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 30000, field: 'membershipArray.items[0].companyHandle' });
    // Each admin sees only its own company among the worker's memberships.
    const seenByAcme = await h.api('getCompanyMembership', { userHandle: w }, acme.who);
    expect(seenByAcme.body.membershipArray.items).toEqual([
      { company: expect.objectContaining({ companyHandle: acme.companyHandle, name: 'Acme' }), role: 'IpsUser', isActive: true },
    ]);
    const own = await h.api('getCompanyMembership', {}, worker.who);
    expect(own.body.membershipArray.items.map((m: { company: { name: string } }) => m.company.name)).toEqual(['Acme', 'Globex']);
    // The worker's account now spans Globex, which Acme's admin does not administer.
    const rename = { userHandle: w, firstName: 'New', lastName: 'Name', email: 'worker@acme.test', isValid: true };
    expect((await h.api('setUserInfo', rename, acme.who)).body).toMatchObject({ code: 20007, field: 'userHandle' });
    // Acme's admin changes the worker's role in Acme, not in Globex.
    expect(
      (await h.api('setCompanyMembership', { userHandle: w, membershipArray: [membership(acme.companyHandle, 'ImagePortalUser')] }, acme.who)).status,
    ).toBe(200);
    expect(
      (await h.api('setCompanyMembership', { userHandle: w, membershipArray: [membership(globex.companyHandle, 'IpsCompanyAdmin')] }, acme.who)).body,
    ).toMatchObject({
      code: 20006,
      field: 'membershipArray.items[0].companyHandle',
    });
    // The new role holds at once, cached login or not: ImagePortalUser may not submit jobs.
    expect((await h.api('getCompanyMembership', {}, worker.who)).body.membershipArray.items[0]).toMatchObject({ role: 'ImagePortalUser' });
    // Now a member of Globex, the worker is within reach of Globex's admin, who removes it.
    expect((await h.api('removeCompanyMembership', { userHandle: w, companyHandleArray: [globex.companyHandle] }, globex.who)).status).toBe(200);
    const notMember = await h.api('removeCompanyMembership', { userHandle: w, companyHandleArray: [globex.companyHandle] });
    expect(notMember.body).toMatchObject({ code: 30001, field: 'companyHandleArray.items[0]' });
    // Back inside Acme only: Acme's admin may now rename the worker.
    expect((await h.api('setUserInfo', rename, acme.who)).status).toBe(200);
    expect((await h.api('getUserInfo', { userHandle: w }, acme.who)).body.userInfo).toMatchObject({ firstName: 'New', lastName: 'Name' });
  });

  it('keeps users from raising themselves and companies from losing their last administrator', async () => {
    const self = await h.api('setCompanyMembership', { membershipArray: [membership(acme.companyHandle, 'ImagePortalAdmin')] }, acme.who);
    expect(self.body).toMatchObject({ fault: 'authorizationFault', code: 20007, field: 'userHandle' });
    const grantIpsAdmin = await h.api(
      'setCompanyMembership',
      { userHandle: worker.userHandle, membershipArray: [membership(acme.companyHandle, 'IpsAdmin')] },
      acme.who,
    );
    expect(grantIpsAdmin.body).toMatchObject({ code: 20005, field: 'membershipArray.items[0].role' });
    const ipsAdminFlag = { userHandle: worker.userHandle, firstName: 'New', lastName: 'Name', email: 'worker@acme.test', isValid: true, isIpsAdmin: true };
    expect((await h.api('setUserInfo', ipsAdminFlag, acme.who)).body).toMatchObject({ code: 20005, field: 'isIpsAdmin' });
    const disableSelf = await h.api('setUserInfo', { firstName: 'A', lastName: 'B', email: acme.who.email, isValid: false }, acme.who);
    expect(disableSelf.body).toMatchObject({ code: 20005, field: 'isValid' });
    // Acme's only administrator cannot leave it...
    const leave = await h.api('removeCompanyMembership', { userHandle: acme.userHandle, companyHandleArray: [acme.companyHandle] }, acme.who);
    expect(leave.status).toBe(409);
    expect(leave.body).toMatchObject({ code: 30000, field: 'companyHandleArray.items[0]' });
    expect(leave.body.reason).toContain('without an active administrator');
    // ...nor empty it (IPS: no userHandle removes every member)...
    expect((await h.api('removeCompanyMembership', { companyHandleArray: [acme.companyHandle] }, acme.who)).status).toBe(409);
    // ...until another member administers it.
    expect(
      (await h.api('setCompanyMembership', { userHandle: worker.userHandle, membershipArray: [membership(acme.companyHandle, 'IpsCompanyAdmin')] }, acme.who))
        .status,
    ).toBe(200);
    // Emptying it would still leave it without one.
    expect((await h.api('removeCompanyMembership', { companyHandleArray: [acme.companyHandle] }, acme.who)).status).toBe(409);
    expect((await h.api('removeCompanyMembership', { userHandle: acme.userHandle, companyHandleArray: [acme.companyHandle] }, acme.who)).status).toBe(200);
    // Its former administrator belongs to no company now (20000, as any user without an active membership).
    expect((await h.api('getCompanyMembers', { companyHandle: acme.companyHandle, includeInvalid: true }, acme.who)).body).toMatchObject({ code: 20000 });
  });

  it('setUserInfo changes the login e-mail (not the handle), refuses one in use, and can disable an account', async () => {
    const taken = await h.api('setUserInfo', { userHandle: worker.userHandle, firstName: 'W', lastName: 'R', email: globex.who.email, isValid: true });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ field: 'email' });
    const moved = {
      userHandle: worker.userHandle,
      firstName: 'W',
      lastName: 'R',
      email: 'Moved@Acme.test',
      isValid: true,
      passwordExpires: '2099-01-01T00:00:00Z',
    };
    expect((await h.api('setUserInfo', moved)).status).toBe(200);
    const info = (await h.api('getUserInfo', { userHandle: worker.userHandle })).body.userInfo;
    expect(info).toMatchObject({ userHandle: worker.userHandle, email: 'moved@acme.test', passwordExpires: '2099-01-01T00:00:00.000Z' });
    expect((await h.api('getUserInfo', {}, worker.who)).status).toBe(401);
    const movedWho = { email: 'moved@acme.test', password: worker.who.password };
    expect((await h.api('getUserInfo', {}, movedWho)).status).toBe(200);
    // 2013-02-15's defaultRole is refused by name; roles are per company.
    expect((await h.api('setUserInfo', { ...moved, defaultRole: 'IpsUser' })).body).toMatchObject({ code: 30001, field: 'defaultRole' });
    expect((await h.api('setUserInfo', { ...moved, isValid: false })).status).toBe(200);
    expect((await h.api('getUserInfo', {}, movedWho)).status).toBe(401);
  });
});
