import type { ActiveJob, JobLog, ScheduledJob } from '../../domain/schemas/job.schema.js';
import { IpsFault } from '../../domain/faults.js';
import { type ActiveJobRow, ActiveJobs, Feedback, JobsPage, type ScheduledJobRow } from '../../console/views/jobs.js';
import { renderFragment, renderPage } from '../../console/views/render.js';
import type { SignedIn } from './console-gate.js';
import { logRow } from './logs-page.js';
import { type ConsoleReply, html, redirect } from './console-reply.js';

const RECENT_LOGS = 10;

/** The Jobs page: active jobs (live), scheduled jobs, recent logs. */
export async function jobsPage(s: SignedIn): Promise<ConsoleReply> {
  // The console's home: a role that may not list active jobs starts at the first section it may open.
  const first = [...(s.chrome.allowed ?? [])][0];
  if (!s.may('getActiveJobs') && first) return redirect(`/console/${first}`, false);
  if (!s.companyHandle || !s.may('getActiveJobs'))
    return html(renderPage(JobsPage({ chrome: s.chrome, active: [], scheduled: [], recent: [], canControl: false, canOpenLogs: false })));
  const companyHandle = s.companyHandle;
  const [active, scheduled, logs] = await Promise.all([
    activeRows(s),
    s.may('getScheduledJobs') ? s.run('getScheduledJobs', { companyHandle }) : Promise.resolve({ jobArray: { items: [] as ScheduledJob[] } }),
    s.may('getJobLogs')
      ? s.run('getJobLogs', { companyHandle, sortBy: 'StartDate', sortDirection: 'Descending', numRows: RECENT_LOGS })
      : Promise.resolve({ jobLogArray: { items: [] as JobLog[] } }),
  ]);
  return html(
    renderPage(
      JobsPage({
        chrome: s.chrome,
        active,
        scheduled: scheduled.jobArray.items.map(scheduledRow),
        recent: logs.jobLogArray.items.filter((l) => l.endDate).map(logRow),
        canControl: s.may('pauseJob'),
        canOpenLogs: s.may('getJobLogDetails'),
      }),
    ),
  );
}

/** The fragment htmx polls every second. */
export async function activeJobsFragment(s: SignedIn): Promise<ConsoleReply> {
  const jobs = s.companyHandle && s.may('getActiveJobs') ? await activeRows(s) : [];
  return html(
    renderFragment(ActiveJobs({ t: s.chrome.t, jobs, canControl: s.may('pauseJob'), ...(s.chrome.csrfToken ? { csrfToken: s.chrome.csrfToken } : {}) })),
  );
}

const ACTION_OPERATIONS = { pause: 'pauseJob', resume: 'resumeJob', stop: 'stopJob', run: 'executeJob', delete: 'deleteJob' } as const;
type JobAction = keyof typeof ACTION_OPERATIONS;

/** Pause / resume / stop an active job, or run / delete a scheduled one; htmx gets a status line, a form post the page again. */
export async function jobAction(s: SignedIn, jobHandle: string, action: string): Promise<ConsoleReply> {
  const { t } = s.chrome;
  if (!isJobAction(action)) return html(renderFragment(Feedback({ message: t('error.notFound'), error: true })), 404);
  let feedback: { message: string; error: boolean };
  try {
    await s.run(ACTION_OPERATIONS[action], { companyHandle: s.companyHandle, jobHandle });
    // The name comes from the form only to word the answer: the operation acts on the handle.
    feedback = { message: `${t(LABELS[action])}: ${s.request.form.jobName || jobHandle}`, error: false };
  } catch (err) {
    if (!(err instanceof IpsFault)) throw err;
    feedback = { message: err.message, error: true };
  }
  return s.request.htmx ? html(renderFragment(Feedback(feedback))) : redirect('/console/jobs', false);
}

function isJobAction(action: string): action is JobAction {
  return Object.hasOwn(ACTION_OPERATIONS, action);
}

const LABELS = { pause: 'jobs.pause', resume: 'jobs.resume', stop: 'jobs.stop', run: 'jobs.runNow', delete: 'jobs.delete' } as const;

async function activeRows(s: SignedIn): Promise<ActiveJobRow[]> {
  const reply = await s.run('getActiveJobs', { companyHandle: s.companyHandle, includeWaitingJobs: true });
  return reply.jobArray.items.map(activeRow);
}

function activeRow(job: ActiveJob): ActiveJobRow {
  const task = job.taskProgressArray.items[0];
  return {
    jobHandle: job.jobHandle,
    name: job.name,
    type: job.type,
    state: job.state,
    paused: isPaused(job),
    progress: job.progress,
    processed: task?.numProcessed ?? 0,
    total: job.totalSize,
    message: job.progressMessage,
  };
}

/**
 * ActiveJob has no paused flag (IPS shows a paused job as Running); the job
 * engine says so in progressMessage, "Paused by <user>" (workflows/item-job.ts),
 * which is what IPS's own console showed, so the console reads it from there.
 */
function isPaused(job: ActiveJob): boolean {
  return job.progressMessage.startsWith('Paused by ');
}

function scheduledRow(job: ScheduledJob): ScheduledJobRow {
  return {
    jobHandle: job.jobHandle,
    name: job.name,
    type: job.type,
    schedule: job.execSchedule ?? '',
    ...(job.nextFireTime ? { nextFireTime: job.nextFireTime } : {}),
    paused: job.triggerState === 'Paused',
  };
}
