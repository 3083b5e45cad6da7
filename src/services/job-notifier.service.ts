import type { CompanyRepository } from '../adapters/repositories/company.repository.js';
import type { JobLogDetailRow, JobLogRepository } from '../adapters/repositories/job-log.repository.js';
import { renderMessage } from '../domain/i18n/catalog.js';
import { EXPORT_ZIP_TYPE } from '../domain/job-log-types.js';
import { JOB_TYPES } from '../jobs/job-registry.js';
import type { JobIdentity, JobOutcome } from '../jobs/contracts.js';
import type { EmailSetting, JobLogLine, NotificationService } from './notification.service.js';

/** Severity classes of IPS's job log types (Adobe IPS: sting-constants/r-job-log-types): which detail types count as errors and warnings in a mail. */
const ERROR_TYPES = [...new Set(['FatalError', ...JOB_TYPES.map((j) => j.logTypes.failure)])];
const WARNING_TYPES = ['UploadWarning', 'DuplicateSkipped', 'SetGenerationWarning'];
const EXPORT_ARCHIVE = [JOB_TYPES.find((j) => j.element === 'exportJob')!.logTypes.archive!];

/** Builds a job's notification from its log in the database and hands it to the NotificationService. */
export class JobNotifier {
  constructor(private readonly deps: { jobLogs: JobLogRepository; companies: CompanyRepository; notifications: NotificationService }) {}

  async notify(job: JobIdentity, jobType: string, to: string, setting: EmailSetting, outcome: JobOutcome): Promise<{ sent: boolean; where?: string }> {
    const log = await this.deps.jobLogs.find(job.jobHandle);
    if (!log) return { sent: false };
    const company = await this.deps.companies.findByHandle(job.companyHandle);
    const locale = job.locale;
    const lines = async (types: string[]): Promise<JobLogLine[]> => {
      const page = await this.deps.jobLogs.detailPage(job.jobHandle, { logTypes: types, sort: 'id', direction: 'asc', limit: 10, offset: 0 });
      return page.rows.map((d: JobLogDetailRow) => ({
        ...(d.asset_name ? { assetName: d.asset_name } : {}),
        message: renderMessage(d.message_key, JSON.parse(d.message_args), locale),
      }));
    };
    return this.deps.notifications.notify(
      to,
      setting,
      {
        jobName: job.jobName,
        originalJobName: job.originalName,
        jobType,
        companyName: company?.name ?? job.companyHandle,
        startDate: log.start_date,
        endDate: log.end_date ?? new Date().toISOString(),
        success: log.file_success_count,
        errors: log.file_error_count + (outcome.outcome === 'failed' ? 1 : 0),
        warnings: log.file_warning_count,
        duplicates: log.file_duplicate_count,
        updated: log.file_update_count,
        total: log.total_file_count,
        outcome: outcome.outcome,
        firstErrors: await lines(ERROR_TYPES),
        firstWarnings: await lines(WARNING_TYPES),
        extraLines: await this.downloadLines(job.jobHandle, locale),
      },
      locale,
    );
  }

  /** An export's archive URL (its ZipFileExportJobSuccess row, file type ExportJobZip), so the mail carries the download link. */
  private async downloadLines(jobHandle: string, locale: string | undefined): Promise<string[]> {
    const page = await this.deps.jobLogs.detailPage(jobHandle, {
      logTypes: EXPORT_ARCHIVE,
      sort: 'id',
      direction: 'desc',
      limit: 1,
      offset: 0,
      assetType: EXPORT_ZIP_TYPE,
    });
    return page.rows
      .filter((d) => d.asset_name)
      .map((d) =>
        renderMessage('mailDownload', { url: d.asset_name!, expires: String((JSON.parse(d.message_args) as { expires?: string }).expires ?? '') }, locale),
      );
  }
}
