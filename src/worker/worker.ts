import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { ClosedJobRuns } from '../adapters/temporal/closed-job-runs.gateway.js';
import { temporalConnectionOptions } from '../adapters/temporal/temporal-connection-options.js';
import { JobReconciler, startReconcileLoop } from '../services/job-reconciler.service.js';
import * as workflows from '../../workflows/index.js';
import type { AppContext } from '../app/context.js';
import { assertRegistryComplete } from '../jobs/job-registry.js';

/** workflows/index.ts when running from source (tests), the compiled .js from dist/. */
function workflowsEntry(): string {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../workflows');
  const ts = path.join(dir, 'index.ts');
  return existsSync(ts) ? ts : path.join(dir, 'index.js');
}

/**
 * The bundle `npm run build` wrote next to the compiled workflows
 * (scripts/bundle-workflows.mjs), when running from dist/: no webpack in the
 * worker process. From source (tests) there is none and the code is bundled here.
 */
function prebuiltBundle(): { codePath: string } | undefined {
  const dir = path.dirname(workflowsEntry());
  const file = path.join(dir, 'bundle.js');
  return !existsSync(path.join(dir, 'index.ts')) && existsSync(file) ? { codePath: file } : undefined;
}

/** Bundles the workflow code once (the bundle is reused by every worker of this process). */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: workflowsEntry(), logger: quietLogger });
}

const quiet = () => undefined;
const quietLogger = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet, log: quiet };

export interface WorkerOptions {
  address: string;
  taskQueue?: string;
  bundle?: WorkflowBundleWithSourceMap;
}

export interface CreatedWorker {
  worker: Worker;
  connection: NativeConnection;
  /**
   * Runs the worker and, beside it, the job-log reconciler (JobReconciler);
   * settles once the worker has shut down and the reconciler has stopped, so
   * the caller can close the connection and the database next.
   */
  run(): Promise<void>;
}

export async function createWorker(ctx: AppContext, opts: WorkerOptions): Promise<CreatedWorker> {
  assertRegistryComplete(workflows as Record<string, unknown>);
  const connection = await NativeConnection.connect(await temporalConnectionOptions(ctx.config.temporal, opts.address));
  const taskQueue = opts.taskQueue ?? ctx.config.temporal.taskQueue;
  const worker = await Worker.create({
    connection,
    namespace: ctx.config.temporal.namespace,
    taskQueue,
    workflowBundle: opts.bundle ?? prebuiltBundle() ?? (await bundleWorkflows()),
    // The activities take the services the composition root built; jobLogs is the repository (the item engine reads counters).
    activities: createActivities({
      ...ctx.services,
      jobLogs: ctx.repositories.jobLogs,
      logger: ctx.logger.child({ component: 'activity' }),
      metrics: ctx.metrics,
    }),
    identity: ctx.serverName,
    // Image work is CPU-bound: as many parallel activities as the config allows (default: cores).
    maxConcurrentActivityTaskExecutions: ctx.config.worker.activityConcurrency,
    shutdownGraceTime: '30s',
    // Stop and pause reach a running batch only in a heartbeat reply: send them promptly.
    maxHeartbeatThrottleInterval: '1s',
  });
  const logger = ctx.logger.child({ component: 'job-reconciler' });
  const reconciler = new JobReconciler({
    runs: ClosedJobRuns.over(connection, ctx.config.temporal.namespace, taskQueue),
    jobLogs: ctx.repositories.jobLogs,
    bookkeeping: ctx.services.bookkeeping,
    users: ctx.repositories.users,
    itemProgress: ctx.services.itemProgress,
    logger,
  });
  return {
    worker,
    connection,
    async run() {
      const loop = startReconcileLoop(reconciler, ctx.config.worker.reconcileSeconds * 1000, logger);
      try {
        await worker.run();
      } finally {
        await loop.stop();
      }
    },
  };
}
