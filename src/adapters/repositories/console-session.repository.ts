import type { Selectable } from 'kysely';
import type { Db } from '../database/database.js';
import type { ConsoleSessionTable } from '../database/tables.js';

export type ConsoleSessionRow = Selectable<ConsoleSessionTable>;

/**
 * The web console's sessions (migration 0026), in the catalog so every API
 * replica knows every session. Rows are keyed by the token's hash: callers
 * hash the token, this repository never sees it.
 */
export class ConsoleSessionRepository {
  constructor(private readonly db: Db) {}

  async insert(row: ConsoleSessionRow): Promise<void> {
    await this.db.insertInto('console_sessions').values(row).execute();
  }

  async find(tokenHash: string): Promise<ConsoleSessionRow | undefined> {
    return this.db.selectFrom('console_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  async touch(tokenHash: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    await this.db.updateTable('console_sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('token_hash', '=', tokenHash).execute();
  }

  async setCompany(tokenHash: string, companyHandle: string | null): Promise<void> {
    await this.db.updateTable('console_sessions').set({ company_handle: companyHandle }).where('token_hash', '=', tokenHash).execute();
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('console_sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Deletes every session that ended at or before `now` (ISO UTC); returns how many went. */
  async deleteExpired(now: string): Promise<number> {
    const result = await this.db.deleteFrom('console_sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Ends every session of a user (e.g. after a password change); returns how many went. */
  async deleteForUser(userHandle: string): Promise<number> {
    const result = await this.db.deleteFrom('console_sessions').where('user_handle', '=', userHandle).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
