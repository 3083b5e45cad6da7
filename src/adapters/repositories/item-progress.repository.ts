import type { Db } from '../database/database.js';
import type { JobItemProgressTable } from '../database/tables.js';

export type ItemProgressRow = JobItemProgressTable;

/** Longest message stored: a step message is a short phrase; an asset name inside one must not grow the row without bound. */
const MAX_MESSAGE = 500;

/**
 * job_item_progress: the worker upserts where each item in flight is, the
 * API reads a job's rows once per getActiveJobs. Rows are removed when their
 * item ends and, as a backstop, all of a job's when the job ends.
 */
export class ItemProgressRepository {
  constructor(private readonly db: Db) {}

  async upsert(row: ItemProgressRow): Promise<void> {
    const stored = { ...row, message: row.message.slice(0, MAX_MESSAGE) };
    await this.db
      .insertInto('job_item_progress')
      .values(stored)
      .onConflict((oc) =>
        oc
          .columns(['job_handle', 'item_id'])
          .doUpdateSet({ item_name: stored.item_name, step: stored.step, message: stored.message, fraction: stored.fraction, updated_at: stored.updated_at }),
      )
      .execute();
  }

  forJob(jobHandle: string): Promise<ItemProgressRow[]> {
    return this.db.selectFrom('job_item_progress').selectAll().where('job_handle', '=', jobHandle).execute();
  }

  async remove(jobHandle: string, itemId: string): Promise<void> {
    await this.db.deleteFrom('job_item_progress').where('job_handle', '=', jobHandle).where('item_id', '=', itemId).execute();
  }

  async removeJob(jobHandle: string): Promise<void> {
    await this.db.deleteFrom('job_item_progress').where('job_handle', '=', jobHandle).execute();
  }
}
