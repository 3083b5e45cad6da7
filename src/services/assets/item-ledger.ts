import type { JobLogCounter, JobLogRepository, NewDetail, NewJobItem } from '../../adapters/repositories/job-log.repository.js';
import type { UnitOfWork } from '../../adapters/repositories/unit-of-work.js';
import { nowIso } from '../../domain/handles.js';
import type { AssetRef, FileResult, JobIdentity } from '../../jobs/contracts.js';
import { itemLogTypes } from '../job-items.js';

/** One item's outcome as the job log records it. */
export interface LedgerEntry {
  itemId: string;
  status: FileResult['status'];
  assetHandle?: string;
  reason?: string;
  details: readonly NewDetail[];
  counters: readonly JobLogCounter[];
  /** the catalog change this result stands for, written in the same transaction as the log row */
  write?: UnitOfWork;
  /** what a later step of the job reads back (recordedWithPayloads), kept as JSON in the item's row */
  payload?: object;
}

/** An item's recorded result with the payload recorded with it. */
export interface RecordedItem {
  status: FileResult['status'];
  payload?: unknown;
}

/**
 * The per-item results of a job, in its log. Every item activity asks it
 * first whether the item already has a result (a retried or requeued item
 * keeps its first outcome) and records the outcome through it: log rows,
 * counters and the catalog change in one transaction, once.
 */
export class ItemLedger {
  /** serverName: this worker's name, kept with each result it records (where an item ran, across worker machines) */
  constructor(
    private readonly jobLogs: JobLogRepository,
    private readonly serverName?: string,
  ) {}

  /** The result this item already has in the job's log, if any. */
  async recorded(job: JobIdentity, itemId: string): Promise<FileResult | undefined> {
    const row = await this.jobLogs.findItem(job.jobHandle, itemId);
    if (!row) return undefined;
    return {
      itemId,
      status: row.status as FileResult['status'],
      ...(row.asset_handle ? { assetHandle: row.asset_handle } : {}),
      ...(row.reason ? { reason: row.reason } : {}),
    };
  }

  /** These items' recorded results with their payloads, in one query per 500; items with no result are absent. */
  async recordedWithPayloads(job: JobIdentity, itemIds: readonly string[]): Promise<Map<string, RecordedItem>> {
    const rows = await this.jobLogs.findItems(job.jobHandle, itemIds);
    return new Map(
      rows.map((r) => [r.item_id, { status: r.status as FileResult['status'], ...(r.payload === null ? {} : { payload: JSON.parse(r.payload) as unknown }) }]),
    );
  }

  /** Records the item's result; one recorded before (a retry that raced its first attempt) wins and is returned. */
  async record(job: JobIdentity, entry: LedgerEntry): Promise<FileResult> {
    const wrote = await this.jobLogs.recordItem(this.row(job, entry), job.companyHandle, entry.details, entry.counters, entry.write);
    if (!wrote) {
      const first = await this.recorded(job, entry.itemId);
      if (!first) throw new Error(`job ${job.jobHandle} has no record of ${entry.itemId}`);
      return first;
    }
    return {
      itemId: entry.itemId,
      status: entry.status,
      ...(entry.assetHandle ? { assetHandle: entry.assetHandle } : {}),
      ...(entry.reason ? { reason: entry.reason } : {}),
    };
  }

  /**
   * Records many items' results in one transaction (no catalog change with them); an item recorded before keeps its
   * first result.
   */
  async recordAll(job: JobIdentity, entries: ReadonlyArray<Omit<LedgerEntry, 'write'>>): Promise<void> {
    await this.jobLogs.recordItems(
      job.companyHandle,
      entries.map((entry) => ({ item: this.row(job, entry), details: entry.details, counters: entry.counters })),
    );
  }

  private row(job: JobIdentity, entry: Omit<LedgerEntry, 'write'>): NewJobItem {
    return {
      job_handle: job.jobHandle,
      item_id: entry.itemId,
      status: entry.status,
      asset_handle: entry.assetHandle ?? null,
      reason: entry.reason ?? null,
      updated_at: nowIso(),
      server_name: this.serverName ?? null,
      ...(entry.payload ? { payload: JSON.stringify(entry.payload) } : {}),
    };
  }

  /**
   * An asset the job could not process: its error row, counted once however
   * often the activity retries. The message names the asset by `ref.name` (its
   * path); `row` overrides what the row records, for a job whose rows follow
   * another pattern (an ExportJob's name the asset, typed ExportJobRenderedFile,
   * and keep no totalFileCount: docs/job-log-types.md#exportjob-export).
   */
  error(
    job: JobIdentity,
    ref: AssetRef,
    reason: string,
    row: { assetName?: string; assetType?: string; counters?: readonly JobLogCounter[] } = {},
  ): Promise<FileResult> {
    return this.record(job, {
      itemId: ref.assetHandle,
      status: 'error',
      assetHandle: ref.assetHandle,
      reason,
      details: [
        {
          logType: itemLogTypes(job).failure,
          messageKey: 'fileError',
          messageArgs: { path: ref.name, reason },
          assetName: row.assetName ?? ref.name,
          assetType: row.assetType ?? 'MasterImage',
          assetHandle: ref.assetHandle,
        },
      ],
      counters: row.counters ?? ['file_error_count', 'total_file_count'],
    });
  }
}
