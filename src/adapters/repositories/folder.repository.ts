import { type RawBuilder, type SqlBool, type Transaction, sql } from 'kysely';
import { nameKey } from '../../domain/handles.js';
import type { Db } from '../database/database.js';
import type { Database, FolderTable } from '../database/tables.js';

export type FolderRow = FolderTable;

/** `MyCompany/Shoes/Red/` → [`MyCompany/`, `MyCompany/Shoes/`, `MyCompany/Shoes/Red/`]. */
export function pathPrefixes(path: string): string[] {
  const out: string[] = [];
  let prefix = '';
  for (const segment of path.split('/').filter((s) => s.length > 0)) {
    prefix += `${segment}/`;
    out.push(prefix);
  }
  return out;
}

/** The parent of a folder path (`MyCompany/Shoes/` → `MyCompany/`), or null for a root. */
export function parentPath(path: string): string | null {
  const cut = path.slice(0, -1).lastIndexOf('/');
  return cut < 0 ? null : path.slice(0, cut + 1);
}

/**
 * The folders of each company (docs/folders.md). Paths are compared the way
 * IPS compares names (case-insensitively, through `path_key`); a folder keeps
 * the spelling it was first created with, and assets are filed under that
 * spelling (see AssetRepository.insert).
 */
export class FolderRepository {
  constructor(private readonly db: Db | Transaction<Database>) {}

  /**
   * Makes sure the folder and all its ancestors exist and returns the path as
   * the catalog spells it. Idempotent and safe when callers race (insert or
   * nothing on the primary key, then read back), on SQLite and PostgreSQL.
   */
  async ensurePath(companyHandle: string, path: string): Promise<string> {
    const prefixes = pathPrefixes(path);
    if (prefixes.length === 0) return path;
    const existing = await this.spellings(
      companyHandle,
      prefixes.map((p) => nameKey(p)),
    );
    let canonical = '';
    let parentKey: string | null = null;
    const now = new Date().toISOString();
    for (const prefix of prefixes) {
      const segment = prefix.slice(prefix.slice(0, -1).lastIndexOf('/') + 1);
      const key = nameKey(prefix);
      let spelled = existing.get(key);
      if (spelled === undefined) {
        await this.db
          .insertInto('folders')
          .values({ company_handle: companyHandle, path_key: key, path: canonical + segment, parent_key: parentKey, created: now, last_modified: now })
          .onConflict((oc) => oc.columns(['company_handle', 'path_key']).doNothing())
          .execute();
        spelled = (await this.spellings(companyHandle, [key])).get(key) ?? canonical + segment;
      }
      canonical = spelled;
      parentKey = key;
    }
    return canonical;
  }

  private async spellings(companyHandle: string, keys: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('folders')
      .select(['path_key', 'path'])
      .where('company_handle', '=', companyHandle)
      .where('path_key', 'in', keys)
      .execute();
    return new Map(rows.map((r) => [r.path_key, r.path]));
  }

  find(companyHandle: string, path: string): Promise<FolderRow | undefined> {
    return this.db.selectFrom('folders').selectAll().where('company_handle', '=', companyHandle).where('path_key', '=', nameKey(path)).executeTakeFirst();
  }

  /** The folder at `path` and every folder below it, in path order, at most `limit` rows. */
  subtree(companyHandle: string, path: string, limit: number): Promise<FolderRow[]> {
    const key = nameKey(path);
    return this.db
      .selectFrom('folders')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where(startsWith('path_key', key))
      .orderBy('path_key')
      .limit(limit)
      .execute();
  }

  /** Which of these folders have at least one subfolder. */
  async withSubfolders(companyHandle: string, paths: readonly string[]): Promise<Set<string>> {
    if (paths.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('folders')
      .select('parent_key')
      .distinct()
      .where('company_handle', '=', companyHandle)
      .where(
        'parent_key',
        'in',
        paths.map((p) => nameKey(p)),
      )
      .execute();
    return new Set(rows.map((r) => r.parent_key!));
  }

  /**
   * Moves the folder at `from` (and everything below it: subfolders and the
   * assets filed in them) to `to`, in one transaction. The caller has checked
   * that `to` is free and not inside `from`.
   */
  async relocate(companyHandle: string, from: string, to: string): Promise<void> {
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (tx) => {
      const repo = new FolderRepository(tx);
      const rows = await repo.subtree(companyHandle, from, Number.MAX_SAFE_INTEGER);
      const toParent = parentPath(to);
      if (toParent !== null) await repo.ensurePath(companyHandle, toParent);
      for (const row of rows) {
        const path = to + row.path.slice(from.length);
        const parent = parentPath(path);
        await tx
          .updateTable('folders')
          .set({
            path_key: nameKey(path),
            path,
            parent_key: parent === null ? null : nameKey(parent),
            last_modified: row.path_key === nameKey(from) ? now : row.last_modified,
          })
          .where('company_handle', '=', companyHandle)
          .where('path_key', '=', row.path_key)
          .execute();
      }
      await tx
        .updateTable('assets')
        .set({ folder: sql<string>`${to} || substr(folder, ${from.length + 1})` })
        .where('company_handle', '=', companyHandle)
        .where(startsWith('folder', from))
        .execute();
    });
  }

  /**
   * Deletes the folder at `path` and its subfolders, and moves the assets
   * filed in them to the trash (IPS trashes a deleted folder's contents), in
   * one transaction. Trashed assets keep their folder path; restoring one
   * recreates its folder (ensurePath).
   */
  async deleteSubtree(companyHandle: string, path: string, user: string | null): Promise<void> {
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('assets')
        .set({ trash_state: 'InTrash', last_modified: now, last_modify_user: user })
        .where('company_handle', '=', companyHandle)
        .where('trash_state', '=', 'NotInTrash')
        .where(startsWith('folder', path))
        .execute();
      await tx
        .deleteFrom('folders')
        .where('company_handle', '=', companyHandle)
        .where(startsWith('path_key', nameKey(path)))
        .execute();
    });
  }
}

// A prefix test both engines evaluate alike; unlike LIKE, '%' and '_' in folder names stay literal.
function startsWith(column: 'path_key' | 'folder', prefix: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`substr(${sql.ref(column)}, 1, ${prefix.length}) = ${prefix}`;
}
