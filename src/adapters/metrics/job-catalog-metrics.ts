import { Counter, Gauge, Registry } from 'prom-client';

export interface JobStateCount {
  jobType: string;
  /** status of the job's end item; null while the job runs */
  endStatus: string | null;
  count: number;
}

type JobState = 'completed' | 'failed' | 'stopped' | 'active';

/** Job workflows end 'done', upload jobs 'success'. */
function stateOf(endStatus: string | null): JobState {
  if (endStatus === null) return 'active';
  if (endStatus === 'failed' || endStatus === 'stopped') return endStatus;
  return 'completed';
}

/**
 * Job counts by IPS job type, read from the catalog at scrape time (one query
 * per scrape, shared by every metric below), so they count the jobs of every
 * worker and survive restarts. Every API instance reports the same totals:
 * aggregate them with max(), not sum().
 */
export function createJobCatalogMetrics(load: () => Promise<JobStateCount[]>, onError: (err: unknown) => void): Registry {
  const registry = new Registry();
  let pending: Promise<Map<string, Record<JobState | 'submitted', number>> | undefined> | undefined;
  // The metrics of one scrape are collected together; the first one starts the query, the rest share it.
  const snapshot = () =>
    (pending ??= load()
      .then(tally, (err: unknown) => {
        onError(err);
        return undefined;
      })
      .finally(() => {
        pending = undefined;
      }));

  new Gauge({
    name: 'ips_catalog_up',
    help: '1 when the job counts could be read from the catalog at this scrape',
    registers: [registry],
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });
  const metric = (kind: 'counter' | 'gauge', name: string, help: string, field: JobState | 'submitted') => {
    const collect = async function (this: Counter<'job_type'> | Gauge<'job_type'>) {
      const counts = await snapshot();
      this.reset();
      for (const [jobType, c] of counts ?? []) {
        if (this instanceof Counter) this.inc({ job_type: jobType }, c[field]);
        else this.set({ job_type: jobType }, c[field]);
      }
    };
    const options = { name, help, labelNames: ['job_type'] as const, registers: [registry], collect };
    return kind === 'counter' ? new Counter(options) : new Gauge(options);
  };
  metric('counter', 'ips_jobs_submitted_total', 'Jobs that have begun (have a job log), by IPS job type', 'submitted');
  metric('counter', 'ips_jobs_completed_total', 'Jobs that ended normally (items may have failed; see the job log), by IPS job type', 'completed');
  metric('counter', 'ips_jobs_failed_total', 'Jobs that ended with a fatal error, by IPS job type', 'failed');
  metric('counter', 'ips_jobs_stopped_total', 'Jobs stopped by a user, by IPS job type', 'stopped');
  metric('gauge', 'ips_jobs_active', 'Jobs begun and not yet ended (the backlog in progress), by IPS job type', 'active');
  return registry;
}

function tally(rows: JobStateCount[]): Map<string, Record<JobState | 'submitted', number>> {
  const byType = new Map<string, Record<JobState | 'submitted', number>>();
  for (const row of rows) {
    const c = byType.get(row.jobType) ?? { submitted: 0, completed: 0, failed: 0, stopped: 0, active: 0 };
    c.submitted += row.count;
    c[stateOf(row.endStatus)] += row.count;
    byType.set(row.jobType, c);
  }
  return byType;
}
