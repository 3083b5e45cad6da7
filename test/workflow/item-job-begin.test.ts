import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalEnvironment } from './support/environment.js';
import { type FakeJob, fakeOptimizeJob } from './support/fake-item-job.js';
import { type HistoryEvent, localActivities, scheduledActivities } from './support/history.js';
import { runFakeJob } from './support/run-fake-job.js';

/**
 * A job's Begin row is written by a local activity inside the job's first
 * workflow task, which then goes on to schedule the job's next step: no
 * activity dispatch through the server, and no second workflow task, before
 * the work starts (bench/latency's submit → first item). It still comes
 * first, and a failing attempt is retried as before.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startLocalEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

function runJob(job: FakeJob): Promise<{ outcome: unknown; events: HistoryEvent[] }> {
  return runFakeJob(env, job).then(({ result, events }) => ({ outcome: result, events }));
}

it('writes the Begin row in the first workflow task, which schedules the next step: no beginJob activity', async () => {
  const job = fakeOptimizeJob({ items: 3 });
  const { outcome, events } = await runJob(job);
  expect(outcome).toEqual({ outcome: 'done', total: 3, processed: 3, errors: 0 });

  const scheduled = scheduledActivities(events);
  expect(scheduled).not.toContain('beginJob');
  const firstScheduled = events.findIndex((e) => e.activityTaskScheduledEventAttributes);
  const upToIt = events.slice(0, firstScheduled + 1);
  // OptimizeImagesJob counts its items by an activity: the first one the server dispatches.
  expect(scheduled[0]).toBe('countImagesToOptimize');
  expect(
    upToIt.filter((e) => e.workflowTaskCompletedEventAttributes),
    'one workflow task before the first activity',
  ).toHaveLength(1);
  expect(localActivities(upToIt)).toEqual(['beginJob']);
  // The End row is a local activity too (item-job-end.test.ts).
  expect(localActivities(events), 'the Begin row is written once').toEqual(['beginJob', 'endJob']);

  expect(job.recorder.events[0]).toEqual({ kind: 'begin', attempt: 1 });
  expect(job.recorder.of('begin')).toHaveLength(1);
});

it('retries a Begin row whose attempts fail (a database not answering yet) before any other step', async () => {
  const job = fakeOptimizeJob({
    items: 2,
    begin: async (attempt) => {
      if (attempt <= 2) throw new Error('database is locked');
    },
  });
  const { outcome } = await runJob(job);
  expect(outcome).toEqual({ outcome: 'done', total: 2, processed: 2, errors: 0 });
  expect(job.recorder.events[0]).toEqual({ kind: 'begin', attempt: 3 });
  expect(job.recorder.of('begin')).toHaveLength(1);
  expect(job.recorder.of('end').map((e) => e.outcome)).toEqual([outcome]);
});
