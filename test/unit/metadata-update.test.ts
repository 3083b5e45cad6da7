import { describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import type { MetadataFieldType } from '../../src/domain/metadata.js';
import type { MetadataUpdate } from '../../src/domain/schemas/metadata.schema.js';
import { type PlannedField, parseValue, planUpdates } from '../../src/services/metadata/metadata-update.js';

/** planUpdates and parseValue (docs/metadata.md#values): one MetadataUpdate judged against one field. */
const field = (handle: string, type: MetadataFieldType, extra: Partial<PlannedField> = {}): PlannedField => ({
  field_handle: handle,
  asset_type: 'Asset',
  field_type: type,
  is_enforced: 0,
  tags: [],
  ...extra,
});
const FIELDS = new Map<string, PlannedField>(
  [
    field('str', 'String'),
    field('int', 'Int'),
    field('float', 'Float'),
    field('bool', 'Boolean'),
    field('date', 'Date'),
    field('kw', 'MultiTag'),
    field('season', 'SingleFixedTag', { tags: ['Spring', 'Fall'] }),
    field('colors', 'MultiFixedTag', { tags: ['Red', 'Blue', 'Green'] }),
    field('flag', 'BooleanTag'),
    field('one', 'SingleTag'),
    field('closed', 'MultiTag', { is_enforced: 1, tags: ['A', 'B'] }),
    field('pdfOnly', 'String', { asset_type: 'Pdf' }),
  ].map((f) => [f.field_handle, f]),
);
const image = { type: 'Image' };
const plan = (updates: Array<Partial<MetadataUpdate> & { fieldHandle: string }>, current: Record<string, string[]> = {}) =>
  planUpdates(FIELDS, image, updates as MetadataUpdate[], new Map(Object.entries(current)), 'updateArray');
const values = (p: ReturnType<typeof plan>, handle: string) => p.writes.find((w) => w.fieldHandle === handle)?.values.map((v) => v.value);

describe('planUpdates', () => {
  it('parses text for the field type and keeps typed values in their columns', () => {
    const p = plan([
      { fieldHandle: 'str', value: ' Hello ' },
      { fieldHandle: 'int', value: '007' },
      { fieldHandle: 'float', value: '2.50' },
      { fieldHandle: 'bool', value: 'TRUE' },
      { fieldHandle: 'date', value: '2024-03-01T12:00:00+02:00' },
    ]);
    expect(p.errors).toEqual([]);
    expect(p.writes.map((w) => w.values[0])).toEqual([
      { value: ' Hello ', value_key: ' hello ', num_value: null, date_value: null },
      { value: '7', value_key: '7', num_value: 7, date_value: null },
      { value: '2.5', value_key: '2.5', num_value: 2.5, date_value: null },
      { value: 'true', value_key: 'true', num_value: 1, date_value: null },
      { value: '2024-03-01T10:00:00.000Z', value_key: '2024-03-01t10:00:00.000z', num_value: null, date_value: '2024-03-01T10:00:00.000Z' },
    ]);
  });

  it('takes the typed forms matching the type: boolVal, longVal, doubleVal, dateVal', () => {
    const p = plan([
      { fieldHandle: 'bool', boolVal: false },
      { fieldHandle: 'int', longVal: -3 },
      { fieldHandle: 'float', doubleVal: 1.25 },
      { fieldHandle: 'float', longVal: 4 },
      { fieldHandle: 'date', dateVal: '2020-01-02T03:04:05Z' },
      { fieldHandle: 'flag', boolVal: true },
    ]);
    expect(p.errors).toEqual([]);
    expect(Object.fromEntries(p.writes.map((w) => [w.fieldHandle, w.values.map((v) => v.num_value ?? v.date_value ?? v.value)]))).toEqual({
      bool: [0],
      int: [-3],
      float: [4],
      date: ['2020-01-02T03:04:05.000Z'],
      flag: ['True'],
    });
  });

  it('refuses text that does not parse, the wrong form, two forms and no form, naming the update', () => {
    const p = plan([
      { fieldHandle: 'int', value: '1.5' },
      { fieldHandle: 'float', value: 'abc' },
      { fieldHandle: 'bool', value: 'yes' },
      { fieldHandle: 'date', value: '2024-03-01T12:00:00' },
      { fieldHandle: 'str', boolVal: true },
      { fieldHandle: 'int', value: '1', longVal: 1 },
      { fieldHandle: 'str' },
      { fieldHandle: 'int', doubleVal: 2.5 },
    ]);
    expect(p.writes).toEqual([]);
    expect(p.errors.map((e) => [e.index, e.fault.code, e.fault.field])).toEqual([
      [0, FaultCode.InvalidParameter, 'updateArray.items[0].value'],
      [1, FaultCode.InvalidParameter, 'updateArray.items[1].value'],
      [2, FaultCode.InvalidParameter, 'updateArray.items[2].value'],
      [3, FaultCode.InvalidParameter, 'updateArray.items[3].value'],
      [4, FaultCode.InvalidParameter, 'updateArray.items[4].boolVal'],
      [5, FaultCode.InvalidParameter, 'updateArray.items[5].longVal'],
      [6, FaultCode.InvalidParameter, 'updateArray.items[6].value'],
      [7, FaultCode.InvalidParameter, 'updateArray.items[7].doubleVal'],
    ]);
    expect(p.errors[0]!.fault.reason).toContain('an Int');
  });

  it('refuses values longer than 512 characters, an unknown field and a field of another asset type', () => {
    const p = plan([
      { fieldHandle: 'str', value: 'x'.repeat(513) },
      { fieldHandle: 'nope', value: 'x' },
      { fieldHandle: 'pdfOnly', value: 'x' },
      { fieldHandle: 'kw', addTagValueArray: ['y'.repeat(513)] },
    ]);
    expect(p.errors.map((e) => e.fault.field)).toEqual([
      'updateArray.items[0].value',
      'updateArray.items[1].fieldHandle',
      'updateArray.items[2].fieldHandle',
      'updateArray.items[3].addTagValueArray.items[0]',
    ]);
    expect(p.errors[2]!.fault.reason).toContain('asset type Pdf');
  });

  it('adds, sets and deletes tags in order on what the asset holds, without duplicates (compared case-insensitively)', () => {
    const p = plan(
      [
        { fieldHandle: 'kw', addTagValueArray: ['blue', ' Hat '] },
        { fieldHandle: 'kw', deleteTagValueArray: ['SUMMER'] },
      ],
      { kw: ['Summer', 'Blue'] },
    );
    expect(p.errors).toEqual([]);
    expect(values(p, 'kw')).toEqual(['Blue', 'Hat']);
    expect(values(plan([{ fieldHandle: 'kw', setTagValueArray: ['a', 'b'] }], { kw: ['x'] }), 'kw')).toEqual(['a', 'b']);
    expect(values(plan([{ fieldHandle: 'kw', setTagValueArray: [] }], { kw: ['x'] }), 'kw')).toEqual([]);
  });

  it('keeps fixed dictionaries closed (stored in the dictionary spelling) and Single* fields to one value', () => {
    const ok = plan([
      { fieldHandle: 'season', value: 'fall' },
      { fieldHandle: 'colors', setTagValueArray: ['red', 'GREEN'] },
      { fieldHandle: 'flag', value: 'false' },
    ]);
    expect(ok.errors).toEqual([]);
    expect([values(ok, 'season'), values(ok, 'colors'), values(ok, 'flag')]).toEqual([['Fall'], ['Red', 'Green'], ['False']]);
    const bad = plan(
      [
        { fieldHandle: 'season', value: 'Winter' },
        { fieldHandle: 'colors', addTagValueArray: ['Purple'] },
        { fieldHandle: 'flag', value: 'maybe' },
        { fieldHandle: 'season', setTagValueArray: ['Spring', 'Fall'] },
        { fieldHandle: 'one', addTagValueArray: ['second'] },
      ],
      { one: ['first'] },
    );
    expect(bad.writes).toEqual([]);
    expect(bad.errors.map((e) => e.fault.field)).toEqual([
      'updateArray.items[0].value',
      'updateArray.items[1].addTagValueArray.items[0]',
      'updateArray.items[2].value',
      'updateArray.items[3].setTagValueArray',
      'updateArray.items[4].addTagValueArray',
    ]);
    expect(bad.errors[0]!.fault.reason).toContain('Spring, Fall');
  });

  it('closes a free tag field when it is enforced (isEnforced)', () => {
    expect(plan([{ fieldHandle: 'closed', addTagValueArray: ['a'] }]).errors).toEqual([]);
    expect(plan([{ fieldHandle: 'closed', addTagValueArray: ['c'] }]).errors.map((e) => e.fault.field)).toEqual([
      'updateArray.items[0].addTagValueArray.items[0]',
    ]);
    expect(plan([{ fieldHandle: 'kw', addTagValueArray: ['anything'] }]).errors).toEqual([]);
  });

  it('clears a field with an empty value; a failed update leaves the others applied', () => {
    const p = plan([
      { fieldHandle: 'str', value: '' },
      { fieldHandle: 'int', value: 'x' },
      { fieldHandle: 'int', value: '5' },
    ]);
    expect(values(p, 'str')).toEqual([]);
    expect(values(p, 'int')).toEqual(['5']);
    expect(p.errors.map((e) => e.index)).toEqual([1]);
  });
});

describe('parseValue', () => {
  it('takes a date alone as UTC midnight and refuses a time without its zone', () => {
    expect(parseValue('Date', '2024-02-29')).toMatchObject({ date_value: '2024-02-29T00:00:00.000Z' });
    expect(typeof parseValue('Date', '2024-02-29T10:00')).toBe('string');
    expect(typeof parseValue('Int', '9007199254740993')).toBe('string');
    expect(parseValue('Color', '#ff0000')).toMatchObject({ value: '#ff0000', num_value: null });
  });
});
