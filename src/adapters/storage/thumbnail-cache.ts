import fs from 'node:fs/promises';
import path from 'node:path';
import { randomId } from '../../domain/handles.js';

/** An eviction frees down to this share of the budget, so the next few writes do not count the folder again. */
const LOW_WATER = 0.9;
/** Unfinished writes older than this at start-up are a crashed process's leftovers (a render takes seconds). */
const STALE_PART_MS = 60 * 60 * 1000;
/** Entry names: a hex digest and an extension; anything else in the folder is a write in progress. */
const ENTRY = /^[0-9a-f]{16,64}\.[a-z0-9]{1,5}$/;

/**
 * Small rendered files (console thumbnails) kept on local disk under a byte
 * budget, least recently used first. Entries are immutable: a name stands for
 * one rendering of one stored file, so a hit never needs checking against its
 * source. Writes go to a temporary name in the same folder and are renamed into
 * place, so a reader never sees half a file. A hit sets the entry's access
 * time, which eviction reads; the folder is counted at the first use and again
 * whenever this process's count passes the budget, so processes sharing the
 * folder stay near the budget too.
 */
export class ThumbnailCache {
  /** bytes in the folder as last counted, plus this process's writes since */
  private total = 0;
  private ready: Promise<void> | undefined;
  private trimming: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  /** The entry's bytes, or undefined when there is none (never made, or evicted). */
  async read(name: string): Promise<Buffer | undefined> {
    await this.init();
    const file = this.entry(name);
    try {
      const bytes = await fs.readFile(file);
      // Marks it just used: eviction goes by the later of its access and write times.
      const now = Date.now() / 1000;
      await fs.utimes(file, now, now).catch(() => undefined);
      return bytes;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** A fresh path in the cache folder for a writer; hand it to `commit` or `discard`. */
  async scratchFile(): Promise<string> {
    await this.init();
    return path.join(this.dir, `${randomId(12)}.part`);
  }

  /** Moves a finished write into place as `name` and keeps the folder within its budget; returns the bytes. */
  async commit(file: string, name: string): Promise<Buffer> {
    const bytes = await fs.readFile(file);
    await fs.rename(file, this.entry(name));
    this.total += bytes.length;
    if (this.total > this.maxBytes) await this.trim();
    return bytes;
  }

  async discard(file: string): Promise<void> {
    await fs.rm(file, { force: true });
    // A writer may leave its own temporary (`<file>.part`) when it fails.
    await fs.rm(`${file}.part`, { force: true });
  }

  private entry(name: string): string {
    if (!ENTRY.test(name)) throw new Error(`thumbnail cache: '${name}' is not an entry name`);
    return path.join(this.dir, name);
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await fs.mkdir(this.dir, { recursive: true });
      const now = Date.now();
      for (const name of await fs.readdir(this.dir)) {
        if (ENTRY.test(name)) continue;
        const stat = await fs.stat(path.join(this.dir, name)).catch(() => undefined);
        if (stat && now - stat.mtimeMs > STALE_PART_MS) await fs.rm(path.join(this.dir, name), { force: true });
      }
      await this.trim();
    })();
    return this.ready;
  }

  /** One trim at a time per process; writers over budget meanwhile wait for it. */
  private trim(): Promise<void> {
    this.trimming ??= this.evict().finally(() => (this.trimming = undefined));
    return this.trimming;
  }

  private async evict(): Promise<void> {
    const entries = await this.entries();
    this.total = entries.reduce((sum, e) => sum + e.size, 0);
    if (this.total <= this.maxBytes) return;
    const lowWater = this.maxBytes * LOW_WATER;
    for (const e of entries.sort((a, b) => a.lastUse - b.lastUse)) {
      if (this.total <= lowWater) break;
      // A reader that already opened the file keeps its bytes: an unlinked file lives on while open.
      await fs.rm(e.file, { force: true });
      this.total -= e.size;
    }
  }

  private async entries(): Promise<Array<{ file: string; size: number; lastUse: number }>> {
    const out: Array<{ file: string; size: number; lastUse: number }> = [];
    for (const name of await fs.readdir(this.dir)) {
      if (!ENTRY.test(name)) continue;
      const file = path.join(this.dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat?.isFile()) out.push({ file, size: stat.size, lastUse: Math.max(stat.atimeMs, stat.mtimeMs) });
    }
    return out;
  }
}
