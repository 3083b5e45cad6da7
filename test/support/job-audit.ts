import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Db } from '../../src/adapters/database/database.js';
import type { JobLogRow } from '../../src/adapters/repositories/job-log.repository.js';
import { waitUntil } from './processes.js';

/**
 * What a fault test checks in the catalog the service processes wrote: how far
 * a job is, and afterwards whether each of its assets was processed exactly
 * once in effect. Reads the database directly (the same file or server the
 * service uses), so it sees the truth even while a service process is down.
 */

export interface JobAudit {
  expected: number;
  done: number;
  lost: number;
  duplicated: number;
  log: JobLogRow | undefined;
}

/** Assets this job has recorded as processed (either outcome), from the job's item rows. */
export async function recordedItems(db: Db, jobHandle: string): Promise<number> {
  const row = await db
    .selectFrom('job_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('job_handle', '=', jobHandle)
    .where('item_id', 'not in', ['begin', 'end'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Waits until the job has recorded at least one asset and returns how many; throws if it already finished them all. */
export async function waitForMidJob(db: Db, jobHandle: string, total: number): Promise<number> {
  const recorded = await waitUntil('the job to record its first asset', async () => (await recordedItems(db, jobHandle)) || undefined, 60_000, 25);
  if (recorded >= total) throw new Error(`the job had processed all ${total} assets before the fault could be injected: make its assets larger`);
  return recorded;
}

/** Waits until the job's log has its end row (the job finished, however it ended). */
export function waitForJobEnd(db: Db, jobHandle: string, timeoutMs: number): Promise<JobLogRow> {
  return waitUntil(
    `job ${jobHandle} to end`,
    async () =>
      (await db.selectFrom('job_logs').selectAll().where('job_handle', '=', jobHandle).where('end_date', 'is not', null).executeTakeFirst()) as
        JobLogRow | undefined,
    timeoutMs,
    250,
  );
}

/** sha256 of every asset's stored original, by asset handle. */
export async function hashOriginals(db: Db, storageRoot: string, assetHandles: readonly string[]): Promise<Map<string, string>> {
  const rows = await db.selectFrom('assets').select(['asset_handle', 'original_key']).where('asset_handle', 'in', assetHandles).execute();
  const hashes = new Map<string, string>();
  for (const row of rows)
    hashes.set(
      row.asset_handle,
      createHash('sha256')
        .update(await fs.readFile(path.join(storageRoot, row.original_key)))
        .digest('hex'),
    );
  return hashes;
}

/**
 * Per asset of a finished reprocess job: done = exactly one success row in the
 * job log and the asset's optimised file is this job's (its key carries the
 * job's tag, as ReprocessService names it) and sharp can read it; duplicated =
 * more than one success row; lost = expected − done − duplicated.
 */
export async function auditReprocessJob(db: Db, storageRoot: string, jobHandle: string, assetHandles: readonly string[]): Promise<JobAudit> {
  const tag = `rp-${createHash('sha256').update(jobHandle).digest('hex').slice(0, 16)}`;
  const successRows = await db
    .selectFrom('job_log_details')
    .select(['asset_handle'])
    .where('job_handle', '=', jobHandle)
    .where('message_key', '=', 'fileProcessed')
    .execute();
  const rowsPerAsset = new Map<string, number>();
  for (const r of successRows) if (r.asset_handle) rowsPerAsset.set(r.asset_handle, (rowsPerAsset.get(r.asset_handle) ?? 0) + 1);
  const assets = new Map(
    (await db.selectFrom('assets').select(['asset_handle', 'optimized_key']).where('asset_handle', 'in', assetHandles).execute()).map((a) => [
      a.asset_handle,
      a,
    ]),
  );
  let done = 0;
  let duplicated = 0;
  for (const handle of assetHandles) {
    const rows = rowsPerAsset.get(handle) ?? 0;
    if (rows > 1) {
      duplicated += 1;
      continue;
    }
    const key = assets.get(handle)?.optimized_key;
    if (rows === 1 && key?.includes(tag) && (await readableImage(path.join(storageRoot, key)))) done += 1;
  }
  const log = await db.selectFrom('job_logs').selectAll().where('job_handle', '=', jobHandle).executeTakeFirst();
  return { expected: assetHandles.length, done, lost: assetHandles.length - done - duplicated, duplicated, log };
}

async function readableImage(file: string): Promise<boolean> {
  try {
    // Decodes every pixel, not only the header: a truncated file fails here.
    const { info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    return info.width > 0 && info.height > 0;
  } catch {
    return false;
  }
}

export function summaryLine(scenario: string, a: JobAudit): string {
  return `[fault] ${scenario}: assets expected ${a.expected} / done ${a.done} / lost ${a.lost} / duplicated ${a.duplicated}`;
}
