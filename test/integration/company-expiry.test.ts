import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadPost } from '../support/fixtures.js';
import { type Harness, basic, startHarness } from '../support/harness.js';

const PASSWORD = 'User-Pass-1';
const EXPIRED_FAULT = { fault: 'authorizationFault', code: 20000, field: 'companyHandle' };

/**
 * A company past its `expires` (docs/accounts.md#company-expiry): every
 * company-scoped call of its users and the UploadFile servlet answer
 * authorizationFault 20000, whatever the role; the same users keep their
 * other companies, and the global IpsAdmin still manages the expired one.
 */
describe(`company expiry (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let lapsed: string;
  let live: string;
  const admin = { email: 'admin@lapsed.test', password: PASSWORD };

  const addCompany = async (companyName: string, expires?: string) => {
    const r = await h.api('addCompany', { companyName, ...(expires ? { expires } : {}) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.companyInfo.companyHandle as string;
  };
  const addUser = async (email: string, membershipArray: Array<{ companyHandle: string; role: string; isActive: boolean }>) => {
    const r = await h.api('addUser', { firstName: 'E', lastName: 'X', email, password: PASSWORD, isValid: true, isIpsAdmin: false, membershipArray });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.userHandle as string;
  };

  beforeAll(async () => {
    h = await startHarness();
    lapsed = await addCompany('Lapsed', '2001-01-01T00:00:00Z');
    live = await addCompany('Live');
    await addUser(admin.email, [
      { companyHandle: lapsed, role: 'IpsCompanyAdmin', isActive: true },
      { companyHandle: live, role: 'IpsUser', isActive: true },
    ]);
  });
  afterAll(async () => h?.close());

  it("answers 20000 on the expired company's operations, whatever the role, and leaves the user's other companies alone", async () => {
    const calls: Array<[string, Record<string, unknown>]> = [
      ['searchAssets', { companyHandle: lapsed, includeSubfolders: true }],
      ['getCompanyMembers', { companyHandle: lapsed, includeInvalid: true }],
      ['getCompanySettings', { companyHandle: lapsed }],
      ['setCompanySettings', { companyHandle: lapsed, retainPublishState: true }],
      ['getImageFormats', { companyHandle: lapsed }],
      ['getJobLogs', { companyHandle: lapsed }],
      ['getCompanyInfo', { companyHandle: lapsed }],
    ];
    for (const [op, body] of calls) {
      const r = await h.api(op, body, admin);
      expect(r.status, `${op}: ${JSON.stringify(r.body)}`).toBe(403);
      expect(r.body, op).toMatchObject(EXPIRED_FAULT);
    }
    expect((await h.api('searchAssets', { companyHandle: live, includeSubfolders: true }, admin)).status).toBe(200);
    // The global IpsAdmin still reads and manages the expired company.
    expect((await h.api('searchAssets', { companyHandle: lapsed, includeSubfolders: true })).status).toBe(200);
    expect((await h.api('setCompanySettings', { companyHandle: lapsed, retainPublishState: true })).status).toBe(200);
    const members = await h.api('getCompanyMembers', { companyHandle: lapsed, includeInvalid: true });
    expect(members.body.memberArray.items.map((m: { user: { email: string } }) => m.user.email)).toEqual([admin.email]);
  });

  it('refuses an upload into the expired company with 20000 before any job starts', async () => {
    const r = await uploadPost(h.baseUrl, { params: { companyHandle: lapsed, jobName: 'late' }, files: [], authorization: basic(admin) });
    expect(JSON.stringify(r.body)).toContain('20000');
    expect(r.body).toMatchObject({ fault: 'authorizationFault', code: 20000 });
    const jobs = await h.api('getJobLogs', { companyHandle: lapsed });
    expect(jobs.body.jobLogArray.items).toEqual([]);
  });

  it("takes the expired company out of its administrator's reach: no members to list or change, no valid login there", async () => {
    expect((await h.api('getAllUsers', { includeInvalid: true }, admin)).body).toEqual({ userArray: { items: [] } });
    const other = await addUser('other@lapsed.test', [{ companyHandle: lapsed, role: 'IpsUser', isActive: true }]);
    const change = await h.api(
      'setCompanyMembership',
      { userHandle: other, membershipArray: [{ companyHandle: lapsed, role: 'IpsCompanyAdmin', isActive: true }] },
      admin,
    );
    expect(change.body).toMatchObject({ fault: 'authorizationFault', code: 20007 });
    expect((await h.api('checkLogin', { email: admin.email, password: PASSWORD, companyHandle: lapsed })).body).toEqual({ status: 'InvalidLogin' });
    expect((await h.api('checkLogin', { email: admin.email, password: PASSWORD, companyHandle: live })).body).toEqual({ status: 'ValidLogin' });
  });

  it('closes a company the moment it expires, even to a login remembered from before', async () => {
    const soon = await addCompany('Soon', new Date(Date.now() + 2_500).toISOString());
    const who = { email: 'user@soon.test', password: PASSWORD };
    await addUser(who.email, [{ companyHandle: soon, role: 'IpsUser', isActive: true }]);
    expect((await h.api('searchAssets', { companyHandle: soon, includeSubfolders: true }, who)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await h.api('searchAssets', { companyHandle: soon, includeSubfolders: true }, who)).body).toMatchObject(EXPIRED_FAULT);
  });
});
