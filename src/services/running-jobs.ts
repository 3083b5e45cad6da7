import type { JobExecution, JobGateway } from '../adapters/temporal/job.gateway.js';
import type { JobLogRepository } from '../adapters/repositories/job-log.repository.js';
import { CreatedHere } from './created-here.js';
import { SharedAnswers } from './shared-answers.js';

/** Which running jobs getActiveJobs asks for: some companies (undefined = all) and maybe one job name. */
export interface RunningFilter {
  companies?: readonly string[];
  jobName?: string;
}

export interface RunningJobsDeps {
  gateway: Pick<JobGateway, 'listRunning'>;
  jobLogs: Pick<JobLogRepository, 'endedJobHandles'>;
  /** how long one visibility answer is shared by every caller asking the same question */
  ttlMs: number;
  /** how much older than ttlMs an answer may still be served while a fresh one is fetched */
  staleMs: number;
  now?: () => number;
}

/**
 * A job a service of this process has just started, with every label getActiveJobs shows: one type for
 * JobService.submit and the UploadFile servlet, so the two registrations cannot drift apart.
 */
export type StartedJob = Required<
  Pick<JobExecution, 'workflowId' | 'workflowType' | 'startTime' | 'companyHandle' | 'jobType' | 'jobName' | 'submitUser' | 'memo'>
> &
  Pick<JobExecution, 'executionTime'>;

/** How long a job started here is listed from memory when Temporal's list does not show it yet. */
const STARTED_HERE_MS = 30_000;

/**
 * The running jobs getActiveJobs lists, read from Temporal's visibility
 * store without letting callers queue on it. Temporal throttles visibility
 * queries per namespace (10 a second by default, answered by a 1–2 s
 * back-off: bench/control-plane's idle p99 of 1.8 s), so every caller asking
 * the same question shares one answer (SharedAnswers, stale-if-slow): a
 * question per filter, not one list of every company's jobs, because delayed
 * jobs can number thousands. Two things keep the
 * shared answer true:
 * - a job this process started is listed at once, before visibility shows
 *   it (submit → listed is a memory write, not a visibility round trip):
 *   the API builds one RunningJobs for JobService and the UploadFile
 *   servlet, and each registers the job it starts;
 * - a job whose log has ended in the catalog is not listed, whatever an
 *   older answer says (the catalog knows at once, visibility a moment later).
 * A job started through another API replica, or by a schedule, shows with
 * the next answer (≤ ttlMs + staleMs + one query).
 */
export class RunningJobs {
  private readonly answers: SharedAnswers<JobExecution[]>;
  private readonly startedHere: CreatedHere<JobExecution>;

  constructor(private readonly deps: RunningJobsDeps) {
    const now = deps.now ?? Date.now;
    this.answers = new SharedAnswers(deps.ttlMs, now, deps.staleMs);
    this.startedHere = new CreatedHere(STARTED_HERE_MS, now);
  }

  async list(filter: RunningFilter): Promise<JobExecution[]> {
    const { companies, jobName } = filter;
    // Handles and job names never hold control characters (jobName refuses them), and Temporal's SQLite
    // visibility store breaks on a NUL in a query: such a filter matches nothing, so it is not sent.
    const impossible = [...(companies ?? []), jobName ?? ''].some((v) => /[\u0000-\u001f\u007f]/.test(v));
    if (companies?.length === 0 || impossible) return [];
    const query = [companies ? `CompanyHandle IN (${companies.map(quote).join(', ')})` : '', jobName ? `JobName = ${quote(jobName)}` : '']
      .filter(Boolean)
      .join(' AND ');
    const listed = await this.answers.get(query, () => this.deps.gateway.listRunning(query));
    const runs = [...listed, ...this.startedHereMatching(filter, new Set(listed.map((r) => r.workflowId)))];
    if (runs.length === 0) return runs;
    const ended = await this.deps.jobLogs.endedJobHandles(runs.map((r) => r.workflowId));
    return runs.filter((r) => !ended.has(r.workflowId));
  }

  /** A job this process just started (submitJob, an upload's first post): listed from now on, before Temporal's visibility store has it. */
  started(job: StartedJob): void {
    this.startedHere.add(job.workflowId, { ...job, running: true });
  }

  /** A job was stopped or removed through this process: the next caller asks Temporal afresh. */
  changed(workflowId: string): void {
    this.startedHere.forget(workflowId);
    this.answers.forgetAll();
  }

  private startedHereMatching(filter: RunningFilter, listed: Set<string>): JobExecution[] {
    return this.startedHere
      .notListed(listed)
      .filter(
        (run) =>
          (!filter.companies || (!!run.companyHandle && filter.companies.includes(run.companyHandle))) &&
          (filter.jobName === undefined || run.jobName === filter.jobName),
      );
  }
}

/** A visibility-query string literal. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
