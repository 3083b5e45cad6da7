import type { JobLogCounter, NewDetail } from '../../adapters/repositories/job-log.repository.js';
import type { TransactionRepositories } from '../../adapters/repositories/unit-of-work.js';
import { nowIso } from '../../domain/handles.js';
import type { MetadataUpdate } from '../../domain/schemas/metadata.schema.js';
import type { FileResult, JobIdentity } from '../../jobs/contracts.js';
import type { LedgerEntry } from '../assets/item-ledger.js';
import { ITEM_WARNING_TYPE } from '../job-items.js';
import { type ItemProjects, type JobProjectsDeps, recordInProjects } from '../projects/job-projects.js';
import { planForAsset, plannedFields } from './asset-metadata.service.js';
import type { UpdateError } from './metadata-update.js';

/** What an item's result carries from its job: the projects it joins and the metadata its assets get. */
export interface ItemJobOptions extends ItemProjects {
  /** the job's metadataOptions.updateArray */
  metadataUpdates?: readonly MetadataUpdate[];
}

/** Where the updates sit in the job, as a skipped update's warning names them. */
const UPDATES_PATH = 'metadataOptions.updateArray';

/** How often a commit is redone when what it would warn about changed under it, before it records what it finds. */
const ATTEMPTS = 3;

/** The warnings the transaction found differ from those the entry carries: the commit is redone with these. */
class WarningsChanged extends Error {
  constructor(readonly warnings: NewDetail[]) {
    super('metadata warnings changed');
  }
}

/**
 * Records an item's result (recordInProjects, so its projects too) and, when
 * the item succeeded, gives every asset its log rows name the job's metadata
 * updates, in the transaction that commits the item
 * (docs/metadata.md#metadata-set-by-jobs). The fields are read in that
 * transaction. An update the item's own asset cannot take (its field was
 * deleted while the job ran, the field is of another asset type, a value the
 * field refuses now) is skipped with an UploadWarning row naming it, and the
 * item still succeeds; its byproducts (pages, layers, catalog, template) take
 * the updates that apply to their type, without warnings of their own.
 */
export async function recordWithJobOptions(deps: JobProjectsDeps, job: JobIdentity, entry: LedgerEntry, about: ItemJobOptions): Promise<FileResult> {
  const updates = about.metadataUpdates ?? [];
  if (updates.length === 0 || (entry.status !== 'success' && entry.status !== 'updated')) return recordInProjects(deps, job, entry, about);
  const assets = [...new Set([entry.assetHandle, ...entry.details.map((d) => d.assetHandle)].filter((h): h is string => h !== undefined))];
  // The warnings are log rows written with the item, so they must be known before its transaction; most items have none.
  let expected: NewDetail[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      return await recordInProjects(
        deps,
        job,
        {
          ...entry,
          details: [...entry.details, ...expected],
          counters: expected.length > 0 ? withWarning(entry.counters) : entry.counters,
          write: async (repos) => {
            await entry.write?.(repos);
            const found = await writeMetadata(repos, job.companyHandle, assets, updates, about.path);
            if (attempt < ATTEMPTS && JSON.stringify(found) !== JSON.stringify(expected)) throw new WarningsChanged(found);
          },
        },
        about,
      );
    } catch (err) {
      if (!(err instanceof WarningsChanged)) throw err;
      expected = err.warnings;
    }
  }
}

/** Writes each asset's planned values; returns the warnings of the updates the item's own asset (the first) could not take. */
async function writeMetadata(
  repos: TransactionRepositories,
  companyHandle: string,
  assets: readonly string[],
  updates: readonly MetadataUpdate[],
  path: string,
): Promise<NewDetail[]> {
  const fields = await plannedFields(repos.metadata, companyHandle, updates);
  const rows = new Map((await repos.assets.findByHandles(companyHandle, assets)).map((a) => [a.asset_handle, a]));
  const now = nowIso();
  let warnings: NewDetail[] = [];
  for (const [i, handle] of assets.entries()) {
    const asset = rows.get(handle);
    if (!asset) continue;
    const plan = await planForAsset(repos.metadata, fields, asset, updates, UPDATES_PATH);
    await repos.metadata.replaceValues(handle, plan.writes, now);
    if (i === 0) warnings = plan.errors.map((e) => skipped(path, handle, e, fields.has(e.fieldHandle)));
  }
  return warnings;
}

function skipped(path: string, assetHandle: string, error: UpdateError, fieldExists: boolean): NewDetail {
  const why = fieldExists ? error.fault.reason : 'the field was deleted while the job ran';
  return {
    logType: ITEM_WARNING_TYPE,
    messageKey: 'fileWarning',
    messageArgs: { path, reason: `metadata field '${error.fieldHandle}' not set: ${why}` },
    assetName: path,
    assetType: 'MasterImage',
    assetHandle,
  };
}

/** The file is counted among those with warnings once, however many rows it has. */
function withWarning(counters: readonly JobLogCounter[]): readonly JobLogCounter[] {
  return counters.includes('file_warning_count') ? counters : [...counters, 'file_warning_count'];
}
