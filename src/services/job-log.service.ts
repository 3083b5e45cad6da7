import type { z } from 'zod';
import type { JobLogDetailRow, JobLogFilter, JobLogRepository, JobLogRow } from '../adapters/repositories/job-log.repository.js';
import { faults } from '../domain/faults.js';
import { renderMessage } from '../domain/i18n/catalog.js';
import { OPERATION_ACCESS } from '../domain/roles.js';
import type * as S from '../domain/schemas/job.schema.js';
import type { AuthService } from './auth.service.js';
import type { Principal } from './principal.js';

type In<T extends z.ZodType> = z.output<T>;

const SORT: Record<NonNullable<In<typeof S.getJobLogsParam>['sortBy']>, JobLogFilter['sort']> = {
  JobName: 'job_logs.job_name',
  LogType: 'job_logs.log_type',
  StartDate: 'job_logs.start_date',
  CompanyName: 'companies.name',
  UserId: 'job_logs.submit_user_handle',
  Email: 'job_logs.submit_user_email',
  FileErrorCount: 'job_logs.file_error_count',
  FileWarningCount: 'job_logs.file_warning_count',
  FileSuccessCount: 'job_logs.file_success_count',
};

/**
 * Job logs (docs/jobs/job-engine.md#job-logs). Messages are stored as catalog keys and
 * rendered in the reader's language (Accept-Language), else the job's locale.
 */
export class JobLogService {
  constructor(private readonly deps: { jobLogs: JobLogRepository; auth: AuthService }) {}

  async getJobLogs(caller: Principal, p: In<typeof S.getJobLogsParam>): Promise<{ jobLogArray: { items: S.JobLog[] } }> {
    const companies = p.companyHandle ? [p.companyHandle] : this.deps.auth.companiesWithRole(caller, OPERATION_ACCESS.getJobLogs.roles);
    const rows = await this.deps.jobLogs.list({
      companyHandles: companies,
      submitUserHandle: p.userHandle,
      startFrom: p.startDate ? new Date(p.startDate).toISOString() : undefined,
      startTo: p.endDate ? new Date(p.endDate).toISOString() : undefined,
      sort: SORT[p.sortBy ?? 'StartDate'],
      // Newest first unless asked otherwise (what a client polling for its latest jobs wants).
      direction: p.sortDirection ? (p.sortDirection === 'Ascending' ? 'asc' : 'desc') : p.sortBy ? 'asc' : 'desc',
      limit: p.numRows ?? 1000,
    });
    return { jobLogArray: { items: rows.map((r) => toJobLog(r)) } };
  }

  async getJobLogDetails(p: In<typeof S.getJobLogDetailsParam>, acceptLanguage?: string): Promise<{ jobLogArray: { items: S.JobLog[] } }> {
    if (!p.jobHandle && !p.originalName) throw faults.missing('jobHandle', 'jobHandle or originalName');
    const log = p.jobHandle ? await this.deps.jobLogs.find(p.jobHandle) : await this.deps.jobLogs.findLatestByOriginalName(p.companyHandle, p.originalName!);
    if (!log || log.company_handle !== p.companyHandle) {
      throw faults.notFound(p.jobHandle ? 'jobHandle' : 'originalName', 'job log', p.jobHandle ?? p.originalName!);
    }
    const perPage = p.recordsPerPage ?? 1000;
    const page = await this.deps.jobLogs.detailPage(log.job_handle, {
      logTypes: p.logTypeArray,
      sort: p.sortBy === 'LogType' ? 'log_type' : 'id',
      direction: p.sortDirection === 'Descending' ? 'desc' : 'asc',
      limit: perPage,
      offset: ((p.resultsPage ?? 1) - 1) * perPage,
    });
    const locale = readerLocale(acceptLanguage) ?? log.locale ?? undefined;
    return {
      jobLogArray: {
        items: [{ ...toJobLog(log), detailTotalRows: page.total, detailArray: { items: page.rows.map((d) => toDetail(d, locale)) } }],
      },
    };
  }

  async getAssetJobLogs(p: In<typeof S.getAssetJobLogsParam>, acceptLanguage?: string) {
    const rows = await this.deps.jobLogs.assetDetails(p.companyHandle, p.assetHandle);
    return {
      jobLogArray: {
        items: rows.map((r) => ({
          jobHandle: r.job_handle,
          jobName: r.job_name,
          logMessage: renderMessage(r.message_key, JSON.parse(r.message_args), readerLocale(acceptLanguage) ?? r.locale ?? undefined),
          logType: r.log_type,
          submitUserEmail: r.submit_user_email,
          logDate: r.date_created,
        })),
      },
    };
  }
}

function toJobLog(r: JobLogRow): S.JobLog {
  return {
    companyHandle: r.company_handle,
    jobHandle: r.job_handle,
    jobName: r.job_name,
    originalJobName: r.original_job_name,
    submitUserEmail: r.submit_user_email,
    logType: r.log_type,
    jobSubType: r.job_sub_type,
    startDate: r.start_date,
    ...(r.end_date ? { endDate: r.end_date } : {}),
    description: r.description ?? '',
    fileSuccessCount: r.file_success_count,
    fileErrorCount: r.file_error_count,
    fileWarningCount: r.file_warning_count,
    fileDuplicateCount: r.file_duplicate_count,
    fileUpdateCount: r.file_update_count,
    totalFileCount: r.total_file_count,
    transferSuccessCount: r.transfer_success_count,
    transferErrorCount: r.transfer_error_count,
    transferWarningCount: r.transfer_warning_count,
    fatalError: r.fatal_error === 1,
  };
}

function toDetail(d: JobLogDetailRow, locale?: string) {
  return {
    logMessage: renderMessage(d.message_key, JSON.parse(d.message_args), locale),
    logType: d.log_type,
    dateCreated: d.date_created,
    ...(d.asset_name ? { assetName: d.asset_name } : {}),
    ...(d.asset_type ? { assetType: d.asset_type } : {}),
    ...(d.asset_handle ? { assetHandle: d.asset_handle } : {}),
  };
}

/** The reader's Accept-Language, unless it expresses no preference ('*', as HTTP clients send by default). */
function readerLocale(acceptLanguage: string | undefined): string | undefined {
  const value = acceptLanguage?.trim();
  return value && value !== '*' ? value : undefined;
}
