import { CORRECTED_LOG_TYPES, EXPORT_ZIP_TYPE, INVENTED_LOG_TYPES, IPS_DOCUMENTED_LOG_TYPES, type JobLogTypes } from '../../domain/job-log-types.js';
import type { JobLog } from '../../domain/schemas/job.schema.js';
import { JOB_TYPES, jobTypeByIpsType } from '../../jobs/job-registry.js';
import { REPROCESS_JOB_TYPE } from '../../services/console/reprocess-pair.js';
import { type LogEntryRow, LogDetailPage } from '../../console/views/logs-detail.js';
import { renderPage } from '../../console/views/render.js';
import { MessagePage } from '../../console/views/sign-in.js';
import type { SignedIn } from './console-gate.js';
import { type ConsoleReply, html } from './console-reply.js';

const ENTRIES_PER_PAGE = 50;

/**
 * Every log type getJobLogDetails can find: IPS's documented names (less the
 * two misprints we write corrected), our corrections and our own names
 * (src/domain/job-log-types.ts). A type outside this list is no filter anyone
 * could mean: the page shows all types instead.
 */
const KNOWN_LOG_TYPES: readonly string[] = [
  ...new Set([
    ...[...IPS_DOCUMENTED_LOG_TYPES].filter((name) => !Object.values(CORRECTED_LOG_TYPES).includes(name)),
    ...Object.keys(CORRECTED_LOG_TYPES),
    ...Object.keys(INVENTED_LOG_TYPES),
  ]),
].sort((a, b) => a.localeCompare(b, 'en'));

/** The log types of the job type whose images get before/after pictures. */
const REPROCESS_LOG_TYPES: JobLogTypes = jobTypeByIpsType(REPROCESS_JOB_TYPE)!.logTypes;

/** The file type of the row that says a reprocess job made an image's new pyramid (ReprocessService): one per image. */
const REPROCESSED_IMAGE_TYPE = 'OptimizedImage';

/**
 * One job's log: getJobLogDetails as the caller (its role check, and its
 * company check: another company's job is "not found", shown by the gate as a
 * page without any of the log's data), one page of entries of the chosen type.
 */
export async function logDetailPage(s: SignedIn, jobHandle: string): Promise<ConsoleReply> {
  const { t } = s.chrome;
  if (!s.companyHandle || !s.may('getJobLogDetails')) {
    const message = s.companyHandle ? t('log.notAllowed') : t('error.noCompany');
    return html(renderPage(MessagePage({ chrome: s.chrome, title: t('logs.title'), message })), 403);
  }
  const filter = filterOf(s.request.query.type);
  const page = pageOf(s.request.query.page);
  const reply = await s.run('getJobLogDetails', {
    companyHandle: s.companyHandle,
    jobHandle,
    recordsPerPage: ENTRIES_PER_PAGE,
    resultsPage: page,
    sortBy: 'Date',
    ...(filter === 'all' ? {} : { logTypeArray: { items: [filter] } }),
  });
  const log = reply.jobLogArray.items[0]!;
  const family = JOB_TYPES.find((entry) => entry.logTypes.begin === log.logType)?.logTypes;
  const pictures = log.logType === REPROCESS_LOG_TYPES.begin;
  const jobTypes = family ? familyTypes(family) : [];
  const exportUrl = family?.archive ? await archiveUrl(s, jobHandle, family.archive) : undefined;
  return html(
    renderPage(
      LogDetailPage({
        chrome: s.chrome,
        jobHandle: log.jobHandle,
        name: log.jobName,
        type: log.logType,
        ...(log.startDate ? { startDate: log.startDate } : {}),
        ...(log.endDate ? { endDate: log.endDate } : {}),
        submitUser: log.submitUserEmail,
        counts: { files: log.totalFileCount, errors: log.fileErrorCount, warnings: log.fileWarningCount },
        filter,
        jobTypes,
        otherTypes: KNOWN_LOG_TYPES.filter((type) => !jobTypes.includes(type)),
        rows: entryRows(log, pictures),
        page,
        pages: Math.max(1, Math.ceil((log.detailTotalRows ?? 0) / ENTRIES_PER_PAGE)),
        ...(exportUrl ? { exportUrl } : {}),
        pictures,
      }),
    ),
  );
}

/**
 * The export's ZIP: its log row's assetName is the signed download URL
 * (docs/jobs/export.md), the link the job's e-mail and `ips export --download`
 * use. Read through getJobLogDetails as the caller, so only someone who may
 * read this log sees it.
 */
async function archiveUrl(s: SignedIn, jobHandle: string, archiveType: string): Promise<string | undefined> {
  const reply = await s.run('getJobLogDetails', { companyHandle: s.companyHandle, jobHandle, logTypeArray: { items: [archiveType] }, recordsPerPage: 1 });
  const row = reply.jobLogArray.items[0]?.detailArray?.items[0];
  return row ? downloadUrl(row) : undefined;
}

function downloadUrl(row: { assetType?: string; assetName?: string }): string | undefined {
  return row.assetType === EXPORT_ZIP_TYPE && row.assetName && /^https?:\/\//.test(row.assetName) ? row.assetName : undefined;
}

/**
 * The entries of this page. A reprocess job's image gets its before/after
 * pair on the one row that says it was reprocessed (its warnings and layer
 * rows name the same asset but add no picture).
 */
function entryRows(log: JobLog, pictures: boolean): LogEntryRow[] {
  const paired = new Set<string>();
  return (log.detailArray?.items ?? []).map((d) => {
    const download = downloadUrl(d);
    const pair =
      pictures &&
      d.logType === REPROCESS_LOG_TYPES.success &&
      d.assetType === REPROCESSED_IMAGE_TYPE &&
      d.assetHandle !== undefined &&
      !paired.has(d.assetHandle);
    if (pair) paired.add(d.assetHandle!);
    return {
      type: d.logType,
      date: d.dateCreated,
      message: d.logMessage,
      ...(d.assetName ? { assetName: d.assetName } : {}),
      ...(d.assetHandle ? { assetHandle: d.assetHandle } : {}),
      ...(download ? { download } : {}),
      pair,
    };
  });
}

/** The types this job's family writes, in the order a job writes them. */
function familyTypes(family: JobLogTypes): string[] {
  return [...new Set([family.begin, family.success, family.failure, ...(family.archive ? [family.archive] : []), family.end])];
}

function filterOf(type: string | undefined): string {
  return type && KNOWN_LOG_TYPES.includes(type) ? type : 'all';
}

function pageOf(page: string | undefined): number {
  return page && /^\d{1,6}$/.test(page) && Number(page) > 0 ? Number(page) : 1;
}
