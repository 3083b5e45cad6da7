import type { FieldTable } from './job-fields-rule.js';

/** The field table's part for forceRepublishAssets and getAssetPublishHistory (docs/assets.md), by `<operation>Param` (see job-fields.ts). */
export const PUBLISH_OPERATION_FIELDS: FieldTable = {
  forceRepublishAssetsParam: {
    companyHandle: { honoured: "the company (another company's asset is unknown)", tests: ['publish-ops.test.ts'] },
    republishFiles: {
      honoured: 'true (the default): the next publish copies the served files afresh; false: the published copies are kept (with resyncCatalog)',
      tests: ['publish-ops.test.ts', 'publish-ops-video.test.ts'],
    },
    resyncCatalog: {
      honoured: 'with republishFiles false, the reset rewrites the served records only; both false is refused (30001)',
      tests: ['publish-ops.test.ts', 'publish-ops-video.test.ts'],
    },
    assetHandleArray: {
      honoured: 'the marked live assets reset, each independent (errors and warnings in the detail arrays)',
      tests: ['publish-ops.test.ts', 'soap-zeep-publish-ops.test.ts'],
    },
  },
  getAssetPublishHistoryParam: {
    companyHandle: { honoured: "the company (another company's asset is unknown)", tests: ['publish-ops.test.ts'] },
    assetHandle: {
      honoured: 'the asset whose current publications are listed, one per publish context',
      tests: ['publish-ops.test.ts', 'soap-zeep-publish-ops.test.ts'],
    },
  },
};
