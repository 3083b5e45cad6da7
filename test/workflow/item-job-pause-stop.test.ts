import { randomUUID } from 'node:crypto';
import { CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobProgress, jobProgressQuery, pauseJobSignal, resumeJobSignal, stopJobSignal, stopRequestedSignal } from '../../src/jobs/contracts.js';
import type { optimizeImagesWorkflow } from '../../workflows/optimize-images.workflow.js';
import { waitUntil } from '../support/wait.js';
import { startLocalEnvironment, withWorker } from './support/environment.js';
import { assetHandles, fakeOptimizeJob, optimizeRequest } from './support/fake-item-job.js';

/**
 * runItemJob's pause, resume and stop, through OptimizeImagesJob on a real
 * worker and dev server with mocked activities. Items the tests hold keep a
 * batch in flight while a signal arrives; everything asserted is what
 * the activities saw and what the workflow answers.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startLocalEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const OPS = 'ops@example.com';

function start(taskQueue: string, lanes: number): Promise<WorkflowHandle<typeof optimizeImagesWorkflow>> {
  return env.client.workflow.start<typeof optimizeImagesWorkflow>('optimizeImagesWorkflow', {
    taskQueue,
    workflowId: `job-${randomUUID()}`,
    args: [optimizeRequest(lanes)],
    // These jobs take a second or two: one that never ends fails its test with this timeout as the reason.
    workflowExecutionTimeout: '45 seconds',
  });
}

/** The job's progress once `ready` holds (the workflow has taken in what the activities returned). */
function progressWhen(handle: WorkflowHandle, what: string, ready: (p: JobProgress) => boolean): Promise<JobProgress> {
  return waitUntil(
    what,
    async () => {
      const p = await handle.query(jobProgressQuery);
      return ready(p) ? p : undefined;
    },
    20_000,
  );
}

describe('pause and resume', () => {
  it('interrupts the batches in flight, starts none while paused, and finishes every item once after resume', async () => {
    // 16 items on two lanes: batches of two; the first item of each of the first two batches is held.
    const job = fakeOptimizeJob({ items: 16, hold: ['asset-001', 'asset-003'] });
    const { recorder } = job;
    await withWorker(env, job, async (taskQueue) => {
      const handle = await start(taskQueue, 2);
      await recorder.when('batch-start', (e) => e.items[0] === 'asset-001');
      await recorder.when('batch-start', (e) => e.items[0] === 'asset-003');

      await handle.signal(pauseJobSignal, { user: OPS });
      await recorder.when('batch-cancelled', (e) => e.items[0] === 'asset-001');
      await recorder.when('batch-cancelled', (e) => e.items[0] === 'asset-003');
      job.release();

      // Both lanes handed back their batch (the held item finished, its neighbour did not start).
      const paused = await progressWhen(handle, 'both interrupted batches to come back', (p) => p.processed >= 2);
      expect(paused).toMatchObject({ paused: true, message: `Paused by ${OPS}`, processed: 2, errors: 0, processing: [] });
      expect(recorder.itemsDone().sort()).toEqual(['asset-001', 'asset-003']);
      expect(recorder.of('batch-start')).toHaveLength(2);

      await handle.signal(resumeJobSignal, { user: OPS });
      const outcome = await handle.result();
      expect(outcome).toEqual({ outcome: 'done', total: 16, processed: 16, errors: 0 });
    });
    expect(recorder.itemsDone().sort()).toEqual(assetHandles(16));
    expect(recorder.of('begin')).toHaveLength(1);
    expect(recorder.of('end').map((e) => e.outcome)).toEqual([{ outcome: 'done', total: 16, processed: 16, errors: 0 }]);
  });

  it('requeues the unfinished items of an interrupted batch at the head of the queue', async () => {
    // 12 items on one lane: batches of three; the second item of the first batch is held.
    const job = fakeOptimizeJob({ items: 12, hold: ['asset-002'] });
    const { recorder } = job;
    await withWorker(env, job, async (taskQueue) => {
      const handle = await start(taskQueue, 1);
      await recorder.when('item-done', (e) => e.item === 'asset-001');

      await handle.signal(pauseJobSignal, { user: OPS });
      await recorder.when('batch-cancelled');
      job.release();
      const end = await recorder.when('batch-end');
      // The item in hand finished; the one after it was never started.
      expect(end.done).toEqual(['asset-001', 'asset-002']);
      const paused = await progressWhen(handle, 'the interrupted batch to come back', (p) => p.processed >= 2);
      expect(paused).toMatchObject({ paused: true, processed: 2, processing: [] });

      await handle.signal(resumeJobSignal, { user: OPS });
      expect(await handle.result()).toEqual({ outcome: 'done', total: 12, processed: 12, errors: 0 });
    });
    expect(recorder.of('batch-start').map((e) => e.items)).toEqual([
      ['asset-001', 'asset-002', 'asset-003'],
      // asset-003 was handed back, and goes first.
      ['asset-003', 'asset-004', 'asset-005'],
      ['asset-006', 'asset-007', 'asset-008'],
      ['asset-009', 'asset-010', 'asset-011'],
      ['asset-012'],
    ]);
    expect(recorder.itemsDone()).toEqual(assetHandles(12));
  });
});

describe('stop mid-batch', () => {
  const stops = [
    {
      how: 'the stopJob signal',
      stop: (h: WorkflowHandle) => h.signal(stopJobSignal, { user: OPS, reason: 'maintenance' }),
      stopped: { stopSource: 'signal', stoppedBy: OPS, reason: 'maintenance' },
    },
    {
      how: 'a cancellation request (as the stopJob operation sends)',
      stop: async (h: WorkflowHandle) => {
        await h.signal(stopRequestedSignal, { user: OPS });
        await h.cancel();
      },
      stopped: { stopSource: 'cancel', stoppedBy: OPS },
    },
  ];

  it.each(stops)('by $how: the batch in flight finishes its item and stops, the job ends stopped with the finished items', async ({ stop, stopped }) => {
    // 12 items on one lane: batches of three; the second item of the first batch is held.
    const job = fakeOptimizeJob({ items: 12, hold: ['asset-002'] });
    const { recorder } = job;
    await withWorker(env, job, async (taskQueue) => {
      const handle = await start(taskQueue, 1);
      await recorder.when('item-done', (e) => e.item === 'asset-001');

      await stop(handle);
      await recorder.when('batch-cancelled');
      // The job waits for the item in hand before it ends.
      expect(await handle.query(jobProgressQuery)).toMatchObject({ state: 'Stopping', processed: 0 });
      job.release();

      const failure = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
    });
    const outcome = { outcome: 'stopped', total: 12, processed: 2, errors: 0, ...stopped };
    expect(recorder.of('end').map((e) => e.outcome)).toEqual([outcome]);
    expect(recorder.of('notify').map((e) => e.outcome)).toEqual([outcome]);
    // No batch after the stop; the rest of the interrupted one was dropped.
    expect(recorder.of('batch-start')).toHaveLength(1);
    expect(recorder.itemsDone()).toEqual(['asset-001', 'asset-002']);
  });
});
