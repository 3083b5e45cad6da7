import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStorageDriver } from '../../src/adapters/storage/local-storage.driver.js';
import { StorageKeyError, StorageLimitError, assertSafeKey } from '../../src/adapters/storage/storage.driver.js';

let root: string;
let storage: LocalStorageDriver;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-storage-unit-'));
  storage = await new LocalStorageDriver(root).init();
});

afterEach(async () => {
  // read-only files and folders need write permission back before removal
  await fs.chmod(root, 0o755).catch(() => undefined);
  await fs.rm(root, { recursive: true, force: true });
});

/** A stream of `n` chunks of 1 KiB. */
const chunks = (n: number, byte = 0x61) => Readable.from(Array.from({ length: n }, () => Buffer.alloc(1024, byte)));
/** What is in this driver's own scratch folder (`.tmp/<pid>-<random>@<host>`). */
const tmpEntries = async () => fs.readdir(path.dirname(await storage.tempPath('.x')));

describe('LocalStorageDriver', () => {
  it('round-trips a stream through putStream and read', async () => {
    const { size } = await storage.putStream('a/b/hello.txt', Readable.from([Buffer.from('hello '), Buffer.from('world')]));
    expect(size).toBe(11);
    expect(await text(storage.read('a/b/hello.txt'))).toBe('hello world');
    expect(await fs.readFile(path.join(root, 'a/b/hello.txt'), 'utf8')).toBe('hello world');
    expect(await storage.exists('a/b/hello.txt')).toBe(true);
    expect(await storage.size('a/b/hello.txt')).toBe(11);
    expect(await storage.localPath('a/b/hello.txt')).toBe(path.join(root, 'a/b/hello.txt'));
    expect(await tmpEntries()).toEqual([]);
  });

  it('accepts a stream exactly at maxBytes', async () => {
    await expect(storage.putStream('k/exact.bin', chunks(4), { maxBytes: 4096 })).resolves.toEqual({ size: 4096 });
  });

  it('rejects a stream over maxBytes and leaves nothing behind', async () => {
    const err = await storage.putStream('k/big.bin', chunks(8), { maxBytes: 3000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageLimitError);
    expect((err as StorageLimitError).limit).toBe(3000);
    expect((err as Error).message).toContain('3000 bytes');
    expect(await storage.exists('k/big.bin')).toBe(false);
    await expect(fs.access(path.join(root, 'k/big.bin'))).rejects.toThrow();
    expect(await tmpEntries()).toEqual([]);
  });

  it('rejects a first chunk over maxBytes without leaving a temp file', async () => {
    for (let i = 0; i < 5; i++) {
      const source = Readable.from([Buffer.alloc(10_000)]);
      await expect(storage.putStream(`k/first-${i}`, source, { maxBytes: 100 })).rejects.toBeInstanceOf(StorageLimitError);
    }
    expect(await tmpEntries()).toEqual([]);
    await expect(fs.access(path.join(root, 'k'))).rejects.toThrow();
  });

  it('keeps the previous file when an over-limit write replaces it', async () => {
    await storage.putStream('k/file.bin', chunks(1, 0x62));
    await expect(storage.putStream('k/file.bin', chunks(8), { maxBytes: 2048 })).rejects.toBeInstanceOf(StorageLimitError);
    expect(await fs.readFile(path.join(root, 'k/file.bin'))).toEqual(Buffer.alloc(1024, 0x62));
  });

  it('readOnly makes the stored file mode 0444', async () => {
    await storage.putStream('orig/file.jpg', chunks(1), { readOnly: true });
    expect((await fs.stat(path.join(root, 'orig/file.jpg'))).mode & 0o777).toBe(0o444);
    await storage.putStream('orig/writable.jpg', chunks(1));
    expect((await fs.stat(path.join(root, 'orig/writable.jpg'))).mode & 0o222).not.toBe(0);
  });

  it('putFile copies a local file in, optionally read-only', async () => {
    const src = path.join(root, 'outside.txt');
    await fs.writeFile(src, 'derived');
    expect(await storage.putFile('deriv/x.txt', src, { readOnly: true })).toEqual({ size: 7 });
    expect(await fs.readFile(path.join(root, 'deriv/x.txt'), 'utf8')).toBe('derived');
    expect((await fs.stat(path.join(root, 'deriv/x.txt'))).mode & 0o777).toBe(0o444);
    expect(await tmpEntries()).toEqual([]);
  });

  it('putFile with move takes a file of its own scratch folder by rename; any other file it copies and leaves', async () => {
    const scratch = await storage.tempPath('.webp');
    await fs.writeFile(scratch, 'rendered');
    const { ino } = await fs.stat(scratch);
    expect(await storage.putFile('exports/c/j/staged/a/1.webp', scratch, { move: true, readOnly: true })).toEqual({ size: 8 });
    const stored = path.join(root, 'exports/c/j/staged/a/1.webp');
    expect(await fs.readFile(stored, 'utf8')).toBe('rendered');
    // the same inode: renamed, not copied
    expect((await fs.stat(stored)).ino).toBe(ino);
    expect((await fs.stat(stored)).mode & 0o777).toBe(0o444);
    await expect(fs.access(scratch)).rejects.toThrow();
    expect(await tmpEntries()).toEqual([]);

    const outside = path.join(root, 'outside.txt');
    await fs.writeFile(outside, 'kept');
    expect(await storage.putFile('deriv/y.txt', outside, { move: true })).toEqual({ size: 4 });
    expect(await fs.readFile(outside, 'utf8')).toBe('kept');
    expect((await fs.stat(path.join(root, 'deriv/y.txt'))).ino).not.toBe((await fs.stat(outside)).ino);
  });

  it('move renames within the store and can make read-only', async () => {
    await storage.putStream('staging/p1/0', chunks(1));
    await storage.move('staging/p1/0', 'orig/c1/a.jpg', { readOnly: true });
    expect(await storage.exists('staging/p1/0')).toBe(false);
    expect((await fs.stat(path.join(root, 'orig/c1/a.jpg'))).mode & 0o777).toBe(0o444);
  });

  it('delete removes empty parent folders but never the root', async () => {
    await storage.putStream('x/y/z/file.bin', chunks(1));
    await storage.putStream('x/keep.bin', chunks(1));
    await storage.delete('x/y/z/file.bin');
    await expect(fs.access(path.join(root, 'x/y'))).rejects.toThrow();
    expect(await storage.exists('x/keep.bin')).toBe(true);

    await storage.delete('x/keep.bin');
    await expect(fs.access(path.join(root, 'x'))).rejects.toThrow();
    expect((await fs.stat(root)).isDirectory()).toBe(true);

    await storage.putStream('top.bin', chunks(1));
    await storage.delete('top.bin');
    expect(await fs.readdir(root)).toEqual(['.tmp']);

    // Even with .tmp gone (so the root would be empty), the root itself stays.
    await storage.putStream('solo/file.bin', chunks(1));
    await fs.rm(path.join(root, '.tmp'), { recursive: true });
    await storage.delete('solo/file.bin');
    expect((await fs.stat(root)).isDirectory()).toBe(true);
    expect(await fs.readdir(root)).toEqual([]);
  });

  it('delete of a missing key is a no-op', async () => {
    await expect(storage.delete('never/was/here')).resolves.toBeUndefined();
    expect((await fs.stat(root)).isDirectory()).toBe(true);
  });

  it('deletePrefix removes a whole folder', async () => {
    await storage.putStream('staging/p2/0', chunks(1));
    await storage.putStream('staging/p2/1', chunks(1));
    await storage.deletePrefix('staging/p2');
    await expect(fs.access(path.join(root, 'staging/p2'))).rejects.toThrow();
  });

  it("tempPath lies in the process's own folder under .tmp and keeps only safe suffix characters", async () => {
    const p = await storage.tempPath('../../evil/.tif');
    expect(path.dirname(path.dirname(p))).toBe(path.join(root, '.tmp'));
    expect(path.basename(path.dirname(p))).toMatch(new RegExp(`^${process.pid}-[A-Za-z0-9]+@`));
    expect(path.basename(p)).toMatch(/\.\.\.\.evil\.tif$/);
  });
});

describe('storage keys', () => {
  const badKeys = ['', '/etc/passwd', '../x', 'a/../../x', 'a/..', '..', './a', 'a/./b', 'a//b', 'a/', 'a\\b', '..\\x', 'a\u0000b', 'a\nb', 'x'.repeat(4097)];

  it.each(badKeys)('assertSafeKey refuses %j', (key) => {
    expect(() => assertSafeKey(key)).toThrow(StorageKeyError);
  });

  it.each(['a', 'a/b/c.jpg', '.tmp/x', 'a..b/c', 'name with spaces/x'])('assertSafeKey accepts %j', (key) => {
    expect(() => assertSafeKey(key)).not.toThrow();
  });

  it.each(badKeys)('the driver refuses %j before touching the disk', async (key) => {
    await expect(storage.putStream(key, chunks(1))).rejects.toBeInstanceOf(StorageKeyError);
    expect(() => storage.read(key)).toThrow(StorageKeyError);
    await expect(storage.delete(key)).rejects.toBeInstanceOf(StorageKeyError);
    await expect(storage.exists(key)).resolves.toBe(false);
    expect(await tmpEntries()).toEqual([]);
  });
});
