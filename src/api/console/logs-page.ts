import type { JobLog } from '../../domain/schemas/job.schema.js';
import { type JobLogRow, LogsPage } from '../../console/views/logs.js';
import { renderPage } from '../../console/views/render.js';
import type { SignedIn } from './console-gate.js';
import { type ConsoleReply, html } from './console-reply.js';

export const LOGS_PER_PAGE = 50;
/** getJobLogs's numRows limit: a page further back than this many rows cannot be asked for. */
const MAX_ROWS = 10_000;

/**
 * The company's job logs, newest first, 50 a page. getJobLogs has no offset,
 * only a date range and a row count, so an older page starts at the last
 * shown row's start date (`before`, inclusive) and skips the rows of that very
 * date already shown (`skip`): exact even when jobs start in the same
 * millisecond, as the service orders ties by job handle.
 */
export async function logsPage(s: SignedIn): Promise<ConsoleReply> {
  const { t } = s.chrome;
  const refusal = !s.companyHandle ? t('error.noCompany') : !s.may('getJobLogs') ? t('logs.notAllowed') : undefined;
  if (refusal) return html(renderPage(LogsPage({ chrome: s.chrome, logs: [], canOpen: false, refusal, notFirst: false })));
  const cursor = cursorOf(s.request.query);
  const want = (cursor?.skip ?? 0) + LOGS_PER_PAGE;
  const reply = await s.run('getJobLogs', {
    companyHandle: s.companyHandle,
    sortBy: 'StartDate',
    sortDirection: 'Descending',
    // One more than shown: whether an older page exists.
    numRows: Math.min(want + 1, MAX_ROWS),
    ...(cursor ? { endDate: cursor.before } : {}),
  });
  const fetched = reply.jobLogArray.items;
  const shown = fetched.slice(cursor?.skip ?? 0, want);
  const older = fetched.length > want ? olderQuery(fetched.slice(0, want), shown.at(-1)!) : undefined;
  return html(
    renderPage(
      LogsPage({
        chrome: s.chrome,
        logs: shown.map(logRow),
        canOpen: s.may('getJobLogDetails'),
        ...(older ? { older } : {}),
        notFirst: cursor !== undefined,
      }),
    ),
  );
}

/** The older page's cursor: the last row's start date, and how many rows of that date have been shown up to here. */
function olderQuery(seen: readonly JobLog[], last: JobLog): string | undefined {
  if (!last.startDate) return undefined;
  const skip = seen.filter((l) => l.startDate === last.startDate).length;
  if (skip + LOGS_PER_PAGE + 1 > MAX_ROWS) return undefined;
  return new URLSearchParams({ before: last.startDate, skip: String(skip) }).toString();
}

/** A cursor from the query; a malformed one (hand-edited URL) shows the first page. */
function cursorOf(query: Readonly<Record<string, string>>): { before: string; skip: number } | undefined {
  const { before, skip } = query;
  if (!before || Number.isNaN(Date.parse(before)) || !/^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)$/.test(before)) return undefined;
  const n = /^\d{1,5}$/.test(skip ?? '') ? Number(skip) : 0;
  return { before, skip: Math.min(n, MAX_ROWS - LOGS_PER_PAGE - 1) };
}

/** A job log as the log tables show it (the Job logs page and the Jobs page's recent logs). */
export function logRow(log: JobLog): JobLogRow {
  return {
    jobHandle: log.jobHandle,
    name: log.jobName,
    type: log.logType,
    ...(log.startDate ? { startDate: log.startDate } : {}),
    ...(log.endDate ? { endDate: log.endDate } : {}),
    submitUser: log.submitUserEmail,
    files: log.totalFileCount,
    errors: log.fileErrorCount,
    warnings: log.fileWarningCount,
  };
}
