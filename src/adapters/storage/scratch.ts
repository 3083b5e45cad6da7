import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteRange, StorageDriver } from './storage.driver.js';

/**
 * A worker's local scratch space: files a native tool (sharp, Ghostscript,
 * ffmpeg) writes or reads before their bytes go to, or after they come from,
 * the storage driver. Services touch the local disk only through here, so a
 * remote storage driver changes nothing but the driver. Scratch paths come
 * from the driver's temp folder (same filesystem, so putFile with `move` is a rename).
 */
export class Scratch {
  constructor(private readonly storage: Pick<StorageDriver, 'tempPath'>) {}

  /** A fresh path to write into; nothing is created. */
  file(suffix: string): Promise<string> {
    return this.storage.tempPath(suffix);
  }

  /** A fresh, empty folder for a tool that writes many files (one rip's pages). */
  async dir(suffix: string): Promise<string> {
    const dir = await this.storage.tempPath(suffix);
    await fs.mkdir(dir, { recursive: true });
    return dir;
  }

  /** Removes scratch files and folders; a path already gone is fine. */
  async remove(...paths: Array<string | undefined>): Promise<void> {
    await Promise.all(paths.filter((p): p is string => p !== undefined).map((p) => fs.rm(p, { recursive: true, force: true })));
  }

  /** Runs `work` with a fresh scratch path and removes it afterwards, whatever happens. */
  async withFile<T>(suffix: string, work: (file: string) => Promise<T>): Promise<T> {
    const file = await this.file(suffix);
    try {
      return await work(file);
    } finally {
      await this.remove(file);
    }
  }

  readFile(file: string): Promise<Buffer> {
    return fs.readFile(file);
  }

  async writeFile(file: string, bytes: Buffer | string): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, bytes);
  }

  async size(file: string): Promise<number> {
    return (await fs.stat(file)).size;
  }

  /** The first `length` bytes (fewer for a shorter file): enough to sniff a format. */
  async head(file: string, length: number): Promise<Buffer> {
    const handle = await fs.open(file, 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /** SHA-256 of a file, streamed (memory stays flat for multi-GB files). */
  async sha256(file: string): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(createReadStream(file), hash);
    return hash.digest('hex');
  }

  /** Streams a scratch file; with `removeWhenClosed` the file goes once the stream closes (a response sent or aborted). */
  stream(file: string, opts: { range?: ByteRange; removeWhenClosed?: boolean } = {}): Readable {
    const stream = createReadStream(file, opts.range ? { start: opts.range.start, end: opts.range.end } : {});
    if (opts.removeWhenClosed) stream.once('close', () => void fs.rm(file, { force: true }));
    return stream;
  }
}
