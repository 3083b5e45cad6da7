import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nameKey, nowIso } from '../../src/domain/handles.js';
import { ANY_ASSET_TYPE, metadataFieldHandle, metadataValueKey } from '../../src/domain/metadata.js';
import { makeJpeg } from '../support/fixtures.js';
import { seedAssets } from '../support/harness.js';
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
      const db = h.ctx.database.db;
      const now = nowIso();
      const field = async (name: string, type: string) => {
        const handle = metadataFieldHandle(acme.companyHandle, ANY_ASSET_TYPE, name);
        await db
          .insertInto('metadata_fields')
          .values({
            field_handle: handle,
            company_handle: acme.companyHandle,
            asset_type: ANY_ASSET_TYPE,
            name,
            name_key: nameKey(name),
            field_type: type,
            default_value: null,
            initial_tag_value: null,
            is_hidden: 0,
            is_enforced: 0,
            is_user_defined: 1,
            created: now,
            last_modified: now,
          })
          .execute();
        return handle;
      };
      brand = await field('Brand', 'String');
      colors = await field('Colors', 'MultiTag');
      const value = (asset: string, fieldHandle: string, position: number, text: string) => ({
        asset_handle: asset,
        field_handle: fieldHandle,
        position,
        value: text,
        value_key: metadataValueKey(text),
        num_value: null,
        date_value: null,
        last_modified: now,
      });
      await db
        .insertInto('asset_metadata')
        .values([value(handles.Hat!, brand, 0, 'Stetson'), value(handles.Hat!, colors, 0, 'Brown'), value(handles.Hat!, colors, 1, 'Black')])
        .execute();
      project = `p|${acme.companyHandle.replace(/^c\|/, '')}|Winter`;
      await db
        .insertInto('projects')
        .values({ project_handle: project, company_handle: acme.companyHandle, name: 'Winter', name_key: 'winter', created: now, last_modified: now })
        .execute();
      await db.insertInto('project_assets').values({ project_handle: project, asset_handle: handles.Hat!, added: now }).execute();
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
