import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { makeJpeg } from '../support/fixtures.js';
import { seedAssets } from '../support/harness.js';
import { zeepCompany } from '../support/zeep-company.js';
import { IPS_VERSIONS as VERSIONS } from '../support/zeep-session.js';

/**
 * setAssetsPublishState and getAssetCounts through Python zeep (strict) on
 * each IPS version's served WSDL: the PublishStateUpdateArray input, the
 * count/detail reply (with an AssetOperationFault in errorDetailArray) and the
 * AssetCountArray reply; every reply is also held to the XSD the WSDL embeds.
 */
describe(`publish state and asset counts through SOAP (zeep strict) (${process.env.IPS_TEST_DB})`, () => {
  let handles: Record<string, string>;

  const marked = async (handle: string) => (await soap.h.ctx.repositories.assets.findByHandle(soap.acme.companyHandle, handle))!.ready_for_publish === 1;
  const soap = zeepCompany({
    company: 'ZeepState',
    prepare: async ({ h, acme, dir }) => {
      handles = await seedAssets(h, acme, [
        { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 64, 48) },
        { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 64, 48) },
      ]);
    },
  });
  const { zeep, valueOf } = soap;

  for (const version of VERSIONS) {
    it(`${version}: setAssetsPublishState and getAssetCounts parse strictly and validate`, async () => {
      const companyHandle = soap.acme.companyHandle;
      const results = await zeep(version, [
        {
          op: 'setAssetsPublishState',
          args: {
            companyHandle,
            publishStateUpdateArray: {
              items: [
                { assetHandle: handles.Hat, publishState: 'MarkedForPublish' },
                { assetHandle: handles.Coat, publishState: 'NotMarkedForPublish' },
                { assetHandle: 'a|missing', publishState: 'MarkedForPublish' },
              ],
            },
          },
        },
        { op: 'getAssetCounts', args: { companyHandle } },
      ]);
      const set = valueOf(results[0]!);
      expect(set).toMatchObject({ successCount: 2, warningCount: 0, errorCount: 1 });
      expect(set.errorDetailArray.items).toEqual([{ assetHandle: 'a|missing', code: FaultCode.InvalidParameter, reason: expect.any(String) }]);
      expect(await marked(handles.Hat!)).toBe(true);
      expect(await marked(handles.Coat!)).toBe(false);
      // zeep unwraps a reply of one element holding one array into the list itself.
      expect(valueOf(results[1]!)).toEqual([{ assetType: 'Image', count: 2 }]);
    });
  }
});
