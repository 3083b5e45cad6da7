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
  setScript: () => `ps|${randomId()}`,
  /** `j|<company>||<run name>|<unique>` follows the observed IPS job-handle layout. */
  job: (companyHandle: string, runName: string) => `j|${companyHandle.replace(/^c\|/, '')}||${runName}|${randomId(8)}`,
  /** Scheduled jobs: `j|<company>|<job name>||<unique>`; their runs are `<handle>-<fire time>`. */
  scheduledJob: (companyHandle: string, originalName: string) => `j|${companyHandle.replace(/^c\|/, '')}|${originalName}||${randomId(8)}`,
};

export { runName } from './run-name.js';

export const nowIso = (): string => new Date().toISOString();

/** A 256-bit signing key, hex. */
export const newSecret = (): string => randomBytes(32).toString('hex');

/** Names compared the way IPS does (case-insensitive). */
export const nameKey = (name: string): string => name.normalize('NFC').toLowerCase();
