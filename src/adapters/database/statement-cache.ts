import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { LRUCache } from 'lru-cache';

export type Statement = SQLite.Statement<unknown[], unknown>;

/** The part of a better-sqlite3 `Database` the cache uses. */
export type PreparingDatabase = Pick<SQLite.Database, 'prepare' | 'close'>;

export interface StatementCacheOptions {
  /** Most statements kept; the least recently used one is dropped beyond it. */
  max: number;
}

/** What Kysely's `SqliteDialect` takes, with better-sqlite3's own statements. */
export interface CachingDatabase extends SqliteDatabase {
  prepare(sql: string): Statement;
}

/**
 * Wraps a better-sqlite3 database for Kysely's `SqliteDialect` so that
 * `prepare(sql)` hands back the statement already compiled for that SQL text.
 * Kysely prepares every query it runs, and compiling showed up at ~5% of the
 * worker's main thread during an export job.
 *
 * The cache is bounded because the set of SQL texts is not: Kysely writes
 * `in (?, ?, …)` with one placeholder per value. An evicted statement is
 * finalized when it is garbage-collected, or at the latest by `close()`.
 *
 * Why handing the same statement out again is safe:
 * - Kysely's driver runs a statement with `all` or `run`, which are synchronous
 *   and reset the statement (and clear its bindings) before they return: no
 *   other query can interleave, and a kept statement pins no WAL read snapshot.
 * - The driver serializes queries on its single connection with a mutex.
 * - After a schema change (a migration) SQLite re-prepares the statement on its
 *   next step, so a cached `select *` returns the new columns.
 * - Only the driver's `streamQuery` (Kysely's `.stream()`) uses `iterate`, which
 *   leaves a statement locked (`busy`) until the iteration ends or is broken
 *   off. No code in this repository calls `.stream()` on a query today, and
 *   Kysely holds the connection for a whole stream, so no other query should
 *   run meanwhile. Still, a `busy` statement is never handed out again (its
 *   `all` would throw "This statement is busy executing a query"): a fresh one
 *   is prepared and takes its place in the cache, so an iterator that is never
 *   finished cannot leave its SQL text uncached for good.
 */
export function cachingStatements(sqlite: PreparingDatabase, options: StatementCacheOptions): CachingDatabase {
  if (!Number.isInteger(options.max) || options.max < 1) {
    throw new RangeError(`statement cache max must be an integer of at least 1, received ${String(options.max)}`);
  }
  const statements = new LRUCache<string, Statement>({ max: options.max });
  return {
    prepare(sql: string): Statement {
      const cached = statements.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare<unknown[], unknown>(sql);
      statements.set(sql, statement);
      return statement;
    },
    close(): void {
      statements.clear();
      sqlite.close();
    },
  };
}
