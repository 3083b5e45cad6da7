import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/adapters/database/database.js';
import { FOLDER_COVER_MAX_BYTES, FOLDER_COVER_PREDICATE } from '../../src/adapters/database/folder-cover.js';
import { openScratchDatabase, testDatabaseKind } from '../support/scratch-database.js';

/**
 * Migration 0027's covering index (assets_folder_cover) on the catalog the
 * service migrates (IPS_TEST_DB): the longest rows the service can store
 * still insert with it in place (on PostgreSQL a btree entry holds at most
 * 2,704 bytes: the index leaves out folders above its bound), and a search's
 * count within one folder reads the index alone.
 */
const kind = testDatabaseKind;
const COMPANY = 'c|folder-cover';

/** `n` random characters of 3 UTF-8 bytes (CJK ideographs), which no compression shrinks. */
const cjk = (n: number) => Array.from({ length: n }, () => String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 20000))).join('');
/** `n` random characters of 4 UTF-8 bytes (CJK Extension B). */
const astral = (n: number) => Array.from({ length: n }, () => String.fromCodePoint(0x20000 + Math.floor(Math.random() * 40000))).join('');

let handle: DatabaseHandle;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ handle, drop } = await openScratchDatabase('ips-cover'));
  await sql`insert into companies (company_handle, name, name_key, root_path, created_at)
    values (${COMPANY}, 'Folder cover', 'folder cover', 'Cover/', '2026-01-01T00:00:00.000Z')`.execute(handle.db);
});

afterAll(async () => {
  await drop?.();
});

/** Inserts an asset row of `folder` and `name` (the other columns as short as the service makes them). */
async function insertAsset(assetHandle: string, folder: string, name: string, type = 'Image'): Promise<void> {
  await sql`insert into assets (asset_handle, company_handle, type, name, name_key, file_name, folder, ready_for_publish, trash_state,
      created, last_modified, format, original_key, file_size, sha256, version)
    values (${assetHandle}, ${COMPANY}, ${type}, ${name}, ${name.toLowerCase()}, 'x.jpg', ${folder}, 1, 'NotInTrash',
      '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'jpeg', 'originals/x.jpg', 1, '', 1)`.execute(handle.db);
}

async function count(folder: string): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from assets where company_handle = ${COMPANY} and folder = ${folder}`.execute(handle.db);
  return Number(r.rows[0]!.n);
}

describe(`migration 0027_asset_folder_cover (${kind})`, () => {
  it('stores a name of 512 four-byte characters in a folder at the bound, and the longest folder the other indexes hold with a 512-character name', async () => {
    // At the bound: in the index, with the widest name the column takes (2,048 bytes).
    const pad = FOLDER_COVER_MAX_BYTES - 'Cover//'.length;
    const atBound = `Cover/${'é'.repeat(Math.floor(pad / 2))}${'x'.repeat(pad % 2)}/`;
    expect(Buffer.byteLength(atBound)).toBe(FOLDER_COVER_MAX_BYTES);
    await insertAsset('a|cover-bound', atBound, astral(512));

    // The longest CJK folder the indexes before 0027 hold (assets_company_folder, folders_pk refuse longer ones
    // on PostgreSQL): found with a one-character name, then stored again with a 512-character name (1,536 bytes).
    let longest = '';
    for (let n = 1024 - 'Cover//'.length; n > 0 && !longest; n -= 4) {
      const folder = `Cover/${cjk(n)}/`;
      try {
        await insertAsset('a|cover-probe', folder, 'x');
        longest = folder;
      } catch (e) {
        if (!/index row size|exceeds/i.test(String(e))) throw e;
      }
    }
    await sql`delete from assets where asset_handle = 'a|cover-probe'`.execute(handle.db);
    if (kind === 'postgres') expect(Buffer.byteLength(longest)).toBeGreaterThan(2_600);
    await insertAsset('a|cover-longest', longest, cjk(512));

    // A 1,024-character folder of two-byte letters (2,048 bytes) with a 512-character name.
    const twoByte = `Cover/${'ü'.repeat(1024 - 'Cover//'.length)}/`;
    await insertAsset('a|cover-two-byte', twoByte, cjk(512));

    expect([await count(atBound), await count(longest), await count(twoByte)]).toEqual([1, 1, 1]);
  });

  it("counts a folder's images by name within the bound from the index alone", async () => {
    const folder = 'Cover/Shoes/';
    for (let i = 0; i < 20; i++) await insertAsset(`a|cover-shoe-${i}`, folder, `img-${i}`, i % 4 === 0 ? 'Pdf' : 'Image');
    // The shape of searchAssets' count (excludeByproducts, a name prefix) with the index's predicate.
    const where = sql`company_handle = ${COMPANY} and trash_state = 'NotInTrash' and folder = ${folder} and type in ('Image')
      and not exists (select 1 from asset_derivations d where d.asset_handle = assets.asset_handle and d.engine in ('PostScriptRip'))
      and lower(coalesce(name, '')) like 'img-%' and ${sql.raw(FOLDER_COVER_PREDICATE)}`;
    const n = await sql<{ n: number | string }>`select count(*) as n from assets where ${where}`.execute(handle.db);
    expect(Number(n.rows[0]!.n)).toBe(15);
    if (kind === 'postgres') {
      // A table of 23 rows is read whole unless the planner is told not to; one connection for the settings and the plan.
      const plan = await handle.db.connection().execute(async (c) => {
        await sql`vacuum analyze assets`.execute(c);
        await sql`set enable_seqscan = off`.execute(c);
        await sql`set enable_bitmapscan = off`.execute(c);
        return sql<{ 'QUERY PLAN': string }>`explain select count(*) from assets where ${where}`.execute(c);
      });
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('Index Only Scan using assets_folder_cover');
    } else {
      const plan = await sql<{ detail: string }>`explain query plan select count(*) from assets where ${where}`.execute(handle.db);
      expect(plan.rows.map((r) => r.detail).join('\n')).toContain('USING COVERING INDEX assets_folder_cover');
    }
  });
});
