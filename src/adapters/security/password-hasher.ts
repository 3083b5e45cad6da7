import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt (a memory-hard KDF built into Node) with per-password salt; the
 * parameters are stored in the hash so they can be raised later without
 * invalidating existing passwords.
 */
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const MAXMEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export class PasswordHasher {
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, N, R, P);
    return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64');
    try {
      const actual = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    } catch {
      return false; // a damaged stored hash (bad parameters) is a failed login, not a server error
    }
  }

  /** Spends the same work as a real check, so unknown e-mails are not told apart by timing. */
  async burn(password: string): Promise<void> {
    await derive(password, Buffer.alloc(16), N, R, P);
  }
}
