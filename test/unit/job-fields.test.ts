import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/api/operations.js';
import { FIELD_TABLE, schemaFields } from '../../src/jobs/job-fields.js';

/**
 * Nothing accepted and ignored: every field an operation or job element
 * accepts is in the field table with how it is honoured, or is refused
 * whatever its value.
 */
// submitJob's param is walked as submitJobParam itself (with every job element); the other operations by <operation>Param.
const fields = schemaFields(
  Object.fromEntries(
    Object.entries(OPERATIONS)
      .filter(([op]) => op !== 'submitJob')
      .map(([op, spec]) => [`${op}Param`, spec.param]),
  ),
);
const key = (type: string, field: string) => `${type}.${field}`;
const SAMPLES: unknown[] = [true, false, 0, 1, 'x', 'None', {}, [], { items: [] }];
/** A test name may exist as a unit and an integration test: either may exercise the field. */
const testFiles = (name: string) => ['unit', 'integration'].map((d) => path.join(__dirname, '..', d, name)).filter((p) => fs.existsSync(p));

describe('the field table', () => {
  it('lists every field an operation or job element accepts', () => {
    const missing = fields.filter((f) => !FIELD_TABLE[f.type]?.[f.field]).map((f) => key(f.type, f.field));
    expect(missing).toEqual([]);
  });

  it('lists no field that no schema accepts', () => {
    const accepted = new Set(fields.map((f) => key(f.type, f.field)));
    const stale = Object.entries(FIELD_TABLE)
      .flatMap(([type, rules]) => Object.keys(rules).map((f) => key(type, f)))
      .filter((k) => !accepted.has(k));
    expect(stale).toEqual([]);
  });

  it('refused fields are refused whatever their value', () => {
    const accepting = fields
      .filter((f) => 'refused' in FIELD_TABLE[f.type]![f.field]!)
      .filter((f) => SAMPLES.some((v) => f.schema.safeParse(v).success))
      .map((f) => key(f.type, f.field));
    expect(accepting).toEqual([]);
  });

  it('values an honoured field refuses are refused', () => {
    const accepting = fields.flatMap((f) => {
      const rule = FIELD_TABLE[f.type]![f.field]!;
      return 'refuses' in rule && rule.refuses
        ? rule.refuses.filter((v) => f.schema.safeParse(v).success).map((v) => `${key(f.type, f.field)}=${JSON.stringify(v)}`)
        : [];
    });
    expect(accepting).toEqual([]);
  });

  it('honoured fields are accepted and exercised by the tests the table names', () => {
    const problems: string[] = [];
    for (const f of fields) {
      const rule = FIELD_TABLE[f.type]![f.field]!;
      if (!('honoured' in rule)) continue;
      if (rule.tests.length === 0) problems.push(`${key(f.type, f.field)}: no test named`);
      for (const name of rule.tests) {
        const files = testFiles(name);
        if (files.length === 0) problems.push(`${key(f.type, f.field)}: ${name} does not exist`);
        else if (!files.some((file) => new RegExp(`\\b${f.field}\\b`).test(fs.readFileSync(file, 'utf8'))))
          problems.push(`${key(f.type, f.field)}: ${name} never names ${f.field}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
