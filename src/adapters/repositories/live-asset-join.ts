import { type JoinBuilder, sql } from 'kysely';

/**
 * Join condition: `asset` is the live (not trashed), publish-marked asset row of
 * the published record `record` in the same company. Published records whose
 * join finds nothing are the ones a publish removes; a sitemap lists only those
 * that find one. Columns are named through `sql.ref` because the aliases are the
 * caller's; the aliases themselves are checked against the query's tables.
 */
export function onLiveMarkedAsset<DB, TB extends keyof DB>(j: JoinBuilder<DB, TB>, asset: TB & string, record: TB & string): JoinBuilder<DB, TB> {
  const col = (alias: string, column: string) => sql.ref(`${alias}.${column}`);
  return j
    .on(col(asset, 'asset_handle'), '=', col(record, 'asset_handle'))
    .on(col(asset, 'company_handle'), '=', col(record, 'company_handle'))
    .on(col(asset, 'trash_state'), '=', 'NotInTrash')
    .on(col(asset, 'ready_for_publish'), '=', 1);
}
