import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { makeJpeg } from '../support/fixtures.js';
import { seedAssets } from '../support/harness.js';
import { resultOf } from '../support/zeep.js';
import { zeepCompany } from '../support/zeep-company.js';
import { IPS_VERSIONS as VERSIONS } from '../support/zeep-session.js';

/**
 * createProject, getProjects and addProjectAssets through Python zeep (strict)
 * on each IPS version's served WSDL: the handle reply, the ProjectArray and
 * the count/detail reply with a warning and an error AssetOperationFault;
 * every reply is also held to the XSD the WSDL embeds.
 */
describe(`projects through SOAP (zeep strict) (${process.env.IPS_TEST_DB})`, () => {
  let handles: Record<string, string>;

  const soap = zeepCompany({
    company: 'ZeepProjects',
    prepare: async ({ h, acme, dir }) => {
      handles = await seedAssets(h, acme, [{ path: await makeJpeg(path.join(dir, 'Hat.jpg'), 64, 48) }]);
    },
  });
  const { zeep, valueOf } = soap;

  for (const version of VERSIONS) {
    it(`${version}: createProject, getProjects and addProjectAssets parse strictly and validate`, async () => {
      const companyHandle = soap.acme.companyHandle;
      const projectName = `Launch ${version}`;
      const results = await zeep(version, [
        { op: 'createProject', args: { companyHandle, projectName } },
        { op: 'getProjects', args: { companyHandle } },
        {
          op: 'addProjectAssets',
          args: { companyHandle, projectHandle: resultOf(0), assetHandleArray: { items: [handles.Hat] } },
        },
        {
          op: 'addProjectAssets',
          args: { companyHandle, projectHandle: resultOf(0), assetHandleArray: { items: [handles.Hat, 'a|missing'] } },
        },
      ]);
      // One child in the reply: zeep hands back the handle itself.
      const projectHandle = valueOf(results[0]!) as string;
      expect(projectHandle).toBe(`p|${companyHandle.replace(/^c\|/, '')}|${projectName}`);
      expect(valueOf(results[1]!)).toContainEqual({ projectHandle, name: projectName });
      expect(valueOf(results[2]!)).toMatchObject({ successCount: 1, warningCount: 0, errorCount: 0 });
      const again = valueOf(results[3]!);
      expect(again).toMatchObject({ successCount: 0, warningCount: 1, errorCount: 1 });
      expect(again.warningDetailArray.items).toEqual([{ assetHandle: handles.Hat, code: FaultCode.InvalidParameter, reason: expect.any(String) }]);
      expect(again.errorDetailArray.items).toEqual([{ assetHandle: 'a|missing', code: FaultCode.InvalidParameter, reason: expect.any(String) }]);
    });
  }
});
