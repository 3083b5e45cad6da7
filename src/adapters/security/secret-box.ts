import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM sealing of short secrets (URLs whose query carries a token).
 * The key lives outside the catalog — SECRETS_KEY, or a file in the data
 * directory created once with mode 0600 — so a database dump or backup alone
 * reveals nothing; every process of one deployment must share it.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`SECRETS_KEY must be ${KEY_BYTES} bytes (base64 or hex), got ${key.length}`);
  }

  /** The configured key, or the one kept in `<dataDir>/secrets.key` (created on first use). */
  static fromConfig(configured: string | undefined, dataDir: string): SecretBox {
    if (configured) return new SecretBox(decodeKey(configured));
    const file = path.join(dataDir, 'secrets.key');
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      // 'wx': two processes starting at once must not each write a different key.
      fs.writeFileSync(file, randomBytes(KEY_BYTES).toString('base64'), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    return new SecretBox(decodeKey(fs.readFileSync(file, 'utf8').trim()));
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /**
   * A 32-byte key for another purpose (e.g. signing console CSRF tokens),
   * derived from this key with HKDF-SHA256 under `label`: every process of a
   * deployment derives the same one, and the sealing key itself is never
   * used for anything but sealing.
   */
  deriveKey(label: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), label, KEY_BYTES));
  }

  open(sealed: string): string {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

function decodeKey(text: string): Buffer {
  return /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}
