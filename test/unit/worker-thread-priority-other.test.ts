import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { lowerWorkerThreadPriority } from '../../src/adapters/media/worker-thread-priority.js';

/** name and nice value of every thread of this process (Linux). */
function threads(): Array<{ tid: number; name: string; nice: number }> {
  return readdirSync('/proc/self/task').map((t) => ({
    tid: Number(t),
    name: readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim(),
    nice: os.getPriority(Number(t)),
  }));
}

// A file of its own: without privileges a thread's nice value can only be raised, so what this test lowers
// (the main thread included) stays lowered for the rest of its process (vitest runs each file in its own, pool 'forks').
describe.runIf(process.platform === 'linux')('lowerWorkerThreadPriority in a worker process (otherNice)', () => {
  it('lowers the main and every other thread to otherNice, the pixel threads to imageNice, and never raises a thread', async () => {
    await sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    const before = threads();
    // Stand-ins: one of Node's threads named as Temporal core's runtime threads are, and a libvips worker that is lower already.
    const temporalLike = before.find((t) => t.name === 'node' && t.tid !== process.pid)!;
    writeFileSync(`/proc/self/task/${temporalLike.tid}/comm`, 'tokio-runtime-w');
    const lowerAlready = before.find((t) => t.name === 'libvips worker')!;
    expect(lowerAlready).toBeDefined();
    os.setPriority(lowerAlready.tid, 12);

    lowerWorkerThreadPriority({ imageNice: 8, otherNice: 3 }).stop();

    const after = threads();
    const nice = (tid: number) => after.find((t) => t.tid === tid)?.nice;
    expect(nice(process.pid)).toBe(3);
    expect(nice(temporalLike.tid)).toBe(3);
    expect(nice(lowerAlready.tid)).toBe(12);
    for (const t of after.filter((x) => x.tid !== process.pid && x.tid !== lowerAlready.tid && (x.name === 'libvips worker' || x.name === 'node')))
      expect(t.nice, `${t.name} ${t.tid}`).toBe(8);
  });
});

/** A thread's scheduling class (field 41 of its stat; 5 = SCHED_IDLE, 0 = SCHED_OTHER). */
function policy(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
}

describe.runIf(process.platform === 'linux')('lowerWorkerThreadPriority with imagePolicy idle', () => {
  it('puts the pixel threads in SCHED_IDLE, and neither the main thread nor the others', async () => {
    await sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const priority = lowerWorkerThreadPriority({ imageNice: 8, otherNice: 3, imagePolicy: 'idle' });
    await priority.settled();
    priority.stop();
    const all = threads();
    const vips = all.filter((t) => t.name === 'libvips worker');
    expect(vips.length).toBeGreaterThan(0);
    for (const t of vips) expect(policy(t.tid), `${t.name} ${t.tid}`).toBe(5);
    expect(policy(process.pid)).toBe(0);
    for (const t of all.filter((x) => x.name !== 'libvips worker' && x.name !== 'node')) expect(policy(t.tid), `${t.name} ${t.tid}`).toBe(0);
  });
});
