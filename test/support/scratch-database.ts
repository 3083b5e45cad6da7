import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type DatabaseHandle, openDatabase } from '../../src/adapters/database/database.js';
import { randomId } from '../../src/domain/handles.js';

export type TestDatabaseKind = 'sqlite' | 'postgres';

/** The catalog kind the integration project runs against (IPS_TEST_DB; SQLite unless set). */
export const testDatabaseKind = (process.env.IPS_TEST_DB ?? 'sqlite') as TestDatabaseKind;

/**
 * A fresh, migrated catalog of the project's kind for a repository-level test: a SQLite file in a temp folder, or a
 * database of its own on the PostgreSQL server at TEST_DATABASE_URL. `drop` closes it and removes every trace.
 */
export async function openScratchDatabase(prefix: string): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> }> {
  if (testDatabaseKind === 'postgres') {
    const admin = process.env.TEST_DATABASE_URL;
    if (!admin) throw new Error('IPS_TEST_DB=postgres needs TEST_DATABASE_URL');
    const name = `ips_test_${randomId(10)}`;
    await withClient(admin, (c) => c.query(`create database ${name}`));
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const handle = await openDatabase({ kind: 'postgres', url: url.toString() });
    return {
      handle,
      drop: async () => {
        await handle.close();
        await withClient(admin, (c) => c.query(`drop database if exists ${name} with (force)`));
      },
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  const handle = await openDatabase({ kind: 'sqlite', file: path.join(dir, 'ips.db') });
  return {
    handle,
    drop: async () => {
      await handle.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

async function withClient<T>(url: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}
