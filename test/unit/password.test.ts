import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../src/adapters/security/password-hasher.js';
import { IpsFault } from '../../src/domain/faults.js';
import { assertPasswordAllowed } from '../../src/services/password-policy.js';

const hasher = new PasswordHasher();

describe('PasswordHasher', () => {
  it('verifies the password it hashed and refuses a wrong one', async () => {
    const stored = await hasher.hash('@Do6e$ySt3mz');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain('@Do6e$ySt3mz');
    expect(await hasher.verify('@Do6e$ySt3mz', stored)).toBe(true);
    expect(await hasher.verify('@Do6e$ySt3mZ', stored)).toBe(false);
    expect(await hasher.verify('', stored)).toBe(false);
  });

  it('salts: two hashes of one password differ and both verify', async () => {
    const [a, b] = await Promise.all([hasher.hash('Same-Pass-1'), hasher.hash('Same-Pass-1')]);
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await hasher.verify('Same-Pass-1', a)).toBe(true);
    expect(await hasher.verify('Same-Pass-1', b)).toBe(true);
  });

  it('refuses a tampered key or salt', async () => {
    const stored = await hasher.hash('Tamper-Me-1');
    const parts = stored.split('$');
    const flip = (b64: string) => {
      const buf = Buffer.from(b64, 'base64');
      buf[0] = buf[0]! ^ 0xff;
      return buf.toString('base64');
    };
    const badKey = [...parts.slice(0, 5), flip(parts[5]!)].join('$');
    const badSalt = [...parts.slice(0, 4), flip(parts[4]!), parts[5]].join('$');
    const shortKey = [...parts.slice(0, 5), Buffer.from('abc').toString('base64')].join('$');
    expect(await hasher.verify('Tamper-Me-1', badKey)).toBe(false);
    expect(await hasher.verify('Tamper-Me-1', badSalt)).toBe(false);
    expect(await hasher.verify('Tamper-Me-1', shortKey)).toBe(false);
  });

  it('refuses hashes of another scheme or shape', async () => {
    const stored = await hasher.hash('Other-Scheme-1');
    expect(await hasher.verify('Other-Scheme-1', stored.replace(/^scrypt/, 'bcrypt'))).toBe(false);
    expect(await hasher.verify('Other-Scheme-1', '')).toBe(false);
    expect(await hasher.verify('Other-Scheme-1', 'scrypt$32768$8$1')).toBe(false);
    expect(await hasher.verify('Other-Scheme-1', 'Other-Scheme-1')).toBe(false);
  });

  it('normalises Unicode (NFC) so composed and decomposed forms match', async () => {
    const stored = await hasher.hash('Caf\u00e9-Pass-1');
    expect(await hasher.verify('Cafe\u0301-Pass-1', stored)).toBe(true);
  });

  it('burn resolves without a stored hash', async () => {
    await expect(hasher.burn('whatever')).resolves.toBeUndefined();
  });
});

describe('assertPasswordAllowed', () => {
  it.each(['@Do6e$ySt3mz', 'Abcdefg1', 'abcdefg1!', 'ABCDEFG1!', 'Abcdefgh!', 'A1!'.padEnd(128, 'b')])('accepts %j', (pw) => {
    expect(() => assertPasswordAllowed(pw)).not.toThrow();
  });

  it.each([
    ['short1A', 7, 3],
    ['password', 8, 1],
    ['PASSWORD', 8, 1],
    ['12345678', 8, 1],
    ['password1', 9, 2],
    ['Password', 8, 2],
    ['', 0, 0],
  ])('refuses %j (%i characters, %i classes)', (pw, length, classes) => {
    let fault: unknown;
    try {
      assertPasswordAllowed(pw);
    } catch (err) {
      fault = err;
    }
    expect(fault).toBeInstanceOf(IpsFault);
    const f = fault as IpsFault;
    expect(f.code).toBe(30001);
    expect(f.field).toBe('password');
    expect(f.reason).toContain('8 to 128 characters using at least three of');
    expect(f.reason).toContain(`a password of ${length} characters using ${classes} of those classes`);
  });

  it('refuses more than 128 characters', () => {
    expect(() => assertPasswordAllowed('Aa1!'.repeat(33))).toThrow(IpsFault);
  });

  it('never echoes the password and uses the given field', () => {
    try {
      assertPasswordAllowed('secretpw', 'newPassword');
      expect.unreachable();
    } catch (err) {
      const f = err as IpsFault;
      expect(f.field).toBe('newPassword');
      expect(f.reason).not.toContain('secretpw');
    }
  });
});
