import { describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { OPERATION_ACCESS, type OperationName, ROLES, type Role } from '../../src/domain/roles.js';
import { AuthService } from '../../src/services/auth.service.js';
import type { Principal } from '../../src/services/principal.js';
import { faultOf } from '../support/faults.js';

const auth = new AuthService({ users: {} as never, hasher: {} as never, cacheSeconds: 0 });
const OPERATIONS = Object.keys(OPERATION_ACCESS) as OperationName[];
const COMPANY_SCOPED = OPERATIONS.filter((op) => OPERATION_ACCESS[op].scope === 'company');

function principal(memberships: Principal['memberships'], isIpsAdmin = false): Principal {
  return { userHandle: 'u1', email: 'u1@example.com', isIpsAdmin, memberships };
}
const memberOfA = (role: Role, isActive = true) => principal([{ companyHandle: 'A', role, isActive }]);

/** Company-scoped operations are asked about company A; the others without a company. */
const companyFor = (op: OperationName) => (OPERATION_ACCESS[op].scope === 'company' ? 'A' : undefined);

const matrix = OPERATIONS.flatMap((op) => ROLES.map((role) => ({ op, role, allowed: (OPERATION_ACCESS[op].roles as readonly Role[]).includes(role) })));

describe('AuthService.authorize: operation × role matrix (member of company A)', () => {
  it('covers every operation and role', () => {
    expect(matrix.length).toBe(OPERATIONS.length * ROLES.length);
    expect(matrix.some((c) => c.allowed)).toBe(true);
    expect(matrix.some((c) => !c.allowed)).toBe(true);
  });

  it.each(matrix)('$op as $role → allowed: $allowed', ({ op, role, allowed }) => {
    const p = memberOfA(role);
    if (allowed) {
      expect(auth.authorize(p, op, companyFor(op))).toBe(role);
    } else {
      const f = faultOf(() => auth.authorize(p, op, companyFor(op)));
      expect(f.code).toBe(FaultCode.NoOperationPermission);
      expect(f.code).toBe(20003);
      expect(f.reason).toContain(`'${op}'`);
      expect(f.httpStatus).toBe(403);
    }
  });
});

describe('AuthService.authorize: foreign company', () => {
  const cases = COMPANY_SCOPED.flatMap((op) => ROLES.map((role) => ({ op, role })));

  it('has company-scoped operations to check', () => {
    expect(COMPANY_SCOPED.length).toBeGreaterThan(0);
  });

  it.each(cases)('$op as $role of A asking for B → 20006', ({ op, role }) => {
    const f = faultOf(() => auth.authorize(memberOfA(role), op, 'B'));
    expect(f.code).toBe(FaultCode.IllegalCompany);
    expect(f.field).toBe('companyHandle');
  });

  it('an inactive membership in the requested company is treated as none', () => {
    const p = principal([
      { companyHandle: 'A', role: 'IpsUser', isActive: false },
      { companyHandle: 'B', role: 'IpsUser', isActive: true },
    ]);
    expect(faultOf(() => auth.authorize(p, 'searchAssets', 'A')).code).toBe(20006);
    expect(auth.authorize(p, 'searchAssets', 'B')).toBe('IpsUser');
  });

  it('uses the role held in the requested company, not another one', () => {
    const p = principal([
      { companyHandle: 'A', role: 'IpsCompanyAdmin', isActive: true },
      { companyHandle: 'B', role: 'ImagePortalUser', isActive: true },
    ]);
    expect(auth.authorize(p, 'saveImageFormat', 'A')).toBe('IpsCompanyAdmin');
    expect(faultOf(() => auth.authorize(p, 'saveImageFormat', 'B')).code).toBe(20003);
  });

  it('without a company, any active membership with an allowed role is used', () => {
    const p = principal([
      { companyHandle: 'A', role: 'ImagePortalUser', isActive: true },
      { companyHandle: 'B', role: 'IpsCompanyAdmin', isActive: true },
      { companyHandle: 'C', role: 'IpsAdmin', isActive: false },
    ]);
    expect(auth.authorize(p, 'addUser')).toBe('IpsCompanyAdmin');
    expect(faultOf(() => auth.authorize(p, 'getAllCompanies')).code).toBe(20003);
  });
});

describe('AuthService.authorize: IpsAdmin and inactive users', () => {
  it.each(OPERATIONS)('IpsAdmin without memberships on %s', (op) => {
    const admin = principal([], true);
    const listed = (OPERATION_ACCESS[op].roles as readonly Role[]).includes('IpsAdmin');
    for (const company of [undefined, 'A', 'anything']) {
      if (listed) expect(auth.authorize(admin, op, company)).toBe('IpsAdmin');
      else expect(faultOf(() => auth.authorize(admin, op, company)).code).toBe(20003);
    }
  });

  it.each(OPERATIONS)('a user with only inactive memberships is refused %s with 20000', (op) => {
    const p = principal([
      { companyHandle: 'A', role: 'IpsAdmin', isActive: false },
      { companyHandle: 'B', role: 'IpsUser', isActive: false },
    ]);
    for (const company of [undefined, 'A']) {
      const f = faultOf(() => auth.authorize(p, op, company));
      expect(f.code).toBe(FaultCode.InvalidCompany);
      expect(f.reason).toContain('no active company membership');
    }
  });

  it('a user with no memberships at all gets 20000', () => {
    expect(faultOf(() => auth.authorize(principal([]), 'searchAssets', 'A')).code).toBe(20000);
  });
});

describe('AuthService.companiesWithRole', () => {
  it('is undefined (all companies) for IpsAdmin', () => {
    expect(auth.companiesWithRole(principal([], true), ['IpsUser'])).toBeUndefined();
  });

  it('lists active memberships holding one of the roles', () => {
    const p = principal([
      { companyHandle: 'A', role: 'IpsCompanyAdmin', isActive: true },
      { companyHandle: 'B', role: 'IpsUser', isActive: true },
      { companyHandle: 'C', role: 'IpsCompanyAdmin', isActive: false },
      { companyHandle: 'D', role: 'TrialSiteAdmin', isActive: true },
    ]);
    expect(auth.companiesWithRole(p, ['IpsCompanyAdmin', 'TrialSiteAdmin'])).toEqual(['A', 'D']);
    expect(auth.companiesWithRole(p, ['WebServiceUser'])).toEqual([]);
  });
});

describe('AuthService.parseBasic', () => {
  const basic = (s: string) => `Basic ${Buffer.from(s, 'utf8').toString('base64')}`;

  it('decodes email and password, splitting at the first colon', () => {
    expect(AuthService.parseBasic(basic('a@b.com:pa:ss'))).toEqual({ email: 'a@b.com', password: 'pa:ss' });
    expect(AuthService.parseBasic(basic('a@b.com:'))).toEqual({ email: 'a@b.com', password: '' });
    expect(AuthService.parseBasic(basic('ü@b.com:pässwörd'))).toEqual({ email: 'ü@b.com', password: 'pässwörd' });
  });

  it('accepts any case of the scheme and trailing spaces', () => {
    const token = Buffer.from('a@b.com:x').toString('base64');
    expect(AuthService.parseBasic(`basic ${token}  `)).toEqual({ email: 'a@b.com', password: 'x' });
    expect(AuthService.parseBasic(`BASIC   ${token}`)).toEqual({ email: 'a@b.com', password: 'x' });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['another scheme', `Bearer ${Buffer.from('a@b.com:x').toString('base64')}`],
    ['no colon', basic('a@b.com')],
    ['empty user', basic(':secret')],
    ['not base64', 'Basic !!!'],
    ['no token', 'Basic '],
  ])('%s → undefined', (_name, header) => {
    expect(AuthService.parseBasic(header)).toBeUndefined();
  });
});
