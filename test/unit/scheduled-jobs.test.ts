import { describe, expect, it } from 'vitest';
import type { JobSchedule } from '../../src/adapters/temporal/job.gateway.js';
import { ScheduledJobs } from '../../src/services/scheduled-jobs.js';

const schedule = (scheduleId: string): JobSchedule => ({
  scheduleId,
  companyHandle: 'c|1',
  jobType: 'ImageServingPublishJob',
  jobName: 'nightly',
  submitUser: 'ann@example.com',
  memo: {},
  paused: false,
  nextActionTimes: [],
});

/**
 * Temporal as the service sees it: schedules that exist (described by id) and the ids its visibility store lists so
 * far; createdHere are the ones this process submitted.
 */
function setup(start: { exist?: string[]; visible?: string[]; createdHere?: string[] } = {}) {
  let now = 10_000;
  const temporal = { exists: new Set(start.exist), visible: [...(start.visible ?? [])], described: [] as string[] };
  const scheduled = new ScheduledJobs({
    gateway: {
      listScheduleIds: async () => [...temporal.visible],
      describeSchedule: async (id: string) => {
        temporal.described.push(id);
        return temporal.exists.has(id) ? schedule(id) : undefined;
      },
    },
    now: () => now,
  });
  for (const id of start.createdHere ?? []) scheduled.created(id);
  return { scheduled, temporal, advance: (ms: number) => (now += ms) };
}

const ids = (list: JobSchedule[]) => list.map((s) => s.scheduleId).sort();

describe('ScheduledJobs', () => {
  it('lists a schedule created here before Temporal lists it', async () => {
    const t = setup();
    t.temporal.exists.add('s1');
    expect(await t.scheduled.list()).toEqual([]);
    t.scheduled.created('s1');
    expect(ids(await t.scheduled.list())).toEqual(['s1']);
  });

  it('describes each schedule once when Temporal lists one created here too', async () => {
    const t = setup({ exist: ['s1', 's2'], visible: ['s2'], createdHere: ['s1'] });
    expect(ids(await t.scheduled.list())).toEqual(['s1', 's2']);
    t.temporal.visible.push('s1');
    t.temporal.described.length = 0;
    expect(ids(await t.scheduled.list())).toEqual(['s1', 's2']);
    expect(t.temporal.described.sort()).toEqual(['s1', 's2']);
  });

  it('drops a schedule deleted since, whether Temporal still lists it or not', async () => {
    const t = setup({ exist: ['s1', 's2'], visible: ['s2'], createdHere: ['s1'] });
    t.temporal.exists.clear();
    expect(await t.scheduled.list()).toEqual([]);
  });

  it('stops describing a created schedule by id once it is old enough for visibility to have it', async () => {
    const t = setup({ exist: ['s1'], createdHere: ['s1'] });
    t.advance(29_000);
    expect(ids(await t.scheduled.list())).toEqual(['s1']);
    t.advance(1_000);
    t.temporal.described.length = 0;
    expect(await t.scheduled.list()).toEqual([]);
    expect(t.temporal.described).toEqual([]);
  });
});
