import { type Kysely, type Migration, sql } from 'kysely';
import { nameKey } from '../../../domain/handles.js';
import type { DatabaseKind } from '../database-kind.js';

/**
 * Folders as rows (docs/folders.md). Assets keep their `folder` path; this
 * table lists every folder that exists, empty ones included, so getFolders
 * can show a folder made by createFolder before anything is uploaded into it.
 * `path_key` (the path folded the way IPS compares names) is unique per
 * company; `parent_key` finds a folder's children by index.
 */
export function folders(kind: DatabaseKind): Migration {
  void kind;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('folders')
        .addColumn('company_handle', 'varchar(64)', (c) => c.notNull().references('companies.company_handle'))
        .addColumn('path_key', 'varchar(1024)', (c) => c.notNull())
        .addColumn('path', 'varchar(1024)', (c) => c.notNull())
        .addColumn('parent_key', 'varchar(1024)')
        .addColumn('created', 'varchar(40)', (c) => c.notNull())
        .addColumn('last_modified', 'varchar(40)', (c) => c.notNull())
        .addPrimaryKeyConstraint('folders_pk', ['company_handle', 'path_key'])
        .execute();
      await db.schema.createIndex('folders_company_parent').on('folders').columns(['company_handle', 'parent_key']).execute();
      await backfill(db);
    },
  };
}

/** Folder rows for the company roots and for every folder (and its ancestors) that existing assets sit in. */
async function backfill(db: Kysely<unknown>): Promise<void> {
  const now = new Date().toISOString();
  const companies = await sql<{ company_handle: string; root_path: string }>`select company_handle, root_path from companies`.execute(db);
  const used = await sql<{ company_handle: string; folder: string }>`select distinct company_handle, folder from assets`.execute(db);
  const paths = new Map<string, Map<string, string>>();
  const add = (company: string, path: string) => {
    const segments = path.split('/').filter((s) => s.length > 0);
    const byKey = paths.get(company) ?? new Map<string, string>();
    paths.set(company, byKey);
    let prefix = '';
    for (const segment of segments) {
      prefix += `${segment}/`;
      const key = nameKey(prefix);
      if (!byKey.has(key)) byKey.set(key, prefix);
    }
  };
  for (const c of companies.rows) add(c.company_handle, c.root_path);
  for (const a of used.rows) add(a.company_handle, a.folder);
  for (const [company, byKey] of paths) {
    for (const [key, path] of byKey) {
      const parent = key.slice(0, key.slice(0, -1).lastIndexOf('/') + 1);
      await sql`insert into folders (company_handle, path_key, path, parent_key, created, last_modified)
        values (${company}, ${key}, ${path}, ${parent === '' ? null : parent}, ${now}, ${now})`.execute(db);
    }
  }
}
