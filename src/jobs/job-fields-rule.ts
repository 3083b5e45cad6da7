/**
 * How the field table (job-fields.ts) says a field is treated: honoured, with
 * the test files (under test/unit or test/integration) that exercise it by
 * name and any values the schema refuses although the field itself is
 * accepted (e.g. `twoPass: true`); or refused with 30001 whatever its value.
 */
export type FieldRule = { honoured: string; tests: readonly string[]; refuses?: readonly unknown[] } | { refused: string };

/** Fields by the IPS type (or param) that holds them. */
export type FieldTable = Record<string, Record<string, FieldRule>>;

export const refused = (why: string): FieldRule => ({ refused: why });
