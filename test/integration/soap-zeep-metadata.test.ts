import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeJpeg } from '../support/fixtures.js';
import { ADMIN, seedAssets } from '../support/harness.js';
import { zeepCompany } from '../support/zeep-company.js';
import { IPS_VERSIONS as VERSIONS, zeepSession } from '../support/zeep-session.js';

/**
 * The metadata operations through Python zeep (strict) on each IPS version's
 * served WSDL: createMetadataField (as the IpsAdmin, whose operation it is),
 * getMetadataFields, setAssetMetadata with text, typed and tag values,
 * batchSetAssetMetadata's count/detail reply with a SetMetadataFault, and
 * deleteAssetMetadata (2014-04-03 only: 2013-02-15 has no such operation);
 * every reply is also held to the XSD the WSDL embeds.
 */
describe(`metadata through SOAP (zeep strict) (${process.env.IPS_TEST_DB})`, () => {
  let handles: Record<string, string>;
  let id: string;

  const soap = zeepCompany({
    company: 'ZeepMeta',
    prepare: async ({ h, acme, dir }) => {
      handles = await seedAssets(h, acme, [
        { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 64, 48) },
        { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 64, 48) },
      ]);
      id = acme.companyHandle.replace(/^c\|/, '');
    },
  });
  const { zeep, valueOf } = soap;
  const admin = zeepSession({ baseUrl: () => soap.h.baseUrl, who: () => ADMIN });
  beforeAll(async () => admin.loadWsdls());

  /** What the asset holds for the field, as stored. */
  const held = async (assetHandle: string, fieldHandle: string) =>
    (
      await soap.h.ctx.database.db
        .selectFrom('asset_metadata')
        .select(['value', 'num_value', 'date_value'])
        .where('asset_handle', '=', assetHandle)
        .where('field_handle', '=', fieldHandle)
        .orderBy('position')
        .execute()
    ).map((r) => r.num_value ?? r.date_value ?? r.value);

  for (const version of VERSIONS) {
    it(`${version}: createMetadataField, getMetadataFields and setAssetMetadata parse strictly and validate`, async () => {
      const companyHandle = soap.acme.companyHandle;
      const [created] = await admin.zeep(version, [
        { op: 'createMetadataField', args: { companyHandle, assetType: 'Image', name: `Width${version.slice(0, 4)}`, fieldType: 'Int', defaultValue: '10' } },
      ]);
      const width = valueOf(created!);
      expect(width).toBe(`m|${id}|IMAGE|Width${version.slice(0, 4)}`);
      const keywords = `m|${id}|ASSET|Keywords`;
      const results = await zeep(version, [
        { op: 'getMetadataFields', args: { companyHandle, assetType: 'Image' } },
        {
          op: 'setAssetMetadata',
          args: {
            companyHandle,
            assetHandle: handles.Hat,
            updateArray: {
              items: [
                { fieldHandle: width, longVal: 640 },
                { fieldHandle: keywords, addTagValueArray: { items: ['wool', version] } },
                { fieldHandle: `m|${id}|ASSET|Description`, value: 'A hat' },
              ],
            },
          },
        },
      ]);
      // zeep unwraps a reply of one element holding one array into the list itself.
      const fields = valueOf(results[0]!) as Array<{ fieldHandle: string; name: string; type: string; defaultValue: string | null; isUserDefined: boolean }>;
      // The required defaultValue is sent empty for a field without one; zeep reads an empty element as None.
      expect(fields.find((f) => f.fieldHandle === keywords)).toMatchObject({ name: 'Keywords', type: 'MultiTag', defaultValue: null, isUserDefined: false });
      expect(fields.find((f) => f.fieldHandle === width)).toMatchObject({ type: 'Int', defaultValue: '10', isUserDefined: true });
      // An empty reply: valueOf fails on a fault or a reply zeep could not parse.
      valueOf(results[1]!);
      expect(await held(handles.Hat!, width)).toEqual([640]);
      expect(await held(handles.Hat!, keywords)).toEqual(expect.arrayContaining(['wool', version]));
      expect(await held(handles.Hat!, `m|${id}|ASSET|Description`)).toEqual(['A hat']);
    });

    it(`${version}: batchSetAssetMetadata's count/detail reply with a SetMetadataFault validates`, async () => {
      const companyHandle = soap.acme.companyHandle;
      const comments = `m|${id}|ASSET|Comments`;
      const [r] = await zeep(version, [
        {
          op: 'batchSetAssetMetadata',
          args: {
            companyHandle,
            updateArray: {
              items: [
                { assetHandleArray: { items: [handles.Hat, handles.Coat, 'a|missing'] }, updateArray: { items: [{ fieldHandle: comments, value: version }] } },
              ],
            },
          },
        },
      ]);
      const reply = valueOf(r!);
      expect(reply).toMatchObject({ successCount: 2, warningCount: 0, errorCount: 1 });
      expect(reply.errorDetailArray.items).toEqual([{ assetHandle: 'a|missing', fieldHandle: comments, code: 30001, reason: expect.any(String) }]);
      expect(await held(handles.Coat!, comments)).toEqual([version]);
    });
  }

  it('2014-04-03: deleteAssetMetadata removes the values listed', async () => {
    const description = `m|${id}|ASSET|Description`;
    expect(await held(handles.Hat!, description)).toEqual(['A hat']);
    const [r] = await zeep('2014-04-03', [
      {
        op: 'deleteAssetMetadata',
        args: { companyHandle: soap.acme.companyHandle, assetHandle: handles.Hat, deleteArray: { items: [{ fieldHandle: description }] } },
      },
    ]);
    valueOf(r!);
    expect(await held(handles.Hat!, description)).toEqual([]);
  });
});
