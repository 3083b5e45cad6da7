import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeJpeg } from '../support/fixtures.js';
import { ADMIN, seedAssets } from '../support/harness.js';
import { zeepCompany } from '../support/zeep-company.js';
import { IPS_VERSIONS as VERSIONS } from '../support/zeep-session.js';

/**
 * searchAssetsByMetadata, and searchAssets with tag and metadata conditions,
 * through Python zeep (strict) on each IPS version's served WSDL: the
 * SearchFilter and MetadataCondition inputs, the AssetSummary reply with its
 * MetadataArray, and the Asset's metadataArray and projects; every reply is
 * also held to the XSD the WSDL embeds.
 */
describe(`metadata search through SOAP (zeep strict) (${process.env.IPS_TEST_DB})`, () => {
  let handles: Record<string, string>;
  let brand: string;
  let colors: string;
  let project: string;

  const soap = zeepCompany({
    company: 'ZeepSearch',
    prepare: async ({ h, acme, dir }) => {
      handles = await seedAssets(h, acme, [
        { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 64, 48) },
        { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 64, 48) },
      ]);
      const ok = async (operation: string, body: Record<string, unknown>, who: typeof acme.who = acme.who) => {
        const r = await h.api(operation, { companyHandle: acme.companyHandle, ...body }, who);
        if (r.status !== 200) throw new Error(`${operation}: ${JSON.stringify(r.body)}`);
        return r.body;
      };
      // Fields are made by company administrators; the harness's admin is one.
      brand = (await ok('createMetadataField', { assetType: 'Asset', name: 'Brand', fieldType: 'String' }, ADMIN)).fieldHandle;
      colors = (await ok('createMetadataField', { assetType: 'Asset', name: 'Colors', fieldType: 'MultiTag' }, ADMIN)).fieldHandle;
      await ok('setAssetMetadata', {
        assetHandle: handles.Hat,
        updateArray: {
          items: [
            { fieldHandle: brand, value: 'Stetson' },
            { fieldHandle: colors, setTagValueArray: { items: ['Brown', 'Black'] } },
          ],
        },
      });
      project = (await ok('createProject', { projectName: 'Winter' })).projectHandle;
      await ok('addProjectAssets', { projectHandle: project, assetHandleArray: { items: [handles.Hat] } });
    },
  });
  const { zeep, valueOf } = soap;

  for (const version of VERSIONS) {
    it(`${version}: searchAssetsByMetadata and searchAssets with metadata and tag conditions parse strictly and validate`, async () => {
      const companyHandle = soap.acme.companyHandle;
      const results = await zeep(version, [
        {
          op: 'searchAssetsByMetadata',
          args: {
            companyHandle,
            filters: { includeSubfolders: true, projectHandle: project, trashState: 'NotInTrash' },
            metadataConditionArray: { items: [{ fieldHandle: brand, op: 'Equals', caseSensitive: false, value: 'stetson' }] },
            metadataConditionMatchMode: 'MatchAll',
            responseMetadataArray: { items: [brand, colors] },
            recordsPerPage: 10,
            resultsPage: 1,
            sortBy: 'Name',
            sortDirection: 'Ascending',
          },
        },
        {
          op: 'searchAssets',
          args: {
            companyHandle,
            includeSubfolders: true,
            tagConditionArray: { items: [{ fieldHandle: colors, op: 'MatchesAll', valueArray: { items: ['black', 'BROWN'] } }] },
            metadataConditionArray: { items: [{ fieldHandle: brand, op: 'StartsWith', value: 'Stet' }] },
          },
        },
      ]);
      const summaries = valueOf(results[0]!);
      expect(summaries.totalRows).toBe(1);
      expect(summaries.assetSummaryArray.items).toHaveLength(1);
      expect(summaries.assetSummaryArray.items[0]).toMatchObject({
        assetHandle: handles.Hat,
        name: 'Hat',
        filename: 'Hat.jpg',
        metadataArray: {
          items: [
            { name: 'Brand', value: 'Stetson' },
            { name: 'Colors', value: 'Brown,Black', valueArray: { items: ['Brown', 'Black'] } },
          ],
        },
      });
      const found = valueOf(results[1]!);
      expect(found.totalRows).toBe(1);
      expect(found.assetArray.items[0]).toMatchObject({
        assetHandle: handles.Hat,
        projects: 'Winter',
        metadataArray: {
          items: [
            { name: 'Brand', value: 'Stetson' },
            { name: 'Colors', valueArray: { items: ['Brown', 'Black'] } },
          ],
        },
      });
    });
  }
});
