import type { Db } from '../database/database.js';
import type { JobItemTable, JobLogDetailTable, JobLogTable } from '../database/tables.js';

export type JobLogRow = JobLogTable;
export type JobLogDetailRow = Omit<JobLogDetailTable, 'id'> & { id: number };
export type JobItemRow = JobItemTable;

/** Counters of JobLog (ips-reference §4.5) a detail row may bump. */
export type JobLogCounter =
  | 'file_success_count'
  | 'file_error_count'
  | 'file_warning_count'
  | 'file_duplicate_count'
  | 'file_update_count'
  | 'total_file_count'
  | 'transfer_success_count'
  | 'transfer_error_count'
  | 'transfer_warning_count';

export interface NewDetail {
  logType: string;
  messageKey: string;
  messageArgs: Record<string, string | number>;
  assetName?: string;
  assetType?: string;
  assetHandle?: string;
}

export class JobLogRepository {
  constructor(private readonly db: Db) {}

  /** Creates the job log once; a retried activity finds it already there. */
  async ensureJob(row: JobLogRow): Promise<void> {
    const existing = await this.find(row.job_handle);
    if (!existing) {
      await this.db
        .insertInto('job_logs')
        .values(row)
        .onConflict((oc) => oc.column('job_handle').doNothing())
        .execute();
    }
  }

  find(jobHandle: string): Promise<JobLogRow | undefined> {
    return this.db.selectFrom('job_logs').selectAll().where('job_handle', '=', jobHandle).executeTakeFirst();
  }

  details(jobHandle: string): Promise<JobLogDetailRow[]> {
    return this.db.selectFrom('job_log_details').selectAll().where('job_handle', '=', jobHandle).orderBy('id').execute();
  }

  findItem(jobHandle: string, itemId: string): Promise<JobItemRow | undefined> {
    return this.db
      .selectFrom('job_items')
      .selectAll()
      .where('job_handle', '=', jobHandle)
      .where('item_id', '=', itemId)
      .executeTakeFirst();
  }

  /**
   * Records one file's outcome: its detail rows, the counters and the item
   * result in one transaction, so a crash never counts a file twice or not at all.
   */
  async recordItem(
    item: JobItemRow,
    companyHandle: string,
    details: readonly NewDetail[],
    counters: readonly JobLogCounter[],
    alsoInTransaction?: (tx: Db) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('job_items')
        .values(item)
        .onConflict((oc) => oc.columns(['job_handle', 'item_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      if (alsoInTransaction) await alsoInTransaction(tx);
      if (details.length) {
        await tx
          .insertInto('job_log_details')
          .values(details.map((d) => detailRow(item.job_handle, companyHandle, d, item.updated_at)))
          .execute();
      }
      if (counters.length) {
        let q = tx.updateTable('job_logs').where('job_handle', '=', item.job_handle);
        for (const c of counters) q = q.set((eb) => ({ [c]: eb(c, '+', 1) }));
        await q.execute();
      }
      return true;
    });
  }

  async finish(jobHandle: string, endDate: string, fatalError: boolean): Promise<void> {
    await this.db
      .updateTable('job_logs')
      .set({ end_date: endDate, fatal_error: fatalError ? 1 : 0 })
      .where('job_handle', '=', jobHandle)
      .where('end_date', 'is', null)
      .execute();
  }
}

function detailRow(jobHandle: string, companyHandle: string, d: NewDetail, at: string) {
  return {
    job_handle: jobHandle,
    company_handle: companyHandle,
    log_type: d.logType,
    message_key: d.messageKey,
    message_args: JSON.stringify(d.messageArgs),
    asset_name: d.assetName ?? null,
    asset_type: d.assetType ?? null,
    asset_handle: d.assetHandle ?? null,
    date_created: at,
  };
}
