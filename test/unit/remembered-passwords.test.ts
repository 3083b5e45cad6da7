import { describe, expect, it } from 'vitest';
import { RememberedPasswords } from '../../src/services/remembered-passwords.js';

/** A KDF whose runs the test ends by hand, counting them. */
function manualKdf() {
  const runs: { resolve: (v: boolean) => void; reject: (e: Error) => void }[] = [];
  const kdf = () => new Promise<boolean>((resolve, reject) => runs.push({ resolve, reject }));
  return { kdf, runs };
}
const flush = () => new Promise((r) => setImmediate(r));
const ttl = 60_000;

/** A cache on a hand-moved clock whose key 'k' the KDF confirmed at t = 0 (one run so far). */
async function confirmedAtZero() {
  const clock = { t: 0 };
  const cache = new RememberedPasswords(ttl, () => clock.t);
  const { kdf, runs } = manualKdf();
  const first = cache.check('k', kdf);
  runs[0]!.resolve(true);
  await first;
  return { clock, cache, kdf, runs };
}

describe('RememberedPasswords', () => {
  it('runs one KDF for callers that offer the same password at once, then remembers it', async () => {
    const clock = { t: 0 };
    const cache = new RememberedPasswords(ttl, () => clock.t);
    const { kdf, runs } = manualKdf();
    const answers = Promise.all([1, 2, 3, 4].map(() => cache.check('k', kdf)));
    await flush();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(true);
    expect(await answers).toEqual(Array(4).fill({ matches: true, remembered: false }));
    expect(await cache.check('k', kdf)).toEqual({ matches: true, remembered: true });
    expect(runs).toHaveLength(1);
  });

  it('shares a wrong answer too, and remembers nothing of it', async () => {
    const cache = new RememberedPasswords(ttl, () => 0);
    const { kdf, runs } = manualKdf();
    const answers = Promise.all([cache.check('bad', kdf), cache.check('bad', kdf)]);
    await flush();
    runs[0]!.resolve(false);
    expect((await answers).map((a) => a.matches)).toEqual([false, false]);
    const again = cache.check('bad', kdf);
    await flush();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(false);
    expect(await again).toEqual({ matches: false, remembered: false });
  });

  it('answers from memory in the last fifth of the entry and confirms the password again behind the answer', async () => {
    const { clock, cache, kdf, runs } = await confirmedAtZero();

    clock.t = 0.7 * ttl; // not yet in the last fifth: no KDF
    expect(await cache.check('k', kdf)).toEqual({ matches: true, remembered: true });
    expect(runs).toHaveLength(1);

    clock.t = 0.9 * ttl; // answered at once while the KDF runs; one run however many callers
    expect(await cache.check('k', kdf)).toEqual({ matches: true, remembered: true });
    expect(await cache.check('k', kdf)).toEqual({ matches: true, remembered: true });
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(true);
    await flush();

    clock.t = 1.5 * ttl; // the confirmation at 0.9 × ttl holds until 1.9 × ttl
    expect(await cache.check('k', kdf)).toEqual({ matches: true, remembered: true });
    expect(runs).toHaveLength(2);
  });

  it('starts the confirmation behind the answer from the first millisecond of the last fifth (refreshDue)', async () => {
    const { clock, cache, kdf, runs } = await confirmedAtZero();
    clock.t = 0.8 * ttl - 1;
    await cache.check('k', kdf);
    expect(runs).toHaveLength(1);
    clock.t = 0.8 * ttl;
    expect(await cache.check('k', kdf)).toEqual({ matches: true, remembered: true });
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(true);
    await flush();
  });

  it('makes the caller wait for the KDF once the entry has expired unused', async () => {
    const { clock, cache, kdf, runs } = await confirmedAtZero();
    clock.t = ttl;
    const later = cache.check('k', kdf);
    await flush();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(true);
    expect(await later).toEqual({ matches: true, remembered: false });
  });

  it('keeps the entry to its end when the confirmation behind an answer fails, without an unhandled rejection', async () => {
    const { clock, cache, kdf, runs } = await confirmedAtZero();
    clock.t = 0.9 * ttl;
    await cache.check('k', kdf);
    runs[1]!.reject(new Error('database gone'));
    await flush();
    clock.t = 0.95 * ttl; // still remembered; a new confirmation starts
    expect(await cache.check('k', kdf)).toEqual({ matches: true, remembered: true });
    expect(runs).toHaveLength(3);
    clock.t = ttl;
    const later = cache.check('k', kdf); // expired: waits for the run in flight
    runs[2]!.resolve(true);
    expect(await later).toEqual({ matches: true, remembered: false });
  });

  it('remembers nothing with a ttl of 0, and nothing a run started before clear() confirms', async () => {
    const zero = new RememberedPasswords(0, () => 0);
    const a = manualKdf();
    const one = zero.check('k', a.kdf);
    a.runs[0]!.resolve(true);
    await one;
    const two = zero.check('k', a.kdf);
    await flush();
    expect(a.runs).toHaveLength(2);
    a.runs[1]!.resolve(true);
    await two;

    const cache = new RememberedPasswords(ttl, () => 0);
    const b = manualKdf();
    const pending = cache.check('k', b.kdf);
    cache.clear();
    b.runs[0]!.resolve(true);
    expect(await pending).toEqual({ matches: true, remembered: false });
    const after = cache.check('k', b.kdf);
    await flush();
    expect(b.runs).toHaveLength(2);
    b.runs[1]!.resolve(true);
    await after;
  });
});
