import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ITEM_ACTIVITY_OPTIONS } from '../../workflows/activity-options.js';
import type { optimizeImagesWorkflow } from '../../workflows/optimize-images.workflow.js';
import { startTimeSkippingEnvironment, withWorker } from './support/environment.js';
import { assetHandles, fakeOptimizeJob, optimizeRequest } from './support/fake-item-job.js';

/**
 * A batch whose activity throws is retried with the item activities' real
 * retry policy (backoffs of seconds to minutes: the time-skipping server lets
 * them pass at once); one that still fails after the last attempt is handed
 * to the job's failure hook, which records its items as errors, and the job
 * goes on with the next batch.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const MAX_ATTEMPTS = ITEM_ACTIVITY_OPTIONS.retry!.maximumAttempts!;

it('retries a failing batch per the activity options, then records its items as failed and finishes the job', async () => {
  // Six items on one lane: batches of two. asset-004 always fails (after asset-003 succeeded in the same
  // attempt); asset-005 fails on its first two attempts only.
  const job = fakeOptimizeJob({
    items: 6,
    work: async (item, attempt) => {
      if (item.assetHandle === 'asset-004') throw new Error('volume unavailable');
      if (item.assetHandle === 'asset-005' && attempt <= 2) throw new Error('connection reset');
    },
  });
  const outcome = await withWorker(env, job, async (taskQueue) =>
    env.client.workflow.execute<typeof optimizeImagesWorkflow>('optimizeImagesWorkflow', {
      taskQueue,
      workflowId: `job-${randomUUID()}`,
      args: [optimizeRequest(1)],
      // Server time, which skips: the backoffs take about half a minute of it. A job that never
      // ends (say, one retrying its batch forever) fails here rather than at the test's timeout.
      workflowExecutionTimeout: '1 hour',
    }),
  );

  const attemptsOf = (first: string) =>
    job.recorder
      .of('batch-start')
      .filter((e) => e.items[0] === first)
      .map((e) => e.attempt);
  expect(attemptsOf('asset-001')).toEqual([1]);
  expect(attemptsOf('asset-003')).toEqual(Array.from({ length: MAX_ATTEMPTS }, (_, i) => i + 1));
  expect(attemptsOf('asset-005')).toEqual([1, 2, 3]);
  expect(
    job.recorder
      .of('batch-failed')
      .filter((e) => e.items[0] === 'asset-005')
      .map((e) => [e.attempt, e.reason]),
  ).toEqual([
    [1, 'connection reset'],
    [2, 'connection reset'],
  ]);

  // Only the batch that gave up reaches the failure hook, with the activity's own message.
  expect(job.recorder.of('record-failures')).toEqual([{ kind: 'record-failures', items: ['asset-003', 'asset-004'], reason: 'volume unavailable' }]);
  expect(outcome).toEqual({ outcome: 'done', total: 6, processed: 6, errors: 2 });
  expect(job.recorder.of('end').map((e) => e.outcome)).toEqual([outcome]);
  expect([...new Set(job.recorder.itemsDone())].sort()).toEqual(assetHandles(6).filter((h) => h !== 'asset-004'));
});
