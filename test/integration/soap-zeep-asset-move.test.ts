import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { makeJpeg } from '../support/fixtures.js';
import { seedAssets } from '../support/harness.js';
import { zeepCompany } from '../support/zeep-company.js';
import { IPS_VERSIONS as VERSIONS } from '../support/zeep-session.js';

/**
 * moveAsset and moveAssets through Python zeep (strict) on each IPS version's
 * served WSDL: moveAsset's empty reply, and moveAssets' AssetMoveArray input
 * and count/detail reply (with an AssetOperationFault in errorDetailArray);
 * every reply is also held to the XSD the WSDL embeds.
 */
describe(`moving assets through SOAP (zeep strict) (${process.env.IPS_TEST_DB})`, () => {
  let root: string;
  let handles: Record<string, string>;

  const soap = zeepCompany({
    company: 'ZeepMove',
    prepare: async ({ h, acme, dir }) => {
      root = (await h.ctx.repositories.companies.findByHandle(acme.companyHandle))!.root_path;
      handles = await seedAssets(h, acme, [
        { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 64, 48) },
        { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 64, 48) },
      ]);
      for (const version of VERSIONS) {
        const r = await h.api('createFolder', { companyHandle: acme.companyHandle, folderPath: version }, acme.who);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      }
    },
  });
  const { zeep, valueOf } = soap;
  const folderOf = async (handle: string) => (await soap.h.ctx.repositories.assets.findByHandle(soap.acme.companyHandle, handle))!.folder;

  for (const version of VERSIONS) {
    it(`${version}: moveAsset and moveAssets parse strictly and validate`, async () => {
      const companyHandle = soap.acme.companyHandle;
      const folderHandle = `f|${root}${version}/`;
      const results = await zeep(version, [
        { op: 'moveAsset', args: { companyHandle, assetHandle: handles.Hat, folderHandle } },
        {
          op: 'moveAssets',
          args: {
            companyHandle,
            assetMoveArray: {
              items: [
                { assetHandle: handles.Coat, folderHandle },
                { assetHandle: 'a|missing', folderHandle },
              ],
            },
          },
        },
      ]);
      valueOf(results[0]!);
      const moved = valueOf(results[1]!);
      expect(moved).toMatchObject({ successCount: 1, warningCount: 0, errorCount: 1 });
      expect(moved.errorDetailArray.items).toEqual([{ assetHandle: 'a|missing', code: FaultCode.InvalidParameter, reason: expect.any(String) }]);
      expect(await folderOf(handles.Hat!)).toBe(`${root}${version}/`);
      expect(await folderOf(handles.Coat!)).toBe(`${root}${version}/`);
    });
  }
});
