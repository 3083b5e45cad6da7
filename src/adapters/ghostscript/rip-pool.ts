import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEVICE_EXTENSION, PAGE_COUNT_PREFIX, pageCountArgs, rasterArgs, textArgs } from './gs-args.js';
import { before, capture, diagnostics, type GsOutput, postScriptError } from './gs-output.js';
import { fsStep, RipError, type RipErrorKind } from './rip-error.js';
import { dscPageCount, sniff } from './rip-input.js';
import { checkInteger, checkPath, checkRequest, deviceFor, type RipRequest, type RipResult } from './rip-request.js';
import { type ChildMessage, isChildMessage, type JobMessage, outputMark } from './rip-protocol.js';

// What callers of the pool use, importable from the pool itself.
export { RipError, type RipErrorKind } from './rip-error.js';
export type { RipColorspace, RipRequest, RipResult } from './rip-request.js';

export interface RipPoolOptions {
  /** child processes; default os.availableParallelism() clamped to 1…4 */
  size?: number;
  /** default per-page time limit in ms (default 120 000); also bounds pageCount and extractText */
  pageTimeoutMs?: number;
}

const DEFAULT_PAGE_TIMEOUT_MS = 120_000;
/** How often a running rip's output directory is checked for a new page (the per-page clock) and the deadline tested. */
const PROGRESS_POLL_MS = 200;
/** A `done` without both end markers (should not happen) is accepted after this long. */
const MARK_WAIT_MS = 1_000;

/**
 * How the child is started. From dist/, this module is rip-pool.js and forks the
 * compiled sibling rip-child.js with plain Node. Under vitest this module is the
 * .ts source; Node 20 cannot run TypeScript and no tsx is installed, so the child
 * is rip-child.ts with test/support/dev-ts-hooks.mjs (TypeScript's own
 * transpiler) imported first. Keeping the child in TypeScript (rather than a
 * .mjs under src/) puts it in the build output, which is all the runtime image
 * ships.
 */
function childLaunch(): { script: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  return {
    script: fileURLToPath(new URL(fromSource ? './rip-child.ts' : './rip-child.js', import.meta.url)),
    // Explicit, so the parent's own flags (inspector, vitest's loaders) do not leak into the children.
    execArgv: fromSource ? ['--import', new URL('../../../test/support/dev-ts-hooks.mjs', import.meta.url).href] : [],
  };
}

interface Job {
  message: JobMessage;
  timeoutMs: number;
  /** a directory where each new file means a page finished: resets the time limit */
  progressDir?: string;
  onPages?: (pagesBegun: number) => void;
  signal?: AbortSignal;
  resolve(output: GsOutput): void;
  reject(err: RipError): void;
  /** detaches the abort listener */
  detach(): void;
}

interface Slot {
  child: ChildProcess;
  exited: Promise<void>;
  gone: boolean;
  ready: boolean;
  job?: Job;
  stdout: string;
  stderr: string;
  done?: Extract<ChildMessage, { type: 'done' }>;
  kill?: { kind: RipErrorKind; message: string };
  timer?: NodeJS.Timeout;
  markTimer?: NodeJS.Timeout;
}

/**
 * A pool of child processes that run Ghostscript (ghostscript4js) one job each.
 * Children start on demand; a child killed on abort or timeout, or one that
 * crashed, is replaced by the next job that needs one. Idle children do not keep
 * the parent process alive; close() kills them all.
 */
export class RipPool {
  readonly size: number;
  private readonly pageTimeoutMs: number;
  private readonly launch = childLaunch();
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closing?: Promise<void>;

  constructor(opts: RipPoolOptions = {}) {
    this.size = opts.size ?? Math.min(4, Math.max(1, os.availableParallelism()));
    checkInteger('size', this.size, 1, 64);
    this.pageTimeoutMs = opts.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS;
    checkInteger('pageTimeoutMs', this.pageTimeoutMs, 100, 86_400_000);
  }

  async rip(req: RipRequest, signal?: AbortSignal): Promise<RipResult> {
    checkRequest(req);
    const inputKind = await sniff(req.input);
    const device = deviceFor(req.colorspace, req.alpha);
    const ext = DEVICE_EXTENSION[device];
    // Ghostscript writes into a private subdirectory; files move into outputDir only after the
    // whole rip succeeded, so a killed or failed rip never leaves a half-written page behind.
    const work = await fsStep('create the output directory', async () => {
      await fs.mkdir(req.outputDir, { recursive: true });
      return fs.mkdtemp(path.join(req.outputDir, '.rip-'));
    });
    try {
      const args = rasterArgs({
        input: req.input,
        inputKind,
        device,
        outputDir: work,
        resolution: req.resolution,
        firstPage: req.firstPage,
        lastPage: req.lastPage,
      });
      const output = await this.run(args, { signal, timeoutMs: req.pageTimeoutMs ?? this.pageTimeoutMs, progressDir: work, onPages: req.onPages });
      // The PDF interpreter skips a page it cannot draw and numbers the next one in its place.
      if (/page will be missing in the output/i.test(output.stdout + output.stderr)) {
        throw new RipError(`Ghostscript could not draw every page of ${req.input}${diagnostics(output)}`, 'unreadable');
      }
      const produced = await fsStep('list the rendered pages', async () =>
        (await fs.readdir(work)).filter((n) => /^page-\d+\./.test(n)).sort((a, b) => pageNumber(a) - pageNumber(b)),
      );
      if (produced.length === 0) throw new RipError(`Ghostscript rendered no page of ${req.input}${diagnostics(output)}`, 'unreadable');
      const first = req.firstPage ?? 1;
      const pages = produced.map((name, i) => ({ name, page: first + i, file: path.join(req.outputDir, `page-${String(first + i).padStart(4, '0')}.${ext}`) }));
      await fsStep('move the rendered pages into place', () => Promise.all(pages.map((p) => fs.rename(path.join(work, p.name), p.file))));
      return { pages: pages.map(({ page, file }) => ({ page, file })) };
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
  }

  /** PDF page count; for PostScript and EPS the DSC `%%Pages:` header, else 1. */
  async pageCount(input: string, signal?: AbortSignal): Promise<number> {
    checkPath('input', input);
    const kind = await sniff(input);
    if (kind !== 'pdf') return dscPageCount(input);
    const output = await this.run(pageCountArgs(input), { signal, timeoutMs: this.pageTimeoutMs });
    const match = new RegExp(`${PAGE_COUNT_PREFIX}(\\d+)`).exec(output.stdout);
    if (!match) throw new RipError(`Ghostscript could not count the pages of ${input}${diagnostics(output)}`, 'unreadable');
    return Number(match[1]);
  }

  /** The text of one page (Ghostscript's txtwrite device, UTF-8, laid out with spaces). */
  async extractText(input: string, page: number, signal?: AbortSignal): Promise<string> {
    checkPath('input', input);
    checkInteger('page', page, 1, 1_000_000);
    await sniff(input);
    const dir = await fsStep('create a temporary directory', () => fs.mkdtemp(path.join(os.tmpdir(), 'rip-text-')));
    try {
      const outputFile = path.join(dir, 'page.txt');
      const output = await this.run(textArgs({ input, page, outputFile }), { signal, timeoutMs: this.pageTimeoutMs });
      try {
        return await fs.readFile(outputFile, 'utf8');
      } catch {
        throw new RipError(`Ghostscript wrote no text for page ${page} of ${input} (is there such a page?)${diagnostics(output)}`, 'unreadable');
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /** Kills every child and fails queued and running work with kind 'aborted'. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const job of this.queue.splice(0)) settle(job, new RipError('the rip pool was closed', 'aborted'));
      const exits = this.slots.map((s) => s.exited);
      for (const slot of [...this.slots]) {
        // An idle child is unreferenced: without this the caller's process could exit before it does.
        setRef(slot, true);
        this.kill(slot, 'aborted', 'the rip pool was closed');
      }
      await Promise.all(exits);
    })();
    return this.closing;
  }

  /** Process ids of the live children (diagnostics and tests). */
  childPids(): number[] {
    return this.slots.flatMap((s) => (s.child.pid === undefined ? [] : [s.child.pid]));
  }

  private run(
    args: string[],
    opts: { signal?: AbortSignal; timeoutMs: number; progressDir?: string; onPages?: (pagesBegun: number) => void },
  ): Promise<GsOutput> {
    return new Promise<GsOutput>((resolve, reject) => {
      if (this.closing) return reject(new RipError('the rip pool was closed', 'aborted'));
      if (opts.signal?.aborted) return reject(new RipError('the rip was aborted before it started', 'aborted'));
      const onAbort = () => this.abort(job);
      const job: Job = {
        message: { type: 'job', id: this.nextId++, args },
        timeoutMs: opts.timeoutMs,
        progressDir: opts.progressDir,
        onPages: opts.onPages,
        signal: opts.signal,
        resolve,
        reject,
        detach: () => opts.signal?.removeEventListener('abort', onAbort),
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  private abort(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      settle(job, new RipError('the rip was aborted before it started', 'aborted'));
      return;
    }
    // A running Ghostscript call cannot be interrupted: the child goes, and is replaced on demand.
    const slot = this.slots.find((s) => s.job === job);
    if (slot) this.kill(slot, 'aborted', 'the rip was aborted');
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closing) {
      let slot = this.slots.find((s) => !s.job && !s.gone && !s.kill);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      const job = this.queue.shift() as Job;
      slot.job = job;
      slot.stdout = '';
      slot.stderr = '';
      slot.done = undefined;
      setRef(slot, true);
      if (slot.ready) this.send(slot);
    }
  }

  private spawn(): Slot {
    // -dSAFER still lets a PostScript program write, rename and delete files in
    // Ghostscript's temporary directory (TMPDIR, else /tmp), shared with every
    // other process on the host. Each child gets a private, throwaway one.
    const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'rip-child-'));
    const child = fork(this.launch.script, [], {
      execPath: process.execPath,
      execArgv: this.launch.execArgv,
      env: { ...process.env, TMPDIR: tmpDir },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let exited!: () => void;
    const slot: Slot = { child, exited: new Promise<void>((r) => (exited = r)), gone: false, ready: false, stdout: '', stderr: '' };
    this.slots.push(slot);
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      slot.stdout = capture(slot.stdout, chunk);
      this.maybeFinish(slot);
    });
    child.stderr?.on('data', (chunk: string) => {
      slot.stderr = capture(slot.stderr, chunk);
      this.maybeFinish(slot);
    });
    child.on('message', (msg: unknown) => {
      if (!isChildMessage(msg)) return;
      if (msg.type === 'ready') {
        slot.ready = true;
        if (slot.job) this.send(slot);
      } else if (slot.job && msg.id === slot.job.message.id && !slot.kill) {
        slot.done = msg;
        slot.markTimer = setTimeout(() => this.finish(slot), MARK_WAIT_MS);
        this.maybeFinish(slot);
      }
    });
    const onGone = (detail: string) => {
      if (slot.gone) return;
      slot.gone = true;
      rmSync(tmpDir, { recursive: true, force: true });
      this.onExit(slot, detail);
      exited();
    };
    child.on('exit', (code, signal) => onGone(signal ? `signal ${signal}` : `exit code ${code}`));
    // Emitted without 'exit' when the process could not be started at all.
    child.on('error', (err) => {
      if (child.pid === undefined) onGone(err.message);
    });
    return slot;
  }

  private send(slot: Slot): void {
    const job = slot.job as Job;
    slot.child.send(job.message);
    let last = Date.now();
    let seen = 0;
    let pagesBegun = 0;
    let polling = false;
    slot.timer = setInterval(
      () => {
        if (Date.now() - last > job.timeoutMs) {
          const what = job.progressDir ? `no page finished within ${job.timeoutMs} ms` : `Ghostscript did not finish within ${job.timeoutMs} ms`;
          this.kill(slot, 'timeout', what);
          return;
        }
        if (!job.progressDir || polling) return;
        polling = true;
        fs.readdir(job.progressDir)
          .then((names) => {
            if (names.length !== seen) {
              seen = names.length;
              last = Date.now();
            }
            const pages = names.filter((n) => /^page-\d+\./.test(n)).length;
            if (job.onPages && pages > pagesBegun && slot.job === job) {
              pagesBegun = pages;
              job.onPages(pages);
            }
          })
          .catch(() => undefined)
          .finally(() => (polling = false));
      },
      Math.min(PROGRESS_POLL_MS, job.timeoutMs),
    );
  }

  private maybeFinish(slot: Slot): void {
    if (!slot.done) return;
    const mark = outputMark(slot.done.id);
    if (slot.stdout.includes(mark) && slot.stderr.includes(mark)) this.finish(slot);
  }

  private finish(slot: Slot): void {
    const job = slot.job;
    const done = slot.done;
    if (!job || !done) return;
    clearInterval(slot.timer);
    clearTimeout(slot.markTimer);
    const mark = outputMark(done.id);
    const output = { stdout: before(slot.stdout, mark), stderr: before(slot.stderr, mark) };
    slot.job = undefined;
    slot.done = undefined;
    slot.stdout = '';
    slot.stderr = '';
    setRef(slot, false);
    if (done.ok) {
      job.detach();
      job.resolve(output);
    } else {
      settle(job, new RipError(`Ghostscript failed: ${done.message}${postScriptError(output)}${diagnostics(output)}`, 'unreadable', slot.child.pid));
    }
    this.pump();
  }

  private kill(slot: Slot, kind: RipErrorKind, message: string): void {
    if (slot.kill || slot.gone) return;
    slot.kill = { kind, message };
    slot.child.kill('SIGKILL');
  }

  /** The job (if any) settles only here, after the exit: by then the process is reaped and truly gone. */
  private onExit(slot: Slot, detail: string): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    clearInterval(slot.timer);
    clearTimeout(slot.markTimer);
    const job = slot.job;
    slot.job = undefined;
    if (job) {
      const output = { stdout: slot.stdout, stderr: slot.stderr };
      const err = slot.kill
        ? new RipError(`${slot.kill.message}${slot.kill.kind === 'timeout' ? diagnostics(output) : ''}`, slot.kill.kind, slot.child.pid)
        : new RipError(`the Ghostscript child process ended unexpectedly (${detail})${diagnostics(output)}`, 'failed', slot.child.pid);
      settle(job, err);
    }
    this.pump();
  }
}

function settle(job: Job, err: RipError): void {
  job.detach();
  job.reject(err);
}

/** Busy children keep the parent alive like any pending I/O; idle ones must not. */
function setRef(slot: Slot, on: boolean): void {
  const handles = [slot.child, slot.child.channel, slot.child.stdout as Socket | null, slot.child.stderr as Socket | null];
  for (const h of handles) {
    if (on) h?.ref();
    else h?.unref();
  }
}

function pageNumber(name: string): number {
  return Number(/^page-(\d+)\./.exec(name)?.[1] ?? 0);
}
