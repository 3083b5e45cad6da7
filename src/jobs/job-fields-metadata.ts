import type { FieldRule, FieldTable } from './job-fields-rule.js';

const FIELDS = 'metadata-fields.test.ts';
const VALUES = 'asset-metadata.test.ts';
const PLAN = 'metadata-update.test.ts';

/** MetadataUpdate's fields, the same in setAssetMetadata and batchSetAssetMetadata (docs/metadata.md#values). */
const METADATA_UPDATE: Record<string, FieldRule> = {
  fieldHandle: { honoured: "the company's field set (it must apply to the asset's type)", tests: [VALUES, PLAN] },
  value: { honoured: 'the value as text, parsed for the field type (Int, Float, Boolean, Date must parse); empty clears it', tests: [VALUES, PLAN] },
  boolVal: { honoured: 'a Boolean or BooleanTag value', tests: [VALUES, PLAN] },
  longVal: { honoured: 'an Int or Float value', tests: [VALUES, PLAN] },
  doubleVal: { honoured: 'a Float value', tests: [VALUES, PLAN] },
  dateVal: { honoured: 'a Date value (kept in UTC)', tests: [VALUES, PLAN] },
  addTagValueArray: { honoured: "tags added to a tag field's values", tests: [VALUES, PLAN] },
  setTagValueArray: { honoured: "a tag field's values replaced", tests: [VALUES, PLAN] },
  deleteTagValueArray: { honoured: "tags removed from a tag field's values", tests: [VALUES, PLAN] },
};

/** The field table's part for the metadata operations (docs/metadata.md), by `<operation>Param` (see job-fields.ts). */
export const METADATA_OPERATION_FIELDS: FieldTable = {
  getMetadataFieldsParam: {
    companyHandle: { honoured: 'the company whose fields are listed', tests: [FIELDS] },
    assetType: { honoured: "the type's fields and the 'Asset' (every type) fields", tests: [FIELDS] },
  },
  getAssetMetadataFieldsParam: {
    companyHandle: { honoured: 'the company whose fields are listed by asset type', tests: [FIELDS] },
  },
  createMetadataFieldParam: {
    companyHandle: { honoured: 'the company the field belongs to', tests: [FIELDS] },
    assetType: { honoured: "the asset type the field applies to ('Asset': every type)", tests: [FIELDS] },
    name: { honoured: 'the name, unique among the fields an asset of the type sees', tests: [FIELDS] },
    fieldType: { honoured: 'one of the 14 IPS metadata field types', tests: [FIELDS] },
    defaultValue: { honoured: 'a value of the field type (refused for tag types)', tests: [FIELDS] },
    isHidden: { honoured: 'kept and listed', tests: [FIELDS] },
    isEnforced: { honoured: "a free tag field's values must come from its dictionary", tests: [FIELDS, PLAN] },
    initialTagValue: { honoured: "comma-separated values seeding a tag field's dictionary", tests: [FIELDS] },
  },
  updateMetadataFieldParam: {
    companyHandle: { honoured: 'the company the field belongs to', tests: [FIELDS] },
    fieldHandle: { honoured: 'the user-defined field changed (system fields refused)', tests: [FIELDS] },
    name: { honoured: 'the new name (the handle stays)', tests: [FIELDS] },
    defaultValue: { honoured: 'the new default, a value of the field type', tests: [FIELDS] },
    isHidden: { honoured: 'kept and listed', tests: [FIELDS] },
    isEnforced: { honoured: "a free tag field's values must come from its dictionary", tests: [FIELDS] },
    initialTagValue: { honoured: "comma-separated values added to a tag field's dictionary", tests: [FIELDS] },
  },
  deleteMetadataFieldParam: {
    companyHandle: { honoured: 'the company the field belongs to', tests: [FIELDS] },
    fieldHandle: { honoured: "the user-defined field deleted, with its dictionary and assets' values", tests: [FIELDS] },
  },
  setAssetMetadataParam: {
    companyHandle: { honoured: "the company (another company's asset is unknown)", tests: [VALUES] },
    assetHandle: { honoured: 'the live asset whose values are set', tests: [VALUES] },
    updateArray: { honoured: 'the updates, in order, all or none', tests: [VALUES] },
  },
  'setAssetMetadataParam.updateArray': METADATA_UPDATE,
  batchSetAssetMetadataParam: {
    companyHandle: { honoured: "the company (another company's asset is unknown)", tests: [VALUES] },
    updateArray: { honoured: 'groups of assets and the updates each gets; failures per asset and field in errorDetailArray', tests: [VALUES] },
  },
  'batchSetAssetMetadataParam.updateArray': {
    assetHandleArray: { honoured: 'the live assets the group updates', tests: [VALUES] },
    updateArray: { honoured: 'the updates every asset of the group gets', tests: [VALUES] },
  },
  'batchSetAssetMetadataParam.updateArray.updateArray': METADATA_UPDATE,
  deleteAssetMetadataParam: {
    companyHandle: { honoured: "the company (another company's asset is unknown)", tests: [VALUES] },
    assetHandle: { honoured: 'the live asset whose values are removed', tests: [VALUES] },
    deleteArray: { honoured: 'the fields whose values are removed', tests: [VALUES] },
  },
  'deleteAssetMetadataParam.deleteArray': {
    fieldHandle: { honoured: 'a field of the company (one the asset holds no value for is no error)', tests: [VALUES] },
  },
  getUniqueMetadataValuesParam: {
    companyHandle: { honoured: 'the company whose live assets are read', tests: [FIELDS] },
    fieldHandle: { honoured: 'the field whose distinct values are listed', tests: [FIELDS] },
  },
};
