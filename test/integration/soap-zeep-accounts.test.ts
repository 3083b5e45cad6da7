import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, startHarness } from '../support/harness.js';
import { IPS_VERSIONS as VERSIONS, zeepSession } from '../support/zeep-session.js';

/**
 * The account and membership operations through Python zeep (strict) with the
 * WSDL each IPS version is served with; every reply is also validated against
 * the XSD that WSDL embeds, so the nested CompanyMember and CompanyMembership
 * shapes are checked by a parser the service did not write.
 */
describe(`accounts over SOAP through zeep, both IPS versions (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const { zeep, valueOf, loadWsdls } = zeepSession({ baseUrl: () => h.baseUrl, who: () => acme.who });

  beforeAll(async () => {
    h = await startHarness();
    // A fixed e-mail: getCompanyMembers sorts by e-mail, and a random one after "worker@…" reversed the expected order.
    acme = await companyWithUser(h, 'Acme', 'IpsCompanyAdmin', 'admin@acme.test');
    const worker = await h.api('addUser', {
      firstName: 'Wo',
      lastName: 'Rker',
      email: 'worker@acme.test',
      password: 'User-Pass-1',
      isValid: true,
      isIpsAdmin: false,
      membershipArray: [{ companyHandle: acme.companyHandle, role: 'IpsUser', isActive: false }],
    });
    expect(worker.status).toBe(200);
    await loadWsdls();
  });
  afterAll(async () => h?.close());

  describe.each(VERSIONS)('IPS %s', (version) => {
    it('getCompanyMembers, getCompanyMembership and getUserInfo', async () => {
      const [members, active, membership, info] = await zeep(version, [
        { op: 'getCompanyMembers', args: { companyHandle: acme.companyHandle, includeInvalid: false, includeInactive: true } },
        { op: 'getCompanyMembers', args: { companyHandle: acme.companyHandle, includeInvalid: false, includeInactive: false } },
        { op: 'getCompanyMembership', args: {} },
        { op: 'getUserInfo', args: { email: 'worker@acme.test' } },
      ]);
      const items = valueOf(members!) as Array<{ user: { email: string; isValid: boolean }; role: string; isActive: boolean }>;
      expect(items.map((m) => [m.user.email, m.role, m.isActive])).toEqual([
        [acme.who.email, 'IpsCompanyAdmin', true],
        ['worker@acme.test', 'IpsUser', false],
      ]);
      expect(valueOf(active!).map((m: { user: { email: string } }) => m.user.email)).toEqual([acme.who.email]);
      const companies = valueOf(membership!) as Array<{
        company: { companyHandle: string; name: string; rootPath: string };
        role: string;
        isActive: boolean;
      }>;
      expect(companies).toEqual([
        { company: expect.objectContaining({ companyHandle: acme.companyHandle, name: 'Acme', rootPath: 'Acme/' }), role: 'IpsCompanyAdmin', isActive: true },
      ]);
      expect(valueOf(info!)).toMatchObject({ email: 'worker@acme.test', firstName: 'Wo', isValid: true });
    });
  });
});
