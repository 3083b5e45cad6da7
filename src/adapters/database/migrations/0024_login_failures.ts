import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../database-kind.js';

/**
 * The login throttle's failures (LoginThrottle, docs/operations.md#stateless-processes),
 * shared by every API replica so a lockout holds whichever replica a guess
 * reaches. One row per failed attempt and throttle key; the key is stored as
 * a SHA-256 hash, so the table is no list of the e-mail and client addresses
 * that tried. `failed_at` is epoch milliseconds; rows older than the window
 * are pruned as failures are recorded.
 */
export function loginFailures(kind: DatabaseKind): Migration {
  void kind;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('login_failures')
        .addColumn('key_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('failed_at', 'bigint', (c) => c.notNull())
        .execute();
      // The check reads a key's failures newest first; the prune deletes by age alone.
      await db.schema.createIndex('login_failures_key').on('login_failures').columns(['key_hash', 'failed_at']).execute();
      await db.schema.createIndex('login_failures_time').on('login_failures').columns(['failed_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('login_failures').execute();
    },
  };
}
