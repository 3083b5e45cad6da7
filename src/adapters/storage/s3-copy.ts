import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { isNotFound, missingObject } from './s3-errors.js';

/** S3 refuses a single CopyObject of more than 5 GB (and a copied part of more). */
export const SINGLE_COPY_MAX_BYTES = 5 * 1024 ** 3;
/** 512 MiB parts: 10,000 parts (S3's most) cover 5 TB, S3's largest object. */
export const COPY_PART_BYTES = 512 * 1024 ** 2;
/** Parts copied at once; the bytes move inside S3, so this only bounds open requests. */
const PARTS_IN_FLIGHT = 4;

export interface CopyLimits {
  /** objects up to this size are one CopyObject; larger ones a multipart copy */
  singleCopyMaxBytes: number;
  partBytes: number;
}

/**
 * A server-side copy in the bucket, whatever the size: one CopyObject up to
 * the single-copy limit, else CreateMultipartUpload + UploadPartCopy of byte
 * ranges + Complete. Every part copies the version the HEAD saw (If-Match on
 * its ETag), so a source rewritten midway fails the copy rather than mixing
 * two versions; a failed multipart copy is aborted, leaving no object and no
 * parts billed. `key` names the source in messages (the caller's key).
 */
export async function copyObject(client: S3Client, bucket: string, from: string, to: string, key: string, limits: CopyLimits): Promise<void> {
  let head;
  try {
    head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: from }));
  } catch (err) {
    throw isNotFound(err) ? missingObject(key, bucket, err) : err;
  }
  const size = head.ContentLength ?? 0;
  const source = `${bucket}/${encodeKey(from)}`;
  const ifMatch = head.ETag ? { CopySourceIfMatch: head.ETag } : {};
  try {
    if (size <= limits.singleCopyMaxBytes) {
      await client.send(new CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: source, ...ifMatch }));
      return;
    }
    await multipartCopy(client, bucket, to, source, size, ifMatch, limits.partBytes);
  } catch (err) {
    throw isNotFound(err) ? missingObject(key, bucket, err) : err;
  }
}

async function multipartCopy(
  client: S3Client,
  bucket: string,
  to: string,
  source: string,
  size: number,
  ifMatch: { CopySourceIfMatch?: string },
  partBytes: number,
): Promise<void> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: to }));
  if (!UploadId) throw new Error(`S3 started no multipart upload for a copy in bucket '${bucket}'`);
  try {
    const count = Math.ceil(size / partBytes);
    const parts: Array<{ PartNumber: number; ETag: string }> = new Array(count);
    let next = 0;
    let failed = false;
    const lane = async () => {
      for (let i = next++; i < count && !failed; i = next++) {
        const start = i * partBytes;
        const end = Math.min(size, start + partBytes) - 1;
        const got = await client.send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: to,
            UploadId,
            PartNumber: i + 1,
            CopySource: source,
            CopySourceRange: `bytes=${start}-${end}`,
            ...ifMatch,
          }),
        );
        const etag = got.CopyPartResult?.ETag;
        if (!etag) throw new Error(`S3 returned no ETag for part ${i + 1} of a copy in bucket '${bucket}'`);
        parts[i] = { PartNumber: i + 1, ETag: etag };
      }
    };
    // Every lane settles before the abort below, so no part lands after it (S3 would keep such a part).
    const lanes = await Promise.allSettled(
      Array.from({ length: Math.min(PARTS_IN_FLIGHT, count) }, () =>
        lane().catch((err: unknown) => {
          failed = true;
          throw err;
        }),
      ),
    );
    const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (rejected) throw rejected.reason;
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (err) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: to, UploadId })).catch(() => undefined);
    throw err;
  }
}

/** CopySource is a URL path: each segment percent-encoded, the slashes kept. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
