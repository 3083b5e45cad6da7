import type { Readable } from 'node:stream';

/**
 * Where originals and derivatives live. Keys are relative, `/`-separated and
 * confined to the store; writes are atomic (a reader never sees half a file).
 * Two drivers: local disk and S3 (test/integration/storage-contract.test.ts
 * holds both to the same cases).
 */
export interface StorageDriver {
  /** Streams into `key`; fails with StorageLimitError past `maxBytes`. */
  putStream(key: string, source: Readable, opts?: { maxBytes?: number; readOnly?: boolean }): Promise<{ size: number }>;
  /**
   * Copies a local file in (used for derivatives written by image tools). With `move` the caller gives the file up
   * (a scratch file it would remove next): a driver may take it instead of copying it, and it may be gone afterwards
   * (local disk renames a file of its own scratch folder in; S3 uploads it either way).
   */
  putFile(key: string, localPath: string, opts?: { readOnly?: boolean; move?: boolean }): Promise<{ size: number }>;
  /** A path a native library can read; for remote drivers a local cached copy. */
  localPath(key: string): Promise<string>;
  /** A scratch path for a tool to write into; hand it back to putFile. */
  tempPath(suffix: string): Promise<string>;
  /** The bytes under `key`, or those from `range.start` to `range.end` inclusive (an HTTP Range). */
  read(key: string, range?: ByteRange): Readable;
  exists(key: string): Promise<boolean>;
  size(key: string): Promise<number>;
  /** Size, last write and (S3) the object's ETag; a missing key fails with ENOENT. */
  stat(key: string): Promise<StoredObject>;
  /** Every stored object under `<prefix>/` (all of them without a prefix), page by page; no order promised. */
  list(prefix?: string): AsyncIterable<StoredObject>;
  move(fromKey: string, toKey: string, opts?: { readOnly?: boolean }): Promise<void>;
  /** Atomically gives `toKey` the bytes of `fromKey` (local: a hard link, no bytes copied; the two keys then live independently). */
  copy(fromKey: string, toKey: string): Promise<void>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<void>;
}

export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
  /** S3's ETag, quoted as S3 sends it (a multipart object's ends in `-<parts>`); local disk has none */
  etag?: string;
}

/** Inclusive byte offsets, as an HTTP Range header gives them. */
export interface ByteRange {
  start: number;
  end: number;
}

export class StorageLimitError extends Error {
  constructor(readonly limit: number) {
    super(`file is larger than the limit of ${limit} bytes`);
    this.name = 'StorageLimitError';
  }
}

export class StorageKeyError extends Error {
  constructor(key: string) {
    super(`storage key '${key}' is not a confined relative path`);
    this.name = 'StorageKeyError';
  }
}

/** Rejects anything that could leave the store: absolute paths, `..`, empty or control characters. */
export function assertSafeKey(key: string): void {
  const parts = key.split('/');
  const bad =
    key.length === 0 ||
    key.length > 4096 ||
    key.startsWith('/') ||
    key.includes('\\') ||
    /[\u0000-\u001f]/.test(key) ||
    parts.some((p) => p === '' || p === '.' || p === '..');
  if (bad) throw new StorageKeyError(key);
}
