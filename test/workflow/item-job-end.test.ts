import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stopJobSignal } from '../../src/jobs/contracts.js';
import { startLocalEnvironment } from './support/environment.js';
import { type FakeJob, fakeOptimizeJob } from './support/fake-item-job.js';
import { runFakeJob } from './support/run-fake-job.js';
import { type HistoryEvent, completedActivityOf, localActivities, localActivityOf, scheduledActivities, scheduledActivityOf } from './support/history.js';

/**
 * A job's End row is written by a local activity inside the workflow task that
 * sees the job's work end (its last batch, or the stop): no activity dispatch
 * through the server, which waits for a free worker slot, and under another
 * company's big job every slot is that job's (bench/fairness). The mail and
 * the callback stay activities, after the End row; a failing End attempt is
 * retried as before.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startLocalEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const OPS = 'ops@example.com';

function runJob(job: FakeJob, stop?: (handle: WorkflowHandle) => Promise<void>): Promise<{ result: unknown; events: HistoryEvent[] }> {
  return runFakeJob(env, job, stop);
}

/** The events from the completion of the job's last batch (optimizeImages) to the scheduling of its mail (notifyJob). */
function lastBatchToMail(events: HistoryEvent[]): HistoryEvent[] {
  const lastBatch = events.findLastIndex((e) => completedActivityOf(events, e) === 'optimizeImages');
  const mail = events.findIndex((e) => scheduledActivityOf(e) === 'notifyJob');
  expect(lastBatch, 'a batch completed').toBeGreaterThanOrEqual(0);
  expect(mail, 'the mail is scheduled after the last batch').toBeGreaterThan(lastBatch);
  return events.slice(lastBatch, mail + 1);
}

it('writes the End row in the workflow task that sees the last batch end, which schedules the mail: no endJob activity', async () => {
  const job = fakeOptimizeJob({ items: 3 });
  const { result, events } = await runJob(job);
  expect(result).toEqual({ outcome: 'done', total: 3, processed: 3, errors: 0 });

  expect(scheduledActivities(events)).not.toContain('endJob');
  expect(scheduledActivities(events).at(-1)).toBe('notifyJob');
  const between = lastBatchToMail(events);
  expect(
    between.filter((e) => e.workflowTaskCompletedEventAttributes),
    'one workflow task from the last batch to the mail',
  ).toHaveLength(1);
  expect(localActivities(between)).toEqual(['endJob']);
  expect(localActivities(events), 'the End row is written once').toEqual(['beginJob', 'endJob']);

  // The log is ended before anyone is told.
  expect(job.recorder.events.slice(-2).map((e) => e.kind)).toEqual(['end', 'notify']);
  expect(job.recorder.of('end')).toEqual([{ kind: 'end', outcome: result, attempt: 1 }]);
});

it('ends a job stopped mid-batch by the stopJob signal the same way, before its mail and its own cancellation', async () => {
  // 12 items on one lane: batches of three; the second item of the first is held while the stop arrives.
  const job = fakeOptimizeJob({ items: 12, hold: ['asset-002'] });
  const { result, events } = await runJob(job, (h) => h.signal(stopJobSignal, { user: OPS, reason: 'maintenance' }));
  expect(result).toBeInstanceOf(WorkflowFailedError);
  expect((result as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

  const stopped = { outcome: 'stopped', total: 12, processed: 2, errors: 0, stopSource: 'signal', stoppedBy: OPS, reason: 'maintenance' };
  expect(job.recorder.of('end')).toEqual([{ kind: 'end', outcome: stopped, attempt: 1 }]);
  expect(job.recorder.of('notify').map((e) => e.outcome)).toEqual([stopped]);
  expect(scheduledActivities(events)).not.toContain('endJob');
  // The job asks the server for its own cancellation last, so the run closes as cancelled.
  expect(scheduledActivities(events).slice(-2)).toEqual(['notifyJob', 'cancelOwnRun']);
  const between = lastBatchToMail(events);
  expect(between.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
  expect(between.map(localActivityOf).filter(Boolean)).toEqual(['endJob']);
});

it('retries an End row whose attempts fail (a database not answering) before the mail', async () => {
  const job = fakeOptimizeJob({
    items: 2,
    end: async (attempt) => {
      if (attempt <= 2) throw new Error('database is locked');
    },
  });
  const { result, events } = await runJob(job);
  expect(result).toEqual({ outcome: 'done', total: 2, processed: 2, errors: 0 });
  expect(job.recorder.of('end')).toEqual([{ kind: 'end', outcome: result, attempt: 3 }]);
  expect(job.recorder.events.slice(-2).map((e) => e.kind)).toEqual(['end', 'notify']);
  expect(localActivities(events), 'one marker for the three attempts').toEqual(['beginJob', 'endJob']);
});
