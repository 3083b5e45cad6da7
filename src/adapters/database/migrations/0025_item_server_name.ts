import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../database-kind.js';

/**
 * Which worker recorded each item's result (its serverName, host and pid).
 * With several worker machines an operator can tell where an item ran, and
 * the scale demo counts each worker's share from it; rows from before stay
 * null.
 */
export function itemServerName(kind: DatabaseKind): Migration {
  void kind;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('job_items').addColumn('server_name', 'text').execute();
    },
  };
}
