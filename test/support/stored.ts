import type { Harness } from './harness.js';

/**
 * Stored files as a test sees them, whichever driver the harness runs on
 * (local disk, or S3 in the integration-s3 project): a readable local path,
 * existence, and the keys under a prefix.
 */

/** A path sharp or fs can read: the file itself on local disk, a downloaded copy on S3. */
export function storedPath(h: Harness, key: string): Promise<string> {
  return h.ctx.storage.localPath(key);
}

export function storedExists(h: Harness, key: string): Promise<boolean> {
  return h.ctx.storage.exists(key);
}

/** Keys (relative to `prefix`, `/`-separated) of every stored file under `prefix`; none when nothing is there. */
export async function storedKeys(h: Harness, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of h.ctx.storage.list(prefix)) keys.push(o.key.slice(prefix.length + 1));
  return keys;
}
