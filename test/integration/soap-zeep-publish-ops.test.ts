import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { makeJpeg } from '../support/fixtures.js';
import { seedAssets } from '../support/harness.js';
import { zeepCompany } from '../support/zeep-company.js';
import { IPS_VERSIONS as VERSIONS } from '../support/zeep-session.js';

/**
 * forceRepublishAssets and getAssetPublishHistory through Python zeep (strict)
 * on each IPS version's served WSDL: the HandleArray input, the count/detail
 * reply (a warning and an error AssetOperationFault) and the
 * PublishHistoryArray reply, empty or not; every reply is also held to the
 * XSD the WSDL embeds.
 */
describe(`forceRepublishAssets and getAssetPublishHistory through SOAP (zeep strict) (${process.env.IPS_TEST_DB})`, () => {
  let handles: Record<string, string>;

  const soap = zeepCompany({
    company: 'ZeepPub',
    prepare: async ({ h, acme, dir }) => {
      handles = await seedAssets(h, acme, [
        { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 64, 48) },
        { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 64, 48) },
      ]);
      const unmark = await h.api(
        'setAssetPublishState',
        { companyHandle: acme.companyHandle, assetHandle: handles.Coat, publishState: 'NotMarkedForPublish' },
        acme.who,
      );
      expect(unmark.status).toBe(200);
      const r = await h.api(
        'submitJob',
        { companyHandle: acme.companyHandle, jobName: 'pub', imageServingPublishJob: { publishType: 'Full', emailSetting: 'None' } },
        acme.who,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      await h.client.workflow.getHandle(r.body.jobHandle).result();
    },
  });
  const { zeep, valueOf } = soap;

  for (const version of VERSIONS) {
    it(`${version}: forceRepublishAssets and getAssetPublishHistory parse strictly and validate`, async () => {
      const companyHandle = soap.acme.companyHandle;
      const results = await zeep(version, [
        { op: 'forceRepublishAssets', args: { companyHandle, republishFiles: true, assetHandleArray: { items: [handles.Hat, handles.Coat, 'a|missing'] } } },
        { op: 'getAssetPublishHistory', args: { companyHandle, assetHandle: handles.Hat } },
        { op: 'getAssetPublishHistory', args: { companyHandle, assetHandle: handles.Coat } },
      ]);
      const forced = valueOf(results[0]!);
      expect(forced).toMatchObject({ successCount: 1, warningCount: 1, errorCount: 1 });
      expect(forced.warningDetailArray.items).toEqual([{ assetHandle: handles.Coat, code: FaultCode.InvalidParameter, reason: expect.any(String) }]);
      expect(forced.errorDetailArray.items).toEqual([{ assetHandle: 'a|missing', code: FaultCode.InvalidParameter, reason: expect.any(String) }]);
      const published = await soap.h.ctx.repositories.isPublications.findByAsset(companyHandle, handles.Hat!);
      // zeep unwraps a reply of one element holding one array into the list itself; dateTimes come back as dates.
      const history = valueOf(results[1]!) as Array<{ serverName: string; contextName: string; publishFormat: unknown; lastPublished: string }>;
      expect(history.map((e) => [e.serverName, e.contextName, e.publishFormat ?? null, new Date(e.lastPublished).toISOString()])).toEqual([
        [soap.h.ctx.serverName, 'ImageServing', null, published!.published_at],
      ]);
      expect(valueOf(results[2]!) ?? []).toEqual([]);
    });
  }
});
