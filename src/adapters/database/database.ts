import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { AppConfig } from '../../config/config.js';
import type { DatabaseKind } from './database-kind.js';
import { migrateToLatest } from './migrations.js';
import { cachingStatements } from './statement-cache.js';
import type { Database } from './tables.js';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: DatabaseKind;
  close(): Promise<void>;
}

/** Opens the catalog (SQLite file by default, PostgreSQL for DATABASE_URL) and migrates it. */
export async function openDatabase(config: AppConfig['database']): Promise<DatabaseHandle> {
  const db = config.kind === 'sqlite' ? new Kysely<Database>({ dialect: sqliteDialect(config.file) }) : postgres(config.url);
  await migrateToLatest(db as Kysely<unknown>, config.kind);
  return { db, kind: config.kind, close: () => db.destroy() };
}

function sqliteDialect(file: string): SqliteDialect {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  // WAL lets the API read while the worker writes; busy_timeout makes the
  // two processes (api + worker) wait for each other instead of failing.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  // Kysely prepares every query anew (statement-cache.ts). src has about 200
  // query sites; 256 keeps a job loop's repeated queries compiled while rarer
  // variants (optional filters, `in (…)` lists of other lengths) come and go.
  return new SqliteDialect({ database: cachingStatements(sqlite, { max: 256 }) });
}

function postgres(url: string): Kysely<Database> {
  // bigint (int8) columns hold file sizes well below 2^53; read them as numbers.
  pg.types.setTypeParser(20, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection the server closes (restart, failover, admin termination)
  // is reported here; without a listener it would crash the process. The pool
  // drops that client and opens a new one on the next query.
  pool.on('error', () => undefined);
  // The pool listens only to idle clients. A client checked out but between two
  // statements (inside a transaction whose code awaits other work) reports a lost
  // server on itself, and an 'error' event nobody listens to ends the process: the
  // worker died that way during a database outage. Its next statement fails instead,
  // the unit of work is retried, and the pool discards the client on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
