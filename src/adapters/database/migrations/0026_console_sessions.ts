import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../database-kind.js';

/**
 * The web console's sign-in sessions (ConsoleSessionService), in the catalog
 * so a session started through one API replica is known to all. The key is
 * the SHA-256 (hex) of the session token, never the token itself: a database
 * dump or backup holds no usable cookie. Times are ISO UTC strings, which
 * compare in order on both databases.
 */
export function consoleSessions(kind: DatabaseKind): Migration {
  void kind;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('console_sessions')
        .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('user_handle', 'varchar(400)', (c) => c.notNull())
        .addColumn('company_handle', 'varchar(64)')
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('last_seen_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
        .execute();
      // Signing a user out everywhere finds its sessions by user; the sweep deletes by expiry alone.
      await db.schema.createIndex('console_sessions_user').on('console_sessions').columns(['user_handle']).execute();
      await db.schema.createIndex('console_sessions_expiry').on('console_sessions').columns(['expires_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('console_sessions').execute();
    },
  };
}
