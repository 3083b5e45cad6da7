import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomId } from '../../src/domain/handles.js';
import { LocalStorageDriver } from '../../src/adapters/storage/local-storage.driver.js';
import { S3StorageDriver, type S3StorageOptions } from '../../src/adapters/storage/s3-storage.driver.js';
import { type StorageDriver, StorageKeyError, StorageLimitError } from '../../src/adapters/storage/storage.driver.js';

/**
 * One set of cases, the StorageDriver contract, against every driver: local
 * disk, and S3 on the real SeaweedFS server scripts/test.sh starts
 * (TEST_S3_ENDPOINT, TEST_S3_ACCESS_KEY_ID / TEST_S3_SECRET_ACCESS_KEY), in a
 * bucket of its own per run. Storage does not touch the catalog, so the file
 * runs once, in the integration-sqlite project, not again on PostgreSQL.
 */

const MiB = 1024 * 1024;
const s3Endpoint = process.env.TEST_S3_ENDPOINT;
const inThisProject = process.env.IPS_TEST_DB !== 'postgres';

interface Backend {
  name: string;
  /** why the backend does not run here, or undefined */
  skip?: string;
  /** `s3`: options only the S3 driver has (its cache budget); local disk ignores them */
  make(dir: string, s3?: Partial<S3StorageOptions>): Promise<StorageDriver>;
}

/** Where the S3 driver's copies turn multipart, lowered from S3's 5 GB so a 20 MB object takes that path (parts of 5 MiB, S3's least). */
const COPY_LIMITS = { singleCopyMaxBytes: 5 * 1024 * 1024, partBytes: 5 * 1024 * 1024 };
const s3Bucket = `ips-contract-${Date.now()}-${randomId(6).toLowerCase()}`;

const backends: Backend[] = [
  { name: 'local disk', make: (dir) => new LocalStorageDriver(path.join(dir, 'store')).init() },
  {
    name: 'S3 (SeaweedFS)',
    skip: s3Endpoint ? undefined : 'TEST_S3_ENDPOINT is unset (scripts/test.sh starts SeaweedFS and sets it)',
    make: (dir, s3) =>
      new S3StorageDriver({
        endpoint: s3Endpoint,
        region: process.env.TEST_S3_REGION ?? 'us-east-1',
        bucket: s3Bucket,
        copyLimits: COPY_LIMITS,
        prefix: 'deployment-a',
        forcePathStyle: true,
        createBucket: true,
        localDir: dir,
        // Unset: the SDK's default chain (AWS_ACCESS_KEY_ID / …), as in the service.
        ...(process.env.TEST_S3_ACCESS_KEY_ID && process.env.TEST_S3_SECRET_ACCESS_KEY
          ? { credentials: { accessKeyId: process.env.TEST_S3_ACCESS_KEY_ID, secretAccessKey: process.env.TEST_S3_SECRET_ACCESS_KEY } }
          : {}),
        ...s3,
      }).init(),
  },
];

/** `length` bytes of a repeatable pattern, produced `chunk` bytes at a time: never the whole file in one buffer. */
function generated(length: number, chunk = 64 * 1024, seed = 7): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < length; offset += chunk) yield pattern(offset, Math.min(chunk, length - offset), seed);
    })(),
    { objectMode: false },
  );
}

function pattern(offset: number, length: number, seed = 7): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = ((offset + i) * 31 + seed) & 0xff;
  return out;
}

async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Runs `work` over `items`, `lanes` at a time (1100 objects one by one would take the S3 case needlessly long). */
async function inParallel<T>(items: T[], lanes: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

if (inThisProject && !s3Endpoint) {
  console.warn('storage contract: the S3 driver cases are SKIPPED, TEST_S3_ENDPOINT is unset (scripts/test.sh starts SeaweedFS and sets it)');
}

for (const backend of backends) {
  describe.skipIf(!inThisProject || backend.skip !== undefined)(`storage driver contract: ${backend.name}`, () => {
    let dir: string;
    let storage: StorageDriver;

    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-storage-contract-'));
      storage = await backend.make(dir);
    });

    afterAll(async () => {
      await storage?.deletePrefix('c');
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    it('puts a stream and reads it back, with its size and existence', async () => {
      const body = Buffer.from('hello, storage');
      expect(await storage.putStream('c/basic/hello.txt', Readable.from([body]))).toEqual({ size: body.length });
      expect(await bytes(storage.read('c/basic/hello.txt'))).toEqual(body);
      expect(await storage.size('c/basic/hello.txt')).toBe(body.length);
      expect(await storage.exists('c/basic/hello.txt')).toBe(true);
      expect(await storage.exists('c/basic/other.txt')).toBe(false);
    });

    it('puts a local file (a tool wrote it into a temp path) and an empty one', async () => {
      const file = await storage.tempPath('.bin');
      await fs.writeFile(file, pattern(0, 3000));
      expect(await storage.putFile('c/file/a.bin', file)).toEqual({ size: 3000 });
      expect(await bytes(storage.read('c/file/a.bin'))).toEqual(pattern(0, 3000));

      const empty = await storage.tempPath('.bin');
      await fs.writeFile(empty, '');
      expect(await storage.putFile('c/file/empty.bin', empty)).toEqual({ size: 0 });
      expect(await storage.size('c/file/empty.bin')).toBe(0);
      expect(await bytes(storage.read('c/file/empty.bin'))).toEqual(Buffer.alloc(0));
    });

    it('streams a 20 MB put from a generator (several multipart parts on S3) and reads it back intact', async () => {
      const length = 20 * MiB + 123;
      const expected = await sha256(generated(length));
      expect(await storage.putStream('c/big/twenty.bin', generated(length))).toEqual({ size: length });
      expect(await storage.size('c/big/twenty.bin')).toBe(length);
      expect(await sha256(storage.read('c/big/twenty.bin'))).toBe(expected);
    });

    it('refuses a stream past maxBytes with StorageLimitError and leaves no object, nor touches the one already there', async () => {
      await expect(storage.putStream('c/limit/small.bin', generated(11), { maxBytes: 10 })).rejects.toBeInstanceOf(StorageLimitError);
      expect(await storage.exists('c/limit/small.bin')).toBe(false);

      // Past the first multipart part on S3: the started multipart upload is aborted.
      await expect(storage.putStream('c/limit/large.bin', generated(12 * MiB), { maxBytes: 10 * MiB })).rejects.toBeInstanceOf(StorageLimitError);
      expect(await storage.exists('c/limit/large.bin')).toBe(false);

      await storage.putStream('c/limit/kept.bin', generated(100));
      await expect(storage.putStream('c/limit/kept.bin', generated(200, 64, 9), { maxBytes: 150 })).rejects.toBeInstanceOf(StorageLimitError);
      expect(await bytes(storage.read('c/limit/kept.bin'))).toEqual(pattern(0, 100));

      // Exactly at the limit is fine.
      expect(await storage.putStream('c/limit/exact.bin', generated(10), { maxBytes: 10 })).toEqual({ size: 10 });
    });

    it('fails the put, not the process, when the source fails before the driver reads it (a ZIP entry lying about its size)', async () => {
      const source = new Readable({ read() {} });
      // Fails on the next tick, while the driver is still setting up (no listener of its own yet).
      process.nextTick(() => source.destroy(new Error('too many bytes in the stream')));
      await expect(storage.putStream('c/early/failed.bin', source)).rejects.toThrow('too many bytes in the stream');
      expect(await storage.exists('c/early/failed.bin')).toBe(false);
    });

    it('reads byte ranges: the first byte, the middle, the last byte, all of it', async () => {
      await storage.putStream('c/range/r.bin', generated(1000));
      expect(await bytes(storage.read('c/range/r.bin', { start: 0, end: 0 }))).toEqual(pattern(0, 1));
      expect(await bytes(storage.read('c/range/r.bin', { start: 400, end: 599 }))).toEqual(pattern(400, 200));
      expect(await bytes(storage.read('c/range/r.bin', { start: 999, end: 999 }))).toEqual(pattern(999, 1));
      expect(await bytes(storage.read('c/range/r.bin', { start: 0, end: 999 }))).toEqual(pattern(0, 1000));
    });

    it('a reader that stops early ends cleanly and the key stays readable', async () => {
      await storage.putStream('c/range/early.bin', generated(4 * MiB));
      const stream = storage.read('c/range/early.bin');
      for await (const chunk of stream) {
        expect((chunk as Buffer).length).toBeGreaterThan(0);
        break;
      }
      expect(stream.destroyed).toBe(true);
      expect(await storage.size('c/range/early.bin')).toBe(4 * MiB);
    });

    it('moves, copies (the copy independent of its source) and deletes', async () => {
      await storage.putStream('c/ops/a.bin', generated(500));
      await storage.move('c/ops/a.bin', 'c/ops/moved/b.bin', { readOnly: true });
      expect(await storage.exists('c/ops/a.bin')).toBe(false);
      expect(await bytes(storage.read('c/ops/moved/b.bin'))).toEqual(pattern(0, 500));

      await storage.copy('c/ops/moved/b.bin', 'c/ops/copy/c.bin');
      expect(await bytes(storage.read('c/ops/copy/c.bin'))).toEqual(pattern(0, 500));
      await storage.delete('c/ops/moved/b.bin');
      expect(await storage.exists('c/ops/moved/b.bin')).toBe(false);
      expect(await bytes(storage.read('c/ops/copy/c.bin'))).toEqual(pattern(0, 500));

      // Replacing the source later does not change the copy either.
      await storage.putStream('c/ops/moved/b.bin', generated(10, 64, 3));
      expect(await storage.size('c/ops/copy/c.bin')).toBe(500);

      await storage.delete('c/ops/never-there.bin');
    });

    it('deletes a prefix of 1100 objects (more than one S3 batch of 1000) and nothing beside it', async () => {
      const keys = Array.from({ length: 1100 }, (_, i) => `c/many/${i % 2 ? 'odd/' : ''}${String(i).padStart(4, '0')}.txt`);
      await inParallel(keys, 32, (key) => storage.putStream(key, Readable.from([Buffer.from(key)])));
      await storage.putStream('c/many-beside/keep.txt', Readable.from([Buffer.from('keep')]));
      await storage.putStream('c/manyfile', Readable.from([Buffer.from('keep too')]));

      await storage.deletePrefix('c/many');
      const left: string[] = [];
      await inParallel(keys, 32, async (key) => {
        if (await storage.exists(key)) left.push(key);
      });
      expect(left).toEqual([]);
      expect(await bytes(storage.read('c/many-beside/keep.txt'))).toEqual(Buffer.from('keep'));
      expect(await bytes(storage.read('c/manyfile'))).toEqual(Buffer.from('keep too'));

      await storage.deletePrefix('c/never-there');
    });

    it('gives a local path to the bytes, reuses it while the object is unchanged, and follows a rewrite', async () => {
      await storage.putStream('c/local/page.tif', generated(2 * MiB));
      const first = await storage.localPath('c/local/page.tif');
      expect(path.extname(first)).toBe('.tif');
      // Compared by hash: toEqual walks a 2 MiB buffer byte by byte, for seconds.
      expect(await sha256(createReadStream(first))).toBe(await sha256(generated(2 * MiB)));
      const { ino } = await fs.stat(first);

      const again = await storage.localPath('c/local/page.tif');
      expect(again).toBe(first);
      // The same file, not downloaded again (a download renames a new file into place).
      expect((await fs.stat(again)).ino).toBe(ino);
      // Concurrent callers get the same complete file.
      const together = await Promise.all([storage.localPath('c/local/page.tif'), storage.localPath('c/local/page.tif')]);
      expect(new Set(together)).toEqual(new Set([first]));

      await storage.putStream('c/local/page.tif', generated(1000, 64, 5));
      expect(await fs.readFile(await storage.localPath('c/local/page.tif'))).toEqual(pattern(0, 1000, 5));
    });

    it('refuses every key that could leave the store, in every method (StorageKeyError)', async () => {
      const bad = ['', '/etc/passwd', '../up', 'a/../../b', 'a//b', './a', 'a/', 'a\\b', 'a\u0000b', 'x'.repeat(4097)];
      for (const key of bad) {
        await expect(storage.putStream(key, generated(1)), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.putFile(key, import.meta.filename), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.localPath(key), key).rejects.toBeInstanceOf(StorageKeyError);
        expect(() => storage.read(key), key).toThrow(StorageKeyError);
        // The local driver answers exists() with false rather than StorageKeyError; either way an unsafe key is never present.
        expect(await storage.exists(key).catch((err: unknown) => err), key).toSatisfy((r) => r === false || r instanceof StorageKeyError);
        await expect(storage.size(key), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.stat(key), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.move(key, 'c/ok'), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.move('c/ok', key), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.copy(key, 'c/ok'), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.copy('c/ok', key), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.delete(key), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.deletePrefix(key), key).rejects.toBeInstanceOf(StorageKeyError);
      }
    });

    it('stats an object: size, last write, and on S3 its ETag', async () => {
      await storage.putStream('c/stat/s.bin', generated(1234));
      const stat = await storage.stat('c/stat/s.bin');
      expect(stat).toMatchObject({ key: 'c/stat/s.bin', size: 1234 });
      expect(Math.abs(stat.lastModified.getTime() - Date.now())).toBeLessThan(60 * 60 * 1000);
      if (backend.name.startsWith('S3')) expect(stat.etag).toMatch(/^"[^"]+"$/);
      else expect(stat.etag).toBeUndefined();
    });

    it('lists the objects under a prefix (nested too) with their sizes, and nothing beside it', async () => {
      const keys = ['c/list/a.bin', 'c/list/sub/b.bin', 'c/list/sub/deeper/c.bin'];
      await Promise.all(keys.map((key, i) => storage.putStream(key, generated(100 + i))));
      await storage.putStream('c/list-beside/x.bin', generated(5));
      const listed = [];
      for await (const o of storage.list('c/list')) listed.push(o);
      expect(listed.map((o) => [o.key, o.size]).sort()).toEqual(keys.map((key, i) => [key, 100 + i]));
      expect(listed.every((o) => o.lastModified instanceof Date)).toBe(true);

      const all = new Set<string>();
      for await (const o of storage.list()) all.add(o.key);
      for (const key of [...keys, 'c/list-beside/x.bin']) expect(all.has(key), key).toBe(true);
      // Scratch files are not objects (local disk keeps them in the root's .tmp folder).
      expect([...all].some((key) => key.startsWith('.tmp'))).toBe(false);

      const none = [];
      for await (const o of storage.list('c/never-there')) none.push(o);
      expect(none).toEqual([]);
      await expect(storage.list('../up')[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(StorageKeyError);
    });

    it('copies an object over the single-copy limit (a multipart copy on S3) byte for byte', async () => {
      const length = 20 * MiB + 123;
      await storage.putStream('c/bigcopy/source.bin', generated(length, 64 * 1024, 11));
      await storage.copy('c/bigcopy/source.bin', 'c/bigcopy/copy.bin');
      expect(await storage.size('c/bigcopy/copy.bin')).toBe(length);
      expect(await sha256(storage.read('c/bigcopy/copy.bin'))).toBe(await sha256(generated(length, 64 * 1024, 11)));
      const copied = await storage.stat('c/bigcopy/copy.bin');
      if (backend.name.startsWith('S3')) {
        // A multipart object's ETag is not its MD5: it names its part count (5 parts of 5 MiB).
        expect(copied.etag).toMatch(/-5"$/);
        expect(copied.etag).not.toBe((await storage.stat('c/bigcopy/source.bin')).etag);
      }
      // Independent of its source afterwards, as a single copy is.
      await storage.delete('c/bigcopy/source.bin');
      expect(await storage.size('c/bigcopy/copy.bin')).toBe(length);
      await expect(storage.copy('c/bigcopy/source.bin', 'c/bigcopy/again.bin')).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await storage.exists('c/bigcopy/again.bin')).toBe(false);
    });

    it('fails on a missing key with an ENOENT error, as services expect (a file gone meanwhile)', async () => {
      const missing = 'c/missing/nothing.bin';
      await expect(storage.size(missing)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(storage.stat(missing)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(storage.localPath(missing)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(bytes(storage.read(missing))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(bytes(storage.read(missing, { start: 0, end: 9 }))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(storage.move(missing, 'c/missing/to.bin')).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(storage.copy(missing, 'c/missing/to.bin')).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await storage.exists('c/missing/to.bin')).toBe(false);
    });
  });
}

describe.skipIf(!inThisProject || !s3Endpoint)('S3 local copies: a byte budget, least recently used first', () => {
  let dir: string;
  let storage: StorageDriver;
  const s3 = backends[1]!;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-storage-cache-'));
    // Room for two 1 MiB copies and a half; a copy handed out in the last minute is never removed.
    storage = await s3.make(dir, { cacheMaxBytes: 2.5 * MiB, cacheMinIdleMs: 60_000 });
    for (const [i, name] of ['a', 'b', 'c', 'd'].entries()) await storage.putStream(`c/cache/${name}.bin`, generated(MiB, 64 * 1024, i));
  });

  afterAll(async () => {
    await storage?.deletePrefix('c/cache');
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const exists = (file: string) =>
    fs.access(file).then(
      () => true,
      () => false,
    );
  /** Makes a copy look last used `minutes` ago, as if handed out then. */
  const age = (file: string, minutes = 10) => fs.utimes(file, new Date(Date.now() - minutes * 60_000), new Date(Date.now() - minutes * 60_000));

  it('evicts the least recently used idle copy once over budget; a reused copy under a running reader stays', async () => {
    const a = await storage.localPath('c/cache/a.bin');
    const b = await storage.localPath('c/cache/b.bin');
    await age(a, 20);
    await age(b);
    // a, the older, is used again and a reader is still on it; b is idle.
    expect(await storage.localPath('c/cache/a.bin')).toBe(a);
    const reader = createReadStream(a, { highWaterMark: 1024 });
    const readerHash = sha256(reader);

    const c = await storage.localPath('c/cache/c.bin');
    expect(await exists(b)).toBe(false);
    expect(await exists(a)).toBe(true);
    expect(await exists(c)).toBe(true);
    expect(await readerHash).toBe(await sha256(generated(MiB, 64 * 1024, 0)));

    // Every copy in use: over budget rather than take one from a caller.
    const d = await storage.localPath('c/cache/d.bin');
    expect(await Promise.all([a, c, d].map(exists))).toEqual([true, true, true]);

    // A tool that opened a copy before it went keeps reading the whole of it (opened, not read yet: a read moves the access time).
    const opened = await fs.open(d, 'r');
    try {
      await Promise.all([age(a), age(c), age(d, 20)]);
      const again = await storage.localPath('c/cache/b.bin');
      expect(await exists(again)).toBe(true);
      expect(await exists(d)).toBe(false);
      expect((await fs.readdir(path.join(dir, 'cache'))).length).toBeLessThanOrEqual(2);
      expect(await sha256(opened.createReadStream({ autoClose: false }))).toBe(await sha256(generated(MiB, 64 * 1024, 3)));
    } finally {
      await opened.close();
    }
  });

  it("a new process on the folder counts what is there and trims it to its budget, and clears a dead process's scratch", async () => {
    const cache = path.join(dir, 'cache');
    for (const name of await fs.readdir(cache)) await age(path.join(cache, name));
    await fs.writeFile(path.join(cache, 'left-by-an-earlier-run'), pattern(0, 2 * MiB));
    await age(path.join(cache, 'left-by-an-earlier-run'));
    const dead = path.join(dir, 'tmp', `999999999-DEAD@${os.hostname().replace(/[^A-Za-z0-9.-]/g, '_')}`);
    await fs.mkdir(dead, { recursive: true });
    await fs.writeFile(path.join(dead, 'copy.part'), 'half');

    await s3.make(dir, { cacheMaxBytes: 1.5 * MiB, cacheMinIdleMs: 60_000 });
    let bytes = 0;
    for (const name of await fs.readdir(cache)) bytes += (await fs.stat(path.join(cache, name))).size;
    expect(bytes).toBeLessThanOrEqual(1.5 * MiB);
    expect(await exists(dead)).toBe(false);
  });
});
