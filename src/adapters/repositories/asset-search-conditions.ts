import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { metadataValueKey } from '../../domain/metadata.js';
import type { Database } from '../database/tables.js';

/**
 * The SQL of searchAssets' and searchAssetsByMetadata's conditions
 * (docs/search.md): conditions on the asset row's own columns, and conditions
 * on the values an asset holds for a metadata field, each a semi-join over
 * asset_metadata that reads one index range (field_handle, value_key |
 * num_value | date_value), so a catalog of millions is filtered in the
 * database, never row by row in the service.
 */

export type MatchMode = 'MatchAll' | 'MatchAny';
export type TextOp = 'Equals' | 'NotEquals' | 'Contains' | 'NotContains' | 'StartsWith' | 'EndsWith';
export type OrderOp = 'Equals' | 'NotEquals' | 'LessThan' | 'LessThanEquals' | 'GreaterThan' | 'GreaterThanEquals';
export type RangeOp = 'Between' | 'NotBetween';
export type TagOp = 'Matches' | 'MatchesAny' | 'MatchesAll';

export type AssetColumn = 'name' | 'file_name' | 'create_user' | 'last_modify_user' | 'file_size' | 'created' | 'last_modified';

/** A condition on a column of the asset row, compared case-insensitively for text. */
export type AssetCondition =
  | { column: AssetColumn; op: TextOp; text: string }
  | { column: AssetColumn; op: OrderOp; value: number | string }
  | { column: AssetColumn; op: RangeOp; min: number | string; max: number | string };

/**
 * A condition on the values an asset holds for one metadata field. `texts`
 * compare with `value` (caseSensitive) or with the folded `value_key`, and
 * match when any of them does; `keys` are folded tag values.
 */
export type ValueCondition =
  | { fieldHandle: string; op: TextOp; texts: readonly string[]; caseSensitive: boolean }
  | { fieldHandle: string; op: OrderOp; on: 'num_value' | 'date_value'; value: number | string }
  | { fieldHandle: string; op: RangeOp; on: 'num_value' | 'date_value'; min: number | string; max: number | string }
  | { fieldHandle: string; op: TagOp; keys: readonly string[] };

export type SearchCondition = AssetCondition | ValueCondition;

/** One condition group (system fields, keywords, tags, metadata) with its own match mode. */
export interface ConditionGroup {
  mode: MatchMode;
  items: readonly SearchCondition[];
}

type Eb = ExpressionBuilder<Database, 'assets'>;
type ValueEb = ExpressionBuilder<Database, 'asset_metadata'>;

/** The groups joined by `mode`; empty groups are left out, and no group at all filters nothing. */
export function conditionGroups(eb: Eb, mode: MatchMode, groups: readonly ConditionGroup[]): Expression<SqlBool> | undefined {
  const parts = groups
    .filter((g) => g.items.length > 0)
    .map((g) =>
      joined(
        eb,
        g.mode,
        g.items.map((c) => searchCondition(eb, c)),
      ),
    );
  return parts.length === 0 ? undefined : joined(eb, mode, parts);
}

function joined(eb: Eb, mode: MatchMode, parts: Expression<SqlBool>[]): Expression<SqlBool> {
  return mode === 'MatchAll' ? eb.and(parts) : eb.or(parts);
}

function searchCondition(eb: Eb, c: SearchCondition): Expression<SqlBool> {
  return 'column' in c ? columnCondition(eb, c) : valueCondition(eb, c);
}

const NEGATED: Readonly<Record<string, TextOp | OrderOp | RangeOp>> = {
  NotEquals: 'Equals',
  NotContains: 'Contains',
  NotBetween: 'Between',
};

/**
 * A Not* operator is the negation of its positive: an asset matches when none
 * of its values for the field matches the positive, so an asset holding no
 * value for the field matches too (docs/search.md).
 */
function valueCondition(eb: Eb, c: ValueCondition): Expression<SqlBool> {
  const positive = NEGATED[c.op];
  if (positive) {
    // Correlated on the asset_metadata primary key (asset_handle, field_handle, …): an anti-join on PostgreSQL, one probe per asset on SQLite.
    const held = eb
      .selectFrom('asset_metadata')
      .select(eb.lit(1).as('one'))
      .whereRef('asset_metadata.asset_handle', '=', 'assets.asset_handle')
      .where('asset_metadata.field_handle', '=', c.fieldHandle)
      .where((v) => valuePredicate(v as unknown as ValueEb, { ...c, op: positive } as ValueCondition));
    return eb.not(eb.exists(held));
  }
  if ('keys' in c && c.op === 'MatchesAll') return eb.and(c.keys.map((key) => holding(eb, c.fieldHandle, (v) => v('value_key', '=', key))));
  return holding(eb, c.fieldHandle, (v) => valuePredicate(v, c));
}

/**
 * The assets holding a value of the field that satisfies `predicate`: an
 * uncorrelated semi-join, so the database reads the (field_handle, …) index
 * range once and probes the assets by primary key, whichever side is smaller.
 */
function holding(eb: Eb, fieldHandle: string, predicate: (v: ValueEb) => Expression<SqlBool>): Expression<SqlBool> {
  return eb(
    'assets.asset_handle',
    'in',
    eb
      .selectFrom('asset_metadata')
      .select('asset_metadata.asset_handle')
      .where('asset_metadata.field_handle', '=', fieldHandle)
      .where((v) => predicate(v as unknown as ValueEb)),
  );
}

function valuePredicate(v: ValueEb, c: ValueCondition): Expression<SqlBool> {
  if ('keys' in c) return v('value_key', 'in', [...c.keys]);
  if ('texts' in c) return v.or(c.texts.map((t) => textPredicate(v, c.op, t, c.caseSensitive)));
  if ('min' in c) return v.and([v(c.on, '>=', c.min), v(c.on, '<=', c.max)]);
  return v(c.on, ORDER_SQL[c.op], c.value);
}

const ORDER_SQL = { Equals: '=', NotEquals: '<>', LessThan: '<', LessThanEquals: '<=', GreaterThan: '>', GreaterThanEquals: '>=' } as const;

/**
 * `value_key` holds the value folded as `text` was (lower case, NFC), so the
 * folded comparison is plain equality or LIKE on it. A case-sensitive
 * comparison keeps that folded test (it narrows the index range) and checks
 * the exact text with functions both SQLite and PostgreSQL have and that
 * never fold case: `=`, substr, and replace (text occurs iff removing it
 * changes the value; SQLite's LIKE ignores ASCII case, so it cannot).
 */
function textPredicate(v: ValueEb, op: TextOp, text: string, caseSensitive: boolean): Expression<SqlBool> {
  const key = metadataValueKey(text);
  const folded = foldedPredicate(v, op, key);
  if (!caseSensitive || text === '') return folded;
  const value = sql.ref<string>('value');
  const exact =
    op === 'Equals' || op === 'NotEquals'
      ? v('value', '=', text)
      : op === 'StartsWith'
        ? sql<SqlBool>`substr(${value}, 1, ${text.length}) = ${text}`
        : op === 'EndsWith'
          ? sql<SqlBool>`substr(${value}, length(${value}) - ${text.length} + 1) = ${text}`
          : sql<SqlBool>`replace(${value}, ${text}, '') <> ${value}`;
  return v.and([folded, exact]);
}

function foldedPredicate(v: ValueEb, op: TextOp, key: string): Expression<SqlBool> {
  const col = sql.ref<string>('value_key');
  const t = likeLiteral(key);
  switch (op) {
    case 'Equals':
    case 'NotEquals':
      return v('value_key', '=', key);
    case 'Contains':
    case 'NotContains':
      return like(col, `%${t}%`);
    case 'StartsWith':
      return like(col, `${t}%`);
    case 'EndsWith':
      return like(col, `%${t}`);
  }
}

function columnCondition(eb: Eb, c: AssetCondition): Expression<SqlBool> {
  if ('text' in c) {
    const col = eb.fn<string>('lower', [eb.fn.coalesce(c.column, eb.val(''))]);
    const t = likeLiteral(c.text.toLowerCase());
    switch (c.op) {
      case 'Equals':
        return eb(col, '=', c.text.toLowerCase());
      case 'NotEquals':
        return eb(col, '<>', c.text.toLowerCase());
      case 'Contains':
        return like(col, `%${t}%`);
      case 'NotContains':
        return eb.not(like(col, `%${t}%`));
      case 'StartsWith':
        return like(col, `${t}%`);
      case 'EndsWith':
        return like(col, `%${t}`);
    }
  }
  if ('min' in c) {
    const between = eb.and([eb(c.column, '>=', c.min), eb(c.column, '<=', c.max)]);
    return c.op === 'Between' ? between : eb.not(between);
  }
  return eb(c.column, ORDER_SQL[c.op], c.value);
}

/** User text inside LIKE is literal: its wildcards are escaped with '!' (same syntax on SQLite and PostgreSQL). */
function likeLiteral(text: string): string {
  return text.replace(/[!%_]/g, (ch) => `!${ch}`);
}

function like(col: Expression<string>, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`${col} like ${pattern} escape '!'`;
}
