import { type FieldTable, refused } from './job-fields-rule.js';

/** The field table's part for the asset name, trash and move operations (docs/assets.md), by `<operation>Param` (see job-fields.ts). */
export const ASSET_OPERATION_FIELDS: FieldTable = {
  getAssetsByNameParam: {
    companyHandle: { honoured: 'the company', tests: ['asset-lifecycle.test.ts'] },
    accessUserHandle: refused('per-user access control is not supported'),
    accessGroupHandle: refused('user groups are not supported'),
    nameArray: { honoured: 'the names looked up (case-insensitive; every live match)', tests: ['asset-lifecycle.test.ts'] },
    assetTypeArray: { honoured: 'only assets of these types', tests: ['asset-lifecycle.test.ts'] },
    excludeAssetTypeArray: { honoured: 'no assets of these types', tests: ['asset-lifecycle.test.ts'] },
    assetSubTypeArray: { honoured: 'only these sub-types (and assets without one, unless strict)', tests: ['asset-lifecycle.test.ts'] },
    strictSubTypeCheck: { honoured: 'assets without a sub-type left out of a sub-type filter', tests: ['asset-lifecycle.test.ts'] },
    responseFieldArray: refused('field selection is not supported yet'),
    excludeFieldArray: refused('field selection is not supported yet'),
  },
  checkAssetNamesParam: {
    companyHandle: { honoured: 'the company', tests: ['asset-lifecycle.test.ts'] },
    assetNameArray: { honoured: 'the names checked (in the trash too: a trashed name stays reserved)', tests: ['asset-lifecycle.test.ts'] },
  },
  renameAssetParam: {
    companyHandle: { honoured: 'the company', tests: ['asset-lifecycle.test.ts'] },
    assetHandle: { honoured: 'the asset renamed', tests: ['asset-lifecycle.test.ts'] },
    newName: { honoured: 'its new name (unique in the company, the trash included)', tests: ['asset-lifecycle.test.ts'] },
    validateName: { honoured: 'accepted either way: every name is an IPS ID here, so uniqueness is always checked', tests: ['asset-lifecycle.test.ts'] },
  },
  deleteAssetParam: {
    companyHandle: { honoured: 'the company', tests: ['asset-lifecycle.test.ts'] },
    assetHandle: { honoured: 'the asset moved to the trash, with what was made from it', tests: ['asset-lifecycle.test.ts'] },
  },
  deleteAssetsParam: {
    companyHandle: { honoured: 'the company', tests: ['asset-lifecycle.test.ts'] },
    assetHandleArray: { honoured: 'the assets moved to the trash (per-asset errors in errorDetailArray)', tests: ['asset-lifecycle.test.ts'] },
  },
  restoreAssetsFromTrashParam: {
    companyHandle: { honoured: 'the company', tests: ['asset-lifecycle.test.ts'] },
    assetHandleArray: { honoured: 'the assets brought back (their folders re-created)', tests: ['asset-lifecycle.test.ts'] },
  },
  emptyAssetsFromTrashParam: {
    companyHandle: { honoured: 'the company', tests: ['asset-lifecycle.test.ts'] },
    assetHandleArray: { honoured: 'the trashed assets purged: files removed, publications withdrawn, job logs kept', tests: ['asset-lifecycle.test.ts'] },
  },
  moveAssetParam: {
    companyHandle: { honoured: 'the company', tests: ['asset-move.test.ts'] },
    assetHandle: { honoured: 'the live asset moved (what was made from it stays)', tests: ['asset-move.test.ts'] },
    folderHandle: { honoured: 'its destination, an existing folder of the company', tests: ['asset-move.test.ts'] },
  },
  moveAssetsParam: {
    companyHandle: { honoured: 'the company', tests: ['asset-move.test.ts'] },
    assetMoveArray: { honoured: 'the moves, each independent (per-asset errors in errorDetailArray)', tests: ['asset-move.test.ts'] },
  },
  'moveAssetsParam.assetMoveArray': {
    assetHandle: { honoured: 'the live asset moved', tests: ['asset-move.test.ts'] },
    folderHandle: { honoured: 'its destination, an existing folder of the company', tests: ['asset-move.test.ts'] },
  },
  setAssetsPublishStateParam: {
    companyHandle: { honoured: "the company (another company's asset is unknown)", tests: ['asset-state.test.ts'] },
    publishStateUpdateArray: { honoured: 'the updates, each independent, in order (per-asset errors in errorDetailArray)', tests: ['asset-state.test.ts'] },
  },
  'setAssetsPublishStateParam.publishStateUpdateArray': {
    assetHandle: { honoured: 'the live asset updated (trashed assets refused)', tests: ['asset-state.test.ts'] },
    publishState: { honoured: 'MarkedForPublish or NotMarkedForPublish', tests: ['asset-state.test.ts'] },
  },
  getAssetCountsParam: {
    companyHandle: { honoured: 'the company whose live assets are counted', tests: ['asset-state.test.ts'] },
  },
};
