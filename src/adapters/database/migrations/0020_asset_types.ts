import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../database-kind.js';

/**
 * Assets by type (docs/assets.md#publish-state-and-counts): getAssetCounts groups a
 * company's live assets by type, and searchAssets filters by it; with this
 * index both read one index range of a catalog of millions of rows instead of
 * visiting every row of the company.
 */
export function assetTypes(kind: DatabaseKind): Migration {
  void kind;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('assets_company_trash_type').on('assets').columns(['company_handle', 'trash_state', 'type']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('assets_company_trash_type').execute();
    },
  };
}
