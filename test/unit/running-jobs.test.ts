import { describe, expect, it } from 'vitest';
import type { JobExecution } from '../../src/adapters/temporal/job.gateway.js';
import { RunningJobs } from '../../src/services/running-jobs.js';

const run = (workflowId: string, companyHandle: string, jobName = 'job') => ({
  workflowId,
  workflowType: 'optimizeImagesJob',
  running: true,
  startTime: new Date(0),
  companyHandle,
  jobType: 'OptimizeImagesJob',
  jobName,
  submitUser: 'ann@example.com',
  memo: {},
});

function setup(listed: JobExecution[] = [], endedLogs: string[] = []) {
  let now = 10_000;
  const queries: string[] = [];
  const temporal = { runs: listed };
  const running = new RunningJobs({
    gateway: {
      listRunning: async (query: string) => {
        queries.push(query);
        return temporal.runs;
      },
    },
    jobLogs: { endedJobHandles: async (handles) => new Set(handles.filter((h) => endedLogs.includes(h))) },
    ttlMs: 500,
    staleMs: 5000,
    now: () => now,
  });
  return { running, queries, temporal, endedLogs, advance: (ms: number) => (now += ms) };
}

describe('RunningJobs', () => {
  it('asks Temporal once per filter while the answer is fresh, with the filter in the query', async () => {
    const t = setup([run('a1', 'A')]);
    expect((await t.running.list({ companies: ['A'] })).map((r) => r.workflowId)).toEqual(['a1']);
    await t.running.list({ companies: ['A'] });
    expect(t.queries).toEqual(['CompanyHandle IN ("A")']);
    await t.running.list({ companies: ['B'], jobName: 'x"y' });
    expect(t.queries[1]).toBe('CompanyHandle IN ("B") AND JobName = "x\\"y"');
  });

  it('lists a job started here before Temporal lists it, only for a matching filter', async () => {
    const t = setup([]);
    await t.running.list({ companies: ['A'] });
    t.running.started(run('a2', 'A', 'nightly'));
    expect((await t.running.list({ companies: ['A'] })).map((r) => r.workflowId)).toEqual(['a2']);
    expect(await t.running.list({ companies: ['B'] })).toEqual([]);
    expect(await t.running.list({ companies: ['A'], jobName: 'other' })).toEqual([]);
    expect((await t.running.list({})).map((r) => r.workflowId)).toEqual(['a2']);
  });

  it('drops a job whose log has ended, whatever an older answer says', async () => {
    const t = setup([run('a1', 'A'), run('a3', 'A')]);
    expect(await t.running.list({ companies: ['A'] })).toHaveLength(2);
    t.endedLogs.push('a1');
    expect((await t.running.list({ companies: ['A'] })).map((r) => r.workflowId)).toEqual(['a3']);
  });

  it('asks afresh after a change made here, and sends no query for an impossible filter', async () => {
    const t = setup([run('a1', 'A')]);
    await t.running.list({ companies: ['A'] });
    t.temporal.runs = [];
    t.running.changed('a1');
    expect(await t.running.list({ companies: ['A'] })).toEqual([]);
    expect(t.queries).toHaveLength(2);
    expect(await t.running.list({ companies: [] })).toEqual([]);
    expect(await t.running.list({ companies: ['A\u0000'] })).toEqual([]);
    expect(t.queries).toHaveLength(2);
  });

  it('forgets a job started here once Temporal lists it', async () => {
    const t = setup([]);
    t.running.started(run('a4', 'A'));
    t.temporal.runs = [run('a4', 'A')];
    t.advance(600);
    await t.running.list({ companies: ['A'] }); // stale answer served, refresh behind it
    await new Promise((r) => setTimeout(r, 0));
    expect((await t.running.list({ companies: ['A'] })).map((r) => r.workflowId)).toEqual(['a4']);
    t.temporal.runs = [];
    t.advance(600);
    await t.running.list({ companies: ['A'] });
    await new Promise((r) => setTimeout(r, 0));
    expect(await t.running.list({ companies: ['A'] })).toEqual([]);
  });
});
