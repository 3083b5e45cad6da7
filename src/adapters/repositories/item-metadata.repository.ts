import type { Db } from '../database/database.js';
import { MetadataRepository, type MetadataFieldRow, type MetadataValueRow, replaceAssetValues } from './metadata.repository.js';

/**
 * The metadata values a job item writes (a job's metadataOptions), bound to
 * the transaction that commits the item (unit-of-work.ts): the fields are
 * read again there, so a field deleted while the job ran is seen, and the
 * values commit with the asset rows and the log row or not at all. Unlike
 * MetadataRepository.writeValues it opens no transaction of its own and
 * leaves the asset row to the item, which writes it in the same transaction.
 */
export class ItemMetadataRepository {
  private readonly reads: MetadataRepository;

  constructor(private readonly db: Db) {
    this.reads = new MetadataRepository(db);
  }

  findFields(companyHandle: string, fieldHandles: readonly string[]): Promise<MetadataFieldRow[]> {
    return this.reads.findFields(companyHandle, fieldHandles);
  }

  tagsOf(fieldHandles: readonly string[]): Promise<Map<string, string[]>> {
    return this.reads.tagsOf(fieldHandles);
  }

  currentValues(assetHandle: string, fieldHandles: readonly string[]): Promise<Map<string, string[]>> {
    return this.reads.currentValues(assetHandle, fieldHandles);
  }

  /** Replaces the asset's values of each field written; an empty list removes the field's values. */
  async replaceValues(assetHandle: string, writes: ReadonlyArray<{ fieldHandle: string; values: readonly MetadataValueRow[] }>, now: string): Promise<void> {
    await replaceAssetValues(this.db, assetHandle, writes, now);
  }
}
