import { sql } from 'kysely';
import type { Db } from '../database/database.js';
import type { Database } from '../database/tables.js';

/**
 * Every catalog column that holds a storage key: an asset's files (originals,
 * pages, layers and video encodings are assets too), what the Image Serving,
 * Image Rendering and Video publishes copied under published/, the video
 * facts' MP4, and published documents (the video sitemap). A new column that
 * holds a key belongs here, or the orphan sweep takes its objects.
 *
 * An asset emptied from the trash (InEmptiedTrash) keeps its row, and its keys,
 * for the job logs, but its files are meant to be gone (purgeAsset removes
 * them right after marking the row): its keys reference nothing, so files a
 * purge interrupted by a crash left behind are swept.
 */
const KEY_COLUMNS = [
  ['assets', ['original_key', 'optimized_key', 'mask_key']],
  ['is_published_assets', ['image_key', 'mask_key', 'source_key', 'source_mask_key']],
  ['video_info', ['encoded_key']],
  ['context_published_assets', ['source_key', 'media_key', 'thumbnail_key']],
  ['context_published_documents', ['path']],
] as const satisfies ReadonlyArray<readonly [keyof Database, readonly string[]]>;

const EMPTIED = 'InEmptiedTrash';
type KeyRow = { stored_key: string | null };
/** Rows per query when walking the assets table. */
const PAGE = 5000;
/** Keys per IN list: well under SQLite's bound on variables and PostgreSQL's on parameters. */
const IN_BATCH = 500;

/** Which storage keys the catalog references, for the orphan-object sweep. */
export class StorageReferencesRepository {
  constructor(private readonly db: Db) {}

  /** Every referenced key (a key may come more than once), the assets table a page at a time. */
  async *all(): AsyncIterable<string> {
    for (let after: string | null = null; ;) {
      let page = this.db
        .selectFrom('assets')
        .select(['asset_handle', 'original_key', 'optimized_key', 'mask_key'])
        .where('trash_state', '!=', EMPTIED)
        .orderBy('asset_handle')
        .limit(PAGE);
      if (after !== null) page = page.where('asset_handle', '>', after);
      const rows = await page.execute();
      for (const r of rows) yield* present([r.original_key, r.optimized_key, r.mask_key]);
      if (rows.length < PAGE) break;
      after = rows.at(-1)!.asset_handle;
    }
    for (const [table, columns] of KEY_COLUMNS) {
      if (table === 'assets') continue;
      // Columns named by the table above, never by a caller: the query is fixed text.
      const { rows } = await sql<Record<string, string | null>>`select ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table)}`.execute(this.db);
      for (const r of rows) yield* present(columns.map((c) => r[c]));
    }
  }

  /** Those of `keys` a row references now: the last look before an object goes. */
  async referencedAmong(keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < keys.length; i += IN_BATCH) {
      const batch = keys.slice(i, i + IN_BATCH);
      for (const [table, columns] of KEY_COLUMNS) {
        for (const column of columns) {
          const live = table === 'assets' ? sql` and trash_state <> ${EMPTIED}` : sql``;
          const query = sql<KeyRow>`select ${sql.ref(column)} as stored_key from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(batch)})${live}`;
          const { rows } = await query.execute(this.db);
          for (const r of rows) if (r.stored_key) found.add(r.stored_key);
        }
      }
    }
    return found;
  }
}

function present(keys: Array<string | null | undefined>): string[] {
  return keys.filter((k): k is string => typeof k === 'string' && k.length > 0);
}
