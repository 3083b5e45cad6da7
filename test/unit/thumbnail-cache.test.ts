import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ThumbnailCache } from '../../src/adapters/storage/thumbnail-cache.js';

const name = (c: string) => `${c.repeat(40)}.jpg`;

describe('ThumbnailCache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-thumb-cache-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const put = async (cache: ThumbnailCache, entry: string, bytes: number) => {
    const file = await cache.scratchFile();
    await fs.writeFile(file, Buffer.alloc(bytes, 7));
    return cache.commit(file, entry);
  };
  /** Sets an entry's last use `secondsAgo` (explicit times: no two writes in one clock tick decide the order). */
  const usedAgo = (entry: string, secondsAgo: number) => {
    const t = Date.now() / 1000 - secondsAgo;
    return fs.utimes(path.join(dir, entry), t, t);
  };

  it('hands back what was committed, and nothing for an entry never made', async () => {
    const cache = new ThumbnailCache(dir, 1000);
    expect((await put(cache, name('a'), 10)).length).toBe(10);
    expect(await cache.read(name('a'))).toEqual(Buffer.alloc(10, 7));
    expect(await cache.read(name('b'))).toBeUndefined();
    expect(await fs.readdir(dir)).toEqual([name('a')]);
  });

  it('evicts the least recently used entries once over budget; a read counts as a use', async () => {
    const cache = new ThumbnailCache(dir, 250);
    await put(cache, name('a'), 100);
    await put(cache, name('b'), 100);
    await usedAgo(name('a'), 100);
    await usedAgo(name('b'), 50);
    // a was written first but read last: b is the least recently used.
    expect(await cache.read(name('a'))).toBeDefined();
    await put(cache, name('c'), 100);
    expect((await fs.readdir(dir)).sort()).toEqual([name('a'), name('c')]);
  });

  it('trims to the budget at the first use, counting what an earlier process left', async () => {
    const earlier = new ThumbnailCache(dir, 10_000);
    for (const c of ['a', 'b', 'c']) await put(earlier, name(c), 100);
    await usedAgo(name('a'), 30);
    await usedAgo(name('b'), 20);
    await usedAgo(name('c'), 10);
    const later = new ThumbnailCache(dir, 150);
    expect(await later.read(name('c'))).toBeDefined();
    expect(await fs.readdir(dir)).toEqual([name('c')]);
  });

  it('refuses a name that is not an entry name (no path ever leaves the folder)', async () => {
    const cache = new ThumbnailCache(dir, 1000);
    await expect(cache.read('../secrets.key')).rejects.toThrow("'../secrets.key' is not an entry name");
  });

  it('a discarded write leaves nothing behind', async () => {
    const cache = new ThumbnailCache(dir, 1000);
    const file = await cache.scratchFile();
    await fs.writeFile(`${file}.part`, 'half');
    await cache.discard(file);
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
