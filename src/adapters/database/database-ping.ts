import { sql } from 'kysely';
import type { Db } from './database.js';

/** The cheapest query both SQLite and PostgreSQL answer: proves the catalog is reachable. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
