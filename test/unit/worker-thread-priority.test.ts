import { readFileSync, readdirSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { lowerWorkerThreadPriority } from '../../src/adapters/media/worker-thread-priority.js';

/** name and nice value of every thread of this process (Linux). */
function threads(): Array<{ tid: number; name: string; nice: number }> {
  return readdirSync('/proc/self/task').map((t) => {
    const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { tid: Number(t), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), nice: Number(fields[16]) };
  });
}

describe.runIf(process.platform === 'linux')('lowerWorkerThreadPriority', () => {
  it("renices libvips' workers and Node's pool threads, never the main thread", async () => {
    // libvips starts its workers on first use.
    await sharp({ create: { width: 512, height: 512, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } } })
      .jpeg()
      .toBuffer();
    const priority = lowerWorkerThreadPriority({ imageNice: 7, intervalMs: 50 });
    try {
      const after = threads();
      const vips = after.filter((t) => t.name === 'libvips worker');
      expect(vips.length).toBeGreaterThan(0);
      for (const t of vips) expect(t.nice).toBe(7);
      expect(after.find((t) => t.tid === process.pid)?.nice).toBe(0);
      // Threads libvips starts later are found by the next sweep.
      sharp.concurrency(4);
      await Promise.all(
        Array.from({ length: 4 }, () =>
          sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#404040' } })
            .blur(3)
            .png()
            .toBuffer(),
        ),
      );
      await new Promise((r) => setTimeout(r, 200));
      for (const t of threads().filter((x) => x.name === 'libvips worker')) expect(t.nice).toBe(7);
    } finally {
      priority.stop();
    }
  });

  it('does nothing when both values are 0', () => {
    const before = threads().map((t) => t.nice);
    lowerWorkerThreadPriority({ imageNice: 0, otherNice: 0 }).stop();
    expect(
      threads()
        .map((t) => t.nice)
        .slice(0, before.length),
    ).toEqual(before);
  });
});
