import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_EVERY_MS, withHeartbeat } from '../../activities/heartbeat.js';

describe('withHeartbeat', () => {
  afterEach(() => vi.useRealTimers());

  it('just runs the work outside an activity', async () => {
    expect(await withHeartbeat(async (signal) => (signal === undefined ? 'no signal' : 'signal'))).toBe('no signal');
  });

  it('heartbeats at the start and then periodically, and stops when the work ends', async () => {
    vi.useFakeTimers();
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    let finish!: (v: string) => void;
    const running = env.run(() => withHeartbeat(() => new Promise<string>((r) => (finish = r))));
    await vi.advanceTimersByTimeAsync(0);
    expect(beats).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_EVERY_MS * 3);
    expect(beats).toHaveLength(4);
    finish('done');
    expect(await running).toBe('done');
    await vi.advanceTimersByTimeAsync(HEARTBEAT_EVERY_MS * 3);
    expect(beats).toHaveLength(4);
  });

  it('hands the work a signal that aborts when the activity is cancelled', async () => {
    const env = new MockActivityEnvironment();
    const running = env.run(() =>
      withHeartbeat(
        (signal) =>
          new Promise<string>((resolve) => {
            signal!.addEventListener('abort', () => resolve('aborted'));
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 10));
    env.cancel();
    expect(await running).toBe('aborted');
  });
});
