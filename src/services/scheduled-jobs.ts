import type { JobGateway, JobSchedule } from '../adapters/temporal/job.gateway.js';
import { CreatedHere } from './created-here.js';

export interface ScheduledJobsDeps {
  gateway: Pick<JobGateway, 'listScheduleIds' | 'describeSchedule'>;
  now?: () => number;
}

/** How long a schedule created here is described from its id when Temporal's list does not show it yet. */
const CREATED_HERE_MS = 30_000;

/**
 * The scheduled jobs getScheduledJobs lists. Temporal lists schedules from
 * its visibility store, which learns of a new schedule a moment after it is
 * created (CI saw an empty list right after submitJob answered), while
 * describing a schedule by id is read from the schedule itself. So a
 * schedule this process created is described by id until the list shows it:
 * submitJob → getScheduledJobs shows the job at once, as IPS's does. A
 * schedule deleted meanwhile describes as missing and drops out, whether the
 * list still names it or not. A schedule created through another API
 * replica shows once visibility has it.
 */
export class ScheduledJobs {
  private readonly createdHere: CreatedHere<string>;

  constructor(private readonly deps: ScheduledJobsDeps) {
    this.createdHere = new CreatedHere(CREATED_HERE_MS, deps.now);
  }

  /** A schedule submitJob has just created: listed from now on. */
  created(scheduleId: string): void {
    this.createdHere.add(scheduleId, scheduleId);
  }

  async list(): Promise<JobSchedule[]> {
    const listed = new Set(await this.deps.gateway.listScheduleIds());
    const ids = [...listed, ...this.createdHere.notListed(listed)];
    const all = await Promise.all(ids.map((id) => this.deps.gateway.describeSchedule(id)));
    return all.filter((s): s is JobSchedule => s !== undefined);
  }
}
