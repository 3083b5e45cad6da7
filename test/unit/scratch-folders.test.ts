import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ABANDONED_AFTER_MS, ScratchFolders } from '../../src/adapters/storage/scratch-folders.js';
import { LocalStorageDriver } from '../../src/adapters/storage/local-storage.driver.js';

let parent: string;

beforeEach(async () => {
  parent = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-scratch-unit-'));
});

afterEach(async () => {
  await fs.rm(parent, { recursive: true, force: true });
});

/** A folder as another process would have left it, with a file inside and the given age. */
async function leftBehind(name: string, ageMs = 0): Promise<string> {
  const dir = path.join(parent, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'half-written.part'), 'x');
  const when = new Date(Date.now() - ageMs);
  await fs.utimes(dir, when, when);
  return dir;
}

const exists = (p: string) =>
  fs.access(p).then(
    () => true,
    () => false,
  );

describe('ScratchFolders', () => {
  it("removes a dead process's folder of this machine and keeps a live neighbour's, whatever their age", async () => {
    const alive = new Set([4001]);
    const dead = await leftBehind('4000-AAAA@box');
    const live = await leftBehind('4001-BBBB@box', 2 * ABANDONED_AFTER_MS);
    const folders = new ScratchFolders(parent, { host: 'box', pid: 5000, isAlive: (pid) => alive.has(pid) });
    await folders.init();

    expect(await exists(dead)).toBe(false);
    expect(await exists(path.join(live, 'half-written.part'))).toBe(true);
    expect(path.dirname(folders.own)).toBe(parent);
    expect(path.basename(folders.own)).toMatch(/^5000-[A-Za-z0-9]+@box$/);
    expect((await fs.readdir(parent)).sort()).toEqual(['4001-BBBB@box', path.basename(folders.own)].sort());
  });

  it("takes a folder carrying this process's own pid as a dead predecessor's (a restarted container is pid 1 again)", async () => {
    const before = await leftBehind('1-OLD0@box');
    await new ScratchFolders(parent, { host: 'box', pid: 1, isAlive: () => true }).init();
    expect(await exists(before)).toBe(false);
  });

  it("leaves the folder of another driver in this same process (the API and the worker of one 'all' process)", async () => {
    const first = new ScratchFolders(parent, { host: 'box', pid: 7, isAlive: () => true });
    await first.init();
    const inUse = await first.path('staged.part');
    await fs.writeFile(inUse, 'x');
    await new ScratchFolders(parent, { host: 'box', pid: 7, isAlive: () => true }).init();
    expect(await exists(inUse)).toBe(true);
  });

  it("leaves another machine's folder and loose files until they have been left a day", async () => {
    const recentOther = await leftBehind('4000-AAAA@other-host');
    const oldOther = await leftBehind('4000-CCCC@other-host', ABANDONED_AFTER_MS + 60_000);
    const recentLoose = path.join(parent, '1700000000000-abc.part');
    const oldLoose = path.join(parent, '1600000000000-def.part');
    await fs.writeFile(recentLoose, 'x');
    await fs.writeFile(oldLoose, 'x');
    const old = new Date(Date.now() - ABANDONED_AFTER_MS - 60_000);
    await fs.utimes(oldLoose, old, old);

    const removed = await new ScratchFolders(parent, { host: 'box', isAlive: () => false }).sweep();
    expect(removed.sort()).toEqual(['1600000000000-def.part', '4000-CCCC@other-host']);
    expect(await exists(recentOther)).toBe(true);
    expect(await exists(oldOther)).toBe(false);
    expect(await exists(recentLoose)).toBe(true);
  });

  it("makes its own folder again when another host's sweep took it after a day without a write", async () => {
    const folders = new ScratchFolders(parent, { host: 'box', pid: 5000, isAlive: () => true });
    await folders.init();
    await fs.rm(folders.own, { recursive: true });
    const file = await folders.path('out.tif');
    expect(path.dirname(file)).toBe(folders.own);
    await fs.writeFile(file, 'x');
  });

  it("touches its folder when it hands out a path, so another host's sweep never takes it for a day-old one", async () => {
    const folders = new ScratchFolders(parent, { host: 'box', pid: 5000, isAlive: () => true });
    await folders.init();
    const longAgo = new Date(Date.now() - 2 * ABANDONED_AFTER_MS);
    await fs.utimes(folders.own, longAgo, longAgo);
    await folders.path('out.tif');
    expect((await fs.stat(folders.own)).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    expect(await new ScratchFolders(parent, { host: 'other-host', isAlive: () => false }).sweep()).toEqual([]);
    expect(await exists(folders.own)).toBe(true);
  });

  it('looks at its folder at most once a minute', async () => {
    let now = Date.now();
    const folders = new ScratchFolders(parent, { host: 'box', pid: 5000, isAlive: () => true, now: () => now });
    await folders.init();
    await folders.path('a.tif');
    await fs.rm(folders.own, { recursive: true });
    now += 59_000;
    await folders.path('b.tif');
    // Within the minute the path is handed out without a look: the folder is not made again yet.
    expect(await exists(folders.own)).toBe(false);
    now += 1_000;
    await folders.path('c.tif');
    expect(await exists(folders.own)).toBe(true);
  });

  it('a real dead pid: a child process that has exited', async () => {
    const { spawnSync } = await import('node:child_process');
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(child.stdout);
    const dead = await leftBehind(`${deadPid}-DEAD@${os.hostname().replace(/[^A-Za-z0-9.-]/g, '_')}`);
    const live = await leftBehind(`${process.ppid}-LIVE@${os.hostname().replace(/[^A-Za-z0-9.-]/g, '_')}`);
    await new ScratchFolders(parent).init();
    expect(await exists(dead)).toBe(false);
    expect(await exists(live)).toBe(true);
  });

  it("the local driver's start clears what a crashed process left in .tmp and nothing of a live one", async () => {
    const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '_');
    const { spawnSync } = await import('node:child_process');
    const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    const root = path.join(parent, 'store');
    await fs.mkdir(path.join(root, '.tmp'), { recursive: true });
    const crashed = path.join(root, '.tmp', `${deadPid}-CRASH@${host}`);
    const neighbour = path.join(root, '.tmp', `${process.ppid}-NEIGH@${host}`);
    for (const dir of [crashed, neighbour]) {
      await fs.mkdir(dir);
      await fs.writeFile(path.join(dir, 'x.part'), 'x');
    }
    const storage = await new LocalStorageDriver(root).init();
    expect(await exists(crashed)).toBe(false);
    expect(await exists(path.join(neighbour, 'x.part'))).toBe(true);
    expect(path.dirname(path.dirname(await storage.tempPath('.tif')))).toBe(path.join(root, '.tmp'));
  });
});
