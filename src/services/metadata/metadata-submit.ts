import type { MetadataRepository } from '../../adapters/repositories/metadata.repository.js';
import { ANY_ASSET_TYPE } from '../../domain/metadata.js';
import type { MetadataUpdate } from '../../domain/schemas/metadata.schema.js';
import { plannedFields } from './asset-metadata.service.js';
import { planUpdates } from './metadata-update.js';

/**
 * A job's metadataOptions, checked at submit (docs/metadata.md#metadata-set-by-jobs):
 * every fieldHandle names a field of the job's company, every value has a
 * form the field's type takes and parses for it, and a closed dictionary
 * holds the tags given, so a typo is a fault naming the update now rather
 * than a warning on every item later. The assets are not known yet: whether
 * a field applies to an asset's type is judged per asset when its item commits.
 */
export async function checkMetadataUpdates(
  metadata: Pick<MetadataRepository, 'findFields' | 'tagsOf'>,
  companyHandle: string,
  field: string,
  updates: readonly MetadataUpdate[],
): Promise<void> {
  const fields = await plannedFields(metadata, companyHandle, updates);
  const anyType = new Map([...fields].map(([handle, f]) => [handle, { ...f, asset_type: ANY_ASSET_TYPE }]));
  const plan = planUpdates(anyType, { type: ANY_ASSET_TYPE }, updates, new Map(), field);
  if (plan.errors.length > 0) throw plan.errors[0]!.fault;
}
