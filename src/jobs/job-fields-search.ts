import type { FieldRule, FieldTable } from './job-fields-rule.js';

const TESTS = ['search-metadata.test.ts'];
const honoured = (what: string, tests: readonly string[] = TESTS): FieldRule => ({ honoured: what, tests });

/** TagCondition's fields, searchAssets' tagConditionArray items (docs/search.md). */
export const SEARCH_TAG_CONDITION_FIELDS: Record<string, FieldRule> = {
  fieldHandle: honoured('the tag field (a field of the company)'),
  op: honoured('Matches, MatchesAny, or MatchesAll (multi-valued fields)'),
  value: honoured('the tag Matches compares'),
  valueArray: honoured('the tags MatchesAny and MatchesAll compare'),
};

/** MetadataCondition's fields, in searchAssets and searchAssetsByMetadata (docs/search.md). */
export const SEARCH_METADATA_CONDITION_FIELDS: Record<string, FieldRule> = {
  fieldHandle: honoured('the field compared (a field of the company)', [...TESTS, 'soap-zeep-search.test.ts']),
  op: honoured('the comparison, by value form', [...TESTS, 'soap-zeep-search.test.ts']),
  caseSensitive: honoured('text compared exactly instead of folded'),
  value: honoured('a text value, for any field type', [...TESTS, 'soap-zeep-search.test.ts']),
  values: honoured('text values, any of which matches'),
  boolVal: honoured('Boolean and BooleanTag fields'),
  longVal: honoured('Int and Float fields'),
  minLong: honoured('a lower bound (Int and Float)'),
  maxLong: honoured('an upper bound (Int and Float)'),
  doubleVal: honoured('Int and Float fields'),
  minDouble: honoured('a lower bound (Int and Float)'),
  maxDouble: honoured('an upper bound (Int and Float)'),
  dateVal: honoured('Date fields'),
  minDate: honoured('a lower date bound'),
  maxDate: honoured('an upper date bound'),
};

/** The field table's part for searchAssetsByMetadata (docs/search.md), by `<operation>Param` (see job-fields.ts). */
export const SEARCH_OPERATION_FIELDS: FieldTable = {
  searchAssetsByMetadataParam: {
    companyHandle: honoured('the company searched', [...TESTS, 'soap-zeep-search.test.ts']),
    filters: honoured("searchAssets' structural filters"),
    metadataConditionArray: honoured('conditions on the values of metadata fields', [...TESTS, 'soap-zeep-search.test.ts']),
    metadataConditionMatchMode: honoured('MatchAll or MatchAny of the metadata conditions'),
    responseMetadataArray: honoured('the fields whose values each summary carries', [...TESTS, 'soap-zeep-search.test.ts']),
    recordsPerPage: honoured('page size (at most 1000)'),
    resultsPage: honoured('which page'),
    sortBy: honoured('order of the assets'),
    sortDirection: honoured('ascending or descending'),
  },
  'searchAssetsByMetadataParam.filters': {
    folder: honoured('the folder searched (the company root when left out)'),
    includeSubfolders: honoured('subfolders searched too (true when left out)'),
    assetTypeArray: honoured('only these asset types'),
    excludeAssetTypeArray: honoured('not these asset types'),
    assetSubTypeArray: honoured('only these sub types'),
    strictSubTypeCheck: honoured('assets without a sub type excluded by assetSubTypeArray'),
    excludeByproducts: honoured('hides ripped pages and PSD layers'),
    projectHandle: honoured("only the project's assets"),
    publishState: honoured('only marked or unmarked assets'),
    trashState: honoured('assets in or out of the trash'),
  },
  'searchAssetsByMetadataParam.metadataConditionArray': SEARCH_METADATA_CONDITION_FIELDS,
};
