import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { faults } from '../../domain/faults.js';

/** Names DMC skips with a warning (DMC's Jobs page: most job warnings are about hidden files such as .DS_Store and Thumbs.db). */
const HIDDEN_NAMES = new Set(['thumbs.db', 'desktop.ini', '__macosx', 'icon\r']);

export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || HIDDEN_NAMES.has(name.toLowerCase());
}

/** What a walk finds: a regular file, a hidden name (skipped with a warning), or anything else (links, devices: never followed). */
export type ImportEntryKind = 'file' | 'hidden' | 'other';

export interface ImportEntry {
  /** the path below the walked directory, `/`-separated */
  rel: string;
  kind: ImportEntryKind;
}

/** A listed file as it is when its item runs: gone, no longer a regular file inside the directory, or the real path to read. */
export type ImportFile = { kind: 'missing' } | { kind: 'other' } | { kind: 'file'; path: string; size: number };

/**
 * The server's import root (IMPORT_ROOT), read by UploadDirectoryJob. Every
 * path is confined to it once symbolic links are resolved, links are never
 * followed, and nothing here is ever written: files are only listed and read.
 */
export class ImportDirectory {
  constructor(private readonly root: string) {}

  /**
   * The real path of serverDir, which must be an existing directory inside
   * the import root once every symbolic link is resolved; a fault naming
   * `field` otherwise (submitJob checks it before the job starts).
   */
  async resolve(serverDir: string, field: string): Promise<string> {
    const root = await fs.realpath(this.root).catch(() => undefined);
    if (!root) throw faults.invalid(field, `a directory under the import root (the import root ${this.root} does not exist on this server)`, serverDir);
    let real: string;
    try {
      real = await fs.realpath(path.resolve(root, serverDir));
    } catch {
      throw faults.invalid(field, 'an existing directory under the import root', `'${serverDir}', which does not exist`);
    }
    if (!isInside(root, real)) throw faults.invalid(field, 'a directory inside the import root (symbolic links leaving it are refused)', `'${serverDir}'`);
    if (!(await fs.stat(real)).isDirectory()) throw faults.invalid(field, 'a directory under the import root', `'${serverDir}', which is not a directory`);
    return real;
  }

  /**
   * The entries below `base` (a resolved directory) in path order after
   * `after` (a path split into segments), reading one directory at a time:
   * subfolders are descended (when `recurse`; otherwise skipped), hidden
   * folders are one hidden entry and never entered.
   */
  entries(base: string, recurse: boolean, after: string[] | null): AsyncGenerator<ImportEntry> {
    return walk(base, [], recurse, after);
  }

  /**
   * The file at `segments` below `base`, checked again when its item runs:
   * the walk is pages ago, and a folder on the way swapped for a link since
   * must not lead out of the directory.
   */
  async file(base: string, segments: readonly string[]): Promise<ImportFile> {
    const full = path.join(base, ...segments);
    const stat = await fs.lstat(full).catch(() => undefined);
    if (!stat) return { kind: 'missing' };
    if (!stat.isFile()) return { kind: 'other' };
    const real = await fs.realpath(full);
    if (!isInside(base, real)) return { kind: 'other' };
    return { kind: 'file', path: real, size: stat.size };
  }

  /** The bytes of a file `file` returned. */
  read(file: string): Readable {
    return createReadStream(file);
  }

  /** Whether the file begins with `magic` (a ZIP's local header, before it is treated as an archive). */
  async startsWith(file: string, magic: Buffer): Promise<boolean> {
    const fh = await fs.open(file, 'r');
    try {
      const buf = Buffer.alloc(magic.length);
      const { bytesRead } = await fh.read(buf, 0, magic.length, 0);
      return bytesRead === magic.length && buf.equals(magic);
    } finally {
      await fh.close();
    }
  }
}

/** Path order: segment by segment, so a folder's files come right after the folder's name. */
function compareSegments(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function* walk(root: string, rel: string[], recurse: boolean, after: string[] | null): AsyncGenerator<ImportEntry> {
  const entries = (await fs.readdir(path.join(root, ...rel), { withFileTypes: true })).sort((a, b) => compareSegments(a.name, b.name));
  for (const e of entries) {
    const cmp = after ? compareSegments(e.name, after[0]!) : 1;
    if (cmp < 0) continue;
    const hidden = isHiddenName(e.name);
    if (e.isDirectory()) {
      // Without includeSubfolders folders are not entries at all; a hidden one is a single (skipped) entry.
      if (!recurse) continue;
      if (!hidden) {
        yield* walk(root, [...rel, e.name], recurse, cmp === 0 && after!.length > 1 ? after!.slice(1) : null);
        continue;
      }
    }
    // The cursor itself (or a folder it was inside that is now a file) was handed out already.
    if (cmp === 0) continue;
    yield { rel: [...rel, e.name].join('/'), kind: hidden ? 'hidden' : e.isFile() ? 'file' : 'other' };
  }
}

/** Whether `target` is `base` or below it (both real paths); a name like `..x` inside stays inside. */
function isInside(base: string, target: string): boolean {
  const rel = path.relative(base, target);
  return rel === '' || (!path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`));
}
