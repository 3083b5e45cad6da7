import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { optimizeImagesWorkflow } from '../../workflows/optimize-images.workflow.js';
import { startLocalEnvironment, withWorker } from './support/environment.js';
import { assetHandles, fakeOptimizeJob, optimizeRequest } from './support/fake-item-job.js';

/**
 * runItemJob continues as new when the server suggests it (by default at
 * 4,096 history events, far beyond a test's reach); this server suggests it
 * after a few dozen events, so a job of three catalog pages (the workflow
 * reads 200 assets a page) needs three runs.
 */
const SUGGEST_AT_EVENTS = 20;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startLocalEnvironment({ 'limit.historyCount.suggestContinueAsNew': SUGGEST_AT_EVENTS });
});
afterAll(async () => {
  await env?.teardown();
});

it('continues as new between pages once the history is long, carrying progress; the job begins, counts and ends once', async () => {
  const job = fakeOptimizeJob({ items: 450 });
  const outcome = await withWorker(env, job, async (taskQueue) => {
    const handle = await env.client.workflow.start<typeof optimizeImagesWorkflow>('optimizeImagesWorkflow', {
      taskQueue,
      workflowId: `job-${randomUUID()}`,
      args: [optimizeRequest(2)],
      // The job takes a few seconds over all its runs: one that never ends fails with this timeout as the reason.
      workflowExecutionTimeout: '45 seconds',
    });
    const result = await handle.result();
    const first = await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    return result;
  });
  expect(outcome).toEqual({ outcome: 'done', total: 450, processed: 450, errors: 0 });

  // Each run reads one page after the cursor the previous run handed on.
  expect(job.recorder.of('page').map((e) => e.after)).toEqual([null, 'asset-200', 'asset-400']);
  // A run hands over only once its batches are back: batches of 25 (450 items on two lanes), grouped by run.
  const runs = [...new Set(job.recorder.of('batch-start').map((e) => e.runId))];
  const batchesPerRun = runs.map((run) => job.recorder.of('batch-start').filter((e) => e.runId === run).length);
  expect(batchesPerRun).toEqual([8, 8, 2]);
  const runOrder = job.recorder.of('batch-start').map((e) => runs.indexOf(e.runId));
  expect(runOrder).toEqual([...runOrder].sort((a, b) => a - b));

  expect(job.recorder.itemsDone().sort()).toEqual(assetHandles(450));
  expect(job.recorder.of('begin')).toHaveLength(1);
  expect(job.recorder.of('count')).toHaveLength(1);
  expect(job.recorder.of('end').map((e) => e.outcome)).toEqual([{ outcome: 'done', total: 450, processed: 450, errors: 0 }]);
});
