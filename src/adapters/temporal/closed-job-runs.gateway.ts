import { Client, type ConnectionLike } from '@temporalio/client';
import proto from '@temporalio/proto';
import { type JobMemo, jobFieldsOf } from './job.gateway.js';

/** Closed states in which a job workflow may have left its job log open. */
export type ClosedStatus = 'Failed' | 'Terminated' | 'TimedOut' | 'Canceled';

/** A closed run of this worker's task queue, with the labels every job workflow carries. */
export interface ClosedJobRun {
  workflowId: string;
  runId: string;
  workflowType: string;
  status: ClosedStatus;
  startTime: Date;
  executionTime?: Date;
  closeTime: Date;
  companyHandle?: string;
  jobType?: string;
  jobName?: string;
  submitUser?: string;
  memo: Partial<JobMemo>;
}

/** What the run's close event and configuration say about how it ended. */
export interface RunClosure {
  /** Terminated: the reason given to terminate, and who gave it (a client's identity) */
  reason?: string;
  identity?: string;
  /** Failed: the failure's message and its causes' */
  failure?: string;
  /** TimedOut: the limit the run reached */
  timeoutSeconds?: number;
}

const STATUS_BY_NAME: Partial<Record<string, ClosedStatus>> = { FAILED: 'Failed', TERMINATED: 'Terminated', TIMED_OUT: 'TimedOut', CANCELLED: 'Canceled' };
const CLOSE_EVENT = proto.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;

/**
 * Temporal's visibility and history for runs that closed without the
 * workflow's own last steps: a terminate, a timeout or a failure runs no
 * workflow code, so only the service can close such a job's log.
 */
export class ClosedJobRuns {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** Over a worker's own connection (a NativeConnection serves clients too): no second connection per worker. */
  static over(connection: ConnectionLike, namespace: string, taskQueue: string): ClosedJobRuns {
    return new ClosedJobRuns(new Client({ connection, namespace }), taskQueue);
  }

  /**
   * Runs of this task queue closed as failed, terminated, timed out or
   * cancelled, since `since` (all that Temporal still keeps without it). Only
   * this queue: other services (and other test files) may share the server.
   */
  async listClosed(since: Date | undefined): Promise<ClosedJobRun[]> {
    const clauses = [
      `TaskQueue = ${quote(this.taskQueue)}`,
      `ExecutionStatus IN ("Failed", "Terminated", "TimedOut", "Canceled")`,
      ...(since ? [`CloseTime >= ${quote(since.toISOString())}`] : []),
    ];
    const out: ClosedJobRun[] = [];
    for await (const wf of this.client.workflow.list({ query: clauses.join(' AND ') })) {
      const status = STATUS_BY_NAME[wf.status.name];
      if (!status || !wf.closeTime) continue;
      out.push({
        workflowId: wf.workflowId,
        runId: wf.runId,
        workflowType: wf.type,
        status,
        startTime: wf.startTime,
        ...(wf.executionTime ? { executionTime: wf.executionTime } : {}),
        closeTime: wf.closeTime,
        ...jobFieldsOf(wf),
      });
    }
    return out;
  }

  /** The run that currently carries this workflow id (a reset or a retry starts a newer one). */
  async latestRunId(workflowId: string): Promise<string> {
    return (await this.client.workflow.getHandle(workflowId).describe()).runId;
  }

  /** Reads the run's close event (one event, not the whole history) and, for a timeout, its configured limits. */
  async closure(run: Pick<ClosedJobRun, 'workflowId' | 'runId' | 'status'>): Promise<RunClosure> {
    const execution = { workflowId: run.workflowId, runId: run.runId };
    const { history } = await this.client.workflowService.getWorkflowExecutionHistory({
      namespace: this.client.options.namespace,
      execution,
      historyEventFilterType: CLOSE_EVENT,
    });
    const event = history?.events?.[history.events.length - 1];
    if (run.status === 'Terminated') {
      const t = event?.workflowExecutionTerminatedEventAttributes;
      return { ...(t?.reason ? { reason: t.reason } : {}), ...(t?.identity ? { identity: t.identity } : {}) };
    }
    if (run.status === 'Failed') {
      const message = failureMessage(event?.workflowExecutionFailedEventAttributes?.failure);
      return message ? { failure: message } : {};
    }
    if (run.status === 'TimedOut') {
      const config = (await this.client.workflow.getHandle(run.workflowId, run.runId).describe()).raw.executionConfig;
      const limits = [seconds(config?.workflowRunTimeout), seconds(config?.workflowExecutionTimeout)].filter((s) => s > 0);
      return limits.length ? { timeoutSeconds: Math.min(...limits) } : {};
    }
    return {};
  }
}

/** "Activity task failed: <the activity's own message>": each cause adds what the failure above it did not say. */
function failureMessage(failure: proto.temporal.api.failure.v1.IFailure | null | undefined): string | undefined {
  const parts: string[] = [];
  for (let f = failure; f; f = f.cause) if (f.message && !parts.includes(f.message)) parts.push(f.message);
  return parts.length ? parts.join(': ') : undefined;
}

function seconds(d: proto.google.protobuf.IDuration | null | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) + (d.nanos ?? 0) / 1e9;
}

/** A visibility query string literal (as job.service quotes its filters). */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
