import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RIP_ENGINE } from '../../src/services/rip/document-rip.service.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makePng, squarePdf } from '../support/fixtures.js';

/** A two-page, two-inch-square PDF: at 36 ppi each page is 72×72 pixels. */
const twoPagePdf = (dir: string) => squarePdf(path.join(dir, 'brochure.pdf'), ['One', 'Two']);

describe(`RipPdfsJob runs as a reprocess job under its own names (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const handles: Record<string, string> = {};
  const job = (extra: Record<string, unknown> = {}) => ({
    pdfHandleArray: { items: [handles.brochure] },
    createMask: false,
    emailSetting: 'None',
    pdfOptions: { resolution: 36 },
    ...extra,
  });
  const submit = (body: Record<string, unknown>) => h.api('submitJob', { companyHandle: acme.companyHandle, jobName: 'rip-pdfs', ...body }, acme.who);

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-rip-pdfs-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const files = [{ path: await twoPagePdf(dir) }, { path: await makePng(path.join(dir, 'photo.png'), 64, 48) }];
    Object.assign(handles, await seedAssets(h, acme, files));
    expect((await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.brochure!))?.type).toBe('Pdf');
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('rips the PDF into page assets through submitJob, logged as a RipPdfs job', async () => {
    const r = await submit({ ripPdfsJob: job() });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const { jobHandle } = r.body;
    expect(await h.client.workflow.getHandle(jobHandle).result()).toMatchObject({ outcome: 'done', total: 1, processed: 1, errors: 0 });

    const pages = await h.ctx.database.db
      .selectFrom('asset_derivations')
      .innerJoin('assets', 'assets.asset_handle', 'asset_derivations.asset_handle')
      .selectAll()
      .where('source_handle', '=', handles.brochure!)
      .where('engine', '=', RIP_ENGINE)
      .orderBy('position')
      .execute();
    expect(pages.map((p) => [p.name, p.type, p.resolution, p.width, p.height])).toEqual([
      ['brochure_1', 'Image', 36, 72, 72],
      ['brochure_2', 'Image', 36, 72, 72],
    ]);

    const logs = (await h.api('getJobLogs', { companyHandle: acme.companyHandle }, acme.who)).body.jobLogArray.items;
    expect(logs.find((l: any) => l.jobHandle === jobHandle)).toMatchObject({
      originalJobName: 'rip-pdfs',
      logType: 'BeginPdfRip',
      fileSuccessCount: 1,
      fileErrorCount: 0,
    });
    // every row of the job in IPS's PDF-rip family: the document, both pages and the eCatalog
    const rows = (
      await h.api(
        'getJobLogDetails',
        { companyHandle: acme.companyHandle, jobHandle, logTypeArray: ['PdfRipSuccess', 'EndPdfRip', 'ReprocessSuccess'] },
        acme.who,
      )
    ).body.jobLogArray.items[0].detailArray.items;
    expect(
      rows
        .filter((d: any) => d.logType === 'PdfRipSuccess')
        .map((d: any) => d.assetType)
        .sort(),
    ).toEqual(['Catalog', 'Image', 'Image', 'MasterImage'].sort());
    expect(rows.filter((d: any) => d.logType === 'EndPdfRip')).toHaveLength(1);
    expect(rows.filter((d: any) => d.logType === 'ReprocessSuccess')).toHaveLength(0);
    const details = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle, logTypeArray: ['JobType'] }, acme.who)).body.jobLogArray
      .items[0].detailArray.items;
    expect(details.map((d: any) => d.logMessage)).toEqual(['RipPdfs']);
  });

  it('echoes a waiting job in getActiveJobs and a recurring one in getScheduledJobs under ripPdfsJob, defaults filled in', async () => {
    const echo = {
      pdfHandleArray: { items: [handles.brochure] },
      createMask: false,
      emailSetting: 'None',
      pdfOptions: { process: 'Rasterize', resolution: 36, colorspace: 'Auto', pdfCatalog: true, extractSearchWords: false, extractLinks: false },
    };
    // An hour ahead: the run stays a delayed start (state New) for as long as the test looks at it.
    const later = await submit({ execTime: new Date(Date.now() + 3_600_000).toISOString(), ripPdfsJob: job() });
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    const [active] = (await h.api('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle: later.body.jobHandle }, acme.who)).body.jobArray.items;
    expect(active).toMatchObject({ state: 'New', type: 'RipPdfs', originalName: 'rip-pdfs' });
    expect(active.ripPdfsJob).toEqual(echo);
    expect(active).not.toHaveProperty('reprocessAssetsJob');
    expect((await h.api('deleteJob', { companyHandle: acme.companyHandle, jobHandle: later.body.jobHandle }, acme.who)).status).toBe(200);

    const recurring = await submit({ execSchedule: '0 0 3 1 1 ?', ripPdfsJob: job() });
    expect(recurring.status, JSON.stringify(recurring.body)).toBe(200);
    const [scheduled] = (await h.api('getScheduledJobs', { companyHandle: acme.companyHandle, jobHandle: recurring.body.jobHandle }, acme.who)).body.jobArray
      .items;
    expect(scheduled).toMatchObject({ type: 'RipPdfs', originalName: 'rip-pdfs', triggerState: 'Normal' });
    expect(scheduled.ripPdfsJob).toEqual(echo);
    expect((await h.api('deleteJob', { companyHandle: acme.companyHandle, jobHandle: recurring.body.jobHandle }, acme.who)).status).toBe(200);
  });

  it('refuses handles that are not documents of the company, naming the entry as sent', async () => {
    const image = await submit({ ripPdfsJob: job({ pdfHandleArray: [handles.photo, handles.brochure] }) });
    expect(image.status).toBe(400);
    expect(image.body).toMatchObject({ fault: 'ipsApiFault', code: 30001, field: 'ripPdfsJob.pdfHandleArray[0]' });
    expect(image.body.reason).toContain('Image');

    const missing = await submit({ ripPdfsJob: job({ pdfHandleArray: { items: [handles.brochure, 'a|nothing'] } }) });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 30001, field: 'ripPdfsJob.pdfHandleArray[1]' });

    const other = await companyWithUser(h, 'Other', 'IpsUser');
    const foreign = await h.api('submitJob', { companyHandle: other.companyHandle, jobName: 'x', ripPdfsJob: job() }, other.who);
    expect(foreign.body).toMatchObject({ code: 30001, field: 'ripPdfsJob.pdfHandleArray[0]' });

    const reprocessOnly = await submit({ ripPdfsJob: job({ preserveCrop: false }) });
    expect(reprocessOnly.body).toMatchObject({ code: 30001, field: 'ripPdfsJob.preserveCrop' });
  });
});
