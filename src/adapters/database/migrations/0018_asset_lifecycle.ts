import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../database-kind.js';

/**
 * The trash (docs/assets.md): a company's trashed assets are listed and
 * emptied by trash state, so that lookup is one index range instead of a scan
 * of a catalog of millions of live rows. Names (company_handle, name_key) and
 * derivations by source are indexed already.
 */
export function assetLifecycle(kind: DatabaseKind): Migration {
  void kind;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('assets_company_trash').on('assets').columns(['company_handle', 'trash_state', 'name_key']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('assets_company_trash').execute();
    },
  };
}
