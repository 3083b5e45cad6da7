import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../src/adapters/security/password-hasher.js';
import { AuthService } from '../../src/services/auth.service.js';

/**
 * The remembered-password cache holds only "this password matches this stored
 * hash"; everything else is read at each call, so a change written by another
 * API replica (which cannot clear this process's cache) holds at once.
 */
describe('AuthService: remembered passwords are safe across replicas', () => {
  async function setup() {
    const real = new PasswordHasher();
    let kdfRuns = 0;
    const hasher = {
      hash: (p: string) => real.hash(p),
      burn: (p: string) => real.burn(p),
      verify: async (p: string, stored: string) => {
        kdfRuns++;
        return real.verify(p, stored);
      },
    };
    const user = {
      user_handle: 'u|1',
      email: 'ann@example.com',
      password_hash: await real.hash('Old-Pass-1'),
      is_valid: 1,
      is_ips_admin: 0,
      password_expires: null as string | null,
    };
    const memberships = [{ company_handle: 'c|1', role: 'IpsCompanyAdmin', is_active: 1, company_expires: null as string | null }];
    const users = {
      findByEmail: async (email: string) => (email.toLowerCase() === user.email ? { ...user } : undefined),
      memberships: async () => memberships.map((m) => ({ ...m })),
    };
    const auth = new AuthService({ users: users as never, hasher: hasher as never, cacheSeconds: 600 });
    return { auth, user, memberships, real, kdfRuns: () => kdfRuns };
  }
  const old = { email: 'ann@example.com', password: 'Old-Pass-1' };

  it('skips the KDF for a remembered password, and refuses it as soon as the stored hash changes', async () => {
    const s = await setup();
    await s.auth.authenticate(old);
    await s.auth.authenticate(old);
    expect(s.kdfRuns()).toBe(1);
    // Another replica changed the password: this one's cache was not cleared.
    s.user.password_hash = await s.real.hash('New-Pass-2');
    await expect(s.auth.authenticate(old)).rejects.toMatchObject({ code: 10001 });
    expect((await s.auth.authenticate({ email: old.email, password: 'New-Pass-2' })).userHandle).toBe('u|1');
  });

  it('refuses a deactivated user or an expired password at once, remembered or not', async () => {
    const s = await setup();
    await s.auth.authenticate(old);
    s.user.is_valid = 0;
    await expect(s.auth.authenticate(old)).rejects.toMatchObject({ code: 10001 });
    s.user.is_valid = 1;
    s.user.password_expires = '2000-01-01T00:00:00.000Z';
    await expect(s.auth.authenticate(old)).rejects.toMatchObject({ code: 10001 });
    expect(s.kdfRuns()).toBe(1);
  });

  it('reads the memberships at each call: a role or activity change shows at once', async () => {
    const s = await setup();
    expect(s.auth.authorize(await s.auth.authenticate(old), 'addUser', 'c|1')).toBe('IpsCompanyAdmin');
    s.memberships[0]!.role = 'IpsUser';
    const demoted = await s.auth.authenticate(old);
    expect(() => s.auth.authorize(demoted, 'addUser', 'c|1')).toThrow(/permission/);
    expect(s.auth.authorize(demoted, 'getCompanyInfo', 'c|1')).toBe('IpsUser');
    s.memberships[0]!.is_active = 0;
    const inactive = await s.auth.authenticate(old);
    expect(() => s.auth.authorize(inactive, 'getCompanyInfo', 'c|1')).toThrow(/no active company membership/);
    expect(s.kdfRuns()).toBe(1);
  });

  it('runs one KDF for a burst of calls with the same credentials, however many arrive at once', async () => {
    const s = await setup();
    const principals = await Promise.all([1, 2, 3, 4].map(() => s.auth.authenticate(old)));
    expect(principals.map((p) => p.userHandle)).toEqual(['u|1', 'u|1', 'u|1', 'u|1']);
    expect(s.kdfRuns()).toBe(1);
  });
});
