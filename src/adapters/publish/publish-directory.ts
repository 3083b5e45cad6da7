import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { holdErrors } from '../streams/hold-errors.js';

/** A publish target that would leave the root, pass through a symbolic link, or cannot be a file name. */
export class PublishPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishPathError';
  }
}

/** Longest file-name component most file systems take (bytes). */
const MAX_SEGMENT_BYTES = 255;

/**
 * One path segment from a catalog name (company root, folder, asset or file
 * name), made safe to use as a file name: `/`, `\`, `%` and control
 * characters are percent-encoded, and a segment of dots only (`.`, `..`) has
 * its dots encoded, so no name can climb out or address its own directory.
 * The mapping is one-to-one (`%` itself is encoded), so two names never
 * share a file.
 */
export function safeSegment(name: string): string {
  let out = name.replace(/[%/\\\u0000-\u001f\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  if (/^\.*$/.test(out)) out = out.replace(/\./g, '%2E') || '%';
  if (Buffer.byteLength(out) > MAX_SEGMENT_BYTES)
    throw new PublishPathError(`'${name.slice(0, 40)}…' is too long for a file name (at most ${MAX_SEGMENT_BYTES} bytes)`);
  return out;
}

/**
 * A directory publish jobs write into (SERVER_PUBLISH_ROOT), strictly
 * confined: every target is built from safeSegment()s, resolved and checked
 * to lie under the root; directories on the way are created but never
 * followed when they are symbolic links (a link planted inside the tree
 * cannot redirect a write elsewhere); files are written to a temporary name
 * opened with O_NOFOLLOW | O_EXCL beside the target and renamed over it, so
 * a reader sees the old file or the new one, never half of one.
 */
export class PublishDirectory {
  constructor(readonly root: string) {}

  /** The absolute path of `segments` (already safe) under the root; refuses anything that resolves outside it. */
  resolve(segments: readonly string[]): string {
    if (segments.length === 0) throw new PublishPathError('an empty publish path');
    const target = path.resolve(this.root, ...segments);
    const rel = path.relative(this.root, target);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new PublishPathError(`'${segments.join('/')}' is outside the publish root`);
    return target;
  }

  /** Writes `source` to the file at `segments`, atomically; returns its size. */
  async write(segments: readonly string[], source: Readable): Promise<number> {
    const early = holdErrors(source);
    let target: string;
    let tmp: string;
    let handle: fs.FileHandle;
    try {
      target = this.resolve(segments);
      const dir = await this.ensureDirs(segments.slice(0, -1));
      const existing = await lstatOrNull(target);
      if (existing?.isDirectory()) throw new PublishPathError(`'${segments.join('/')}' is a directory`);
      tmp = path.join(dir, `.${randomBytes(6).toString('hex')}.publishing`);
      // O_EXCL + O_NOFOLLOW: the temporary name is never an existing file or link.
      handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    } catch (err) {
      early.release();
      source.destroy();
      throw err;
    }
    const failed = early.release();
    try {
      if (failed) throw failed;
      for await (const chunk of source) await handle.write(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
      await handle.sync();
    } catch (err) {
      await handle.close();
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await handle.close();
    // rename replaces a link at the target itself, never what it points to.
    await fs.rename(tmp, target);
    return (await fs.lstat(target)).size;
  }

  /** The size of the regular file at `segments`, or null when there is none (links do not count). */
  async fileSize(segments: readonly string[]): Promise<number | null> {
    if (!(await this.directoriesAreReal(segments))) return null;
    const st = await lstatOrNull(this.resolve(segments));
    return st?.isFile() ? st.size : null;
  }

  /** Removes the file (or a link planted there, never its target), then the directories it leaves empty below `keep` segments. */
  async remove(segments: readonly string[], keep = 1): Promise<void> {
    const target = this.resolve(segments);
    // lstat does not follow the last component only: a linked directory on the way would lead outside.
    if (!(await this.directoriesAreReal(segments))) return;
    const st = await lstatOrNull(target);
    if (st && !st.isDirectory()) await fs.unlink(target);
    for (let n = segments.length - 1; n > keep; n--) {
      try {
        await fs.rmdir(this.resolve(segments.slice(0, n)));
      } catch {
        return; // not empty (or gone): the directories above are not empty either
      }
    }
  }

  /** Whether every directory of `segments` (all but the last) exists and is a real directory, not a link. */
  private async directoriesAreReal(segments: readonly string[]): Promise<boolean> {
    for (let i = 1; i < segments.length; i++) {
      const st = await lstatOrNull(this.resolve(segments.slice(0, i)));
      if (!st?.isDirectory()) return false;
    }
    return true;
  }

  /** Creates the directories of `segments` below the root, refusing any that is a link or not a directory. */
  private async ensureDirs(segments: readonly string[]): Promise<string> {
    await fs.mkdir(this.root, { recursive: true });
    let dir = this.root;
    for (let i = 0; i < segments.length; i++) {
      dir = this.resolve(segments.slice(0, i + 1));
      const st = await lstatOrNull(dir);
      if (!st) {
        try {
          await fs.mkdir(dir, { mode: 0o755 });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const made = await fs.lstat(dir);
        if (!made.isDirectory()) throw new PublishPathError(`'${segments.slice(0, i + 1).join('/')}' is not a directory`);
      } else if (st.isSymbolicLink()) {
        throw new PublishPathError(`'${segments.slice(0, i + 1).join('/')}' is a symbolic link (links are not followed)`);
      } else if (!st.isDirectory()) {
        throw new PublishPathError(`'${segments.slice(0, i + 1).join('/')}' is not a directory`);
      }
    }
    return dir;
  }
}

async function lstatOrNull(p: string) {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
