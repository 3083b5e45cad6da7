import type { Chrome } from './chrome.js';
import { formatDate, jobKind } from './format.js';
import { Layout } from './layout.js';

export interface JobLogRow {
  jobHandle: string;
  name: string;
  type: string;
  startDate?: string;
  endDate?: string;
  submitUser: string;
  files: number;
  errors: number;
  warnings: number;
}

export interface LogsView {
  chrome: Chrome;
  logs: readonly JobLogRow[];
  /** the role may read a log's entries (getJobLogDetails): only then is each name a link */
  canOpen: boolean;
  /** why no log is listed: no company selected, or a role that may not run getJobLogs */
  refusal?: string;
  /** the query of the next (older) page, when there is one */
  older?: string;
  /** this is not the first page: offer the way back to the newest logs */
  notFirst: boolean;
}

/** The company's job logs, newest first, one page at a time. */
export function LogsPage(view: LogsView) {
  const { t } = view.chrome;
  return (
    <Layout chrome={view.chrome} title={t('logs.title')}>
      <h1>{t('logs.title')}</h1>
      {view.refusal ? (
        <p class="error" role="alert">
          {view.refusal}
        </p>
      ) : view.logs.length === 0 ? (
        <p class="empty">{t('logs.none')}</p>
      ) : (
        <LogsTable chrome={view.chrome} logs={view.logs} canOpen={view.canOpen} id="job-logs" />
      )}
      {(view.older || view.notFirst) && (
        <nav class="pager" aria-label={t('logs.pages')}>
          {view.notFirst && <a href="/console/logs">{t('logs.newest')}</a>}
          {view.older && (
            <a href={`/console/logs?${view.older}`} rel="next">
              {t('logs.older')}
            </a>
          )}
        </nav>
      )}
    </Layout>
  );
}

/** A table of job logs: the Job logs page's, and the Jobs page's recent ones. */
export function LogsTable({ chrome, logs, canOpen, id }: { chrome: Chrome; logs: readonly JobLogRow[]; canOpen: boolean; id: string }) {
  const { t, locale } = chrome;
  return (
    <table id={id}>
      <thead>
        <tr>
          <th scope="col">{t('jobs.name')}</th>
          <th scope="col">{t('jobs.type')}</th>
          <th scope="col">{t('logs.started')}</th>
          <th scope="col">{t('logs.ended')}</th>
          <th scope="col">{t('logs.user')}</th>
          <th scope="col">{t('logs.files')}</th>
          <th scope="col">{t('logs.errors')}</th>
          <th scope="col">{t('logs.warnings')}</th>
        </tr>
      </thead>
      <tbody>
        {logs.map((log) => (
          <tr data-job={log.jobHandle}>
            <th scope="row">
              {canOpen ? (
                <a href={`/console/logs/${encodeURIComponent(log.jobHandle)}`} aria-label={t('logs.open', { name: log.name })}>
                  {log.name}
                </a>
              ) : (
                log.name
              )}
            </th>
            <td data-label={t('jobs.type')}>{jobKind(log.type)}</td>
            <td data-label={t('logs.started')}>{log.startDate ? <time dateTime={log.startDate}>{formatDate(locale, log.startDate)}</time> : '—'}</td>
            <td data-label={t('logs.ended')}>{log.endDate ? <time dateTime={log.endDate}>{formatDate(locale, log.endDate)}</time> : '—'}</td>
            <td data-label={t('logs.user')}>{log.submitUser}</td>
            <td data-label={t('logs.files')}>{log.files}</td>
            <td data-label={t('logs.errors')} class={log.errors > 0 ? 'error' : undefined}>
              {log.errors}
            </td>
            <td data-label={t('logs.warnings')}>{log.warnings}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
