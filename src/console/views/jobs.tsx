import type { Chrome } from './chrome.js';
import { Layout } from './layout.js';
import { type JobLogRow, LogsTable } from './logs.js';
import type { Translate } from '../i18n/index.js';
import type { Locale } from '../../domain/i18n/catalog.js';
import { formatDate } from './format.js';

export interface ActiveJobRow {
  jobHandle: string;
  name: string;
  type: string;
  state: string;
  paused: boolean;
  progress: number;
  processed: number;
  total: number;
  message: string;
}

export interface ScheduledJobRow {
  jobHandle: string;
  name: string;
  type: string;
  schedule: string;
  nextFireTime?: string;
  paused: boolean;
}

export interface JobsView {
  chrome: Chrome;
  active: readonly ActiveJobRow[];
  scheduled: readonly ScheduledJobRow[];
  recent: readonly JobLogRow[];
  /** the role may read a log's entries: only then is each name a link */
  canOpenLogs: boolean;
  /** the role may pause, resume, stop, run and delete jobs */
  canControl: boolean;
}

export function JobsPage(view: JobsView) {
  const { t } = view.chrome;
  return (
    <Layout chrome={view.chrome} title={t('jobs.title')}>
      <h1>{t('jobs.title')}</h1>
      <p id="jobs-feedback" role="status" aria-live="polite"></p>
      <section aria-labelledby="active-heading">
        <h2 id="active-heading">{t('jobs.active')}</h2>
        <ActiveJobs t={t} jobs={view.active} canControl={view.canControl} csrfToken={view.chrome.csrfToken} />
      </section>
      <section aria-labelledby="scheduled-heading">
        <h2 id="scheduled-heading">{t('jobs.scheduled')}</h2>
        <ScheduledJobs t={t} locale={view.chrome.locale} jobs={view.scheduled} canControl={view.canControl} csrfToken={view.chrome.csrfToken} />
      </section>
      <section aria-labelledby="recent-heading">
        <h2 id="recent-heading">{t('jobs.recentLogs')}</h2>
        {view.recent.length === 0 ? (
          <p class="empty">{t('logs.none')}</p>
        ) : (
          <LogsTable chrome={view.chrome} logs={view.recent} canOpen={view.canOpenLogs} id="recent-logs" />
        )}
      </section>
    </Layout>
  );
}

/**
 * The table htmx re-fetches every second. Buttons keep stable ids, so htmx
 * gives focus back to the same button after each swap (keyboard users are not
 * thrown out of the table by the refresh).
 */
export function ActiveJobs({ t, jobs, canControl, csrfToken }: { t: Translate; jobs: readonly ActiveJobRow[]; canControl: boolean; csrfToken?: string }) {
  return (
    <div id="active-jobs" hx-get="/console/jobs/active" hx-trigger="every 1s" hx-swap="outerHTML">
      {jobs.length === 0 ? (
        <p class="empty">{t('jobs.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('jobs.name')}</th>
              <th scope="col">{t('jobs.type')}</th>
              <th scope="col">{t('jobs.state')}</th>
              <th scope="col">{t('jobs.progress')}</th>
              {canControl && <th scope="col">{t('jobs.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr data-job={job.jobHandle}>
                <th scope="row">{job.name}</th>
                <td data-label={t('jobs.type')}>{job.type}</td>
                <td data-label={t('jobs.state')}>{job.paused ? `${job.state} (${t('jobs.paused')})` : job.state}</td>
                <td class="progress-cell">
                  <progress
                    id={`progress-${job.jobHandle}`}
                    max={100}
                    value={job.progress}
                    aria-label={`${job.name}: ${t('jobs.progressLabel', { done: job.processed, total: job.total })}`}
                  >
                    {job.progress}%
                  </progress>
                  <span class="count">{t('jobs.progressLabel', { done: job.processed, total: job.total })}</span>
                  <span class="message">{job.message}</span>
                </td>
                {canControl && (
                  <td>
                    <div class="actions">
                      <PauseOrResume t={t} csrfToken={csrfToken} job={job} />
                      <JobAction t={t} csrfToken={csrfToken} job={job} action="stop" label="jobs.stop" confirm="jobs.confirmStop" danger />
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

type ActionText = 'jobs.pause' | 'jobs.resume' | 'jobs.stop' | 'jobs.runNow' | 'jobs.delete';
type ConfirmText = 'jobs.confirmPause' | 'jobs.confirmResume' | 'jobs.confirmStop' | 'jobs.confirmRunNow' | 'jobs.confirmDelete';

/** A running (or scheduled) job offers Pause, a paused one Resume. */
function PauseOrResume({ t, csrfToken, job }: { t: Translate; csrfToken?: string; job: { jobHandle: string; name: string; paused: boolean } }) {
  return job.paused ? (
    <JobAction t={t} csrfToken={csrfToken} job={job} action="resume" label="jobs.resume" confirm="jobs.confirmResume" />
  ) : (
    <JobAction t={t} csrfToken={csrfToken} job={job} action="pause" label="jobs.pause" confirm="jobs.confirmPause" />
  );
}

/** A form that works without script (POST, then back to the page) and, with htmx, posts in place after a confirmation. */
function JobAction(props: {
  t: Translate;
  csrfToken?: string;
  job: { jobHandle: string; name: string };
  action: 'pause' | 'resume' | 'stop' | 'run' | 'delete';
  label: ActionText;
  confirm: ConfirmText;
  danger?: boolean;
}) {
  const { t, job, action } = props;
  const url = `/console/jobs/${encodeURIComponent(job.jobHandle)}/${action}`;
  return (
    <form method="post" action={url} hx-post={url} hx-confirm={t(props.confirm, { name: job.name })} hx-target="#jobs-feedback" hx-swap="innerHTML">
      <input type="hidden" name="_csrf" value={props.csrfToken} />
      <input type="hidden" name="jobName" value={job.name} />
      <button type="submit" id={`${action}-${job.jobHandle}`} class={props.danger ? 'danger' : undefined} aria-label={`${t(props.label)}: ${job.name}`}>
        {t(props.label)}
      </button>
    </form>
  );
}

function ScheduledJobs({
  t,
  locale,
  jobs,
  canControl,
  csrfToken,
}: {
  t: Translate;
  locale: Locale;
  jobs: readonly ScheduledJobRow[];
  canControl: boolean;
  csrfToken?: string;
}) {
  if (jobs.length === 0) return <p class="empty">{t('jobs.noneScheduled')}</p>;
  return (
    <table id="scheduled-jobs">
      <thead>
        <tr>
          <th scope="col">{t('jobs.name')}</th>
          <th scope="col">{t('jobs.type')}</th>
          <th scope="col">{t('jobs.schedule')}</th>
          <th scope="col">{t('jobs.nextFire')}</th>
          {canControl && <th scope="col">{t('jobs.actions')}</th>}
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr data-job={job.jobHandle}>
            <th scope="row">{job.name}</th>
            <td data-label={t('jobs.type')}>{job.type}</td>
            <td data-label={t('jobs.schedule')}>
              <code>{job.schedule}</code>
            </td>
            <td data-label={t('jobs.nextFire')}>
              {job.paused ? t('jobs.paused') : job.nextFireTime ? <time dateTime={job.nextFireTime}>{formatDate(locale, job.nextFireTime)}</time> : '—'}
            </td>
            {canControl && (
              <td>
                <div class="actions">
                  <PauseOrResume t={t} csrfToken={csrfToken} job={job} />
                  <JobAction t={t} csrfToken={csrfToken} job={job} action="run" label="jobs.runNow" confirm="jobs.confirmRunNow" />
                  <JobAction t={t} csrfToken={csrfToken} job={job} action="delete" label="jobs.delete" confirm="jobs.confirmDelete" danger />
                </div>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The answer to a job action, read out by screen readers (the container is a live region). */
export function Feedback({ message, error }: { message: string; error: boolean }) {
  return <span class={error ? 'error' : 'ok'}>{message}</span>;
}
