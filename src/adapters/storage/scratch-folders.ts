import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomId } from '../../domain/handles.js';

/** A folder whose owner cannot be told alive (another machine, an unknown name) goes once it has been left this long. */
export const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

/** How often path() makes sure of the folder (far inside ABANDONED_AFTER_MS). */
const ENSURE_EVERY_MS = 60_000;

/**
 * Folders made by this process: several storage drivers may live in one
 * process on one root (the API and the worker of `all`, a second application
 * context in the tests), and one starting must not take another's folder for
 * a dead process's merely because the pid is the same.
 */
const madeHere = new Set<string>();

/**
 * Scratch files of one process live in a folder of their own under a shared
 * parent (`<pid>-<random>@<host>`), so a process starting on the same DATA_DIR
 * as a live neighbour (the API and a worker started apart) can clear what a
 * crashed process left without touching the neighbour's files.
 */
export class ScratchFolders {
  /** This process's folder; made by init(). */
  readonly own: string;

  private readonly pid: number;

  constructor(
    private readonly parent: string,
    private readonly opts: { host?: string; pid?: number; isAlive?: (pid: number) => boolean; now?: () => number } = {},
  ) {
    this.pid = opts.pid ?? process.pid;
    this.own = path.join(parent, `${this.pid}-${randomId(8)}@${hostLabel(opts.host ?? os.hostname())}`);
    madeHere.add(this.own);
  }

  /** When this process last made sure of its folder (made it if it went, and touched it); 0: not yet. */
  private ensuredAt = 0;

  /**
   * A fresh path in this process's folder. A process on another host sharing
   * the parent removes a folder after a day without a change, so the folder
   * is made again if it went and touched (its mtime set to now), at most once
   * a minute: a folder touched within the minute cannot be a day old, so
   * paths handed out meanwhile need no look at the disk (an export asked for
   * one per converted file; its mkdir was the worker's commonest file call).
   */
  async path(name: string): Promise<string> {
    const now = (this.opts.now ?? Date.now)();
    if (now - this.ensuredAt >= ENSURE_EVERY_MS) {
      await fs.mkdir(this.own, { recursive: true });
      const at = new Date(now);
      await fs.utimes(this.own, at, at);
      this.ensuredAt = now;
    }
    return path.join(this.own, name);
  }

  /** Whether `file` is in this process's folder (a path it handed out). */
  holds(file: string): boolean {
    return path.dirname(path.resolve(file)) === path.resolve(this.own);
  }

  /** Removes what dead processes left, then makes this process's folder. */
  async init(): Promise<void> {
    await fs.mkdir(this.parent, { recursive: true });
    await this.sweep();
    await fs.mkdir(this.own, { recursive: true });
  }

  /**
   * Removes the folders of processes of this machine that are gone (their pid
   * is not running; a live one's stays however old, its process may just be
   * idle), and every other entry (another machine's folder, files of the
   * older flat layout) once it has not changed for a day: a pid is only
   * meaningful on the machine, and in the container, that issued it.
   */
  async sweep(): Promise<string[]> {
    const host = hostLabel(this.opts.host ?? os.hostname());
    const isAlive = this.opts.isAlive ?? pidIsAlive;
    const now = (this.opts.now ?? Date.now)();
    const removed: string[] = [];
    for (const name of await fs.readdir(this.parent)) {
      const full = path.join(this.parent, name);
      if (full === this.own || madeHere.has(full)) continue;
      const owner = /^(\d+)-[A-Za-z0-9]+@(.+)$/.exec(name);
      // Our own pid on another folder: a restarted container (pid 1 again) or a reused pid, so its owner is gone.
      const ownerGone = owner !== null && owner[2] === host && (Number(owner[1]) === this.pid || !isAlive(Number(owner[1])));
      const ownerJudged = owner !== null && owner[2] === host;
      if (ownerJudged ? !ownerGone : !(await leftSince(full, now - ABANDONED_AFTER_MS))) continue;
      await fs.rm(full, { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }
}

/** A host name as one safe path segment. */
function hostLabel(host: string): string {
  return host.replace(/[^A-Za-z0-9.-]/g, '_') || 'host';
}

/** Signal 0 checks for the process without touching it: ESRCH means no such process, EPERM one of another user. */
function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function leftSince(full: string, before: number): Promise<boolean> {
  try {
    return (await fs.stat(full)).mtimeMs < before;
  } catch {
    return false;
  }
}
