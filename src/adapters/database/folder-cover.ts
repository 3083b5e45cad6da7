/**
 * The bound and predicate of the partial covering index `assets_folder_cover`
 * (migration 0027), shared by that migration and by searchAssets, whose WHERE
 * clause must hold the very same term for a query to use the index. A catalog
 * migrated once keeps the index 0027 built: changing either value needs a new
 * migration that rebuilds the index, else searchAssets names a predicate the
 * index does not have and falls back to the table.
 */

/**
 * Folders of at most this many UTF-8 bytes have their assets in the covering
 * index. The bound keeps every entry under PostgreSQL's btree limit (2,704
 * bytes) whatever the row: with `name` at its column's widest (512 characters
 * of 4 bytes) and the handles, type and trash state at theirs, a folder of 446
 * bytes still fits (test/integration/asset-folder-cover.test.ts). Without it,
 * a legal row (a 700-character Japanese folder, a 512-character name) would
 * make the insert fail.
 */
export const FOLDER_COVER_MAX_BYTES = 400;

/**
 * The index's predicate. A query can use the index only when its WHERE clause
 * holds this very term: searchAssets adds it (with the bound as a literal)
 * when the folder it filters by is short enough, which every asset of that
 * folder then is too.
 */
export const FOLDER_COVER_PREDICATE = `octet_length(folder) <= ${FOLDER_COVER_MAX_BYTES}`;
