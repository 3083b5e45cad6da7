import { type FieldTable, refused } from './job-fields-rule.js';

/** The field table's part for getAssociatedAssets (docs/assets.md#associated-assets), by `<operation>Param` (see job-fields.ts). */
export const ASSOCIATION_OPERATION_FIELDS: FieldTable = {
  getAssociatedAssetsParam: {
    companyHandle: { honoured: 'the company (assets of other companies never appear)', tests: ['asset-associations.test.ts'] },
    assetHandle: {
      honoured: 'the asset whose sets, members, source and generated assets are returned',
      tests: ['asset-associations.test.ts', 'soap-zeep-associations.test.ts'],
    },
    responseFieldArray: refused('field selection is not supported yet'),
    excludeFieldArray: refused('field selection is not supported yet'),
  },
};
