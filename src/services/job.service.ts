import type { z } from 'zod';
import type { JobExecution, JobGateway, JobMemo, JobSchedule } from '../adapters/temporal/job.gateway.js';
import type { JobLogRepository } from '../adapters/repositories/job-log.repository.js';
import type { UserRepository } from '../adapters/repositories/user.repository.js';
import { FaultCode, IpsFault, faults } from '../domain/faults.js';
import { newHandle } from '../domain/handles.js';
import { runName } from '../domain/run-name.js';
import { OPERATION_ACCESS } from '../domain/roles.js';
import { translateQuartz } from '../domain/schedule/quartz-schedule.js';
import type * as S from '../domain/schemas/job.schema.js';
import { type JobTypeEntry, jobTypeByElement, jobTypeByIpsType } from '../jobs/job-registry.js';
import { type SubmitJobParam, jobElementOf } from '../jobs/submit-job.schema.js';
import type { JobProgress, JobRequest } from '../jobs/contracts.js';
import type { AuthService } from './auth.service.js';
import type { Principal } from './principal.js';
import type { JobLanes } from './job-lanes.js';
import { SharedAnswers } from './shared-answers.js';
import type { RunningJobs } from './running-jobs.js';
import { ScheduledJobs } from './scheduled-jobs.js';
import { type SubmitCheckDeps, runSubmitChecks } from './submit-checks.js';
import { type UrlSecrets, withoutSecretsInUrls } from './url-secrets.js';
import type { ItemProgressRepository, ItemProgressRow } from '../adapters/repositories/item-progress.repository.js';

type In<T extends z.ZodType> = z.output<T>;

export interface JobServiceConfig {
  timezone: string;
  /** how long a job's live progress is shared between getActiveJobs callers (see SharedAnswers; the list of running jobs is RunningJobs'); 0 = always ask */
  progressCacheMs?: number;
  /** how much older than progressCacheMs a shared answer may still be served while a fresh one is fetched; 0 = callers wait for it */
  progressStaleMs?: number;
}

export interface JobServiceDeps extends SubmitCheckDeps {
  gateway: JobGateway;
  users: UserRepository;
  jobLogs: JobLogRepository;
  auth: AuthService;
  /** the worker's per-item reports (job_item_progress) */
  itemProgress: Pick<ItemProgressRepository, 'forJob'>;
  /** seals URL secrets before a job reaches Temporal */
  urlSecrets: Pick<UrlSecrets, 'sealOptions'>;
  /** how many items a new job processes at once */
  lanes: Pick<JobLanes, 'lanes'>;
  /** the running jobs getActiveJobs lists, shared with the UploadFile servlet so a job either starts is listed at once */
  running: RunningJobs;
  config: JobServiceConfig;
}

/** An item in flight as getActiveJobs shows it: the workflow's entry, with the worker's latest report on it when there is one. */
type LiveItem = JobProgress['processing'][number] & { report?: ItemProgressRow };
type LiveProgress = Omit<JobProgress, 'processing'> & { processing: LiveItem[] };

/** A handle names either a recurring job (a Temporal Schedule) or one run (a workflow). */
type ResolvedJob = { kind: 'schedule'; schedule: JobSchedule } | { kind: 'run'; run: JobExecution };

/**
 * submitJob and job control on Temporal: a run is a workflow (execTime → a
 * delayed start), a recurring job a Schedule; stop = cancellation; pause and
 * resume = signals (or pausing the schedule).
 */
export class JobService {
  private readonly gateway: JobGateway;
  private readonly users: UserRepository;
  private readonly jobLogs: JobLogRepository;
  private readonly auth: AuthService;
  private readonly itemProgress: Pick<ItemProgressRepository, 'forJob'>;
  private readonly config: JobServiceConfig;
  private readonly snapshots: SharedAnswers<LiveProgress | undefined>;
  private readonly running: RunningJobs;
  private readonly schedules: ScheduledJobs;

  constructor(private readonly deps: JobServiceDeps) {
    this.gateway = deps.gateway;
    this.users = deps.users;
    this.jobLogs = deps.jobLogs;
    this.auth = deps.auth;
    this.itemProgress = deps.itemProgress;
    this.config = deps.config;
    this.snapshots = new SharedAnswers(this.config.progressCacheMs ?? 1000, Date.now, this.config.progressStaleMs ?? 0);
    this.running = deps.running;
    this.schedules = new ScheduledJobs({ gateway: deps.gateway });
  }

  async submit(caller: Principal, p: SubmitJobParam): Promise<{ jobHandle: string }> {
    const { element, options } = jobElementOf(p);
    const entry = jobTypeByElement(element)!;
    this.checkElementRole(caller, p.companyHandle, entry);
    await runSubmitChecks(this.deps, entry, { companyHandle: p.companyHandle, field: element }, options);
    const notifyUserEmail = await this.notifyAddress(caller, p);
    const request: JobRequest = {
      companyHandle: p.companyHandle,
      originalName: p.jobName,
      submitUserHandle: caller.userHandle,
      submitUserEmail: caller.email,
      notifyUserEmail,
      ...(p.locale ? { locale: p.locale } : {}),
      ...(p.description ? { description: p.description } : {}),
      jobType: entry.ipsType,
      element,
      options: await this.sealed(p.companyHandle, entry.workflowOptions ? entry.workflowOptions(options) : options),
      lanes: await this.deps.lanes.lanes(),
    };
    const memo: JobMemo = {
      element,
      // The echo of getActiveJobs / getScheduledJobs: URLs without the query or fragment a secret may hide in.
      options: withoutSecretsInUrls(options),
      ...(p.locale ? { locale: p.locale } : {}),
      ...(p.description ? { description: p.description } : {}),
    };

    if (p.execSchedule !== undefined) {
      const schedule = translateQuartz(p.execSchedule);
      const jobHandle = newHandle.scheduledJob(p.companyHandle, p.jobName);
      await this.gateway.createSchedule(jobHandle, schedule.calendars, this.config.timezone, entry.workflow, request, {
        ...memo,
        execSchedule: schedule.description,
        timeZone: this.config.timezone,
      });
      this.schedules.created(jobHandle);
      return { jobHandle };
    }

    const now = Date.now();
    const at = p.execTime ? new Date(p.execTime) : new Date(now);
    const jobHandle = newHandle.job(p.companyHandle, runName(p.jobName, at));
    // An execTime in the past runs now, as IPS does.
    const startDelayMs = Math.max(0, at.getTime() - now);
    const runMemo: JobMemo = { ...memo, triggerTime: at.toISOString() };
    await this.gateway.startJob(entry.workflow, jobHandle, request, runMemo, startDelayMs);
    this.running.started({
      workflowId: jobHandle,
      workflowType: entry.workflow,
      startTime: new Date(now),
      ...(startDelayMs > 0 ? { executionTime: at } : {}),
      companyHandle: p.companyHandle,
      jobType: entry.ipsType,
      jobName: p.jobName,
      submitUser: caller.email,
      memo: runMemo,
    });
    return { jobHandle };
  }

  /** The workflow input's options: secret-bearing URLs sealed (url-secrets.ts), so no history or memo holds them. */
  private async sealed(companyHandle: string, options: unknown): Promise<unknown> {
    return this.deps.urlSecrets.sealOptions(companyHandle, options);
  }

  /** submitJob userHandle: the user to notify; must belong to the company. */
  private async notifyAddress(caller: Principal, p: SubmitJobParam): Promise<string> {
    if (!p.userHandle || p.userHandle === caller.userHandle) return caller.email;
    const user = await this.users.findByHandle(p.userHandle);
    const member =
      user &&
      (user.is_ips_admin === 1 || (await this.users.memberships(user.user_handle)).some((m) => m.company_handle === p.companyHandle && m.is_active === 1));
    if (!user || !member) throw faults.notFound('userHandle', 'user of this company', p.userHandle);
    return user.email;
  }

  async getActiveJobs(caller: Principal, p: In<typeof S.getActiveJobsParam>): Promise<{ jobArray: { items: S.ActiveJob[] } }> {
    const companies = this.visibleCompanies(caller, 'getActiveJobs', p.companyHandle);
    let runs: JobExecution[];
    if (p.jobHandle) {
      const one = await this.gateway.describe(p.jobHandle);
      runs = one && one.running ? [one] : [];
    } else {
      runs = await this.running.list({ companies, jobName: p.originalName });
    }
    runs = runs.filter((r) => r.companyHandle && (!companies || companies.includes(r.companyHandle)) && (!p.originalName || r.jobName === p.originalName));
    const jobs = await Promise.all(runs.map((r) => this.toActiveJob(r)));
    const visible = p.includeWaitingJobs === false ? jobs.filter((j) => !j.state.startsWith('Waiting')) : jobs;
    visible.sort((a, b) => a.startDate.localeCompare(b.startDate) || a.jobHandle.localeCompare(b.jobHandle));
    return { jobArray: { items: visible } };
  }

  async getScheduledJobs(caller: Principal, p: In<typeof S.getScheduledJobsParam>): Promise<{ jobArray: { items: S.ScheduledJob[] } }> {
    const companies = this.visibleCompanies(caller, 'getScheduledJobs', p.companyHandle);
    const schedules = p.jobHandle
      ? [await this.gateway.describeSchedule(p.jobHandle)].filter((s): s is JobSchedule => s !== undefined)
      : await this.schedules.list();
    const items = schedules
      .filter((s) => s.companyHandle && (!companies || companies.includes(s.companyHandle)) && (!p.originalName || s.jobName === p.originalName))
      .map((s) => toScheduledJob(s))
      .sort((a, b) => a.originalName.localeCompare(b.originalName) || a.jobHandle.localeCompare(b.jobHandle));
    return { jobArray: { items } };
  }

  async stop(caller: Principal, p: In<typeof S.jobControlParam>): Promise<Record<string, never>> {
    const job = await this.resolve(p.companyHandle, p.jobHandle);
    if (job.kind === 'schedule')
      throw faults.invalid('jobHandle', 'a running job (a scheduled job is paused with pauseJob or removed with deleteJob)', 'a scheduled job');
    const progress = await this.gateway.progress(job.run.workflowId);
    if (progress?.state === 'Stopping') throw faults.invalid('jobHandle', 'a running job', 'a job that is already stopping');
    await this.gateway.requestStop(job.run.workflowId, caller.email);
    this.forgetJob(job.run.workflowId);
    return {};
  }

  /** A job stopped or removed through this process: its progress and the lists of running jobs are asked afresh, so the caller sees the change at once. */
  private forgetJob(workflowId: string): void {
    this.snapshots.forget(workflowId);
    this.running.changed(workflowId);
  }

  async pause(caller: Principal, p: In<typeof S.jobControlParam>): Promise<Record<string, never>> {
    return this.setPaused(caller, p, true);
  }

  async resume(caller: Principal, p: In<typeof S.jobControlParam>): Promise<Record<string, never>> {
    return this.setPaused(caller, p, false);
  }

  private async setPaused(caller: Principal, p: In<typeof S.jobControlParam>, paused: boolean): Promise<Record<string, never>> {
    const job = await this.resolve(p.companyHandle, p.jobHandle);
    const verb = paused ? 'paused' : 'running';
    if (job.kind === 'schedule') {
      if (job.schedule.paused === paused) throw faults.invalid('jobHandle', `a scheduled job that is not already ${verb}`, `a ${verb} scheduled job`);
      if (paused) await this.gateway.pauseSchedule(job.schedule.scheduleId, `paused by ${caller.email}`);
      else await this.gateway.resumeSchedule(job.schedule.scheduleId, `resumed by ${caller.email}`);
      return {};
    }
    const entry = job.run.jobType ? jobTypeByIpsType(job.run.jobType) : undefined;
    if (!entry || !entry.submittable) throw faults.invalid('jobHandle', 'a job that can be paused', `a ${job.run.jobType ?? 'job'} job`);
    const progress = await this.gateway.progress(job.run.workflowId);
    if (!progress) throw new IpsFault(FaultCode.Exception, 'The job did not answer (no worker is running it right now); try again shortly');
    if (progress.paused === paused) throw faults.invalid('jobHandle', `a job that is not already ${verb}`, `a ${verb} job`);
    if (paused) await this.gateway.pause(job.run.workflowId, caller.email);
    else await this.gateway.resume(job.run.workflowId, caller.email);
    // Still running, so still listed: only its progress is asked afresh (forgetJob would drop every shared list too).
    this.snapshots.forget(job.run.workflowId);
    return {};
  }

  /** executeJob: run a scheduled job now (the schedule itself is unchanged). */
  async execute(_caller: Principal, p: In<typeof S.jobControlParam>): Promise<Record<string, never>> {
    const job = await this.resolve(p.companyHandle, p.jobHandle);
    if (job.kind !== 'schedule') throw faults.invalid('jobHandle', 'a scheduled job', 'a job run');
    await this.gateway.triggerSchedule(job.schedule.scheduleId);
    return {};
  }

  /** deleteJob: removes a scheduled job, or stops a running one. */
  async delete(caller: Principal, p: In<typeof S.jobControlParam>): Promise<Record<string, never>> {
    const job = await this.resolve(p.companyHandle, p.jobHandle);
    if (job.kind === 'schedule') await this.gateway.deleteSchedule(job.schedule.scheduleId);
    else {
      await this.gateway.requestStop(job.run.workflowId, caller.email);
      this.forgetJob(job.run.workflowId);
    }
    return {};
  }

  /** Job types narrower than submitJob itself (the registry entry's roles), e.g. exports. */
  private checkElementRole(caller: Principal, companyHandle: string, entry: JobTypeEntry): void {
    const allowed = entry.roles;
    if (!allowed || caller.isIpsAdmin) return;
    const role = caller.memberships.find((m) => m.isActive && m.companyHandle === companyHandle)?.role;
    if (!role || !allowed.includes(role)) {
      throw new IpsFault(
        FaultCode.NoOperationPermission,
        `User does not have permission to submit an ${entry.element} (the ${role ?? 'caller'} role may not; allowed: ${allowed.join(', ')})`,
        entry.element,
      );
    }
  }

  /**
   * The job named, in the company named. Another company's job is refused
   * with IPS's foreign-company fault (20006, as every operation answers a
   * handle of a company the request did not name), saying what is wrong
   * without echoing the handle, which carries the other company's id.
   */
  private async resolve(companyHandle: string, jobHandle: string): Promise<ResolvedJob> {
    const schedule = await this.gateway.describeSchedule(jobHandle);
    if (schedule) {
      if (schedule.companyHandle !== companyHandle) throw faults.foreignHandle('jobHandle', 'job');
      return { kind: 'schedule', schedule };
    }
    const run = await this.gateway.describe(jobHandle);
    if (!run || !run.companyHandle) throw faults.notFound('jobHandle', 'job', jobHandle);
    if (run.companyHandle !== companyHandle) throw faults.foreignHandle('jobHandle', 'job');
    if (!run.running) throw faults.invalid('jobHandle', 'a job that is still running', 'a job that has finished');
    return { kind: 'run', run };
  }

  /** Companies whose jobs the caller may list; undefined = all (IpsAdmin without a filter). */
  private visibleCompanies(caller: Principal, operation: 'getActiveJobs' | 'getScheduledJobs', companyHandle?: string): string[] | undefined {
    if (companyHandle) return [companyHandle];
    return this.auth.companiesWithRole(caller, OPERATION_ACCESS[operation].roles);
  }

  /**
   * The workflow learns results a batch at a time; the job log records every
   * item as it finishes. Progress counts the finished batches plus the items
   * of batches in flight that the log already has (no longer listed as
   * processing), and never less than the log's totalFileCount. It does not
   * rest on totalFileCount alone: an ExportJob keeps that at 0, as IPS's does
   * (docs/job-log-types.md#exportjob-export). Each item still in flight carries the worker's
   * latest report on it (step, fraction), read from the catalog.
   *
   * The workflow's answer and those catalog reads are one snapshot, shared by
   * every caller for PROGRESS_CACHE_MS (then stale-if-slow): a
   * getActiveJobs call costs the same few reads however many jobs run and
   * however many dashboards poll, which is what keeps it as fast under a
   * pixel load as idle (bench/control-plane).
   */
  private liveProgress(jobHandle: string): Promise<LiveProgress | undefined> {
    return this.snapshots.get(jobHandle, () => this.readLiveProgress(jobHandle));
  }

  private async readLiveProgress(jobHandle: string): Promise<LiveProgress | undefined> {
    const progress = await this.gateway.progress(jobHandle, 2000);
    if (!progress || progress.processing.length === 0) return progress;
    const [log, recorded, reports] = await Promise.all([
      this.jobLogs.find(jobHandle),
      this.jobLogs.recordedItemIds(
        jobHandle,
        progress.processing.flatMap((p) => (p.itemId ? [p.itemId] : [])),
      ),
      // Progress is a side channel: without it the items are listed as before.
      this.itemProgress.forJob(jobHandle).catch((): ItemProgressRow[] => []),
    ]);
    const byItem = new Map(reports.map((r) => [r.item_id, r]));
    const processed = Math.min(progress.total, Math.max(progress.processed + recorded.size, log?.total_file_count ?? 0));
    const processing = progress.processing
      .filter((p) => !p.itemId || !recorded.has(p.itemId))
      .map((p): LiveItem => {
        const report = p.itemId ? byItem.get(p.itemId) : undefined;
        return report ? { ...p, report } : p;
      });
    return { ...progress, processed, processing };
  }

  private async toActiveJob(run: JobExecution): Promise<S.ActiveJob> {
    const delayed = run.executionTime !== undefined && run.executionTime.getTime() > Date.now();
    // A job waiting for its execTime has run no workflow code yet: a query would only wait out its timeout.
    const progress = delayed ? undefined : await this.liveProgress(run.workflowId);
    const memo = run.memo;
    const startDate = progress?.startDate ?? run.startTime.toISOString();
    const last = progress ? undefined : await this.jobLogs.find(run.workflowId);
    const total = progress?.total ?? memo.totalSize ?? last?.total_file_count ?? 0;
    const processed = progress?.processed ?? last?.total_file_count ?? 0;
    const state: S.ActiveJob['state'] = delayed ? 'New' : (progress?.state ?? 'Running');
    const message = delayed
      ? `Waiting until ${run.executionTime!.toISOString()}`
      : (progress?.message ?? 'Running (no live progress: the worker is not answering)');
    const lastUpdate = progress?.lastProgressUpdate ?? startDate;
    const originalName = run.jobName ?? '';
    return {
      companyHandle: run.companyHandle!,
      jobHandle: run.workflowId,
      name: progress?.name ?? memo.runName ?? runName(originalName, run.startTime),
      originalName,
      type: run.jobType ?? run.workflowType,
      state,
      submitUserEmail: run.submitUser ?? '',
      ...(memo.locale ? { locale: memo.locale } : {}),
      ...(memo.description ? { description: memo.description } : {}),
      serverName: progress?.serverName ?? '',
      startDate,
      triggerTime: memo.triggerTime ?? (run.executionTime ?? run.startTime).toISOString(),
      totalSize: total,
      progress: total > 0 ? Math.min(100, Math.floor(((processed + (progress ? inFlightShare(progress) : 0)) * 100) / total)) : 0,
      progressMessage: message,
      lastProgressUpdate: lastUpdate,
      taskProgressArray: { items: progress ? [taskProgress(progress)] : [] },
      ...(memo.element ? { [memo.element]: echoOf(withoutSecretsInUrls(memo.options ?? {})) } : {}),
    };
  }
}

/** How much of the items in flight is done, in items (each item's last reported fraction). */
function inFlightShare(p: LiveProgress): number {
  return p.processing.reduce((sum, i) => sum + (i.report?.fraction ?? 0), 0);
}

function taskProgress(p: LiveProgress): S.ActiveJob['taskProgressArray']['items'][number] {
  const pending = Math.max(0, p.total - p.processed - p.processing.length);
  return {
    taskType: p.taskType,
    taskState: p.state === 'Stopping' ? 'Stopping' : p.processed === 0 && p.processing.length === 0 ? 'New' : 'Processing',
    numProcessed: p.processed,
    numProcessing: p.processing.length,
    numPending: pending,
    progress: p.total > 0 ? Math.min(1, (p.processed + inFlightShare(p)) / p.total) : 0,
    progressMessage: p.message,
    lastProgressUpdate: p.lastProgressUpdate,
    taskItemProgressArray: {
      // An item the worker has not reported on yet (waiting its turn in its batch, or quicker than a report) shows as Processing.
      items: p.processing.map((i) =>
        i.report
          ? { itemName: i.itemName, progress: i.report.fraction, progressMessage: i.report.message, lastProgressUpdate: i.report.updated_at }
          : { itemName: i.itemName, progress: 0, progressMessage: 'Processing', lastProgressUpdate: i.since },
      ),
    },
  };
}

function toScheduledJob(s: JobSchedule): S.ScheduledJob {
  const memo = s.memo;
  const originalName = s.jobName ?? '';
  return {
    companyHandle: s.companyHandle!,
    jobHandle: s.scheduleId,
    name: originalName,
    originalName,
    type: s.jobType ?? '',
    submitUserEmail: s.submitUser ?? '',
    ...(memo.locale ? { locale: memo.locale } : {}),
    ...(memo.description ? { description: memo.description } : {}),
    ...(memo.execSchedule ? { execSchedule: memo.execSchedule } : {}),
    ...(s.nextActionTimes[0] && !s.paused ? { nextFireTime: s.nextActionTimes[0].toISOString() } : {}),
    ...(memo.timeZone ? { timeZone: memo.timeZone } : {}),
    triggerState: s.paused ? 'Paused' : 'Normal',
    ...(memo.element ? { [memo.element]: echoOf(withoutSecretsInUrls(memo.options ?? {})) } : {}),
  };
}

/**
 * A job element's options as ActiveJob / ScheduledJob echo them: the memo
 * holds them as parsed (defaults filled in, `*Array` wrappers unwrapped), and
 * on output IPS arrays keep their `items` wrapper (docs/api.md, "JSON API conventions"). URL
 * fields are shown without query (a follow-on job's memo holds its sealed
 * reference, a job of an earlier version the URL as given).
 */
export function echoOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(echoOf);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) && k.endsWith('Array') ? { items: v.map(echoOf) } : echoOf(v)]));
}
