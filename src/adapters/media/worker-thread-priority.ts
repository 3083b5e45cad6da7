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
 * core's completions). At `otherNice` 5 it stayed at 19 ms. A worker process
 * passes `otherNice`; a process that also serves the API (role `all`) must
 * not, since its main thread is the API's. The workflow thread stays above
 * the pixel threads, so progress queries are still answered promptly. Niced
 * threads take every idle cycle, so a job alone on the machine runs as fast;
 * they only give way when something else is ready.
 *
 * libvips starts its threads itself (from whichever thread runs a pipeline,
 * which is why they do not simply inherit a lower priority) and keeps them
 * for later pipelines, so the process's threads are looked at every
 * `intervalMs` and each new thread is reniced once. A thread is only ever
 * lowered: one that is already lower (render threads lower themselves by the
 * render pool's niceIncrement, relative to their creator) keeps its value.
 * Linux only (a thread id is a valid target of setpriority there);
 * elsewhere, and when both values are 0, it does nothing.
 */
export function lowerWorkerThreadPriority(opts: { imageNice: number; otherNice?: number; intervalMs?: number; onError?: (err: unknown) => void }): {
  stop(): void;
} {
  const otherNice = opts.otherNice ?? 0;
  const imageNice = Math.max(opts.imageNice, otherNice);
  if (imageNice <= 0 || process.platform !== 'linux') return { stop: () => undefined };
  const done = new Set<number>();
  const target = (tid: number, name: string) => (tid !== process.pid && IMAGE_THREADS.has(name) ? imageNice : otherNice);
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
        const nice = target(tid, readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim());
        if (os.getPriority(tid) < nice) os.setPriority(tid, nice);
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
  return { stop: () => clearInterval(timer) };
}
