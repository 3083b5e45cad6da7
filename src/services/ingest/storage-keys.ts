/**
 * Storage layout. Every key of a file version contains the upload item id, so
 * a retried activity rewrites the same keys and an overwrite never touches the
 * previous version's files until the new one is committed.
 */
const part = (handle: string) => handle.replace(/[^A-Za-z0-9._-]/g, '_');

export function storageKeys(companyHandle: string, assetHandle: string, itemId: string, fileName: string) {
  const company = part(companyHandle);
  const asset = part(assetHandle);
  return {
    original: `originals/${company}/${asset}/${itemId}/${fileName}`,
    optimized: `optimized/${company}/${asset}/${itemId}.ptif`,
    rejected: `rejected/${company}/${itemId}/${fileName}`,
  };
}

export function stagingKey(postId: string, index: number): string {
  return `staging/${postId}/${index}`;
}
