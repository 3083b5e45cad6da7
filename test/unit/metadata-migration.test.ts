import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { metadata } from '../../src/adapters/database/migrations/0021_metadata.js';

/** Migration 0021 gives the companies that exist already the system metadata fields (docs/metadata.md#system-fields). */
describe('migration 0021_metadata', () => {
  let db: Kysely<unknown> | undefined;
  afterEach(async () => db?.destroy());

  it('backfills the four system fields of every existing company, for every asset type', async () => {
    db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await sql`create table companies (company_handle varchar(64) primary key)`.execute(db);
    await sql`insert into companies (company_handle) values ('c|7'), ('c|8')`.execute(db);
    await metadata('sqlite').up(db);
    const rows = await sql<{
      field_handle: string;
      company_handle: string;
      asset_type: string;
      name: string;
      field_type: string;
      is_user_defined: number;
    }>`select field_handle, company_handle, asset_type, name, field_type, is_user_defined from metadata_fields order by field_handle`.execute(db);
    expect(rows.rows).toHaveLength(8);
    expect(rows.rows.filter((r) => r.company_handle === 'c|7')).toEqual([
      { field_handle: 'm|7|ASSET|Comments', company_handle: 'c|7', asset_type: 'Asset', name: 'Comments', field_type: 'String', is_user_defined: 0 },
      { field_handle: 'm|7|ASSET|Description', company_handle: 'c|7', asset_type: 'Asset', name: 'Description', field_type: 'String', is_user_defined: 0 },
      { field_handle: 'm|7|ASSET|Keywords', company_handle: 'c|7', asset_type: 'Asset', name: 'Keywords', field_type: 'MultiTag', is_user_defined: 0 },
      { field_handle: 'm|7|ASSET|UserData', company_handle: 'c|7', asset_type: 'Asset', name: 'UserData', field_type: 'String', is_user_defined: 0 },
    ]);
  });
});
