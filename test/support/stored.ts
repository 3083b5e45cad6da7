import fs from 'node:fs/promises';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
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
  const storage = h.ctx.config.storage;
  if (storage.driver === 'local') {
    const entries = await fs.readdir(path.join(storage.root, prefix), { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(path.join(storage.root, prefix), path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  }
  // The credentials are in the environment (the harness put them there for the service's SDK chain).
  const client = new S3Client({
    region: storage.s3.region,
    forcePathStyle: storage.s3.forcePathStyle,
    ...(storage.s3.endpoint ? { endpoint: storage.s3.endpoint } : {}),
  });
  const base = `${storage.s3.prefix ? `${storage.s3.prefix}/` : ''}${prefix}/`;
  const keys: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: storage.s3.bucket, Prefix: base, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(base.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
  return keys;
}
