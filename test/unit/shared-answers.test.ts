import { describe, expect, it } from 'vitest';
import { SharedAnswers } from '../../src/services/shared-answers.js';

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('SharedAnswers', () => {
  it('shares a query in flight and its answer for ttlMs, then asks again', async () => {
    const c = clock();
    const s = new SharedAnswers<number>(1000, c.now);
    let calls = 0;
    let release!: (n: number) => void;
    const load = () => {
      calls++;
      return new Promise<number>((r) => (release = r));
    };
    const a = s.get('job', load);
    const b = s.get('job', load);
    release(7);
    expect(await a).toBe(7);
    expect(await b).toBe(7);
    expect(calls).toBe(1);
    c.advance(999);
    expect(await s.get('job', async () => (calls++, 8))).toBe(7);
    c.advance(1);
    expect(await s.get('job', async () => (calls++, 9))).toBe(9);
    expect(calls).toBe(2);
  });

  it('keeps jobs apart, forgets on request, and does not remember a failed query', async () => {
    const s = new SharedAnswers<string>(60_000, clock().now);
    expect(await s.get('a', async () => 'a1')).toBe('a1');
    expect(await s.get('b', async () => 'b1')).toBe('b1');
    s.forget('a');
    expect(await s.get('a', async () => 'a2')).toBe('a2');
    expect(await s.get('b', async () => 'b2')).toBe('b1');
    await expect(s.get('c', async () => Promise.reject(new Error('no worker')))).rejects.toThrow('no worker');
    await Promise.resolve();
    expect(await s.get('c', async () => 'c2')).toBe('c2');
  });

  it('asks every time when ttlMs is 0', async () => {
    const s = new SharedAnswers<number>(0);
    let n = 0;
    expect(await s.get('x', async () => ++n)).toBe(1);
    expect(await s.get('x', async () => ++n)).toBe(2);
  });
});

describe('SharedAnswers with staleMs (stale-if-slow)', () => {
  it('answers a stale value after waitMs while one slow fresh load runs, then serves the fresh one', async () => {
    const c = clock();
    const s = new SharedAnswers<number>(1000, c.now, 5000, 20);
    expect(await s.get('job', async () => 1)).toBe(1);
    c.advance(1500);
    let release!: (n: number) => void;
    let calls = 0;
    const slow = () => {
      calls++;
      return new Promise<number>((r) => (release = r));
    };
    expect(await s.get('job', slow)).toBe(1);
    expect(await s.get('job', slow)).toBe(1);
    expect(calls).toBe(1);
    release(2);
    await Promise.resolve();
    await Promise.resolve();
    expect(await s.get('job', async () => 3)).toBe(2);
  });

  it('answers a fresh value that comes within waitMs', async () => {
    const c = clock();
    const s = new SharedAnswers<number>(1000, c.now, 5000, 10_000);
    expect(await s.get('job', async () => 1)).toBe(1);
    c.advance(1500);
    expect(await s.get('job', async () => 2)).toBe(2);
  });

  it('waits for a fresh load once the value is older than ttlMs + staleMs, and after forget', async () => {
    const c = clock();
    const s = new SharedAnswers<number>(1000, c.now, 5000);
    expect(await s.get('job', async () => 1)).toBe(1);
    c.advance(6000);
    expect(await s.get('job', async () => 2)).toBe(2);
    s.forgetAll();
    expect(await s.get('job', async () => 3)).toBe(3);
  });

  it('keeps the stale value when a refresh fails, and tries again at the next call', async () => {
    const c = clock();
    const s = new SharedAnswers<number>(1000, c.now, 5000);
    expect(await s.get('job', async () => 1)).toBe(1);
    c.advance(2000);
    expect(await s.get('job', () => Promise.reject(new Error('throttled')))).toBe(1);
    await Promise.resolve();
    await Promise.resolve();
    let asked = 0;
    // The next caller asks again, and a load that answers within waitMs is what it gets.
    expect(await s.get('job', async () => (asked++, 2))).toBe(2);
    expect(asked).toBe(1);
  });
});

describe('SharedAnswers with staleMs: refresh ahead', () => {
  it('in the last fifth of ttlMs answers at once and loads the next answer behind it, which later callers get', async () => {
    const c = clock();
    const s = new SharedAnswers<number>(1000, c.now, 5000, 20);
    let calls = 0;
    expect(await s.get('job', async () => (++calls, 1))).toBe(1);
    c.advance(799);
    expect(await s.get('job', async () => (++calls, 2))).toBe(1);
    expect(calls).toBe(1);
    c.advance(1);
    let release!: (n: number) => void;
    const behind = () => (++calls, new Promise<number>((r) => (release = r)));
    // Answered at once with what it has, while the next load runs (and is not started twice).
    expect(await s.get('job', behind)).toBe(1);
    expect(await s.get('job', behind)).toBe(1);
    expect(calls).toBe(2);
    release(3);
    await Promise.resolve();
    await Promise.resolve();
    // The new answer counts from when its load started (t = 800): no load before its own last fifth (t = 1600).
    c.advance(799);
    expect(await s.get('job', async () => (++calls, 4))).toBe(3);
    expect(calls).toBe(2);
    c.advance(1);
    expect(await s.get('job', async () => (++calls, 5))).toBe(3);
    expect(calls).toBe(3);
  });

  it('does not refresh ahead without staleMs', async () => {
    const c = clock();
    const s = new SharedAnswers<number>(1000, c.now);
    let calls = 0;
    expect(await s.get('job', async () => (++calls, 1))).toBe(1);
    c.advance(900);
    expect(await s.get('job', async () => (++calls, 2))).toBe(1);
    expect(calls).toBe(1);
  });
});
