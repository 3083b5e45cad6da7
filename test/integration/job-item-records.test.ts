import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/adapters/database/database.js';
import { JobLogRepository } from '../../src/adapters/repositories/job-log.repository.js';
import { ItemLedger } from '../../src/services/assets/item-ledger.js';
import { openingRow } from '../../src/services/job-bookkeeping.service.js';
import { openScratchDatabase, testDatabaseKind } from '../support/scratch-database.js';

/**
 * The job log's item results on the catalog the service migrates (IPS_TEST_DB): payloads recorded with a result
 * (migration 0028, an ExportJob asset's manifest) read back in one query per 500 items, and many results recorded in
 * one transaction as one at a time would (an export archive's file rows), across the 500-row statements.
 */
const COMPANY = 'c|records';
let handle: DatabaseHandle;
let drop: () => Promise<void>;
let jobLogs: JobLogRepository;
let ledger: ItemLedger;

function identity(jobHandle: string) {
  return { jobHandle, companyHandle: COMPANY, jobName: jobHandle, originalName: jobHandle, submitUserHandle: 'u|1', submitUserEmail: 'u@records.test' };
}

async function newJob(jobHandle: string) {
  const job = identity(jobHandle);
  await jobLogs.ensureJob(openingRow(job, 'ExportJob', 'BeginExportJob', '', '2026-12-06T00:00:00.000Z'));
  return job;
}

const detail = (itemId: string, n: number) => ({
  logType: 'ExportJobRenderFileSuccess',
  messageKey: 'exportFile',
  messageArgs: { file: `${itemId}.tif`, entry: `${itemId}-${n}.webp` },
  assetName: itemId,
  assetType: 'ExportJobRenderedFile',
  assetHandle: itemId,
});

beforeAll(async () => {
  ({ handle, drop } = await openScratchDatabase('ips-records'));
  jobLogs = new JobLogRepository(handle.db);
  ledger = new ItemLedger(jobLogs, 'host-1');
});

afterAll(async () => {
  await drop?.();
});

describe(`job item results (${testDatabaseKind})`, () => {
  it('reads back the payload recorded with each result, for 600 items in one call, and nothing for items without one', async () => {
    const job = await newJob('j|payloads');
    const ids = Array.from({ length: 600 }, (_, i) => `a${String(i).padStart(3, '0')}`);
    for (const [i, id] of ids.entries()) {
      await ledger.record(job, {
        itemId: id,
        status: i % 3 === 0 ? 'error' : 'success',
        assetHandle: id,
        details: [],
        counters: [],
        ...(i % 2 === 0 ? { payload: { entries: [{ key: `exports/${id}/1.webp`, name: `${id}.webp`, size: i, compress: false }] } } : {}),
      });
    }
    const got = await ledger.recordedWithPayloads(job, [...ids, 'never-recorded']);
    expect(got.size).toBe(600);
    expect(got.has('never-recorded')).toBe(false);
    expect(got.get('a000')).toEqual({ status: 'error', payload: { entries: [{ key: 'exports/a000/1.webp', name: 'a000.webp', size: 0, compress: false }] } });
    expect(got.get('a001')).toEqual({ status: 'success' });
    expect(got.get('a598')).toEqual({
      status: 'success',
      payload: { entries: [{ key: 'exports/a598/1.webp', name: 'a598.webp', size: 598, compress: false }] },
    });
    // Another job's results are not this one's.
    const other = await newJob('j|other');
    expect((await ledger.recordedWithPayloads(other, ids)).size).toBe(0);
  });

  it('records 600 results with two rows each in one call, in order, counting each once; a result recorded before keeps its own', async () => {
    const job = await newJob('j|many');
    await ledger.record(job, { itemId: 'files:x010', status: 'error', reason: 'first', details: [], counters: ['file_error_count'] });
    const ids = Array.from({ length: 600 }, (_, i) => `x${String(i).padStart(3, '0')}`);
    await ledger.recordAll(
      job,
      ids.map((id) => ({
        itemId: `files:${id}`,
        status: 'success' as const,
        details: [detail(id, 1), detail(id, 2)],
        counters: ['file_success_count' as const],
      })),
    );
    const rows = await handle.db
      .selectFrom('job_log_details')
      .select(['asset_handle', 'message_args'])
      .where('job_handle', '=', job.jobHandle)
      .orderBy('id')
      .execute();
    const expected = ids.filter((id) => id !== 'x010').flatMap((id) => [`${id}-1.webp`, `${id}-2.webp`]);
    expect(rows.map((r) => (JSON.parse(r.message_args) as { entry: string }).entry)).toEqual(expected);
    const log = await jobLogs.find(job.jobHandle);
    expect([log?.file_success_count, log?.file_error_count]).toEqual([599, 1]);
    expect(await ledger.recorded(job, 'files:x010')).toMatchObject({ status: 'error', reason: 'first' });
    expect((await jobLogs.findItem(job.jobHandle, 'files:x599'))?.server_name).toBe('host-1');

    // Again (a retried archive step): nothing new.
    await ledger.recordAll(job, [{ itemId: 'files:x000', status: 'success', details: [detail('x000', 9)], counters: ['file_success_count'] }]);
    expect((await jobLogs.find(job.jobHandle))?.file_success_count).toBe(599);
    expect(await handle.db.selectFrom('job_log_details').select('id').where('job_handle', '=', job.jobHandle).execute()).toHaveLength(1198);
  });
});
