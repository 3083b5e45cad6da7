import type { ClosedJobRun, RunClosure } from '../adapters/temporal/closed-job-runs.gateway.js';
import type { Logger } from '../adapters/logging/logger.js';
import { runName } from '../domain/run-name.js';
import type { ClosedRunEnd, ClosedRunJob, JobBookkeeping } from './job-bookkeeping.service.js';

/** What the reconciler reads from Temporal (ClosedJobRuns; a fake in unit tests). */
export interface ClosedRunSource {
  listClosed(since: Date | undefined): Promise<ClosedJobRun[]>;
  latestRunId(workflowId: string): Promise<string>;
  closure(run: ClosedJobRun): Promise<RunClosure>;
}

export interface ReconcilerDeps {
  runs: ClosedRunSource;
  jobLogs: { endedJobHandles(jobHandles: readonly string[]): Promise<Set<string>> };
  bookkeeping: Pick<JobBookkeeping, 'endClosedRun'>;
  users: { findByEmail(email: string): Promise<{ user_handle: string } | undefined> };
  /** per-item progress rows the run's items could not remove (their run was cut off); never throws */
  itemProgress?: { endJob(jobHandle: string): Promise<void> };
  logger: Logger;
}

/** A job log the reconciler ended. */
export interface ReconciledJob {
  jobHandle: string;
  status: ClosedRunEnd['status'];
}

/**
 * How far back each sweep looks beyond the previous one's start: closed runs
 * reach a visibility store with a delay (Elasticsearch: about a second), so
 * sweeps overlap rather than miss one. Runs seen twice cost one catalog lookup.
 */
const OVERLAP_MS = 60_000;

/**
 * Ends the job logs of runs that closed without ending them. A terminated or
 * timed-out run runs no workflow code, and a run that failed outside the
 * job's own error handling (its Begin row could not be written, a workflow
 * bug) did not get to its end: the log would stay open, the job "running"
 * in getJobLogs, forever. Each sweep lists this task queue's runs closed as
 * failed, terminated, timed out or cancelled since the last sweep, keeps the
 * job runs whose log is missing or open, and writes the end row Temporal's
 * close event explains (fatalError for all but a cancellation). The assets
 * stay as the items left them: each item commits in one transaction.
 * Idempotent: two workers sweeping at once write each end row once.
 */
export class JobReconciler {
  /** close time from which the next sweep lists; undefined until a sweep succeeded (the first looks at all Temporal keeps) */
  private since: Date | undefined;

  constructor(private readonly deps: ReconcilerDeps) {}

  async sweep(now = new Date()): Promise<ReconciledJob[]> {
    const closed = (await this.deps.runs.listClosed(this.since)).filter(isJobRun);
    const ended = await this.deps.jobLogs.endedJobHandles([...new Set(closed.map((r) => r.workflowId))]);
    const done: ReconciledJob[] = [];
    let failures = 0;
    for (const run of closed) {
      if (ended.has(run.workflowId)) continue;
      try {
        // A reset terminates a run and goes on in a new one with the same id; that one will end the log.
        if ((await this.deps.runs.latestRunId(run.workflowId)) !== run.runId) continue;
        const end = endOf(run, await this.deps.runs.closure(run));
        if (await this.deps.bookkeeping.endClosedRun(await this.jobOf(run), end)) {
          done.push({ jobHandle: run.workflowId, status: end.status });
          await this.deps.itemProgress?.endJob(run.workflowId);
          this.deps.logger.warn(
            { jobHandle: run.workflowId, runId: run.runId, workflowType: run.workflowType, end },
            'ended the job log of a run Temporal closed',
          );
        }
        ended.add(run.workflowId);
      } catch (err) {
        // One run that cannot be read or written must not keep the others' logs open.
        failures += 1;
        this.deps.logger.warn({ err, jobHandle: run.workflowId, runId: run.runId }, 'could not end the job log of a closed run; retrying at the next sweep');
      }
    }
    // After a failure the next sweep starts from the same point, so the run is listed again.
    if (failures === 0) this.since = new Date(now.getTime() - OVERLAP_MS);
    return done;
  }

  /** The job as its run describes it, for a log the run never began. */
  private async jobOf(run: ClosedJobRun & { companyHandle: string; jobType: string }): Promise<ClosedRunJob> {
    const originalName = run.jobName ?? run.workflowId;
    const started = run.executionTime ?? run.startTime;
    const email = run.submitUser ?? '';
    const user = email ? await this.deps.users.findByEmail(email) : undefined;
    return {
      jobHandle: run.workflowId,
      companyHandle: run.companyHandle,
      jobType: run.jobType,
      originalName,
      // The name the workflow would have given itself (upload jobs are named by the API, in the memo).
      jobName: run.memo.runName ?? runName(originalName, started),
      submitUserEmail: email,
      submitUserHandle: user?.user_handle ?? '',
      ...(run.memo.locale ? { locale: run.memo.locale } : {}),
      ...(run.memo.description ? { description: run.memo.description } : {}),
      startDate: started.toISOString(),
    };
  }
}

/** Job workflows carry their company and job type; other workflows of the queue (an export's clean-up timer) have no log. */
function isJobRun(run: ClosedJobRun): run is ClosedJobRun & { companyHandle: string; jobType: string } {
  return Boolean(run.companyHandle && run.jobType);
}

/** The end row's cause, from the close event. */
export function endOf(run: ClosedJobRun, closure: RunClosure): ClosedRunEnd {
  switch (run.status) {
    case 'Terminated':
      // A terminate needs no reason; then who asked is the best there is.
      return { status: 'Terminated', reason: closure.reason || (closure.identity ? `by ${closure.identity}` : 'no reason given') };
    case 'TimedOut':
      return {
        status: 'TimedOut',
        seconds: Math.round(closure.timeoutSeconds ?? (run.closeTime.getTime() - (run.executionTime ?? run.startTime).getTime()) / 1000),
      };
    case 'Failed':
      return { status: 'Failed', reason: closure.failure ?? 'the workflow failed without a message' };
    case 'Canceled':
      return { status: 'Canceled', ...(typeof run.memo.totalSize === 'number' ? { total: run.memo.totalSize } : {}) };
  }
}

export interface ReconcileLoop {
  /** Stops the loop and waits for a sweep in progress (the worker closes its connection and database next). */
  stop(): Promise<void>;
}

/**
 * Sweeps now (runs that closed while no worker ran are found at once) and
 * then every `intervalMs`. A failed sweep (Temporal or the database away) is
 * logged and retried at the next tick, from the same point.
 */
export function startReconcileLoop(reconciler: Pick<JobReconciler, 'sweep'>, intervalMs: number, logger: Logger): ReconcileLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = reconciler
      .sweep()
      .then(
        () => undefined,
        (err: unknown) => logger.warn({ err }, 'job log reconciliation failed; retrying at the next sweep'),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
