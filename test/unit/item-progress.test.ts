import { describe, expect, it } from 'vitest';
import type { ItemProgressRow } from '../../src/adapters/repositories/item-progress.repository.js';
import { type ItemProgress, ItemProgressReporter, type ItemProgressStore, type ProgressClock, between } from '../../src/services/item-progress.js';

/** A clock whose timers fire only when the test advances it. */
function fakeClock(start = 1_000_000) {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: ProgressClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  const advance = async (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
      await settle();
    }
    now = until;
    await settle();
  };
  return { clock, advance, pendingTimers: () => timers.size };
}

/** Lets promise callbacks (a write's completion) run. */
async function settle() {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** A store that records every call; writes can be held to see what happens while one is in flight. */
function fakeStore(now: () => number = () => 0) {
  const calls: Array<
    { op: 'upsert'; row: ItemProgressRow; at: number } | { op: 'remove'; jobHandle: string; itemId: string } | { op: 'removeJob'; jobHandle: string }
  > = [];
  const rows = new Map<string, ItemProgressRow>();
  let hold: Array<() => void> | undefined;
  let failWith: Error | undefined;
  const store: ItemProgressStore = {
    async upsert(row) {
      calls.push({ op: 'upsert', row, at: now() });
      if (hold) await new Promise<void>((r) => hold!.push(r));
      if (failWith) throw failWith;
      rows.set(`${row.job_handle}/${row.item_id}`, row);
    },
    async remove(jobHandle, itemId) {
      calls.push({ op: 'remove', jobHandle, itemId });
      if (failWith) throw failWith;
      rows.delete(`${jobHandle}/${itemId}`);
    },
    async removeJob(jobHandle) {
      calls.push({ op: 'removeJob', jobHandle });
      if (failWith) throw failWith;
      for (const key of [...rows.keys()]) if (key.startsWith(`${jobHandle}/`)) rows.delete(key);
    },
  };
  return {
    store,
    calls,
    rows,
    upserts: () => calls.flatMap((c) => (c.op === 'upsert' ? [c.row] : [])),
    holdWrites: () => (hold = []),
    releaseWrites: () => {
      const waiting = hold ?? [];
      hold = undefined;
      for (const r of waiting) r();
    },
    failWith: (err: Error | undefined) => (failWith = err),
  };
}

function fakeLog() {
  const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
  return { log: { warn: (fields: Record<string, unknown>, message: string) => void lines.push({ fields, message }) }, lines };
}

const ITEM = { assetHandle: 'a|1', name: 'brochure' };

/** Starts tracking an item and hands back its progress and a way to end it. */
function started(reporter: ItemProgressReporter, item = ITEM, job = 'j|1') {
  let finish!: () => void;
  let progress!: ItemProgress;
  const done = reporter.track(job, item, (p) => {
    progress = p;
    return new Promise<void>((r) => (finish = r));
  });
  return {
    progress,
    end: async () => {
      finish();
      await done;
    },
  };
}

describe('ItemProgressReporter', () => {
  it('writes nothing for an item that ends within the interval, and removes nothing', async () => {
    const c = fakeClock();
    const s = fakeStore();
    const item = started(new ItemProgressReporter({ itemProgress: s.store, logger: fakeLog().log, minIntervalMs: 250, clock: c.clock }));
    item.progress.step('reading', 0.1);
    await c.advance(100);
    item.progress.step('rendering', 0.4);
    await c.advance(100);
    await item.end();
    expect(s.calls).toEqual([]);
    expect(c.pendingTimers()).toBe(0);
  });

  it('writes the latest report once the item has run for the interval, then at once on a step change', async () => {
    const c = fakeClock();
    const s = fakeStore();
    const item = started(new ItemProgressReporter({ itemProgress: s.store, logger: fakeLog().log, minIntervalMs: 250, clock: c.clock }));
    item.progress.step('reading', 0.05, 'Reading the original');
    await c.advance(100);
    item.progress.step('ripping', 0.1, 'Ripping page 1 of 12');
    await c.advance(149);
    expect(s.upserts()).toEqual([]);
    await c.advance(1);
    expect(s.upserts()).toHaveLength(1);
    expect(s.upserts()[0]).toEqual({
      job_handle: 'j|1',
      item_id: 'a|1',
      item_name: 'brochure',
      step: 'ripping',
      message: 'Ripping page 1 of 12',
      fraction: 0.1,
      updated_at: new Date(1_000_100).toISOString(),
    });
    await c.advance(10);
    item.progress.step('commit', 0.95, 'Committing');
    await settle();
    expect(s.upserts().map((r) => r.step)).toEqual(['ripping', 'commit']);
    await item.end();
  });

  it('throttles reports of the same step to one write per interval, the latest winning', async () => {
    const c = fakeClock();
    const s = fakeStore(c.clock.now);
    const item = started(new ItemProgressReporter({ itemProgress: s.store, logger: fakeLog().log, minIntervalMs: 250, clock: c.clock }));
    await c.advance(300);
    // 1,000 pages reported over 2.5 s: about ten writes, not a thousand.
    for (let page = 1; page <= 1000; page++) {
      item.progress.step('ripping', page / 1000, `Ripping page ${page} of 1000`);
      await c.advance(2.5);
    }
    await c.advance(250);
    const writes = s.upserts();
    expect(writes.length).toBeGreaterThanOrEqual(10);
    expect(writes.length).toBeLessThanOrEqual(12);
    expect(writes.at(-1)!.message).toBe('Ripping page 1000 of 1000');
    const times = s.calls.flatMap((x) => (x.op === 'upsert' ? [x.at] : []));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(250);
    await item.end();
  });

  it('keeps the fraction monotonic and within 0..1', async () => {
    const c = fakeClock();
    const s = fakeStore();
    const item = started(new ItemProgressReporter({ itemProgress: s.store, logger: fakeLog().log, minIntervalMs: 250, clock: c.clock }));
    const seen: number[] = [];
    for (const [step, f] of [
      ['a', 0.5],
      ['b', 0.2],
      ['c', Number.NaN],
      ['d', 1.7],
      ['e', -1],
    ] as const) {
      item.progress.step(step, f);
      await c.advance(300);
      seen.push(s.upserts().at(-1)!.fraction);
    }
    expect(seen).toEqual([0.5, 0.5, 0.5, 1, 1]);
    await item.end();
  });

  it('has at most one write in flight, then writes the latest report', async () => {
    const c = fakeClock();
    const s = fakeStore();
    const item = started(new ItemProgressReporter({ itemProgress: s.store, logger: fakeLog().log, minIntervalMs: 250, clock: c.clock }));
    item.progress.step('ripping', 0.1);
    s.holdWrites();
    await c.advance(250);
    item.progress.step('pyramid', 0.5);
    item.progress.step('commit', 0.9);
    await settle();
    expect(s.upserts().map((r) => r.step)).toEqual(['ripping']);
    s.releaseWrites();
    await settle();
    expect(s.upserts().map((r) => r.step)).toEqual(['ripping', 'commit']);
    await item.end();
  });

  it('removes the row when the item ends, after a write in flight, and drops reports made after the end', async () => {
    const c = fakeClock();
    const s = fakeStore();
    const item = started(new ItemProgressReporter({ itemProgress: s.store, logger: fakeLog().log, minIntervalMs: 250, clock: c.clock }));
    item.progress.step('ripping', 0.2);
    s.holdWrites();
    await c.advance(250);
    item.progress.step('ripping', 0.3);
    const ending = item.end();
    await settle();
    expect(s.calls.map((x) => x.op)).toEqual(['upsert']);
    s.releaseWrites();
    await ending;
    expect(s.calls.map((x) => x.op)).toEqual(['upsert', 'remove']);
    expect(s.rows.size).toBe(0);
    item.progress.step('late', 0.9);
    await c.advance(1000);
    expect(s.calls.map((x) => x.op)).toEqual(['upsert', 'remove']);
    expect(c.pendingTimers()).toBe(0);
  });

  it('removes the row when the work throws, and passes the error on', async () => {
    const c = fakeClock();
    const s = fakeStore();
    const reporter = new ItemProgressReporter({ itemProgress: s.store, logger: fakeLog().log, minIntervalMs: 250, clock: c.clock });
    const run = reporter.track('j|1', ITEM, async (p) => {
      p.step('rendering', 0.3);
      await c.advance(250);
      throw new Error('disk full');
    });
    await expect(run).rejects.toThrow('disk full');
    expect(s.calls.map((x) => x.op)).toEqual(['upsert', 'remove']);
    expect(s.rows.size).toBe(0);
  });

  it('never fails the item when the store fails: logs once and goes on', async () => {
    const c = fakeClock();
    const s = fakeStore();
    const l = fakeLog();
    const reporter = new ItemProgressReporter({ itemProgress: s.store, logger: l.log, minIntervalMs: 250, clock: c.clock });
    s.failWith(new Error('database is locked'));
    const result = await reporter.track('j|1', ITEM, async (p) => {
      for (let i = 1; i <= 5; i++) {
        p.step(`step${i}`, i / 5);
        await c.advance(300);
      }
      return 'done';
    });
    expect(result).toBe('done');
    expect(s.upserts()).toHaveLength(5);
    expect(l.lines).toHaveLength(1);
    expect(l.lines[0]).toMatchObject({ fields: { jobHandle: 'j|1', itemId: 'a|1', reason: 'database is locked' } });
    await reporter.endJob('j|1');
    expect(l.lines).toHaveLength(2);
    expect(l.lines[1]!.fields).toMatchObject({ jobHandle: 'j|1', reason: 'database is locked' });
  });

  it('removes every row of a job at its end, leaving other jobs alone', async () => {
    const c = fakeClock();
    const s = fakeStore();
    const reporter = new ItemProgressReporter({ itemProgress: s.store, logger: fakeLog().log, minIntervalMs: 250, clock: c.clock });
    const a = started(reporter, { assetHandle: 'a|1', name: 'one' }, 'j|1');
    const b = started(reporter, { assetHandle: 'a|2', name: 'two' }, 'j|2');
    a.progress.step('ripping', 0.5);
    b.progress.step('ripping', 0.5);
    await c.advance(250);
    expect([...s.rows.keys()].sort()).toEqual(['j|1/a|1', 'j|2/a|2']);
    await reporter.endJob('j|1');
    expect([...s.rows.keys()]).toEqual(['j|2/a|2']);
    await a.end();
    await b.end();
    expect(s.rows.size).toBe(0);
  });
});

describe('between', () => {
  it('maps a part of a sub-step into its share of the item', () => {
    expect(between(0.1, 0.9, 0)).toBe(0.1);
    expect(between(0.1, 0.9, 0.5)).toBeCloseTo(0.5);
    expect(between(0.1, 0.9, 1)).toBeCloseTo(0.9);
    expect(between(0.1, 0.9, 2)).toBeCloseTo(0.9);
    expect(between(0.1, 0.9, Number.NaN)).toBe(0.1);
  });
});
