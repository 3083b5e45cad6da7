import { type SelectQueryBuilder, type StringReference, sql } from 'kysely';

/*
 * Long walks over the catalog (publishes, optimize, sitemaps) read it a page at
 * a time by a unique key rather than by offset: each page is one bounded,
 * index-ordered query, and rows added or removed behind the walk neither repeat
 * nor skip the rows ahead of it.
 */

/** What a walk over assets or their published records yields: the key it pages by and the name items are logged under. */
export interface KeyAndName {
  asset_handle: string;
  name: string;
}

/** How many rows a candidate query matches (the job's total, counted once before the walk). */
export async function countRows<DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>): Promise<number> {
  const r = await q
    .clearSelect()
    .select(sql<number>`count(*)`.as('n'))
    // The row's type is lost in the generic query; this is the one column just selected.
    .$castTo<{ n: number | string }>()
    .executeTakeFirstOrThrow();
  // PostgreSQL hands back count(*) as a string.
  return Number(r.n);
}

/** The page after `after` (null: the first page): at most `limit` rows in `column` order. */
export function afterKey<DB, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  column: StringReference<DB, TB>,
  after: string | null,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  const page = q.orderBy(column).limit(limit);
  return after === null ? page : page.where(sql.ref(column), '>', after);
}
