import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomId } from '../../src/domain/handles.js';
import { LocalStorageDriver } from '../../src/adapters/storage/local-storage.driver.js';
import { S3StorageDriver } from '../../src/adapters/storage/s3-storage.driver.js';
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
  make(dir: string): Promise<StorageDriver>;
}

const backends: Backend[] = [
  { name: 'local disk', make: (dir) => new LocalStorageDriver(path.join(dir, 'store')).init() },
  {
    name: 'S3 (SeaweedFS)',
    skip: s3Endpoint ? undefined : 'TEST_S3_ENDPOINT is unset (scripts/test.sh starts SeaweedFS and sets it)',
    make: (dir) =>
      new S3StorageDriver({
        endpoint: s3Endpoint,
        region: process.env.TEST_S3_REGION ?? 'us-east-1',
        bucket: `ips-contract-${Date.now()}-${randomId(6).toLowerCase()}`,
        prefix: 'deployment-a',
        forcePathStyle: true,
        createBucket: true,
        localDir: dir,
        // Unset: the SDK's default chain (AWS_ACCESS_KEY_ID / …), as in the service.
        ...(process.env.TEST_S3_ACCESS_KEY_ID && process.env.TEST_S3_SECRET_ACCESS_KEY
          ? { credentials: { accessKeyId: process.env.TEST_S3_ACCESS_KEY_ID, secretAccessKey: process.env.TEST_S3_SECRET_ACCESS_KEY } }
          : {}),
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
      const { mtimeMs } = await fs.stat(first);

      const again = await storage.localPath('c/local/page.tif');
      expect(again).toBe(first);
      expect((await fs.stat(again)).mtimeMs).toBe(mtimeMs);
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
        await expect(storage.move(key, 'c/ok'), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.move('c/ok', key), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.copy(key, 'c/ok'), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.copy('c/ok', key), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.delete(key), key).rejects.toBeInstanceOf(StorageKeyError);
        await expect(storage.deletePrefix(key), key).rejects.toBeInstanceOf(StorageKeyError);
      }
    });

    it('fails on a missing key with an ENOENT error, as services expect (a file gone meanwhile)', async () => {
      const missing = 'c/missing/nothing.bin';
      await expect(storage.size(missing)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(storage.localPath(missing)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(bytes(storage.read(missing))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(bytes(storage.read(missing, { start: 0, end: 9 }))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(storage.move(missing, 'c/missing/to.bin')).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(storage.copy(missing, 'c/missing/to.bin')).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await storage.exists('c/missing/to.bin')).toBe(false);
    });
  });
}
