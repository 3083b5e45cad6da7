/** What the SDK throws for a missing object or bucket: a 404, named NotFound (HEAD) or NoSuchKey / NoSuchBucket (GET, COPY). */
export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode === 404 || e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.Code === 'NoSuchKey';
}

/**
 * A missing key, with the code the local driver's errors carry (ENOENT):
 * services tell "the file is gone, look the record up again" from other
 * failures by that code, whichever driver stores the bytes.
 */
export function missingObject(key: string, bucket: string, cause?: unknown): NodeJS.ErrnoException {
  return Object.assign(new Error(`storage key '${key}' does not exist (S3 bucket '${bucket}')`, { cause }), { code: 'ENOENT' });
}
