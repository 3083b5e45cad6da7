import type { FieldRule, FieldTable } from './job-fields-rule.js';

/** The job test, and the unit test of the planning every MetadataUpdate goes through (the operations' and the jobs'). */
const JOBS = 'metadata-jobs.test.ts';
const PLAN = 'metadata-update.test.ts';

/** metadataOptions on the upload and reprocess jobs (docs/metadata.md#metadata-set-by-jobs). */
export const METADATA_OPTIONS: FieldRule = {
  honoured:
    "every asset an item commits (with its pages, layers, catalog, template, encodings) gets the updates, checked at submit against the company's fields",
  tests: [JOBS],
};

/** A job's MetadataUpdate: judged as setAssetMetadata judges it, per asset when the item commits. */
const JOB_METADATA_UPDATE: Record<string, FieldRule> = {
  fieldHandle: { honoured: "a field of the company (at submit); one not of the asset's type is skipped with a warning", tests: [JOBS, PLAN] },
  value: { honoured: 'the value as text, parsed for the field type (checked at submit)', tests: [JOBS, PLAN] },
  boolVal: { honoured: 'a Boolean or BooleanTag value', tests: [PLAN] },
  longVal: { honoured: 'an Int or Float value', tests: [PLAN] },
  doubleVal: { honoured: 'a Float value', tests: [PLAN] },
  dateVal: { honoured: 'a Date value (kept in UTC)', tests: [PLAN] },
  addTagValueArray: { honoured: "tags added to a tag field's values (a closed dictionary checked at submit)", tests: [JOBS, PLAN] },
  setTagValueArray: { honoured: "a tag field's values replaced", tests: [JOBS, PLAN] },
  deleteTagValueArray: { honoured: "tags removed from a tag field's values", tests: [PLAN] },
};

/** The nested types of metadataOptions under a job element (the field table names them `<element>.metadataOptions…`). */
export function metadataOptionsFields(element: string): FieldTable {
  return {
    [`${element}.metadataOptions`]: { updateArray: { honoured: 'the updates, applied in order to each asset', tests: [JOBS] } },
    [`${element}.metadataOptions.updateArray`]: JOB_METADATA_UPDATE,
  };
}
