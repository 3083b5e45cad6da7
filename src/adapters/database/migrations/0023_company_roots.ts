import { type Kysely, type Migration, sql } from 'kysely';
import { nameKey } from '../../../domain/handles.js';
import type { DatabaseKind } from '../database-kind.js';

/**
 * Every company's root folder as a row (docs/folders.md). Migration 0017 made
 * rows for the companies of its day; companies made after it got theirs only
 * with a first folder or upload, and the folder operations made one up in the
 * meantime. Companies now get the row when they are made (CompanyRepository.insert);
 * this adds it for those made in between.
 */
export function companyRoots(kind: DatabaseKind): Migration {
  void kind;
  return {
    async up(db: Kysely<unknown>) {
      const companies = await sql<{ company_handle: string; root_path: string; created_at: string }>`
        select company_handle, root_path, created_at from companies`.execute(db);
      for (const c of companies.rows) {
        const key = nameKey(c.root_path);
        await sql`insert into folders (company_handle, path_key, path, parent_key, created, last_modified)
          select ${c.company_handle}, ${key}, ${c.root_path}, null, ${c.created_at}, ${c.created_at}
          where not exists (select 1 from folders where company_handle = ${c.company_handle} and path_key = ${key})`.execute(db);
      }
    },
  };
}
