import type { MetadataFieldRow } from '../../adapters/repositories/metadata.repository.js';
import type { AssetCondition, SearchCondition, ValueCondition } from '../../adapters/repositories/asset.repository.js';
import { faults } from '../../domain/faults.js';
import {
  ANY_ASSET_TYPE,
  MULTI_VALUED_TYPES,
  type MetadataFieldType,
  TAG_TYPES,
  metadataFieldHandle,
  metadataValueKey,
  storageOf,
} from '../../domain/metadata.js';
import type { SystemFieldCondition } from '../../domain/schemas/asset.schema.js';
import { type MetadataCondition, ORDER_OPS, RANGE_OPS, STRING_OPS, type TagCondition } from '../../domain/schemas/metadata-search.schema.js';

/**
 * Turns the conditions of a search request into the repository's conditions
 * (docs/search.md), checking each against the field it names: the value
 * form must suit the field's type and the operator the value form. Every
 * refusal is a 30001 naming the condition's element.
 */

const COLUMNS = {
  Name: 'name',
  FileName: 'file_name',
  CreateUser: 'create_user',
  LastModifyUser: 'last_modify_user',
  FileSize: 'file_size',
  Created: 'created',
  LastModified: 'last_modified',
} as const;

const isOneOf = <T extends string>(list: readonly T[], op: string): op is T => (list as readonly string[]).includes(op);
const iso = (d: string) => new Date(d).toISOString();

/** The handle of a system metadata field (Keywords, Description, Comments, UserData) of the company. */
export function systemFieldHandle(companyHandle: string, name: string): string {
  return metadataFieldHandle(companyHandle, ANY_ASSET_TYPE, name);
}

/** keywordArray: each keyword must be one of the asset's Keywords, compared case-insensitively. */
export function keywordConditions(companyHandle: string, keywords: readonly string[]): ValueCondition[] {
  const fieldHandle = systemFieldHandle(companyHandle, 'Keywords');
  return keywords.map((k) => ({ fieldHandle, op: 'Matches', keys: [metadataValueKey(k)] }));
}

export function systemFieldCondition(companyHandle: string, c: SystemFieldCondition, path: string): SearchCondition {
  if (!(c.field in COLUMNS)) {
    // Keywords, Description, Comments, UserData: the values of the company's system metadata fields, compared as text.
    if (c.value === undefined || !isOneOf(STRING_OPS, c.op)) {
      throw faults.invalid(path, `a value with a string operator (${STRING_OPS.join(', ')}) for field ${c.field}`, c.op);
    }
    return { fieldHandle: systemFieldHandle(companyHandle, c.field), op: c.op, texts: [c.value], caseSensitive: false };
  }
  return columnCondition(c, path);
}

function columnCondition(c: SystemFieldCondition, path: string): AssetCondition {
  const column = COLUMNS[c.field as keyof typeof COLUMNS];
  const numeric = column === 'file_size';
  const isDate = column === 'created' || column === 'last_modified';
  if (isOneOf(RANGE_OPS, c.op)) {
    const min = numeric ? c.minLong : isDate && c.minDate ? iso(c.minDate) : undefined;
    const max = numeric ? c.maxLong : isDate && c.maxDate ? iso(c.maxDate) : undefined;
    if (min === undefined || max === undefined) throw faults.invalid(path, `minLong/maxLong or minDate/maxDate matching field ${c.field}`, c);
    return { column, op: c.op, min, max };
  }
  if (c.value !== undefined) {
    if (!isOneOf(STRING_OPS, c.op)) throw faults.invalid(`${path}.op`, `a string operator (${STRING_OPS.join(', ')}) with value`, c.op);
    return { column, op: c.op, text: c.value };
  }
  const value = numeric ? c.longVal : isDate && c.dateVal ? iso(c.dateVal) : undefined;
  if (value === undefined) throw faults.invalid(path, `a value form matching field ${c.field}`, c);
  if (!isOneOf(ORDER_OPS, c.op)) throw faults.invalid(`${path}.op`, 'a comparison operator for a number or date', c.op);
  return { column, op: c.op, value };
}

/** A MetadataCondition on `field` (a field of the company: the caller looked it up). */
export function metadataCondition(field: MetadataFieldRow, c: MetadataCondition, path: string): ValueCondition {
  const type = field.field_type as MetadataFieldType;
  const storage = storageOf(type);
  const fieldHandle = field.field_handle;
  const opMust = (ops: readonly string[], form: string) => {
    if (!ops.includes(c.op)) throw faults.invalid(`${path}.op`, `${ops.join(', ')} with ${form}`, c.op);
  };
  const suits = (ok: boolean, form: string, expected: string) => {
    if (!ok) throw faults.invalid(`${path}.${form}`, `${form} only for ${expected} fields (this field is ${type})`, form);
  };
  if (c.value !== undefined || c.values !== undefined) {
    opMust(STRING_OPS, 'value or values');
    const texts = c.value !== undefined ? [c.value] : (c.values ?? []);
    if (texts.length === 0) throw faults.invalid(`${path}.values`, 'at least one value', texts);
    return { fieldHandle, op: c.op as ValueCondition['op'] & (typeof STRING_OPS)[number], texts, caseSensitive: c.caseSensitive ?? false };
  }
  if (c.boolVal !== undefined) {
    opMust(['Equals'], 'boolVal');
    if (type === 'BooleanTag') return { fieldHandle, op: 'Matches', keys: [metadataValueKey(c.boolVal ? 'True' : 'False')] };
    suits(type === 'Boolean', 'boolVal', 'Boolean and BooleanTag');
    return { fieldHandle, op: 'Equals', on: 'num_value', value: c.boolVal ? 1 : 0 };
  }
  const single = c.longVal ?? c.doubleVal ?? (c.dateVal !== undefined ? iso(c.dateVal) : undefined);
  const form = c.longVal !== undefined ? 'longVal' : c.doubleVal !== undefined ? 'doubleVal' : c.dateVal !== undefined ? 'dateVal' : undefined;
  if (form && single !== undefined) {
    opMust(ORDER_OPS, form);
    checkOrderedForm(form, type, storage, suits);
    return { fieldHandle, op: c.op as (typeof ORDER_OPS)[number], on: storage === 'date' ? 'date_value' : 'num_value', value: single };
  }
  const [minForm, min, max] =
    c.minLong !== undefined || c.maxLong !== undefined
      ? (['minLong', c.minLong, c.maxLong] as const)
      : c.minDouble !== undefined || c.maxDouble !== undefined
        ? (['minDouble', c.minDouble, c.maxDouble] as const)
        : (['minDate', c.minDate && iso(c.minDate), c.maxDate && iso(c.maxDate)] as const);
  opMust(RANGE_OPS, 'a min/max pair');
  if (min === undefined || max === undefined) throw faults.invalid(path, `both ${minForm} and ${minForm.replace('min', 'max')}`, c);
  checkOrderedForm(minForm, type, storage, suits);
  return { fieldHandle, op: c.op as (typeof RANGE_OPS)[number], on: storage === 'date' ? 'date_value' : 'num_value', min, max };
}

function checkOrderedForm(form: string, type: MetadataFieldType, storage: string, suits: (ok: boolean, form: string, expected: string) => void): void {
  if (/date/i.test(form)) suits(storage === 'date', form, 'Date');
  else suits(type === 'Int' || type === 'Float', form, 'Int and Float');
}

/** A TagCondition on `field` (a field of the company), compared with its tags case-insensitively. */
export function tagCondition(field: MetadataFieldRow, c: TagCondition, path: string): ValueCondition {
  const type = field.field_type as MetadataFieldType;
  if (!TAG_TYPES.has(type)) throw faults.invalid(`${path}.fieldHandle`, 'a tag field (SingleTag, MultiTag, SingleFixedTag, MultiFixedTag, BooleanTag)', type);
  if (c.op === 'Matches') {
    if (c.value === undefined || c.valueArray !== undefined) throw faults.invalid(`${path}.value`, 'value (and no valueArray) with Matches', c.value);
    return { fieldHandle: field.field_handle, op: 'Matches', keys: [metadataValueKey(c.value)] };
  }
  if (c.valueArray === undefined || c.valueArray.length === 0 || c.value !== undefined) {
    throw faults.invalid(`${path}.valueArray`, `at least one value in valueArray (and no value) with ${c.op}`, c.valueArray);
  }
  if (c.op === 'MatchesAll' && !MULTI_VALUED_TYPES.has(type)) {
    throw faults.invalid(`${path}.op`, 'MatchesAny (MatchesAll is for the multi-valued MultiTag and MultiFixedTag fields)', c.op);
  }
  return { fieldHandle: field.field_handle, op: c.op, keys: [...new Set(c.valueArray.map(metadataValueKey))] };
}
