import type { Db } from '../database/database.js';
import { chunks } from '../../domain/chunks.js';
import type { JobItemTable, JobLogDetailTable, JobLogTable } from '../database/tables.js';
import { type UnitOfWork, repositoriesIn } from './unit-of-work.js';

export type JobLogRow = JobLogTable;
export type JobLogDetailRow = Omit<JobLogDetailTable, 'id'> & { id: number };
export type JobItemRow = JobItemTable;
/**
 * An item result to record; server_name is set by the ledger of per-item results (job-level rows leave it out), payload
 * only by items a later step of the job reads back.
 */
export type NewJobItem = Omit<JobItemRow, 'server_name' | 'payload'> & { server_name?: string | null; payload?: string | null };

/** One item's result with what recordItem writes beside it, for recordItems. */
export interface NewItemRecord {
  item: NewJobItem;
  details: readonly NewDetail[];
  counters: readonly JobLogCounter[];
}

/**
 * Rows per multi-row statement: within SQLite's 32,766 and PostgreSQL's 65,535 bound parameters at the dozen columns of
 * a detail row.
 */
const ROWS_PER_STATEMENT = 500;

/** Counters of JobLog (Adobe IPS: data-types/r-job-log) a detail row may bump. */
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

export interface JobLogFilter {
  companyHandles?: readonly string[];
  submitUserHandle?: string;
  startFrom?: string;
  startTo?: string;
  sort:
    | 'job_logs.job_name'
    | 'job_logs.log_type'
    | 'job_logs.start_date'
    | 'companies.name'
    | 'job_logs.submit_user_handle'
    | 'job_logs.submit_user_email'
    | 'job_logs.file_error_count'
    | 'job_logs.file_warning_count'
    | 'job_logs.file_success_count';
  direction: 'asc' | 'desc';
  limit: number;
}

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

  /** Which of these jobs have an ended log (the others have none yet, or one still open). */
  async endedJobHandles(jobHandles: readonly string[]): Promise<Set<string>> {
    const ended = new Set<string>();
    // Chunks well under SQLite's and PostgreSQL's bound-parameter limits.
    for (let i = 0; i < jobHandles.length; i += 1000) {
      const rows = await this.db
        .selectFrom('job_logs')
        .select('job_handle')
        .where('job_handle', 'in', jobHandles.slice(i, i + 1000))
        .where('end_date', 'is not', null)
        .execute();
      for (const r of rows) ended.add(r.job_handle);
    }
    return ended;
  }

  details(jobHandle: string): Promise<JobLogDetailRow[]> {
    return this.db.selectFrom('job_log_details').selectAll().where('job_handle', '=', jobHandle).orderBy('id').execute();
  }

  /** The newest job log of a company with this submitted name (getJobLogDetails by originalName). */
  findLatestByOriginalName(companyHandle: string, originalName: string): Promise<JobLogRow | undefined> {
    return this.db
      .selectFrom('job_logs')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('original_job_name', '=', originalName)
      .orderBy('start_date', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  list(f: JobLogFilter): Promise<JobLogRow[]> {
    let q = this.db.selectFrom('job_logs').leftJoin('companies', 'companies.company_handle', 'job_logs.company_handle').selectAll('job_logs');
    if (f.companyHandles) {
      if (f.companyHandles.length === 0) return Promise.resolve([]);
      q = q.where('job_logs.company_handle', 'in', f.companyHandles);
    }
    if (f.submitUserHandle) q = q.where('job_logs.submit_user_handle', '=', f.submitUserHandle);
    if (f.startFrom) q = q.where('job_logs.start_date', '>=', f.startFrom);
    if (f.startTo) q = q.where('job_logs.start_date', '<=', f.startTo);
    return q.orderBy(f.sort, f.direction).orderBy('job_logs.start_date', 'desc').orderBy('job_logs.job_handle').limit(f.limit).execute();
  }

  async detailPage(
    jobHandle: string,
    p: { logTypes?: readonly string[]; assetType?: string; sort: 'id' | 'log_type'; direction: 'asc' | 'desc'; limit: number; offset: number },
  ): Promise<{ total: number; rows: JobLogDetailRow[] }> {
    let q = this.db.selectFrom('job_log_details').where('job_handle', '=', jobHandle);
    if (p.logTypes?.length) q = q.where('log_type', 'in', p.logTypes);
    if (p.assetType) q = q.where('asset_type', '=', p.assetType);
    const count = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    let rows = q.selectAll();
    rows = p.sort === 'id' ? rows.orderBy('id', p.direction) : rows.orderBy('log_type', p.direction).orderBy('id', 'asc');
    return { total: Number(count.n), rows: await rows.limit(p.limit).offset(p.offset).execute() };
  }

  /** Every log row, across jobs, about one asset, with its job's name and submitter. */
  assetDetails(companyHandle: string, assetHandle: string) {
    return this.db
      .selectFrom('job_log_details as d')
      .innerJoin('job_logs as j', 'j.job_handle', 'd.job_handle')
      .where('d.company_handle', '=', companyHandle)
      .where('d.asset_handle', '=', assetHandle)
      .select(['d.job_handle', 'j.job_name', 'j.submit_user_email', 'j.locale', 'd.log_type', 'd.message_key', 'd.message_args', 'd.date_created'])
      .orderBy('d.id')
      .limit(10_000)
      .execute();
  }

  /** Assets this job created or updated, by handle, a page at a time (set items of the job left out). */
  succeededAssets(jobHandle: string, after: string | null, limit: number): Promise<string[]> {
    let q = this.db
      .selectFrom('job_items')
      .select('asset_handle')
      .where('job_handle', '=', jobHandle)
      .where('status', 'in', ['success', 'updated'])
      .where('asset_handle', 'is not', null)
      .where('item_id', 'not like', 'set:%')
      .orderBy('asset_handle')
      .limit(limit);
    if (after !== null) q = q.where('asset_handle', '>', after);
    return q.execute().then((rows) => rows.map((r) => r.asset_handle!));
  }

  /** Which of these items the job has already recorded. */
  async recordedItemIds(jobHandle: string, itemIds: readonly string[]): Promise<Set<string>> {
    if (itemIds.length === 0) return new Set();
    const rows = await this.db.selectFrom('job_items').select('item_id').where('job_handle', '=', jobHandle).where('item_id', 'in', itemIds).execute();
    return new Set(rows.map((r) => r.item_id));
  }

  findItem(jobHandle: string, itemId: string): Promise<JobItemRow | undefined> {
    return this.db.selectFrom('job_items').selectAll().where('job_handle', '=', jobHandle).where('item_id', '=', itemId).executeTakeFirst();
  }

  /** These items' results with their payloads, a statement per ROWS_PER_STATEMENT ids; items not recorded are absent. */
  async findItems(jobHandle: string, itemIds: readonly string[]): Promise<Array<Pick<JobItemRow, 'item_id' | 'status' | 'payload'>>> {
    const rows: Array<Pick<JobItemRow, 'item_id' | 'status' | 'payload'>> = [];
    for (const ids of chunks(itemIds, ROWS_PER_STATEMENT)) {
      rows.push(
        ...(await this.db
          .selectFrom('job_items')
          .select(['item_id', 'status', 'payload'])
          .where('job_handle', '=', jobHandle)
          .where('item_id', 'in', ids)
          .execute()),
      );
    }
    return rows;
  }

  /**
   * Records one file's outcome: its detail rows, the counters and the item
   * result in one transaction, so a crash never counts a file twice or not at all.
   * `alsoInTransaction` gets repositories bound to that transaction for the
   * catalog change the result stands for; it runs only for the first record.
   */
  async recordItem(
    item: NewJobItem,
    companyHandle: string,
    details: readonly NewDetail[],
    counters: readonly JobLogCounter[],
    alsoInTransaction?: UnitOfWork,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('job_items')
        .values(itemRow(item))
        .onConflict((oc) => oc.columns(['job_handle', 'item_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      if (alsoInTransaction) await alsoInTransaction(repositoriesIn(tx));
      if (details.length) {
        await tx
          .insertInto('job_log_details')
          .values(details.map((d) => detailRow(item.job_handle, companyHandle, d, item.updated_at)))
          .execute();
      }
      await bumpCounters(tx, item.job_handle, counters);
      return true;
    });
  }

  /**
   * Records many items' results in one transaction, as recordItem does one's (an item recorded before keeps its
   * first result, and adds no rows or counts), with no catalog change beside them: an archive's file rows, one
   * commit instead of one per asset. Returns the ids this call recorded.
   */
  async recordItems(companyHandle: string, records: readonly NewItemRecord[]): Promise<Set<string>> {
    if (records.length === 0) return new Set();
    return this.db.transaction().execute(async (tx) => {
      const recorded = new Set<string>();
      for (const batch of chunks(records, ROWS_PER_STATEMENT)) {
        const rows = await tx
          .insertInto('job_items')
          .values(batch.map(({ item }) => itemRow(item)))
          .onConflict((oc) => oc.columns(['job_handle', 'item_id']).doNothing())
          .returning('item_id')
          .execute();
        for (const row of rows) recorded.add(row.item_id);
      }
      const fresh = records.filter((r) => recorded.has(r.item.item_id));
      const details = fresh.flatMap(({ item, details: ds }) => ds.map((d) => detailRow(item.job_handle, companyHandle, d, item.updated_at)));
      // In the given order, so ids (getJobLogDetails' default sort) follow it.
      for (const batch of chunks(details, ROWS_PER_STATEMENT)) await tx.insertInto('job_log_details').values(batch).execute();
      const byJob = new Map<string, JobLogCounter[]>();
      for (const { item, counters } of fresh) {
        const job = byJob.get(item.job_handle) ?? [];
        job.push(...counters);
        byJob.set(item.job_handle, job);
      }
      for (const [jobHandle, counters] of byJob) await bumpCounters(tx, jobHandle, counters);
      return recorded;
    });
  }

  /**
   * Turns a recorded success into an error (an exported file the archive had
   * to leave out): status, detail row and counters in one transaction, once.
   */
  async demoteToError(jobHandle: string, itemId: string, companyHandle: string, reason: string, detail: NewDetail): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const at = new Date().toISOString();
      const changed = await tx
        .updateTable('job_items')
        .set({ status: 'error', reason: storable(reason), updated_at: at })
        .where('job_handle', '=', jobHandle)
        .where('item_id', '=', itemId)
        .where('status', '=', 'success')
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) === 0) return false;
      await tx
        .insertInto('job_log_details')
        .values(detailRow(jobHandle, companyHandle, detail, at))
        .execute();
      await tx
        .updateTable('job_logs')
        .set((eb) => ({ file_success_count: eb('file_success_count', '-', 1), file_error_count: eb('file_error_count', '+', 1) }))
        .where('job_handle', '=', jobHandle)
        .execute();
      return true;
    });
  }

  /**
   * Jobs per type and end status (the status of the job's 'end' item: null
   * while the job runs). The catalog is the one record every API and worker
   * process shares, so the job metrics are right whichever process ran a job.
   */
  async countByTypeAndEndStatus(): Promise<Array<{ jobType: string; endStatus: string | null; count: number }>> {
    const rows = await this.db
      .selectFrom('job_logs')
      .leftJoin('job_items', (join) => join.onRef('job_items.job_handle', '=', 'job_logs.job_handle').on('job_items.item_id', '=', 'end'))
      .select((eb) => ['job_logs.job_type', 'job_items.status', eb.fn.countAll<number | string>().as('n')])
      .groupBy(['job_logs.job_type', 'job_items.status'])
      .execute();
    return rows.map((r) => ({ jobType: r.job_type, endStatus: r.status ?? null, count: Number(r.n) }));
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

/** An item result as its row stores it (the reason cut to what the column holds). */
function itemRow(item: NewJobItem): NewJobItem {
  return { ...item, reason: item.reason === null ? null : storable(item.reason) };
}

/** Moves a job's counters in one statement; a counter named n times goes up by n (batches record many files at once). */
async function bumpCounters(db: Db, jobHandle: string, counters: readonly JobLogCounter[]): Promise<void> {
  if (counters.length === 0) return;
  const increments = new Map<JobLogCounter, number>();
  for (const c of counters) increments.set(c, (increments.get(c) ?? 0) + 1);
  let q = db.updateTable('job_logs').where('job_handle', '=', jobHandle);
  for (const [c, n] of increments) q = q.set((eb) => ({ [c]: eb(c, '+', n) }));
  await q.execute();
}

function detailRow(jobHandle: string, companyHandle: string, d: NewDetail, at: string) {
  return {
    job_handle: jobHandle,
    company_handle: companyHandle,
    log_type: d.logType,
    message_key: d.messageKey,
    message_args: JSON.stringify(d.messageArgs),
    asset_name: d.assetName === undefined ? null : storable(d.assetName),
    asset_type: d.assetType ?? null,
    asset_handle: d.assetHandle ?? null,
    date_created: at,
  };
}

/**
 * Text as both catalogs can store it: PostgreSQL refuses a NUL byte in text
 * (SQLite keeps it), and reasons quote what decoders found in a file, e.g. a
 * PSD signature of four NULs. Refused, the whole item record failed and the
 * file's real reason was lost to a database error.
 */
function storable(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\\0') : text;
}
