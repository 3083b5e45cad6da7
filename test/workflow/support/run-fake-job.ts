import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { optimizeImagesWorkflow } from '../../../workflows/optimize-images.workflow.js';
import { withWorker } from './environment.js';
import { type FakeJob, optimizeRequest } from './fake-item-job.js';
import type { HistoryEvent } from './history.js';

/**
 * Runs a fake one-lane optimize job until it closes: how it closed (its result,
 * or the error it failed with) and its history. With `stop`, the job is
 * stopped by it once its first item is done, mid-batch: the held item goes on
 * only once the batch knows of the stop.
 */
export async function runFakeJob(
  env: TestWorkflowEnvironment,
  job: FakeJob,
  stop?: (handle: WorkflowHandle) => Promise<void>,
): Promise<{ result: unknown; events: HistoryEvent[] }> {
  return withWorker(env, job, async (taskQueue) => {
    const handle = await env.client.workflow.start<typeof optimizeImagesWorkflow>('optimizeImagesWorkflow', {
      taskQueue,
      workflowId: `job-${randomUUID()}`,
      args: [optimizeRequest(1)],
      // A job that never ends fails with this timeout as the reason.
      workflowExecutionTimeout: '45 seconds',
    });
    if (stop) {
      await job.recorder.when('item-done', (e) => e.item === 'asset-001');
      await stop(handle);
      await job.recorder.when('batch-cancelled');
      job.release();
    }
    const result = await handle.result().catch((err: unknown) => err);
    return { result, events: (await handle.fetchHistory()).events ?? [] };
  });
}
