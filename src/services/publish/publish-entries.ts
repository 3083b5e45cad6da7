import type { JobLogCounter, NewDetail } from '../../adapters/repositories/job-log.repository.js';
import type { UnitOfWork } from '../../adapters/repositories/unit-of-work.js';
import type { AssetRef, FileResult, JobIdentity } from '../../jobs/contracts.js';
import type { ItemLedger, LedgerEntry } from '../assets/item-ledger.js';

/** What a publish step writes in an asset's one detail row; the asset it names comes from the step's ref. */
export type AssetDetail = Omit<NewDetail, 'assetName' | 'assetHandle'>;

/** An asset a publish left settled without a new version of it (not published, or removed): one success. */
export const SETTLED_COUNTERS: readonly JobLogCounter[] = ['file_success_count', 'total_file_count'];

/** Why a listed asset was not published: trashed (or emptied, or gone) since it was listed, or no longer marked. */
export function notPublishedKey(asset: { trash_state: string } | undefined): 'isNotPublished' | 'isNotPublishedTrashed' {
  return asset && asset.trash_state === 'NotInTrash' ? 'isNotPublished' : 'isNotPublishedTrashed';
}

/** The ledger entry of one asset of a publish job: its row names the asset by `ref.name`. */
export function assetEntry(
  ref: AssetRef,
  status: FileResult['status'],
  detail: AssetDetail,
  counters: readonly JobLogCounter[],
  write?: UnitOfWork,
): LedgerEntry {
  return {
    itemId: ref.assetHandle,
    status,
    assetHandle: ref.assetHandle,
    details: [{ ...detail, assetName: ref.name, assetHandle: ref.assetHandle }],
    counters,
    ...(write ? { write } : {}),
  };
}

/**
 * Records an asset a publish (re)published, with its record in the same
 * transaction: `updated` and counted as an update when the context had a
 * previous version of it, else a success. `wrote` is false when an earlier
 * attempt of the item recorded it first: its result stands, and the caller
 * leaves the storage and files alone (that attempt settled them).
 */
export async function recordPublished(
  ledger: ItemLedger,
  job: JobIdentity,
  ref: AssetRef,
  republished: boolean,
  detail: AssetDetail,
  write: UnitOfWork,
): Promise<{ result: FileResult; wrote: boolean }> {
  let wrote = false;
  const counters: JobLogCounter[] = [republished ? 'file_update_count' : 'file_success_count', 'total_file_count'];
  const result = await ledger.record(
    job,
    assetEntry(ref, republished ? 'updated' : 'success', detail, counters, async (repos) => {
      await write(repos);
      // The unit of work runs only for the attempt whose row is inserted, inside its transaction.
      wrote = true;
    }),
  );
  return { result, wrote };
}
