import { describe, expect, it } from 'vitest';
import { JobLanes } from '../../src/services/job-lanes.js';

describe('JobLanes', () => {
  it('gives a fixed number as configured, without asking Temporal', async () => {
    let asked = 0;
    const lanes = new JobLanes({ mode: 7, perWorker: 3, workers: async () => ++asked });
    expect(await lanes.lanes()).toBe(7);
    expect(asked).toBe(0);
  });

  it('auto: the slots of every polling worker, at least one worker’s', async () => {
    let workers = 0;
    let now = 0;
    const lanes = new JobLanes({ mode: 'auto', perWorker: 3, workers: async () => workers, ttlMs: 10_000, now: () => now });
    expect(await lanes.lanes()).toBe(3); // none polling yet: one machine's lanes
    workers = 4;
    now = 9_999;
    expect(await lanes.lanes()).toBe(3); // the count is shared for ttlMs
    now = 10_000;
    expect(await lanes.lanes()).toBe(12);
  });

  it('auto: one worker’s lanes when Temporal cannot say', async () => {
    const lanes = new JobLanes({
      mode: 'auto',
      perWorker: 2,
      workers: async () => {
        throw new Error('unavailable');
      },
    });
    expect(await lanes.lanes()).toBe(2);
  });
});
