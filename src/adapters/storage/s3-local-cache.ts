import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomId } from '../../domain/handles.js';
import { isNotFound, missingObject } from './s3-errors.js';

/**
 * Local copies of objects for the native tools (sharp, Ghostscript, ffmpeg)
 * that read a path, not a stream. A copy is named by its key and the object's
 * ETag, so a rewritten object gets a new file and a reader never sees a copy
 * of an older version under the new one's name; one HEAD per call checks the
 * ETag and size still match before a copy is reused. Downloads land under a
 * temp name and are renamed into place (a crash never leaves half a copy
 * under a real name); concurrent calls for the same version share one
 * download. The cache is not bounded yet: copies stay until the folder is
 * cleared (a bounded, evicting cache is a later step of issue 17).
 */
export class S3LocalCache {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly dir: string,
  ) {}

  async init(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
  }

  /** `key` is the caller's key (for messages and the file's extension), `objectKey` the prefixed key in the bucket. */
  async localPath(key: string, objectKey: string): Promise<string> {
    let head;
    try {
      head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (err) {
      throw isNotFound(err) ? missingObject(key, this.bucket, err) : err;
    }
    const etag = head.ETag ?? '';
    const size = head.ContentLength ?? 0;
    const file = path.join(this.dir, `${sha256(objectKey).slice(0, 32)}-${sha256(etag).slice(0, 16)}${extension(key)}`);
    if ((await sizeOf(file)) === size) return file;

    const pending = this.inFlight.get(file);
    if (pending) return pending;
    const download = this.download(key, objectKey, etag, file).finally(() => this.inFlight.delete(file));
    this.inFlight.set(file, download);
    return download;
  }

  private async download(key: string, objectKey: string, etag: string, file: string): Promise<string> {
    const tmp = `${file}.${randomId(8)}.part`;
    try {
      // IfMatch: the bytes are those of the version the name promises, or the GET fails (412) rather than caching a mix.
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, ...(etag ? { IfMatch: etag } : {}) }));
      await pipeline(got.Body as Readable, createWriteStream(tmp, { flags: 'wx' }));
      await fs.rename(tmp, file);
      return file;
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw isNotFound(err) ? missingObject(key, this.bucket, err) : err;
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The key's extension, kept so a tool that looks at the file name (ffmpeg's muxer guess) sees the same as on local disk. */
function extension(key: string): string {
  const ext = path.posix.extname(key);
  return /^\.[A-Za-z0-9]{1,10}$/.test(ext) ? ext : '';
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return undefined;
  }
}
