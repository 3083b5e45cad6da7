import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, startHarness } from '../support/harness.js';
import { validateAgainstServedXsd } from '../support/soap-xsd.js';
import { type ZeepCall, type ZeepResult, runZeep } from '../support/zeep.js';

const VERSIONS = ['2013-02-15', '2014-04-03'] as const;
type Version = (typeof VERSIONS)[number];

/**
 * The account and membership operations through Python zeep (strict) with the
 * WSDL each IPS version is served with; every reply is also validated against
 * the XSD that WSDL embeds, so the nested CompanyMember and CompanyMembership
 * shapes are checked by a parser the service did not write.
 */
describe(`accounts over SOAP through zeep, both IPS versions (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const wsdls = new Map<Version, string>();
  const wsdlUrl = (version: Version) => `${h.baseUrl}/scene7/webservice/IpsApi-${version}.wsdl`;

  const zeep = async (version: Version, calls: ZeepCall[]): Promise<ZeepResult[]> => {
    const results = await runZeep({ wsdl: wsdlUrl(version), user: acme.who.email, password: acme.who.password, calls });
    for (const r of results) {
      if (r.reply === null) continue;
      const check = validateAgainstServedXsd(wsdls.get(version)!, r.reply);
      expect(check.ok, `${version} ${r.op}: the reply does not validate against the served XSD: ${check.errors}\n${check.document ?? r.reply}`).toBe(true);
    }
    return results;
  };
  const valueOf = (r: ZeepResult): any => {
    if (!r.ok) throw new Error(`${r.op} failed through zeep: ${JSON.stringify('fault' in r ? r.fault : r.error)}\nreply: ${r.reply}`);
    return r.value;
  };

  beforeAll(async () => {
    h = await startHarness();
    acme = await companyWithUser(h, 'Acme', 'IpsCompanyAdmin');
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
    for (const version of VERSIONS) wsdls.set(version, await (await fetch(wsdlUrl(version))).text());
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
