import SQLite from 'better-sqlite3';
import { type Generated, Kysely, SqliteDialect, sql } from 'kysely';
import { type MockInstance, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cachingStatements } from '../../src/adapters/database/statement-cache.js';

interface Tables {
  items: { id: Generated<number>; name: string };
}

/** The SQLite dialect's statement cache (src/adapters/database/statement-cache.ts) on a real in-memory database. */
describe('cachingStatements', () => {
  let sqlite: SQLite.Database;
  let prepare: MockInstance<SQLite.Database['prepare']>;
  let db: Kysely<Tables> | undefined;

  beforeEach(() => {
    sqlite = new SQLite(':memory:');
    sqlite.exec('create table items (id integer primary key, name text not null)');
    prepare = vi.spyOn(sqlite, 'prepare');
  });
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
    if (sqlite.open) sqlite.close();
  });

  /** How many times the underlying database compiled this SQL text. */
  const compiled = (text: string) => prepare.mock.calls.filter(([s]) => s === text).length;

  it('hands back the same statement for the same SQL text and compiles it once', () => {
    const cache = cachingStatements(sqlite, { max: 8 });
    const first = cache.prepare('select * from items');
    const second = cache.prepare('select * from items');
    expect(second).toBe(first);
    expect(prepare).toHaveBeenCalledTimes(1);
  });

  it('compiles a different SQL text into another statement', () => {
    const cache = cachingStatements(sqlite, { max: 8 });
    const all = cache.prepare('select * from items');
    const names = cache.prepare('select name from items');
    expect(names).not.toBe(all);
    expect(prepare).toHaveBeenCalledTimes(2);
  });

  it('drops the least recently used statement beyond max', () => {
    const cache = cachingStatements(sqlite, { max: 2 });
    const a = cache.prepare('select 1');
    const b = cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(a); // now 'select 2' is the least recently used
    cache.prepare('select 3');
    expect(cache.prepare('select 1')).toBe(a);
    expect(cache.prepare('select 2')).not.toBe(b);
    expect(compiled('select 1')).toBe(1);
    expect(compiled('select 2')).toBe(2);
    expect(prepare).toHaveBeenCalledTimes(4);
  });

  it('prepares a fresh statement while the cached one is mid-iteration', () => {
    sqlite.exec(`insert into items (name) values ('a'), ('b')`);
    const cache = cachingStatements(sqlite, { max: 8 });
    const iterating = cache.prepare('select name from items order by id');
    const rows = iterating.iterate([]);
    expect(rows.next().value).toEqual({ name: 'a' });
    expect(iterating.busy).toBe(true);

    const fresh = cache.prepare('select name from items order by id');
    expect(fresh).not.toBe(iterating);
    expect(fresh.all([])).toEqual([{ name: 'a' }, { name: 'b' }]);
    rows.return?.();
    expect(cache.prepare('select name from items order by id')).toBe(fresh);
  });

  it('closes the database', () => {
    cachingStatements(sqlite, { max: 8 }).close();
    expect(sqlite.open).toBe(false);
  });

  it('rejects a max below 1, naming the option and the value', () => {
    expect(() => cachingStatements(sqlite, { max: 0 })).toThrow('statement cache max must be an integer of at least 1, received 0');
    expect(() => cachingStatements(sqlite, { max: 1.5 })).toThrow('received 1.5');
  });

  describe('under Kysely', () => {
    beforeEach(() => {
      db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite, { max: 8 }) }) });
    });

    const insert = (name: string) => db!.insertInto('items').values({ name });

    it('selects and inserts, compiling each query once', async () => {
      for (const name of ['a', 'b', 'c']) await insert(name).execute();
      const select = db!.selectFrom('items').select('name').orderBy('id');
      expect(await select.execute()).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
      expect(await select.execute()).toHaveLength(3);
      expect(compiled(insert('x').compile().sql)).toBe(1);
      expect(compiled(select.compile().sql)).toBe(1);
    });

    it('reports the inserted row id and changed rows from a reused statement', async () => {
      const first = await insert('a').executeTakeFirstOrThrow();
      const second = await insert('b').executeTakeFirstOrThrow();
      expect([first.insertId, second.insertId]).toEqual([1n, 2n]);
      const updated = await db!.updateTable('items').set({ name: 'z' }).executeTakeFirstOrThrow();
      expect(updated.numUpdatedRows).toBe(2n);
    });

    it('commits and rolls back transactions with cached begin/commit/rollback', async () => {
      for (const name of ['a', 'b']) await db!.transaction().execute(async (trx) => trx.insertInto('items').values({ name }).execute());
      await expect(
        db!.transaction().execute(async (trx) => {
          await trx.insertInto('items').values({ name: 'lost' }).execute();
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await db!.selectFrom('items').select('name').orderBy('id').execute()).toEqual([{ name: 'a' }, { name: 'b' }]);
      expect(compiled('begin')).toBe(1);
      expect(compiled('commit')).toBe(1);
      expect(compiled('rollback')).toBe(1);
    });

    it('sees a column added after the statement was cached (SQLite re-prepares it)', async () => {
      await insert('a').execute();
      const everything = sql<Record<string, unknown>>`select * from items`;
      expect((await everything.execute(db!)).rows).toEqual([{ id: 1, name: 'a' }]);
      await sql`alter table items add column size integer not null default 7`.execute(db!);
      expect((await everything.execute(db!)).rows).toEqual([{ id: 1, name: 'a', size: 7 }]);
      expect(compiled('select * from items')).toBe(1);
    });

    it('streams, and reuses the statement after a stream is broken off', async () => {
      for (const name of ['a', 'b', 'c']) await insert(name).execute();
      const select = db!.selectFrom('items').select('name').orderBy('id');
      for await (const row of select.stream()) {
        expect(row).toEqual({ name: 'a' });
        break;
      }
      expect(await select.execute()).toHaveLength(3);
      expect(compiled(select.compile().sql)).toBe(1);
    });
  });
});
