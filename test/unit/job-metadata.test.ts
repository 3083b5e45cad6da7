import { describe, expect, it } from 'vitest';
import type { MetadataFieldRow } from '../../src/adapters/repositories/metadata.repository.js';
import type { TransactionRepositories } from '../../src/adapters/repositories/unit-of-work.js';
import type { MetadataUpdate } from '../../src/domain/schemas/metadata.schema.js';
import type { FileResult, JobIdentity } from '../../src/jobs/contracts.js';
import type { ItemLedger, LedgerEntry } from '../../src/services/assets/item-ledger.js';
import { recordWithJobOptions } from '../../src/services/metadata/job-metadata.js';

const job: JobIdentity = {
  jobHandle: 'j|1||rp|x',
  companyHandle: 'c|1',
  jobName: 'rp',
  originalName: 'rp',
  submitUserHandle: 'u|1',
  submitUserEmail: 'a@b.c',
  jobType: 'ReprocessAssets',
};

/** A reprocessed PDF and the page it made. */
const entry: LedgerEntry = {
  itemId: 'a|doc',
  status: 'success',
  assetHandle: 'a|doc',
  details: [
    { logType: 'ReprocessSuccess', messageKey: 'fileProcessed', messageArgs: { path: 'C/doc.pdf' }, assetHandle: 'a|doc' },
    { logType: 'ReprocessSuccess', messageKey: 'fileProcessed', messageArgs: { path: 'C/doc-1' }, assetHandle: 'a|page' },
  ],
  counters: ['file_success_count', 'total_file_count'],
};

const field = (field_handle: string, asset_type: string, field_type: string): MetadataFieldRow =>
  ({ field_handle, company_handle: 'c|1', asset_type, field_type, is_enforced: 0 }) as MetadataFieldRow;

const updates: MetadataUpdate[] = [
  { fieldHandle: 'm|1|ASSET|Note', value: 'hello' },
  { fieldHandle: 'm|1|IMAGE|Season', value: 'Fall' },
];

/**
 * The catalog an item's transaction sees, and a ledger that runs the item's
 * write as JobLogRepository.recordItem does: a throw rolls the record back
 * (nothing kept), a return commits it. `deleted` is a field the job names
 * that is gone by the time the item commits (deleted while the job ran).
 */
function world({ deleted }: { deleted?: string } = {}) {
  const fields = new Map([field('m|1|ASSET|Note', 'Asset', 'String'), field('m|1|IMAGE|Season', 'Image', 'String')].map((f) => [f.field_handle, f]));
  if (deleted) fields.delete(deleted);
  const values = new Map<string, Record<string, string[]>>();
  const committed: LedgerEntry[] = [];
  let attempts = 0;
  const ledger = {
    record: async (_job: JobIdentity, e: LedgerEntry): Promise<FileResult> => {
      attempts += 1;
      const pending = new Map<string, Record<string, string[]>>();
      const tx = {
        assets: {
          findByHandles: async (_c: string, handles: readonly string[]) =>
            handles.map((asset_handle) => ({ asset_handle, type: asset_handle === 'a|doc' ? 'Pdf' : 'Image' })),
        },
        metadata: {
          findFields: async (_c: string, handles: readonly string[]) => handles.flatMap((h) => (fields.has(h) ? [fields.get(h)!] : [])),
          tagsOf: async () => new Map(),
          currentValues: async () => new Map(),
          replaceValues: async (asset: string, writes: ReadonlyArray<{ fieldHandle: string; values: ReadonlyArray<{ value: string }> }>) => {
            const row = { ...(pending.get(asset) ?? {}) };
            for (const w of writes) row[w.fieldHandle] = w.values.map((v) => v.value);
            pending.set(asset, row);
          },
        },
      } as unknown as TransactionRepositories;
      await e.write?.(tx);
      for (const [asset, row] of pending) values.set(asset, { ...(values.get(asset) ?? {}), ...row });
      committed.push(e);
      return { itemId: e.itemId, status: e.status };
    },
  } as unknown as ItemLedger;
  const deps = { ledger, projects: { existing: async () => new Set<string>() } as never };
  return { deps, values, committed, attempts: () => attempts };
}

describe('recordWithJobOptions (a job’s metadataOptions, docs/metadata.md#metadata-set-by-jobs)', () => {
  it('records the entry as it is when the job has no updates', async () => {
    const w = world();
    await recordWithJobOptions(w.deps, job, entry, { path: 'C/doc.pdf' });
    expect(w.committed).toEqual([entry]);
    expect(w.values.size).toBe(0);
  });

  it('gives each asset the updates that apply to its type; the item’s own asset warns about the others, once, in the committed record', async () => {
    const w = world();
    await recordWithJobOptions(w.deps, job, entry, { path: 'C/doc.pdf', metadataUpdates: updates });
    expect(w.values.get('a|doc')).toEqual({ 'm|1|ASSET|Note': ['hello'] });
    expect(w.values.get('a|page')).toEqual({ 'm|1|ASSET|Note': ['hello'], 'm|1|IMAGE|Season': ['Fall'] });
    // The first transaction found a warning its record lacked: it was rolled back and redone with the warning.
    expect(w.attempts()).toBe(2);
    expect(w.committed).toHaveLength(1);
    const [record] = w.committed;
    expect(record!.counters).toEqual(['file_success_count', 'total_file_count', 'file_warning_count']);
    const warnings = record!.details.filter((d) => d.logType === 'UploadWarning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.messageArgs.reason).toMatch(
      /^metadata field 'm\|1\|IMAGE\|Season' not set: metadataOptions\.updateArray\.items\[1\]\.fieldHandle: expected a field of asset type Pdf/,
    );
    expect(warnings[0]!.assetHandle).toBe('a|doc');
  });

  it('a field deleted while the job ran is skipped with a warning naming it; the other updates are written', async () => {
    const w = world({ deleted: 'm|1|ASSET|Note' });
    const imageItem: LedgerEntry = { ...entry, itemId: 'a|page', assetHandle: 'a|page', details: [entry.details[1]!] };
    await recordWithJobOptions(w.deps, job, imageItem, { path: 'C/doc-1', metadataUpdates: updates });
    expect(w.values.get('a|page')).toEqual({ 'm|1|IMAGE|Season': ['Fall'] });
    const warnings = w.committed[0]!.details.filter((d) => d.logType === 'UploadWarning');
    expect(warnings.map((d) => d.messageArgs.reason)).toEqual(["metadata field 'm|1|ASSET|Note' not set: the field was deleted while the job ran"]);
  });

  it('a failed or skipped item gets no values', async () => {
    const w = world();
    for (const status of ['error', 'duplicate'] as const) {
      await recordWithJobOptions(w.deps, job, { ...entry, status }, { path: 'C/doc.pdf', metadataUpdates: updates });
    }
    expect(w.values.size).toBe(0);
    expect(w.attempts()).toBe(2);
  });
});
