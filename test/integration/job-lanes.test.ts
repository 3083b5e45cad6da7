import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobGateway } from '../../src/adapters/temporal/job.gateway.js';
import { JobLanes } from '../../src/services/job-lanes.js';
import { createWorker } from '../../src/worker/worker.js';
import { type Harness, startHarness } from '../support/harness.js';
import { waitUntil } from '../support/processes.js';

/**
 * JOB_LANES=auto sizes a job by the workers polling its task queue: Temporal's
 * own list of pollers, one per worker process.
 */
describe(`job lanes from the workers polling the task queue (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let gateway: JobGateway;

  beforeAll(async () => {
    h = await startHarness();
    gateway = new JobGateway(h.client, h.ctx.config.temporal.taskQueue);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('counts one worker, then two once a second one polls', async () => {
    await waitUntil('the harness worker to poll', async () => (await gateway.activityWorkers()) === 1, 30_000, 200);
    // A second worker process, as a second machine would be: its own identity on the same queue.
    const bundleFile = process.env.IPS_TEST_WORKFLOW_BUNDLE;
    const second = await createWorker(
      { ...h.ctx, serverName: `${h.ctx.serverName}-second` },
      {
        address: process.env.IPS_TEST_TEMPORAL!,
        taskQueue: h.ctx.config.temporal.taskQueue,
        ...(bundleFile ? { bundle: { code: await fs.readFile(bundleFile, 'utf8') } as never } : {}),
      },
    );
    const running = second.run();
    try {
      await waitUntil('the second worker to poll', async () => (await gateway.activityWorkers()) === 2, 30_000, 200);
      // What a job submitted now gets: both workers' slots.
      expect(await new JobLanes({ mode: 'auto', perWorker: 3, workers: () => gateway.activityWorkers() }).lanes()).toBe(6);
    } finally {
      second.worker.shutdown();
      await running;
      await second.connection.close();
    }
  });
});
