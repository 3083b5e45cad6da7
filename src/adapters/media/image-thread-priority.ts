import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

/**
 * Threads that do pixel work, by the name Linux shows in
 * /proc/<pid>/task/<tid>/comm: libvips' workers, and Node's unnamed ones
 * ("node"), which are libuv's pool (where sharp runs each pipeline and its
 * decoding), V8's background GC helpers and the render threads. The main
 * thread (also "node") keeps its priority, as do Temporal's own threads
 * (tokio-runtime-w, workflow-proces…), which carry polls, heartbeats and
 * query answers.
 */
const IMAGE_THREADS = new Set(['libvips worker', 'node']);

/**
 * Runs libvips' worker threads at a lower CPU priority (a higher nice value)
 * than the rest of the process, so image work yields to the control plane.
 *
 * Why: with every core busy on images, each hop of an API call (the API,
 * Temporal's server, the worker's workflow thread answering a progress
 * query) waited for a core behind the pixel threads: bench/control-plane
 * measured getActiveJobs' p95 going from 12 ms to 450 ms under a reprocess
 * load. Niced pixel threads still take every idle cycle, so a job alone on
 * the machine runs as fast; they only give way when something else is ready.
 *
 * libvips starts its threads itself (from whichever thread runs a pipeline,
 * which is why they do not simply inherit a lower priority) and keeps them
 * for later pipelines, so the process's threads are looked at every
 * `intervalMs` and each new libvips thread is reniced once. Linux only (a
 * thread id is a valid target of setpriority there); elsewhere, and when
 * `nice` is 0, it does nothing. Render threads lower their own JS work via
 * the render pool's niceIncrement.
 */
export function lowerImageThreadPriority(opts: { nice: number; intervalMs?: number; onError?: (err: unknown) => void }): { stop(): void } {
  if (opts.nice <= 0 || process.platform !== 'linux') return { stop: () => undefined };
  const done = new Set<number>();
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
        if (tid === process.pid || !IMAGE_THREADS.has(readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim())) continue;
        os.setPriority(tid, opts.nice);
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
