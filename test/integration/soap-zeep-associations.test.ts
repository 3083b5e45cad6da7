import { describe, expect, it } from 'vitest';
import { writeBrochurePdf } from '../support/byproduct-sources.js';
import { seedAssets } from '../support/harness.js';
import { zeepCompany } from '../support/zeep-company.js';
import { IPS_VERSIONS as VERSIONS } from '../support/zeep-session.js';

/**
 * getAssociatedAssets through Python zeep (strict) on each IPS version's
 * served WSDL, for a ripped PDF and one of its pages: the AssetArray and
 * GenerationInfoArray replies parse strictly and hold to the XSD the WSDL embeds.
 */
describe(`getAssociatedAssets through SOAP (zeep strict) (${process.env.IPS_TEST_DB})`, () => {
  let handles: Record<string, string>;
  const soap = zeepCompany({
    company: 'ZeepAssociations',
    prepare: async ({ h, acme, dir }) => {
      const pdf = await writeBrochurePdf(dir);
      const seeded = await seedAssets(h, acme, [{ path: pdf }]);
      const job = await h.api(
        'submitJob',
        {
          companyHandle: acme.companyHandle,
          jobName: 'rip',
          reprocessAssetsJob: {
            assetHandleArray: [seeded.brochure],
            createMask: false,
            emailSetting: 'None',
            pdfOptions: { resolution: 36, pdfCatalog: true },
          },
        },
        acme.who,
      );
      expect(job.status, JSON.stringify(job.body)).toBe(200);
      expect(await h.client.workflow.getHandle(job.body.jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
      const rows = await h.ctx.database.db.selectFrom('assets').select(['name', 'asset_handle']).where('company_handle', '=', acme.companyHandle).execute();
      handles = Object.fromEntries(rows.map((r) => [r.name, r.asset_handle]));
    },
    timeout: 180_000,
  });
  const { zeep, valueOf } = soap;

  for (const version of VERSIONS) {
    it(`${version}: getAssociatedAssets parses strictly and validates`, async () => {
      const companyHandle = soap.acme.companyHandle;
      const results = await zeep(version, [
        { op: 'getAssociatedAssets', args: { companyHandle, assetHandle: handles.brochure } },
        { op: 'getAssociatedAssets', args: { companyHandle, assetHandle: handles.brochure_1 } },
        { op: 'getAssociatedAssets', args: { companyHandle, assetHandle: handles.brochure_eCatalog } },
      ]);
      const pdf = valueOf(results[0]!);
      const generated = pdf.generatedArray.items.map((g: any) => [g.engine, g.originator.assetHandle, g.generated.name]);
      expect(generated.sort()).toEqual([
        ['PostScriptRip', handles.brochure, 'brochure_1'],
        ['PostScriptRip', handles.brochure, 'brochure_2'],
        ['PostScriptRip', handles.brochure, 'brochure_eCatalog'],
      ]);
      const page = valueOf(results[1]!);
      expect(page.generatorArray.items.map((g: any) => [g.engine, g.originator.name, g.generated.assetHandle])).toEqual([
        ['PostScriptRip', 'brochure', handles.brochure_1],
      ]);
      expect(page.derivedArray.items.map((a: any) => a.name)).toEqual(['brochure']);
      expect(page.containerArray.items.map((a: any) => a.name)).toEqual(['brochure_eCatalog']);
      const catalog = valueOf(results[2]!);
      expect(catalog.memberArray.items.map((a: any) => a.name)).toEqual(['brochure_1', 'brochure_2']);
    });
  }
});
