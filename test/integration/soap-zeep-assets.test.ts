import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { makeJpeg, makePng } from '../support/fixtures.js';
import { seedAssets } from '../support/harness.js';
import { zeepCompany } from '../support/zeep-company.js';
import { IPS_VERSIONS as VERSIONS } from '../support/zeep-session.js';

/**
 * The asset name and trash operations through Python zeep (strict) on each IPS
 * version's served WSDL: getAssetsByName's AssetArray, checkAssetNames'
 * StringArray and the count/detail replies of deleteAssets and
 * restoreAssetsFromTrash (with an AssetOperationFault in errorDetailArray);
 * every reply is also held to the XSD the WSDL embeds.
 */
describe(`asset names and the trash through SOAP (zeep strict) (${process.env.IPS_TEST_DB})`, () => {
  let handles: Record<string, string>;
  const soap = zeepCompany({
    company: 'ZeepAssets',
    prepare: async ({ h, acme, dir }) => {
      handles = await seedAssets(h, acme, [
        { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 200, 150) },
        { path: await makePng(path.join(dir, 'Shoe.png'), 120, 80) },
      ]);
    },
  });
  const { zeep, valueOf } = soap;

  describe.each(VERSIONS)('IPS %s', (version) => {
    it('getAssetsByName and checkAssetNames parse strictly and validate', async () => {
      const companyHandle = soap.acme.companyHandle;
      const [byName, images, none, inUse] = await zeep(version, [
        { op: 'getAssetsByName', args: { companyHandle, nameArray: { items: ['hat', 'Shoe', 'nothing'] } }, types: true },
        { op: 'getAssetsByName', args: { companyHandle, nameArray: { items: ['Hat'] }, assetTypeArray: { items: ['Image'] }, strictSubTypeCheck: false } },
        { op: 'getAssetsByName', args: { companyHandle, nameArray: { items: ['nothing'] } } },
        { op: 'checkAssetNames', args: { companyHandle, assetNameArray: { items: ['HAT', 'Shoe', 'free'] } } },
      ]);
      // The reply has one child, so zeep hands back its value (the AssetArray's items) itself.
      const found = valueOf(byName!) as Array<{ name: string; assetHandle: string; type: string }>;
      expect(found.map((a) => [a.name, a.assetHandle, a.type]).sort()).toEqual([
        ['Hat', handles.Hat, 'Image'],
        ['Shoe', handles.Shoe, 'Image'],
      ]);
      expect((byName!.types as any)[0].created).toBe('datetime');
      expect(valueOf(images!).map((a: { name: string }) => a.name)).toEqual(['Hat']);
      expect(valueOf(none!) ?? []).toEqual([]);
      expect(valueOf(inUse!)).toEqual(['HAT', 'Shoe']);
    });

    it('deleteAssets and restoreAssetsFromTrash: counts and an AssetOperationFault parse strictly and validate', async () => {
      const companyHandle = soap.acme.companyHandle;
      const [deleted, afterDelete, restored, afterRestore] = await zeep(version, [
        { op: 'deleteAssets', args: { companyHandle, assetHandleArray: { items: [handles.Hat, 'a|missing'] } } },
        { op: 'getAssetsByName', args: { companyHandle, nameArray: { items: ['Hat'] } } },
        { op: 'restoreAssetsFromTrash', args: { companyHandle, assetHandleArray: { items: [handles.Hat, 'a|missing'] } } },
        { op: 'getAssetsByName', args: { companyHandle, nameArray: { items: ['Hat'] } } },
      ]);
      const del = valueOf(deleted!);
      expect(del).toMatchObject({ successCount: 1, warningCount: 0, errorCount: 1 });
      expect(del.errorDetailArray.items).toEqual([{ assetHandle: 'a|missing', code: FaultCode.InvalidParameter, reason: expect.any(String) }]);
      expect(valueOf(afterDelete!) ?? []).toEqual([]);
      const res = valueOf(restored!);
      expect(res).toMatchObject({ successCount: 1, warningCount: 0, errorCount: 1 });
      expect(res.errorDetailArray.items).toEqual([{ assetHandle: 'a|missing', code: expect.any(Number), reason: expect.any(String) }]);
      expect(valueOf(afterRestore!).map((a: { assetHandle: string }) => a.assetHandle)).toEqual([handles.Hat]);
    });
  });
});
