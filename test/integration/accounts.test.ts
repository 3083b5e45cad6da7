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

  it('serves the OpenAPI document with every operation', async () => {
    const res = await fetch(`${h.baseUrl}/api/docs-json`);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/searchAssets', '/api/addUser', '/scene7/UploadFile']));
    expect((await fetch(`${h.baseUrl}/api/docs`)).status).toBe(200);
  });
});
