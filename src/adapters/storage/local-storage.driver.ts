import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomId } from '../../domain/handles.js';
import { holdErrors } from '../streams/hold-errors.js';
import { ScratchFolders } from './scratch-folders.js';
import { type ByteRange, type StorageDriver, type StoredObject, StorageLimitError, assertSafeKey } from './storage.driver.js';

/** The scratch parent inside the root; never a key's first segment of the listing. */
const TMP = '.tmp';

/**
 * Local-disk storage under one root. Every write goes to a temp file in the
 * same filesystem and is renamed into place, so a crash or retry never leaves
 * half a file under a real key. Originals are made read-only (0444).
 */
export class LocalStorageDriver implements StorageDriver {
  private readonly scratch: ScratchFolders;

  constructor(private readonly root: string) {
    this.scratch = new ScratchFolders(path.join(root, TMP));
  }

  /** Clears the scratch folders of processes that died (their half-written temp files) and makes this process's own. */
  async init(): Promise<this> {
    await this.scratch.init();
    return this;
  }

  private resolve(key: string): string {
    assertSafeKey(key);
    const full = path.resolve(this.root, key);
    if (!full.startsWith(this.root + path.sep)) throw new Error(`storage key escapes root: ${key}`);
    return full;
  }

  async tempPath(suffix: string): Promise<string> {
    return this.scratch.path(`${Date.now()}-${randomId(10)}${suffix.replace(/[^A-Za-z0-9.]/g, '')}`);
  }

  async putStream(key: string, source: Readable, opts: { maxBytes?: number; readOnly?: boolean } = {}) {
    const target = this.resolve(key);
    const early = holdErrors(source);
    let tmp: string;
    try {
      tmp = await this.tempPath('.part');
    } catch (err) {
      early.release();
      source.destroy();
      throw err;
    }
    const failed = early.release();
    if (failed) throw failed;
    let size = 0;
    const limit = opts.maxBytes ?? Number.POSITIVE_INFINITY;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > limit) cb(new StorageLimitError(limit));
        else cb(null, chunk);
      },
    });
    const sink = createWriteStream(tmp, { flags: 'wx' });
    try {
      await pipeline(source, counter, sink);
      await this.commit(tmp, target, opts.readOnly);
      return { size };
    } catch (err) {
      // The pipeline rejects as soon as a stream fails, which can be before the sink's open has created the file
      // (a first chunk over maxBytes): removed before then, the temp file would appear after its removal.
      if (!sink.closed) await once(sink, 'close').catch(() => undefined);
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async putFile(key: string, localPath: string, opts: { readOnly?: boolean; move?: boolean } = {}) {
    const target = this.resolve(key);
    if (opts.move && this.scratch.holds(localPath)) {
      // Same filesystem, and the caller gives the file up: renamed in, not copied (bench/export: a copy, a stat and a
      // removal fewer per converted file; a reprocess's pyramid is megabytes).
      const { size } = await fs.stat(localPath);
      await this.commit(localPath, target, opts.readOnly);
      return { size };
    }
    const tmp = await this.tempPath('.part');
    try {
      await fs.copyFile(localPath, tmp);
      const { size } = await fs.stat(tmp);
      await this.commit(tmp, target, opts.readOnly);
      return { size };
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  private async commit(tmp: string, target: string, readOnly = false): Promise<void> {
    const fh = await fs.open(tmp, 'r+');
    try {
      await fh.sync(); // durable before it becomes visible under its key
    } finally {
      await fh.close();
    }
    if (readOnly) await fs.chmod(tmp, 0o444);
    try {
      await fs.rename(tmp, target);
    } catch (err) {
      // Most keys go into folders that exist already (an export's staged files, an asset's versions): the folder is
      // made only when the rename finds it missing, not before every commit.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rename(tmp, target);
    }
  }

  async localPath(key: string): Promise<string> {
    const full = this.resolve(key);
    await fs.access(full);
    return full;
  }

  read(key: string, range?: ByteRange): Readable {
    return createReadStream(this.resolve(key), range ? { start: range.start, end: range.end } : {});
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fs.access(this.resolve(key));
      return true;
    } catch {
      return false;
    }
  }

  async size(key: string): Promise<number> {
    return (await fs.stat(this.resolve(key))).size;
  }

  /** No ETag on local disk: the catalog's content hash stands for the bytes. */
  async stat(key: string): Promise<StoredObject> {
    const { size, mtime } = await fs.stat(this.resolve(key));
    return { key, size, lastModified: mtime };
  }

  async *list(prefix?: string): AsyncIterable<StoredObject> {
    const start = prefix ? this.resolve(prefix) : this.root;
    const folders = [start];
    for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
      let entries;
      try {
        entries = await fs.readdir(folder, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
        throw err;
      }
      for (const entry of entries) {
        const full = path.join(folder, entry.name);
        if (folder === this.root && entry.name === TMP) continue;
        if (entry.isDirectory()) folders.push(full);
        else if (entry.isFile()) {
          const stat = await fs.stat(full).catch(() => undefined);
          // Deleted since the folder was read: not there any more, so not listed.
          if (stat) yield { key: path.relative(this.root, full).split(path.sep).join('/'), size: stat.size, lastModified: stat.mtime };
        }
      }
    }
  }

  async move(fromKey: string, toKey: string, opts: { readOnly?: boolean } = {}): Promise<void> {
    const from = this.resolve(fromKey);
    const to = this.resolve(toKey);
    await fs.mkdir(path.dirname(to), { recursive: true });
    if (opts.readOnly) await fs.chmod(from, 0o444);
    await fs.rename(from, to);
    await this.pruneEmptyParents(from);
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const from = this.resolve(fromKey);
    const to = this.resolve(toKey);
    const tmp = await this.tempPath('.link');
    await fs.mkdir(path.dirname(to), { recursive: true });
    try {
      // A hard link shares the bytes (files are never rewritten in place: every write is a rename),
      // so deleting either key later leaves the other intact. Across filesystems it falls back to a copy.
      await fs.link(from, tmp).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EXDEV' && err.code !== 'EPERM' && err.code !== 'ENOTSUP') throw err;
        await fs.copyFile(from, tmp);
      });
      await fs.rename(tmp, to);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const full = this.resolve(key);
    await fs.rm(full, { force: true });
    await this.pruneEmptyParents(full);
  }

  /** Drops folders left empty (staging posts, old versions), never the root. */
  private async pruneEmptyParents(full: string): Promise<void> {
    for (let dir = path.dirname(full); dir.startsWith(this.root + path.sep); dir = path.dirname(dir)) {
      try {
        await fs.rmdir(dir);
      } catch {
        break;
      }
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    await fs.rm(this.resolve(prefix), { recursive: true, force: true });
  }
}
