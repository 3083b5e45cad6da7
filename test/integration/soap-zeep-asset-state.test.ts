import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { makeJpeg } from '../support/fixtures.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { IPS_VERSIONS as VERSIONS, zeepSession } from '../support/zeep-session.js';

/**
 * setAssetsPublishState and getAssetCounts through Python zeep (strict) on
 * each IPS version's served WSDL: the PublishStateUpdateArray input, the
 * count/detail reply (with an AssetOperationFault in errorDetailArray) and the
 * AssetCountArray reply; every reply is also held to the XSD the WSDL embeds.
 */
describe(`publish state and asset counts through SOAP (zeep strict) (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;

  const { zeep, valueOf, loadWsdls } = zeepSession({ baseUrl: () => h.baseUrl, who: () => acme.who });
  const marked = async (handle: string) => (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handle))!.ready_for_publish === 1;

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-zeep-state-'));
    acme = await companyWithUser(h, 'ZeepState', 'IpsUser');
    handles = await seedAssets(h, acme, [
      { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 64, 48) },
      { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 64, 48) },
    ]);
    await loadWsdls();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  for (const version of VERSIONS) {
    it(`${version}: setAssetsPublishState and getAssetCounts parse strictly and validate`, async () => {
      const companyHandle = acme.companyHandle;
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
