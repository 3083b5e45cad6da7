import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

/**
 * Threads that do pixel work, by the name Linux shows in
 * /proc/<pid>/task/<tid>/comm: libvips' workers, and Node's unnamed ones
 * ("node"), which are libuv's pool (where sharp runs each pipeline and its
 * decoding), V8's background GC helpers and the render threads. The main
 * thread (also "node") is not one of them, nor are Temporal's own threads
 * (tokio-runtime-w, workflow-proces…), which carry polls, heartbeats and
 * query answers.
 */
const IMAGE_THREADS = new Set(['libvips worker', 'node']);

/** Linux's number for the SCHED_IDLE scheduling class (sched.h). */
const SCHED_IDLE = 5;

/** A thread's scheduling class: field 41 of /proc/<pid>/task/<tid>/stat, counted after the parenthesised name. */
function schedulingPolicy(tid: string): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
}

/**
 * Runs a worker's threads at a lower CPU priority (a higher nice value) than
 * the API and Temporal's server, and its pixel threads lower still, so that
 * with every core busy on images the control plane comes first.
 *
 * Why two levels: with every core busy on images, each hop of an API call (the
 * API, Temporal's server, the worker's workflow thread answering a progress
 * query) waited for a core behind the pixel threads: bench/control-plane
 * measured getActiveJobs' p95 going from 12 ms to 450 ms under a reprocess
 * load, hence `imageNice` for the pixel threads. With those niced, submitJob's
 * p95 still went from 19 to 46 ms: its Temporal start waited behind the
 * worker's own nice-0 threads (the main thread's activity glue, Temporal
 * core's completions). At `otherNice` 5 it stayed at 19 ms in a serial
 * probe; with the pixel threads in SCHED_IDLE (below), 10 (the default)
 * kept bench/control-plane's submitJob p95 under load within 1.2–1.4 × idle.
 * A worker process passes `otherNice`; a process that also serves the API
 * (role `all`) must not, since its main thread is the API's. The workflow
 * thread stays above the pixel threads, so progress queries are still
 * answered promptly. Niced threads take every idle cycle, so a job alone on
 * the machine runs as fast; they only give way when something else is ready.
 *
 * libvips starts its threads itself (from whichever thread runs a pipeline,
 * which is why they do not simply inherit a lower priority) and keeps them
 * for later pipelines, so the process's threads are looked at every
 * `intervalMs` and each new thread is reniced once. A thread is only ever
 * lowered: one that is already lower (render threads lower themselves by the
 * render pool's niceIncrement, relative to their creator) keeps its value.
 * Linux only (a thread id is a valid target of setpriority there);
 * elsewhere, and when both values are 0, it does nothing.
 *
 * `imagePolicy: 'idle'` also puts each pixel thread in Linux's SCHED_IDLE
 * class (util-linux `chrt -i`, allowed without privileges): such a thread
 * runs only when no other thread wants the core, and a waking API or Temporal
 * thread takes the core from it at once, where a nice one still waits up to a
 * scheduler slice and shares by weight (ten busy nice-10 threads weigh about
 * one nice-0 thread). Threads a SCHED_IDLE thread starts (libvips') inherit
 * it. Without `chrt` the nice values still apply; `onError` hears of it once.
 */
export function lowerWorkerThreadPriority(opts: {
  imageNice: number;
  otherNice?: number;
  imagePolicy?: 'idle' | 'normal';
  intervalMs?: number;
  onError?: (err: unknown) => void;
}): {
  stop(): void;
  /** Resolves when every SCHED_IDLE change started so far has ended (tests). */
  settled(): Promise<void>;
} {
  const otherNice = opts.otherNice ?? 0;
  const imageNice = Math.max(opts.imageNice, otherNice);
  const idle = opts.imagePolicy === 'idle';
  if ((imageNice <= 0 && !idle) || process.platform !== 'linux') return { stop: () => undefined, settled: async () => undefined };
  const done = new Set<number>();
  const pending = new Set<Promise<void>>();
  let chrtMissing = false;
  const isImage = (tid: number, name: string) => tid !== process.pid && IMAGE_THREADS.has(name);
  const toIdle = (tid: number) => {
    if (chrtMissing) return;
    const change = new Promise<void>((resolve) => {
      execFile('chrt', ['--idle', '--pid', '0', String(tid)], (err) => {
        // ENOENT: no util-linux here; any other failure is the thread having ended meanwhile.
        if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT' && !chrtMissing) {
          chrtMissing = true;
          opts.onError?.(err);
        }
        resolve();
      });
    });
    pending.add(change);
    void change.then(() => pending.delete(change));
  };
  const sweep = () => {
    let tids: string[];
    try {
      tids = readdirSync('/proc/self/task');
    } catch (err) {
      opts.onError?.(err);
      return;
    }
    const alive = new Set<number>();
    for (const t of tids) {
      const tid = Number(t);
      alive.add(tid);
      if (done.has(tid)) continue;
      try {
        const image = isImage(tid, readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim());
        const nice = image ? imageNice : otherNice;
        if (os.getPriority(tid) < nice) os.setPriority(tid, nice);
        // Threads started by a SCHED_IDLE thread are in it already.
        if (image && idle && schedulingPolicy(t) !== SCHED_IDLE) toIdle(tid);
        done.add(tid);
      } catch {
        // The thread ended between the listing and the renice: nothing to do.
      }
    }
    for (const tid of done) if (!alive.has(tid)) done.delete(tid);
  };
  sweep();
  const timer = setInterval(sweep, opts.intervalMs ?? 1000);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    settled: async () => {
      await Promise.all([...pending]);
    },
  };
}
