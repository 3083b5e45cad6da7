import {
  type CalendarSpec,
  type Client,
  ScheduleNotFoundError,
  type ScheduleOptionsAction,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { type Priority, type SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import proto from '@temporalio/proto';
import {
  type JobProgress,
  type JobRequest,
  type UploadJobInput,
  type UploadPost,
  addUploadFilesSignal,
  jobProgressQuery,
  pauseJobSignal,
  resumeJobSignal,
  stopRequestedSignal,
} from '../../jobs/contracts.js';
import { CompanyHandleKey, JobNameKey, JobTypeKey, SubmitUserKey } from './search-attributes.js';

/** What the API keeps in a job's memo: enough to answer getActiveJobs / getScheduledJobs with the worker down. */
export interface JobMemo {
  element: string;
  options: unknown;
  runName?: string;
  locale?: string;
  description?: string;
  triggerTime?: string;
  execSchedule?: string;
  timeZone?: string;
  /** set by the workflow once it has counted its items */
  totalSize?: number;
}

export interface JobExecution {
  workflowId: string;
  workflowType: string;
  running: boolean;
  startTime: Date;
  executionTime?: Date;
  companyHandle?: string;
  jobType?: string;
  jobName?: string;
  submitUser?: string;
  memo: Partial<JobMemo>;
}

export interface JobSchedule {
  scheduleId: string;
  companyHandle?: string;
  jobType?: string;
  jobName?: string;
  submitUser?: string;
  memo: Partial<JobMemo>;
  paused: boolean;
  nextActionTimes: Date[];
}

/**
 * A job's Temporal priority: its company is the fairness key. When the task
 * queue has a backlog, Temporal's matching hands worker slots out in turn
 * between the companies that have tasks waiting (first-in first-out within
 * one company), so one company's big jobs cannot make another company's
 * small job wait behind all of them. The job's activities, child workflows
 * and continue-as-new runs inherit it. The server must have fairness on
 * (`matching.enableFairness`, docs/configuration.md); without it the key is
 * kept but dispatch stays first-in first-out.
 */
export function jobPriority(companyHandle: string): Priority {
  return { fairnessKey: companyHandle };
}

interface JobLabels {
  companyHandle: string;
  jobType: string;
  originalName: string;
  submitUserEmail: string;
}

/**
 * The API's view of Temporal: start, schedule, signal, query, cancel and list
 * job workflows. Search attributes and summaries make every job findable in
 * the Web UI by company, type, name and submitter.
 */
export class JobGateway {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** Readiness: the frontend answers for our namespace. The deadline ends the gRPC call itself, not only the wait for it. */
  async ping(timeoutMs = 2_000): Promise<void> {
    await this.client.connection.withDeadline(Date.now() + timeoutMs, () =>
      this.client.workflowService.describeNamespace({ namespace: this.client.options.namespace }),
    );
  }

  /**
   * Worker processes polling the job task queue for activities (Temporal
   * lists each poller it saw in the last minutes by identity); 0 when none.
   */
  async activityWorkers(): Promise<number> {
    const { pollers } = await this.client.workflowService.describeTaskQueue({
      namespace: this.client.options.namespace,
      taskQueue: { name: this.taskQueue },
      taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    return new Set((pollers ?? []).map((p) => p.identity)).size;
  }

  private labels(l: JobLabels): SearchAttributePair[] {
    return [
      { key: CompanyHandleKey, value: l.companyHandle },
      { key: JobTypeKey, value: l.jobType },
      { key: JobNameKey, value: l.originalName },
      { key: SubmitUserKey, value: l.submitUserEmail },
    ];
  }

  private summary(l: JobLabels): string {
    return `${l.jobType} "${l.originalName}" for ${l.companyHandle} by ${l.submitUserEmail}`;
  }

  async startUploadJob(input: UploadJobInput, ipsType: string, memo: JobMemo): Promise<void> {
    const labels = {
      companyHandle: input.job.companyHandle,
      jobType: ipsType,
      originalName: input.job.originalName,
      submitUserEmail: input.job.submitUserEmail,
    };
    await this.client.workflow.start('uploadPostWorkflow', {
      workflowId: input.job.jobHandle,
      taskQueue: this.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: new TypedSearchAttributes(this.labels(labels)),
      staticSummary: this.summary(labels),
      memo: { ...memo },
      priority: jobPriority(labels.companyHandle),
    });
  }

  async addUploadFiles(jobHandle: string, post: UploadPost): Promise<void> {
    await this.client.workflow.getHandle(jobHandle).signal(addUploadFilesSignal, post);
  }

  async startJob(workflowType: string, workflowId: string, request: JobRequest, memo: JobMemo, startDelayMs: number): Promise<void> {
    const labels = {
      companyHandle: request.companyHandle,
      jobType: request.jobType,
      originalName: request.originalName,
      submitUserEmail: request.submitUserEmail,
    };
    await this.client.workflow.start(workflowType, {
      workflowId,
      taskQueue: this.taskQueue,
      args: [request],
      workflowIdConflictPolicy: 'FAIL',
      ...(startDelayMs > 0 ? { startDelay: startDelayMs } : {}),
      typedSearchAttributes: new TypedSearchAttributes(this.labels(labels)),
      staticSummary: this.summary(labels),
      memo: { ...memo },
      priority: jobPriority(labels.companyHandle),
    });
  }

  /**
   * A recurring job. Overlap BUFFER_ONE: a run that is due while the previous
   * one still runs starts right after it (never two at once, never a growing
   * backlog). Catch-up window 5 minutes: after an outage, fires missed by more
   * than that are skipped rather than replayed in a burst.
   */
  async createSchedule(
    scheduleId: string,
    calendars: CalendarSpec[],
    timezone: string,
    workflowType: string,
    request: JobRequest,
    memo: JobMemo,
  ): Promise<void> {
    const labels = {
      companyHandle: request.companyHandle,
      jobType: request.jobType,
      originalName: request.originalName,
      submitUserEmail: request.submitUserEmail,
    };
    // The SDK sends a schedule action's priority to the server (and describes it back), but its
    // options type leaves the field out: the action is typed with it added.
    const action: ScheduleOptionsAction & Pick<WorkflowStartOptions, 'priority'> = {
      type: 'startWorkflow',
      workflowType,
      workflowId: scheduleId,
      taskQueue: this.taskQueue,
      args: [request],
      typedSearchAttributes: new TypedSearchAttributes(this.labels(labels)),
      staticSummary: this.summary(labels),
      memo: { ...memo },
      priority: jobPriority(labels.companyHandle),
    };
    await this.client.schedule.create({
      scheduleId,
      spec: { calendars, timezone },
      action,
      policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: '5 minutes' },
      typedSearchAttributes: new TypedSearchAttributes(this.labels(labels)),
      memo: { ...memo },
    });
  }

  async describe(jobHandle: string): Promise<JobExecution | undefined> {
    try {
      const d = await this.client.workflow.getHandle(jobHandle).describe();
      return {
        workflowId: d.workflowId,
        workflowType: d.type,
        running: d.status.name === 'RUNNING',
        startTime: d.startTime,
        executionTime: d.executionTime,
        ...jobFieldsOf(d),
      };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /** Running job workflows matching a visibility query (values are quoted by the caller). */
  async listRunning(filter: string): Promise<JobExecution[]> {
    const out: JobExecution[] = [];
    for await (const wf of this.client.workflow.list({ query: `ExecutionStatus = "Running"${filter ? ` AND ${filter}` : ''}` })) {
      out.push({
        workflowId: wf.workflowId,
        workflowType: wf.type,
        running: true,
        startTime: wf.startTime,
        executionTime: wf.executionTime,
        ...jobFieldsOf(wf),
      });
    }
    return out;
  }

  /** The job's live progress, or undefined when no worker answers in time (the job is still listed). */
  async progress(workflowId: string, timeoutMs = 3000): Promise<JobProgress | undefined> {
    try {
      return await this.client.connection.withDeadline(Date.now() + timeoutMs, () => this.client.workflow.getHandle(workflowId).query(jobProgressQuery));
    } catch {
      return undefined;
    }
  }

  async requestStop(workflowId: string, user: string): Promise<void> {
    const handle = this.client.workflow.getHandle(workflowId);
    await handle.signal(stopRequestedSignal, { user });
    await handle.cancel();
  }

  async pause(workflowId: string, user: string): Promise<void> {
    await this.client.workflow.getHandle(workflowId).signal(pauseJobSignal, { user });
  }

  async resume(workflowId: string, user: string): Promise<void> {
    await this.client.workflow.getHandle(workflowId).signal(resumeJobSignal, { user });
  }

  async describeSchedule(scheduleId: string): Promise<JobSchedule | undefined> {
    try {
      const d = await this.client.schedule.getHandle(scheduleId).describe();
      return {
        scheduleId: d.scheduleId,
        companyHandle: d.typedSearchAttributes?.get(CompanyHandleKey),
        jobType: d.typedSearchAttributes?.get(JobTypeKey),
        jobName: d.typedSearchAttributes?.get(JobNameKey),
        submitUser: d.typedSearchAttributes?.get(SubmitUserKey),
        memo: (d.memo ?? {}) as Partial<JobMemo>,
        paused: d.state.paused,
        nextActionTimes: d.info.nextActionTimes,
      };
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return undefined;
      throw err;
    }
  }

  /** The ids of every schedule Temporal's visibility store knows of (it learns of a new one a moment late). */
  async listScheduleIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const s of this.client.schedule.list()) ids.push(s.scheduleId);
    return ids;
  }

  async pauseSchedule(scheduleId: string, note: string): Promise<void> {
    await this.client.schedule.getHandle(scheduleId).pause(note);
  }

  async resumeSchedule(scheduleId: string, note: string): Promise<void> {
    await this.client.schedule.getHandle(scheduleId).unpause(note);
  }

  /** "Run now": always starts a run, whatever the overlap policy says. */
  async triggerSchedule(scheduleId: string): Promise<void> {
    await this.client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
  }

  async deleteSchedule(scheduleId: string): Promise<void> {
    await this.client.schedule.getHandle(scheduleId).delete();
  }
}

/** What every workflow or schedule of a job carries about the job: its search attributes and memo. */
export function jobFieldsOf(wf: { typedSearchAttributes: TypedSearchAttributes; memo?: Record<string, unknown> }) {
  return {
    companyHandle: wf.typedSearchAttributes.get(CompanyHandleKey),
    jobType: wf.typedSearchAttributes.get(JobTypeKey),
    jobName: wf.typedSearchAttributes.get(JobNameKey),
    submitUser: wf.typedSearchAttributes.get(SubmitUserKey),
    memo: (wf.memo ?? {}) as Partial<JobMemo>,
  };
}
