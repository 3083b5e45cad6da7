import { randomBytes } from 'node:crypto';

/**
 * Opaque handles in the shapes IPS clients have seen (`c|…`, `a|…`, `u|…|email`),
 * so logs and fixtures look familiar; clients must never parse them.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function randomId(length = 12): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % 32];
  return out;
}

export const newHandle = {
  company: () => `c|${randomId()}`,
  user: (email: string) => `u|${randomId()}|${email}`,
  asset: () => `a|${randomId()}`,
  imageFormat: () => `if|${randomId()}`,
  /** `j|<company>||<run name>|<unique>` follows the observed IPS job-handle layout. */
  job: (companyHandle: string, runName: string) => `j|${companyHandle.replace(/^c\|/, '')}||${runName}|${randomId(8)}`,
};

/** IPS run names: `<originalName>_yyyy-MM-dd-HH:mm:ss.SSS` (ips-reference §3.10), in UTC. */
export function runName(originalName: string, at: Date): string {
  const iso = at.toISOString(); // 2007-09-14T15:04:34.123Z
  return `${originalName}_${iso.slice(0, 10)}-${iso.slice(11, 23)}`;
}

export const nowIso = (): string => new Date().toISOString();

/** Names compared the way IPS does (case-insensitive). */
export const nameKey = (name: string): string => name.normalize('NFC').toLowerCase();
