import { IpsFault, faults } from '../../domain/faults.js';
import {
  ANY_ASSET_TYPE,
  BOOLEAN_TAG_VALUES,
  FIXED_DICTIONARY_TYPES,
  MAX_METADATA_VALUE_LENGTH,
  MULTI_VALUED_TYPES,
  type MetadataFieldType,
  TAG_TYPES,
  metadataValueKey,
  storageOf,
} from '../../domain/metadata.js';
import type { MetadataUpdate } from '../../domain/schemas/metadata.schema.js';

/**
 * How one MetadataUpdate changes one field of one asset (docs/metadata.md#values):
 * pure, so setAssetMetadata, batchSetAssetMetadata and any job that sets
 * metadata judge a value the same way.
 */

/** What planning needs of a field: its type, where it applies, and its dictionary. */
export interface PlannedField {
  field_handle: string;
  asset_type: string;
  field_type: MetadataFieldType;
  is_enforced: number;
  /** the tag values of the field's dictionary (BooleanTag: True/False) */
  tags: readonly string[];
}

/** One stored value: the row asset_metadata keeps, less its keys. */
export interface MetadataValue {
  value: string;
  value_key: string;
  num_value: number | null;
  date_value: string | null;
}

/** A field's values after the updates, in order; empty removes the field from the asset. */
export interface FieldWrite {
  fieldHandle: string;
  values: MetadataValue[];
}

export interface UpdateError {
  /** the update's index in the array */
  index: number;
  fieldHandle: string;
  fault: IpsFault;
}

export interface UpdatePlan {
  writes: FieldWrite[];
  errors: UpdateError[];
}

type ValueForm = 'value' | 'boolVal' | 'longVal' | 'doubleVal' | 'dateVal' | 'addTagValueArray' | 'setTagValueArray' | 'deleteTagValueArray';
const VALUE_FORMS: readonly ValueForm[] = [
  'value',
  'boolVal',
  'longVal',
  'doubleVal',
  'dateVal',
  'addTagValueArray',
  'setTagValueArray',
  'deleteTagValueArray',
];
const TAG_FORMS: readonly ValueForm[] = ['value', 'addTagValueArray', 'setTagValueArray', 'deleteTagValueArray'];

/** The value forms each type takes; `value` (text, parsed) fits every type. */
function formsOf(type: MetadataFieldType): readonly ValueForm[] {
  if (type === 'BooleanTag') return [...TAG_FORMS, 'boolVal'];
  if (TAG_TYPES.has(type)) return TAG_FORMS;
  if (type === 'Boolean') return ['value', 'boolVal'];
  if (type === 'Int') return ['value', 'longVal'];
  // A whole number is a Float too.
  if (type === 'Float') return ['value', 'doubleVal', 'longVal'];
  if (type === 'Date') return ['value', 'dateVal'];
  return ['value'];
}

/**
 * Applies `updates` in order to the asset's `current` values (by field
 * handle), against `fields` (the company's fields, by handle). An update that
 * fails changes nothing and is reported with its index; the others still
 * apply, so the caller decides between all-or-nothing (setAssetMetadata) and
 * per-field results (batchSetAssetMetadata). `path` names the array in faults
 * (e.g. `updateArray` gives `updateArray.items[2].value`).
 */
export function planUpdates(
  fields: ReadonlyMap<string, PlannedField>,
  asset: { type: string },
  updates: readonly MetadataUpdate[],
  current: ReadonlyMap<string, readonly string[]>,
  path: string,
): UpdatePlan {
  const state = new Map<string, MetadataValue[]>();
  const errors: UpdateError[] = [];
  updates.forEach((update, index) => {
    const at = (name: string) => `${path}.items[${index}].${name}`;
    try {
      const field = fields.get(update.fieldHandle);
      if (!field) throw faults.notFound(at('fieldHandle'), 'metadata field', update.fieldHandle);
      if (field.asset_type !== ANY_ASSET_TYPE && field.asset_type !== asset.type) {
        throw faults.invalid(at('fieldHandle'), `a field of asset type ${asset.type} or ${ANY_ASSET_TYPE}`, `a field of asset type ${field.asset_type}`);
      }
      const before = state.get(field.field_handle) ?? (current.get(field.field_handle) ?? []).map(storedTag);
      state.set(field.field_handle, applyUpdate(field, update, before, at));
    } catch (err) {
      if (!(err instanceof IpsFault)) throw err;
      errors.push({ index, fieldHandle: update.fieldHandle, fault: err });
    }
  });
  return { writes: [...state].map(([fieldHandle, values]) => ({ fieldHandle, values })), errors };
}

function applyUpdate(field: PlannedField, update: MetadataUpdate, before: MetadataValue[], at: (name: string) => string): MetadataValue[] {
  const given = VALUE_FORMS.filter((f) => update[f] !== undefined);
  const allowed = formsOf(field.field_type);
  if (given.length !== 1) {
    throw faults.invalid(
      at(given[1] ?? 'value'),
      `exactly one of ${allowed.join(', ')} (to remove a value use deleteAssetMetadata)`,
      `${given.length} value forms`,
    );
  }
  const form = given[0]!;
  if (!allowed.includes(form)) throw faults.invalid(at(form), `a value form of a ${field.field_type} field: ${allowed.join(', ')}`, update[form]);
  if (TAG_TYPES.has(field.field_type)) return applyTags(field, update, form, before, at);
  if (form === 'value') {
    const text = update.value!;
    // An empty value clears the field, as a cleared box in a form does.
    if (text === '') return [];
    return [parseOrThrow(field.field_type, text, at('value'))];
  }
  return [typedValue(form, update)];
}

function typedValue(form: ValueForm, update: MetadataUpdate): MetadataValue {
  if (form === 'boolVal') return numberValue(update.boolVal ? 'true' : 'false', update.boolVal ? 1 : 0);
  if (form === 'longVal') return numberValue(String(update.longVal), update.longVal!);
  if (form === 'doubleVal') return numberValue(String(update.doubleVal), update.doubleVal!);
  const iso = new Date(update.dateVal!).toISOString();
  return { value: iso, value_key: metadataValueKey(iso), num_value: null, date_value: iso };
}

function applyTags(field: PlannedField, update: MetadataUpdate, form: ValueForm, before: MetadataValue[], at: (name: string) => string): MetadataValue[] {
  const tag = (text: string, name: string) => tagValue(field, text, at(name));
  let after: MetadataValue[];
  if (form === 'value') after = update.value === '' ? [] : [tag(update.value!, 'value')];
  else if (form === 'boolVal') after = [tag(update.boolVal ? 'True' : 'False', 'boolVal')];
  else if (form === 'setTagValueArray') after = update.setTagValueArray!.map((t, i) => tag(t, `setTagValueArray.items[${i}]`));
  else if (form === 'addTagValueArray') after = [...before, ...update.addTagValueArray!.map((t, i) => tag(t, `addTagValueArray.items[${i}]`))];
  else {
    const gone = new Set(update.deleteTagValueArray!.map((t) => metadataValueKey(t.trim())));
    after = before.filter((v) => !gone.has(v.value_key));
  }
  // A tag the field holds already keeps its place and spelling.
  const unique = after.filter((v, i) => after.findIndex((w) => w.value_key === v.value_key) === i);
  if (unique.length > 1 && !MULTI_VALUED_TYPES.has(field.field_type)) {
    throw faults.invalid(at(form), `at most one value (a ${field.field_type} field holds one tag)`, `${unique.length} values`);
  }
  return unique;
}

/** A tag: trimmed, non-empty, and from the dictionary where the field's dictionary is closed. */
function tagValue(field: PlannedField, text: string, at: string): MetadataValue {
  const value = text.trim();
  if (value === '' || value.length > MAX_METADATA_VALUE_LENGTH) throw faults.invalid(at, `a tag of 1 to ${MAX_METADATA_VALUE_LENGTH} characters`, text);
  const key = metadataValueKey(value);
  if (isClosed(field)) {
    const known = dictionaryOf(field).find((t) => metadataValueKey(t) === key);
    if (known === undefined) throw faults.invalid(at, `a value of the field's dictionary (${describeDictionary(field)})`, value);
    // The dictionary's spelling is the one stored, so the field's values read alike.
    return { value: known, value_key: key, num_value: null, date_value: null };
  }
  return { value, value_key: key, num_value: null, date_value: null };
}

/** Fixed tag types always refuse values outside their dictionary (Adobe IPS: string-constants/r-metadata-field-types); a free tag field does when enforced. */
export function isClosed(field: Pick<PlannedField, 'field_type' | 'is_enforced'>): boolean {
  return FIXED_DICTIONARY_TYPES.has(field.field_type) || (TAG_TYPES.has(field.field_type) && field.is_enforced === 1);
}

function dictionaryOf(field: PlannedField): readonly string[] {
  return field.field_type === 'BooleanTag' ? BOOLEAN_TAG_VALUES : field.tags;
}

function describeDictionary(field: PlannedField): string {
  const tags = dictionaryOf(field);
  if (tags.length === 0) return 'it is empty';
  const shown = tags.slice(0, 10).join(', ');
  return tags.length > 10 ? `${shown}, …` : shown;
}

/** A value the asset holds, read back: only a tag update keeps earlier values, and tags are text. */
function storedTag(value: string): MetadataValue {
  return { value, value_key: metadataValueKey(value), num_value: null, date_value: null };
}

function numberValue(text: string, n: number): MetadataValue {
  return { value: text, value_key: metadataValueKey(text), num_value: n, date_value: null };
}

function parseOrThrow(type: MetadataFieldType, text: string, at: string): MetadataValue {
  const parsed = parseValue(type, text);
  if (typeof parsed === 'string') throw faults.invalid(at, parsed, text);
  return parsed;
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN = /^(true|false|1|0)$/i;
/** A date, or a date and time with its zone: a value without a zone would depend on the server's. */
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A non-tag value given as text, parsed for the field's type: the stored row,
 * or what was expected (for the fault). Int, Float, Boolean and Date must
 * parse, as their values are compared as numbers and dates.
 */
export function parseValue(type: MetadataFieldType, text: string): MetadataValue | string {
  if (text.length > MAX_METADATA_VALUE_LENGTH) return `a value of at most ${MAX_METADATA_VALUE_LENGTH} characters`;
  const trimmed = text.trim();
  switch (storageOf(type)) {
    case 'number': {
      if (type === 'Boolean') {
        if (!BOOLEAN.test(trimmed)) return 'a Boolean: true, false, 1 or 0';
        const on = trimmed === '1' || trimmed.toLowerCase() === 'true';
        return numberValue(on ? 'true' : 'false', on ? 1 : 0);
      }
      const n = Number(trimmed);
      if (type === 'Int') return INT.test(trimmed) && Number.isSafeInteger(n) ? numberValue(String(n), n) : 'an Int: a whole number';
      return FLOAT.test(trimmed) && Number.isFinite(n) ? numberValue(String(n), n) : 'a Float: a decimal number';
    }
    case 'date': {
      const ms = DATE.test(trimmed) ? Date.parse(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed) : NaN;
      if (Number.isNaN(ms)) return 'a Date: YYYY-MM-DD or an ISO 8601 date and time with its zone';
      const iso = new Date(ms).toISOString();
      return { value: iso, value_key: metadataValueKey(iso), num_value: null, date_value: iso };
    }
    default:
      return { value: text, value_key: metadataValueKey(text), num_value: null, date_value: null };
  }
}
