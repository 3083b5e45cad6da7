import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PublishDirectory, PublishPathError, safeSegment } from '../../src/adapters/publish/publish-directory.js';
import { folderSegments } from '../../src/services/publish/context-publish.service.js';

describe('publish directory (SERVER_PUBLISH_ROOT)', () => {
  let base: string;
  let root: string;
  let dir: PublishDirectory;
  beforeEach(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-pubdir-'));
    root = path.join(base, 'root');
    dir = new PublishDirectory(root);
  });
  afterEach(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  it('encodes every catalog name into one safe, reversible segment', () => {
    expect(safeSegment('red.jpg')).toBe('red.jpg');
    expect(safeSegment('..')).toBe('%2E%2E');
    expect(safeSegment('.')).toBe('%2E');
    expect(safeSegment('')).toBe('%');
    expect(safeSegment('../../etc/passwd')).toBe('..%2F..%2Fetc%2Fpasswd');
    expect(safeSegment('a\\b%2F\u0001')).toBe('a%5Cb%252F%01');
    expect(safeSegment('.hidden')).toBe('.hidden');
    expect(() => safeSegment('x'.repeat(300))).toThrow(PublishPathError);
    expect(folderSegments('Acme/', 'Acme/web/../x/')).toEqual(['Acme', 'web', '%2E%2E', 'x']);
    expect(folderSegments('../', '../')).toEqual(['%2E%2E']);
  });

  it('fails the write, not the process, when the source fails while the folders are made (a stored file gone)', async () => {
    const source = new Readable({ read() {} });
    // Fails on the next tick, before write() reads it (it first makes Acme/web/).
    process.nextTick(() => source.destroy(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' })));
    await expect(dir.write(['Acme', 'web', 'gone.jpg'], source)).rejects.toThrow('ENOENT');
    expect(await fs.readdir(path.join(root, 'Acme', 'web'))).toEqual([]); // no temporary left behind
  });

  it('writes atomically under the root and refuses paths that resolve outside it', async () => {
    expect(await dir.write(['Acme', 'web', 'a.txt'], Readable.from([Buffer.from('one')]))).toBe(3);
    await dir.write(['Acme', 'web', 'a.txt'], Readable.from([Buffer.from('two!')]));
    expect(await fs.readFile(path.join(root, 'Acme', 'web', 'a.txt'), 'utf8')).toBe('two!');
    expect(await fs.readdir(path.join(root, 'Acme', 'web'))).toEqual(['a.txt']); // no temporary left behind
    expect(() => dir.resolve(['..', 'x'])).toThrow(/outside the publish root/);
    expect(() => dir.resolve(['Acme', '..', '..', 'x'])).toThrow(PublishPathError);
    await expect(dir.write(['..', 'escape.txt'], Readable.from([Buffer.from('x')]))).rejects.toThrow(PublishPathError);
    await expect(fs.access(path.join(base, 'escape.txt'))).rejects.toThrow();
  });

  it('never follows a symbolic link planted in the tree, for directories or files', async () => {
    const outside = path.join(base, 'outside');
    await fs.mkdir(outside);
    await fs.mkdir(path.join(root, 'Acme'), { recursive: true });
    await fs.symlink(outside, path.join(root, 'Acme', 'web'));
    await expect(dir.write(['Acme', 'web', 'a.txt'], Readable.from([Buffer.from('x')]))).rejects.toThrow(/symbolic link/);
    expect(await fs.readdir(outside)).toEqual([]);

    await fs.writeFile(path.join(outside, 'target.txt'), 'keep');
    await fs.symlink(path.join(outside, 'target.txt'), path.join(root, 'Acme', 'b.txt'));
    await dir.write(['Acme', 'b.txt'], Readable.from([Buffer.from('new')]));
    // The link itself was replaced by the file; its target is untouched.
    expect(await fs.readFile(path.join(outside, 'target.txt'), 'utf8')).toBe('keep');
    expect((await fs.lstat(path.join(root, 'Acme', 'b.txt'))).isFile()).toBe(true);
    await fs.symlink(path.join(outside, 'target.txt'), path.join(root, 'Acme', 'c.txt'));
    expect(await dir.fileSize(['Acme', 'c.txt'])).toBeNull();
    await dir.remove(['Acme', 'c.txt']);
    expect(await fs.readFile(path.join(outside, 'target.txt'), 'utf8')).toBe('keep');
    // Removal through a linked directory would delete outside the root: it does nothing.
    expect(await dir.fileSize(['Acme', 'web', 'target.txt'])).toBeNull();
    await dir.remove(['Acme', 'web', 'target.txt']);
    expect(await fs.readFile(path.join(outside, 'target.txt'), 'utf8')).toBe('keep');
  });

  it('removes a file and the folders it leaves empty, but not the company root', async () => {
    await dir.write(['Acme', 'a', 'b', 'x.txt'], Readable.from([Buffer.from('x')]));
    await dir.write(['Acme', 'a', 'y.txt'], Readable.from([Buffer.from('y')]));
    await dir.remove(['Acme', 'a', 'b', 'x.txt']);
    expect(await fs.readdir(path.join(root, 'Acme', 'a'))).toEqual(['y.txt']);
    await dir.remove(['Acme', 'a', 'y.txt']);
    expect(await fs.readdir(path.join(root, 'Acme'))).toEqual([]);
  });
});
