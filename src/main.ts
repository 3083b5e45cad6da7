import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { type RunningDevServer, startDevServer } from './adapters/temporal/dev-server.js';
import { JobGateway } from './adapters/temporal/job.gateway.js';
import { connectTemporal, ensureSearchAttributes, temporalClient } from './adapters/temporal/temporal-connection.js';
import { temporalConnectionOptions } from './adapters/temporal/temporal-connection-options.js';
import { createHttpApp } from './app/http-app.js';
import { ensureAdmin } from './app/bootstrap-admin.js';
import { type AppContext, createAppContext } from './app/context.js';
import { createLogger } from './adapters/logging/logger.js';
import { ConfigError, loadConfig } from './config/config.js';
import { createWorker } from './worker/worker.js';
import { lowerWorkerThreadPriority } from './adapters/media/worker-thread-priority.js';
import { installTemporalRuntime } from './adapters/temporal/temporal-runtime.js';
import { runSweepOrphans } from './app/sweep-orphans-command.js';
import { startWorkerMetricsServer } from './app/observability.js';

type Role = 'all' | 'api' | 'worker';

/**
 * `node dist/src/main.js [all|api|worker]`. `all` (the default) also starts a
 * local Temporal dev server with its Web UI unless TEMPORAL_ADDRESS is set.
 * SIGINT/SIGTERM shut down in order: stop taking HTTP requests, let the worker
 * drain its activities, then stop the dev server.
 */
async function main(role: Role): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, `ips-${role}`);
  const stack: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    for (const part of stack.reverse()) {
      try {
        await part.stop();
        logger.info({ part: part.name }, 'stopped');
      } catch (err) {
        logger.error({ err, part: part.name }, 'error while stopping');
      }
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let address = config.temporal.address;
  if (!address && role === 'all') {
    const dev: RunningDevServer = await startDevServer({
      port: config.temporal.devServer.port,
      uiPort: config.temporal.devServer.uiPort,
      dbFile: config.temporal.devServer.dbFile,
      cli: config.temporal.devServer.cli,
      log: (line) => logger.debug({ temporal: line }, 'temporal dev server'),
    });
    stack.push({ name: 'temporal dev server', stop: () => dev.stop() });
    address = dev.address;
    logger.info({ address, ui: dev.uiUrl }, 'Temporal dev server started');
  }
  address ??= `127.0.0.1:${config.temporal.devServer.port}`;
  // Certificate and key files are read now: a wrong path stops the start before anything else opens.
  const temporalOptions = await temporalConnectionOptions(config.temporal, address);

  const ctx: AppContext = await createAppContext(config, logger);
  stack.push({ name: 'database', stop: () => ctx.close() });
  const admin = await ensureAdmin(ctx);
  if (admin.generatedPassword) {
    // Printed once on first start so a new user can log in; set IPS_ADMIN_PASSWORD to choose it.
    process.stdout.write(`\nIpsAdmin created: ${config.admin.email} / ${admin.generatedPassword}\n\n`);
  }

  const connection = await connectTemporal(temporalOptions);
  stack.push({ name: 'temporal client', stop: () => connection.close() });
  try {
    const added = await ensureSearchAttributes(connection, config.temporal.namespace);
    if (added.length) logger.info({ added }, 'registered Temporal search attributes');
  } catch (err) {
    logger.warn({ err }, 'could not register Temporal search attributes; the Web UI cannot filter jobs by them');
  }

  let workerRun: Promise<void> | undefined;
  if (role !== 'api') {
    // Before the worker's native connection: the runtime is process-wide and fixed once created.
    const hostPort = (port: number) => `${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    const runtime = installTemporalRuntime(
      logger.child({ component: 'temporal-sdk' }),
      config.metrics.temporalPort > 0 ? hostPort(config.metrics.temporalPort) : undefined,
    );
    if (runtime.metrics) logger.info({ port: config.metrics.temporalPort }, 'Temporal SDK metrics on /metrics');
    // Role `all` shows the worker's metrics on the API's /metrics instead of a second port.
    if (role === 'worker' && config.metrics.workerPort > 0) {
      try {
        const server = await startWorkerMetricsServer(ctx, config.metrics.workerPort);
        stack.push({ name: 'worker metrics', stop: () => server.close() });
        logger.info({ port: server.port }, 'worker metrics on /metrics');
      } catch (err) {
        // A busy port must not keep a worker from working; the jobs matter more than their metrics.
        logger.warn({ err, port: config.metrics.workerPort }, 'worker metrics could not be served (set WORKER_METRICS_PORT to a free port, or 0)');
      }
    }
    // Pixel threads yield to the API, Temporal and the workflow thread answering progress queries; a worker
    // process's other threads yield to the API and Temporal's server (not in role `all`: its main thread is the API's).
    const priority = lowerWorkerThreadPriority({
      imageNice: config.worker.imageThreadNice,
      otherNice: role === 'worker' ? config.worker.workerNice : 0,
      imagePolicy: config.worker.imageThreadPolicy,
      onError: (err) => logger.warn({ err }, 'could not lower the priority of the worker threads (no /proc, or no chrt for IMAGE_THREAD_POLICY=idle)'),
    });
    stack.push({ name: 'image thread priority', stop: async () => priority.stop() });
    // After the priorities: the render threads inherit the main thread's, and the next sweep lowers them further.
    ctx.startRenderThreads();
    const created = await createWorker(ctx, { address });
    const { worker, connection: workerConnection }: { worker: Worker; connection: NativeConnection } = created;
    // The worker, and beside it the reconciler that ends the logs of runs Temporal closed without the workflow.
    workerRun = created.run();
    stack.push({
      name: 'worker',
      stop: async () => {
        // The SDK also reacts to SIGINT/SIGTERM by draining on its own; only ask when it has not.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await workerRun;
        await workerConnection.close();
      },
    });
    workerRun.catch((err) => {
      if (stopping) return;
      logger.fatal({ err }, 'worker failed');
      void shutdown('worker failure');
    });
    logger.info({ taskQueue: config.temporal.taskQueue, activityConcurrency: config.worker.activityConcurrency }, 'worker running');
  }

  if (role !== 'worker') {
    const app: NestExpressApplication = await createHttpApp(
      ctx,
      new JobGateway(temporalClient(connection, config.temporal.namespace), config.temporal.taskQueue),
      {
        withWorkerMetrics: role === 'all',
      },
    );
    await app.listen(config.port, config.host);
    stack.push({ name: 'http', stop: () => app.close() });
    logger.info(
      { url: `http://localhost:${config.port}`, docs: `http://localhost:${config.port}/api/docs`, console: `http://localhost:${config.port}/console` },
      'API listening',
    );
  }
  if (role === 'all' && !config.temporal.address) {
    process.stdout.write(
      `IPS job service ready: API http://localhost:${config.port}  docs http://localhost:${config.port}/api/docs  console http://localhost:${config.port}/console  Temporal UI http://localhost:${config.temporal.devServer.uiPort}\n`,
    );
  }
}

/** A start or a command that failed: a configuration error as its own message, anything else with its stack. */
function fail(err: unknown): never {
  process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
}

const role = (process.argv[2] ?? 'all') as Role | 'sweep-orphans';
if (role === 'sweep-orphans') {
  // A one-off command beside the long-running roles: the orphan-object sweep (docs/operations.md).
  runSweepOrphans(process.argv.slice(3), process.stdout).then((code) => process.exit(code), fail);
} else if (!['all', 'api', 'worker'].includes(role)) {
  process.stderr.write(`usage: main.js [all|api|worker|sweep-orphans] (got '${role}')\n`);
  process.exit(2);
} else {
  main(role).catch(fail);
}
