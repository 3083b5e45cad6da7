import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomId } from '../../domain/handles.js';
import { isNotFound, missingObject } from './s3-errors.js';
import type { ScratchFolders } from './scratch-folders.js';

export interface CacheBudget {
  /** bytes the copies may take before the least recently used idle ones go */
  maxBytes: number;
  /** a copy handed out less than this long ago is never removed */
  minIdleMs: number;
}

/** 10 GiB of copies, a few hundred originals of a typical job. */
export const CACHE_MAX_BYTES = 10 * 1024 ** 3;
/**
 * Longer than a caller holds a path it has not opened yet: the longest tool
 * run (an ffmpeg encoding, FFMPEG_TIMEOUT_SECONDS 900 by default) several times
 * over, for a video whose encodings each open the copy anew.
 */
export const CACHE_MIN_IDLE_MS = 60 * 60 * 1000;
/** An eviction frees down to this share of the budget, so the next download does not scan the folder again at once. */
const LOW_WATER = 0.9;

/**
 * Local copies of objects for the native tools (sharp, Ghostscript, ffmpeg)
 * that read a path, not a stream. A copy is named by its key and the object's
 * ETag, so a rewritten object gets a new file and a reader never sees a copy
 * of an older version under the new one's name; one HEAD per call checks the
 * ETag and size still match before a copy is reused. Downloads land in the
 * process's scratch folder and are renamed into place (a crash never leaves
 * half a copy under a real name, and the scratch sweep at start removes the
 * rest); concurrent calls for the same version share one download.
 *
 * The folder is bounded by a byte budget, least recently used first. Callers
 * never say when they are done with a path, so the rule is time: each hand-out
 * sets the copy's access time, and only copies not handed out for `minIdleMs`
 * are removed. A tool that already opened the file keeps reading it after a
 * removal (an unlinked file lives on while it is open). The access time is on
 * the file, so processes sharing the folder see each other's uses; the budget
 * can be exceeded while every copy is in use, rather than break a reader.
 */
export class S3LocalCache {
  private readonly inFlight = new Map<string, Promise<string>>();
  /** bytes in the folder as last counted, plus this process's downloads since */
  private total = 0;
  private trimming: Promise<void> | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly dir: string,
    /** the process's scratch folder, on the same filesystem (downloads are renamed from there) */
    private readonly scratch: Pick<ScratchFolders, 'path'>,
    private readonly budget: CacheBudget,
  ) {}

  /** Counts what earlier runs left and trims it to a budget that may have been lowered since. */
  async init(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await this.trimNow();
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
    if (await touchIfComplete(file, size)) return file;

    const pending = this.inFlight.get(file);
    if (pending) return pending;
    const download = this.download(key, objectKey, etag, size, file).finally(() => this.inFlight.delete(file));
    this.inFlight.set(file, download);
    return download;
  }

  private async download(key: string, objectKey: string, etag: string, size: number, file: string): Promise<string> {
    const tmp = await this.scratch.path(`${path.basename(file)}.${randomId(8)}.part`);
    try {
      // IfMatch: the bytes are those of the version the name promises, or the GET fails (412) rather than caching a mix.
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, ...(etag ? { IfMatch: etag } : {}) }));
      await pipeline(got.Body as Readable, createWriteStream(tmp, { flags: 'wx' }));
      await fs.rename(tmp, file);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw isNotFound(err) ? missingObject(key, this.bucket, err) : err;
    }
    this.total += size;
    await this.trim();
    return file;
  }

  private trim(): Promise<void> {
    if (this.total <= this.budget.maxBytes) return Promise.resolve();
    return this.trimNow();
  }

  /** One trim at a time per process; callers over budget meanwhile wait for it. */
  private trimNow(): Promise<void> {
    this.trimming ??= this.evict().finally(() => (this.trimming = undefined));
    return this.trimming;
  }

  /**
   * Counts the folder (other processes' copies too) and removes idle copies,
   * least recently used first, down to the low-water mark. Each one is checked
   * again just before it goes, so a copy another process handed out since the
   * count stays. While every copy is in use, each download over budget counts
   * the folder again (a readdir and a stat per copy), which is cheap next to
   * the download.
   */
  private async evict(): Promise<void> {
    const now = Date.now();
    const copies = await this.copies();
    this.total = copies.reduce((sum, c) => sum + c.size, 0);
    if (this.total <= this.budget.maxBytes) return;
    const idleBefore = now - this.budget.minIdleMs;
    const lowWater = this.budget.maxBytes * LOW_WATER;
    for (const copy of copies.sort((a, b) => a.lastUse - b.lastUse)) {
      if (this.total <= lowWater) break;
      const lastUse = (await lastUseOf(copy.file)) ?? Number.NEGATIVE_INFINITY;
      if (lastUse >= idleBefore) continue;
      await fs.rm(copy.file, { force: true });
      this.total -= copy.size;
    }
  }

  private async copies(): Promise<Array<{ file: string; size: number; lastUse: number }>> {
    const out: Array<{ file: string; size: number; lastUse: number }> = [];
    for (const name of await fs.readdir(this.dir)) {
      const file = path.join(this.dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat?.isFile()) out.push({ file, size: stat.size, lastUse: Math.max(stat.atimeMs, stat.mtimeMs) });
    }
    return out;
  }
}

/** Marks a complete copy as just used (its access time); false when there is none, or it went meanwhile. */
async function touchIfComplete(file: string, size: number): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (stat.size !== size) return false;
    // The write time stays (seconds as a number keep its sub-millisecond part); only the access time moves.
    await fs.utimes(file, Date.now() / 1000, stat.mtimeMs / 1000);
    return true;
  } catch {
    return false;
  }
}

async function lastUseOf(file: string): Promise<number | undefined> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat ? Math.max(stat.atimeMs, stat.mtimeMs) : undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The key's extension, kept so a tool that looks at the file name (ffmpeg's muxer guess) sees the same as on local disk. */
function extension(key: string): string {
  const ext = path.posix.extname(key);
  return /^\.[A-Za-z0-9]{1,10}$/.test(ext) ? ext : '';
}
