import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Transform, pipeline, type Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomId } from '../../domain/handles.js';
import { COPY_PART_BYTES, type CopyLimits, SINGLE_COPY_MAX_BYTES, copyObject } from './s3-copy.js';
import { isNotFound, missingObject } from './s3-errors.js';
import { CACHE_MAX_BYTES, CACHE_MIN_IDLE_MS, S3LocalCache } from './s3-local-cache.js';
import { ScratchFolders } from './scratch-folders.js';
import { type ByteRange, type StorageDriver, type StoredObject, StorageLimitError, assertSafeKey } from './storage.driver.js';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** unset: AWS itself; set for an S3-compatible server (SeaweedFS, Ceph, ...) */
  endpoint?: string;
  /** keys live under `<prefix>/` in the bucket (one bucket can hold several deployments) */
  prefix?: string;
  /** bucket in the path (`http://host/bucket/key`), as most S3-compatible servers want, instead of in the host name */
  forcePathStyle?: boolean;
  /** init() creates a missing bucket instead of refusing to start (tests, the demo) */
  createBucket?: boolean;
  /** this process's own folder: local copies of objects for native tools, and scratch files */
  localDir: string;
  /**
   * Tests only, for a throw-away server's keys. The service leaves it unset,
   * so the SDK's default chain finds the credentials (AWS_ACCESS_KEY_ID / …,
   * shared config and profiles, container and instance roles): they never
   * pass through our configuration or logs.
   */
  credentials?: S3ClientConfig['credentials'];
  /** the local copies' byte budget (S3_CACHE_MAX_BYTES); 10 GiB by default */
  cacheMaxBytes?: number;
  /** Tests only: how long a handed-out copy is safe from eviction (1 hour). */
  cacheMinIdleMs?: number;
  /** Tests only: where a copy turns multipart (S3's 5 GB) and its part size, so a small object takes the multipart path. */
  copyLimits?: Partial<CopyLimits>;
}

/**
 * Multipart parts: 8 MiB × 4 in flight keeps an upload's memory at 32 MiB
 * while allowing objects up to 80 GB (S3's 10,000-part limit).
 */
const PART_BYTES = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;
/** DeleteObjects takes at most 1000 keys per request, as many as one ListObjectsV2 page returns. */
const DELETE_BATCH = 1000;

/**
 * Objects in an S3 bucket (AWS or S3-compatible). Writes are atomic as S3
 * makes them: a PUT or a completed multipart upload becomes visible whole,
 * and a failed or refused one (StorageLimitError) leaves no object (its
 * multipart upload is aborted). Native tools get local copies (localPath);
 * scratch files stay on this machine.
 *
 * readOnly has no S3 counterpart and is ignored: on local disk the 0444 mode
 * guards originals against a stray in-place write, and S3 objects cannot be
 * written in place at all (only replaced by a new PUT, which the service never
 * issues for an original's key), so nothing is lost.
 */
export class S3StorageDriver implements StorageDriver {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly scratch: ScratchFolders;
  private readonly cache: S3LocalCache;
  private readonly copyLimits: CopyLimits;

  constructor(private readonly options: S3StorageOptions) {
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix) assertSafeKey(prefix);
    this.prefix = prefix ? `${prefix}/` : '';
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    this.scratch = new ScratchFolders(path.join(options.localDir, 'tmp'));
    this.cache = new S3LocalCache(this.client, this.bucket, path.join(options.localDir, 'cache'), this.scratch, {
      maxBytes: options.cacheMaxBytes ?? CACHE_MAX_BYTES,
      minIdleMs: options.cacheMinIdleMs ?? CACHE_MIN_IDLE_MS,
    });
    this.copyLimits = { singleCopyMaxBytes: SINGLE_COPY_MAX_BYTES, partBytes: COPY_PART_BYTES, ...options.copyLimits };
  }

  /**
   * Clears the scratch folders of processes that died, makes this process's
   * own, trims the local copies to the budget, and checks the bucket is there
   * (creating it only when configured to).
   */
  async init(): Promise<this> {
    await this.scratch.init();
    await this.cache.init();
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (!isNotFound(err)) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const reason =
          status === 403
            ? 'HTTP 403: access denied, check the credentials the SDK found and the bucket policy'
            : status
              ? `HTTP ${status}`
              : (err as Error).message;
        throw new Error(`S3 bucket '${this.bucket}' at ${this.where()} is not usable (${reason})`, { cause: err });
      }
      if (!this.options.createBucket) {
        throw new Error(`S3 bucket '${this.bucket}' does not exist at ${this.where()} (create it, or set S3_CREATE_BUCKET=true to let the service create it)`);
      }
      await this.createBucket();
    }
    return this;
  }

  private async createBucket(): Promise<void> {
    // Outside us-east-1, AWS wants the region restated; S3-compatible servers accept either form.
    const location = this.options.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: this.options.region as never } };
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket, ...location }));
    } catch (err) {
      // Another process of the deployment starting at the same time created it first.
      if ((err as Error).name !== 'BucketAlreadyOwnedByYou') throw err;
    }
  }

  private where(): string {
    return this.options.endpoint ?? `AWS (${this.options.region})`;
  }

  private objectKey(key: string): string {
    assertSafeKey(key);
    return this.prefix + key;
  }

  async tempPath(suffix: string): Promise<string> {
    return this.scratch.path(`${Date.now()}-${randomId(10)}${suffix.replace(/[^A-Za-z0-9.]/g, '')}`);
  }

  async putStream(key: string, source: Readable, opts: { maxBytes?: number; readOnly?: boolean } = {}): Promise<{ size: number }> {
    const objectKey = this.objectKey(key);
    const limit = opts.maxBytes ?? Number.POSITIVE_INFINITY;
    let size = 0;
    let refused: StorageLimitError | undefined;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > limit) cb((refused = new StorageLimitError(limit)));
        else cb(null, chunk);
      },
    });
    // Errors travel both ways: a source error or the limit destroys the counter, which fails the upload
    // (and aborts its multipart upload); a failed upload destroys the counter below, which ends the source.
    pipeline(source, counter, () => {});
    try {
      await this.upload(objectKey, counter);
      return { size };
    } catch (err) {
      counter.destroy();
      throw refused ?? err;
    }
  }

  /** Uploads the file whether or not the caller gives it up (`move`): the caller's scratch removes it. */
  async putFile(key: string, localPath: string, _opts: { readOnly?: boolean; move?: boolean } = {}): Promise<{ size: number }> {
    const objectKey = this.objectKey(key);
    const { size } = await fs.stat(localPath);
    const body = createReadStream(localPath);
    try {
      await this.upload(objectKey, body, size);
      return { size };
    } finally {
      body.destroy();
    }
  }

  /** lib-storage's Upload: one PUT for a body under one part, else a multipart upload that is aborted on any failure. */
  private async upload(objectKey: string, body: Readable, contentLength?: number): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: objectKey, Body: body, ...(contentLength !== undefined ? { ContentLength: contentLength } : {}) },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async localPath(key: string): Promise<string> {
    return this.cache.localPath(key, this.objectKey(key));
  }

  read(key: string, range?: ByteRange): Readable {
    const objectKey = this.objectKey(key);
    const out = new PassThrough();
    const request = new AbortController();
    // A reader that stops early (a client gone mid-reply) ends the GET too, whether it is still starting or streaming.
    out.on('close', () => {
      if (!out.readableEnded) request.abort();
    });
    this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }), {
        abortSignal: request.signal,
      })
      .then((got) => pipeline(got.Body as Readable, out, () => {}))
      .catch((err: unknown) => out.destroy(isNotFound(err) ? missingObject(key, this.bucket, err) : (err as Error)));
    return out;
  }

  async exists(key: string): Promise<boolean> {
    const objectKey = this.objectKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async size(key: string): Promise<number> {
    const objectKey = this.objectKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return head.ContentLength ?? 0;
    } catch (err) {
      throw isNotFound(err) ? missingObject(key, this.bucket, err) : err;
    }
  }

  async stat(key: string): Promise<StoredObject> {
    const objectKey = this.objectKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return { key, size: head.ContentLength ?? 0, lastModified: head.LastModified ?? new Date(0), ...(head.ETag ? { etag: head.ETag } : {}) };
    } catch (err) {
      throw isNotFound(err) ? missingObject(key, this.bucket, err) : err;
    }
  }

  /** ListObjectsV2 page by page (1000 keys each); keys outside this deployment's prefix are never seen. */
  async *list(prefix?: string): AsyncIterable<StoredObject> {
    const base = prefix ? `${this.objectKey(prefix)}/` : this.prefix;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        yield { key: o.Key.slice(this.prefix.length), size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0), ...(o.ETag ? { etag: o.ETag } : {}) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** S3 has no rename: a server-side copy (no bytes through this process), then the old key goes. */
  async move(fromKey: string, toKey: string, _opts: { readOnly?: boolean } = {}): Promise<void> {
    await this.copy(fromKey, toKey);
    await this.delete(fromKey);
  }

  /** A server-side copy (multipart past 5 GB): the new key is complete or absent, and independent of the old one afterwards. */
  async copy(fromKey: string, toKey: string): Promise<void> {
    await copyObject(this.client, this.bucket, this.objectKey(fromKey), this.objectKey(toKey), fromKey, this.copyLimits);
  }

  /** A missing key is fine, as on local disk. */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  /** Like `rm -rf <prefix>` on local disk: the objects under `<prefix>/`, and an object named `<prefix>` itself. */
  async deletePrefix(prefix: string): Promise<void> {
    const base = this.objectKey(prefix);
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${base}/`, MaxKeys: DELETE_BATCH, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
      if (keys.length > 0) await this.deleteBatch(keys);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: base }));
  }

  private async deleteBatch(keys: string[]): Promise<void> {
    const result = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
    // DeleteObjects answers 200 even when single keys fail; those are in Errors.
    const failed = result.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0]!;
      throw new Error(
        `S3 could not delete ${failed.length} of ${keys.length} objects in bucket '${this.bucket}' (first: '${first.Key}': ${first.Code} ${first.Message})`,
      );
    }
  }
}
