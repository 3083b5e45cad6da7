import { createHash } from 'node:crypto';
import type { Db } from '../database/database.js';

/**
 * Failed login attempts per throttle key (migration 0024), in the catalog so
 * every API replica counts the same failures. Keys are stored hashed: the
 * table must not become a list of the e-mail and client addresses that tried.
 */
export class LoginFailureRepository {
  constructor(private readonly db: Db) {}

  async record(keys: readonly string[], at: number): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .insertInto('login_failures')
      .values(keys.map((key) => ({ key_hash: hashKey(key), failed_at: at })))
      .execute();
  }

  /** Each key's failure times after `since`, newest first (a key without any is absent). */
  async failuresSince(keys: readonly string[], since: number): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    if (keys.length === 0) return out;
    const byHash = new Map(keys.map((key) => [hashKey(key), key]));
    const rows = await this.db
      .selectFrom('login_failures')
      .select(['key_hash', 'failed_at'])
      .where('key_hash', 'in', [...byHash.keys()])
      .where('failed_at', '>', since)
      .orderBy('failed_at', 'desc')
      .execute();
    for (const row of rows) {
      const key = byHash.get(row.key_hash)!;
      const times = out.get(key) ?? [];
      times.push(Number(row.failed_at));
      out.set(key, times);
    }
    return out;
  }

  async forget(key: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('key_hash', '=', hashKey(key)).execute();
  }

  /** Deletes every failure at or before `before`; returns how many went. */
  async pruneUpTo(before: number): Promise<number> {
    const result = await this.db.deleteFrom('login_failures').where('failed_at', '<=', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
