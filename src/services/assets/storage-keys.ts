/**
 * Storage layout. Every key of a file version contains the upload item id, so
 * a retried activity rewrites the same keys and an overwrite never touches the
 * previous version's files until the new one is committed.
 */
/** A handle as one safe path segment (`c|x1` → `c_x1`). */
export const keyPart = (handle: string) => handle.replace(/[^A-Za-z0-9._-]/g, '_');

export function storageKeys(companyHandle: string, assetHandle: string, itemId: string, fileName: string) {
  const company = keyPart(companyHandle);
  const asset = keyPart(assetHandle);
  return {
    original: `originals/${company}/${asset}/${itemId}/${fileName}`,
    optimized: `optimized/${company}/${asset}/${itemId}.ptif`,
    mask: `masks/${company}/${asset}/${itemId}.png`,
    rejected: `rejected/${company}/${itemId}/${fileName}`,
  };
}

export function stagingKey(postId: string, index: number): string {
  return `staging/${postId}/${index}`;
}
