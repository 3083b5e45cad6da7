import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { companyRoots } from '../../src/adapters/database/migrations/0023_company_roots.js';

/** Migration 0023 gives the companies made after 0017 without a folder yet their root folder row (docs/folders.md). */
describe('migration 0023_company_roots', () => {
  let db: Kysely<unknown> | undefined;
  afterEach(async () => db?.destroy());

  it('adds the root row a company lacks and leaves a company that has one as it is', async () => {
    db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await sql`create table companies (company_handle varchar(64) primary key, root_path varchar(1024), created_at varchar(40))`.execute(db);
    await sql`create table folders (company_handle varchar(64), path_key varchar(1024), path varchar(1024), parent_key varchar(1024),
      created varchar(40), last_modified varchar(40), primary key (company_handle, path_key))`.execute(db);
    await sql`insert into companies values ('c|1', 'Acme/', '2026-01-01T00:00:00.000Z'), ('c|2', 'Globex/', '2026-02-01T00:00:00.000Z')`.execute(db);
    await sql`insert into folders values ('c|2', 'globex/', 'Globex/', null, '2025-12-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z')`.execute(db);
    await companyRoots('sqlite').up(db);
    await companyRoots('sqlite').up(db);
    const rows = await sql`select * from folders order by company_handle`.execute(db);
    expect(rows.rows).toEqual([
      {
        company_handle: 'c|1',
        path_key: 'acme/',
        path: 'Acme/',
        parent_key: null,
        created: '2026-01-01T00:00:00.000Z',
        last_modified: '2026-01-01T00:00:00.000Z',
      },
      {
        company_handle: 'c|2',
        path_key: 'globex/',
        path: 'Globex/',
        parent_key: null,
        created: '2025-12-01T00:00:00.000Z',
        last_modified: '2026-03-01T00:00:00.000Z',
      },
    ]);
  });
});
