import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg } from '../support/fixtures.js';
import type { ZeepResult } from '../support/zeep.js';
import { IPS_VERSIONS as VERSIONS, zeepSession } from '../support/zeep-session.js';
import { readZip } from '../support/zip.js';
import { waitUntil as waitFor } from '../support/wait.js';

/**
 * Enough images (processed one at a time, most of a second each) that a
 * reprocess job seen with its first batch in flight is still far from done
 * when the pause sent by the next zeep client arrives.
 */
const IMAGES = 16;
/** The client's own XPath for the export's ZIP URL (the issue's): it names the element without a namespace. */
const CLIENT_ZIP_XPATH = "//assetName[starts-with(text(),'http')]";
/** The same query on the reply as received, whose elements are namespace-qualified. */
const QUALIFIED_ZIP_XPATH = "//*[local-name()='assetName'][starts-with(text(),'http')]";

/**
 * The "must show" flows through Python zeep with strict=True, a SOAP
 * client this service did not write, loading the WSDL the service serves for
 * each IPS version. Every reply zeep receives is also validated against the
 * XSD that WSDL embeds (xmllint), so a reply zeep happens to tolerate but the
 * schema forbids fails too. Set-up and waiting go through the JSON API.
 */
describe(`SOAP through Python zeep (strict), both IPS versions (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;
  let images: string[];
  const { zeep, valueOf, loadWsdls } = zeepSession({ baseUrl: () => h.baseUrl, who: () => acme.who });

  const json = async (op: string, body: Record<string, unknown>) => {
    const r = await h.api(op, { companyHandle: acme.companyHandle, ...body }, acme.who);
    expect(r.status, `${op}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  };
  const waitUntil = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000) => waitFor(what, fn, timeoutMs);
  const active = async (jobHandle: string) => (await h.api('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).body.jobArray.items[0];
  /** The job's log once it has ended, by the JSON API as the other job tests wait. */
  const ended = (jobHandle: string) =>
    waitUntil(`${jobHandle}'s log to end`, async () => {
      const r = await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle, recordsPerPage: 1000 }, acme.who);
      return r.status === 200 && r.body.jobLogArray.items[0]?.endDate ? r.body.jobLogArray.items[0] : undefined;
    });

  beforeAll(async () => {
    // One activity at a time keeps a reprocess job of IMAGES images busy long enough to be paused at its start.
    h = await startHarness({ WORKER_ACTIVITY_CONCURRENCY: '1' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-zeep-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const source = await makeJpeg(path.join(dir, 'source.jpg'), 1600, 1200);
    const files = Array.from({ length: IMAGES }, (_, i) => ({ path: source, name: `img-${String(i).padStart(2, '0')}.jpg` }));
    // An RGB output profile for colorManagementOptions Convert (the reprocess tests use the same one).
    handles = await seedAssets(h, acme, [...files, { path: '/usr/share/color/icc/ghostscript/srgb.icc' }]);
    images = Object.keys(handles)
      .filter((n) => n.startsWith('img-'))
      .sort()
      .map((n) => handles[n]!);
    await loadWsdls();
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe.each(VERSIONS)('IPS %s', (version) => {
    const ns = `http://www.scene7.com/IpsApi/xsd/${version}`;
    let reprocessJob: string;

    it('checkLogin, getCompanyInfo, searchAssets and getAssets', async () => {
      const searchPage = (resultsPage: number) => ({
        op: 'searchAssets',
        args: {
          companyHandle: acme.companyHandle,
          includeSubfolders: true,
          assetTypeArray: { items: ['Image'] },
          sortBy: 'Name',
          sortDirection: 'Ascending',
          recordsPerPage: 5,
          resultsPage,
        },
      });
      const [login, bad, company, search, page3] = await zeep(version, [
        { op: 'checkLogin', args: { companyHandle: acme.companyHandle, email: acme.who.email, password: acme.who.password } },
        { op: 'checkLogin', args: { email: acme.who.email, password: 'not-the-password' } },
        { op: 'getCompanyInfo', args: { companyHandle: acme.companyHandle }, types: true },
        { ...searchPage(1), types: true },
        searchPage(3),
      ]);
      // Every reply is in the namespace of the WSDL zeep loaded.
      expect(login!.reply).toContain(ns);
      expect(valueOf(login!)).toBe('ValidLogin');
      expect(valueOf(bad!)).toBe('InvalidLogin');

      // zeep returns a reply's only child, and an array's list of items, unwrapped.
      expect(valueOf(company!)).toMatchObject({ companyHandle: acme.companyHandle, name: 'Acme', rootPath: 'Acme/' });

      const found = valueOf(search!);
      expect(found.totalRows).toBe(IMAGES);
      const names = Array.from({ length: IMAGES }, (_, i) => `img-${String(i).padStart(2, '0')}`);
      expect(found.assetArray.items.map((a: any) => a.name)).toEqual(names.slice(0, 5));
      expect(found.assetArray.items[0]).toMatchObject({ assetHandle: handles['img-00'], type: 'Image' });
      const types = search!.types as any;
      expect(types.totalRows).toBe('int');
      expect(types.assetArray.items[0].created).toBe('datetime');
      expect(valueOf(page3!).assetArray.items.map((a: any) => a.name)).toEqual(names.slice(10, 15));

      const [assets] = await zeep(version, [
        { op: 'getAssets', args: { companyHandle: acme.companyHandle, assetHandleArray: { items: [handles['img-03'], handles.srgb] } }, types: true },
      ]);
      const got = valueOf(assets!);
      expect(got.map((a: any) => [a.assetHandle, a.type]).sort()).toEqual(
        [
          [handles['img-03'], 'Image'],
          [handles.srgb, 'IccProfile'],
        ].sort(),
      );
      const image = got.find((a: any) => a.type === 'Image');
      expect(image.imageInfo).toMatchObject({ width: 1600, height: 1200 });
      expect((assets!.types as any)[0].lastModified).toBe('datetime');
      expect((assets!.types as any).find((_: unknown, i: number) => got[i].type === 'Image').imageInfo.width).toBe('int');
    });

    it('submits a reprocessAssetsJob, sees it with its echoed options in getActiveJobs, pauses, resumes and stops it', async () => {
      // unsharpMaskOptions came with 2014-04-03: the 2013-02-15 WSDL has no such element.
      const unsharp = version === '2014-04-03' ? { unsharpMaskOptions: { amount: 1.5, radius: 0.75, threshold: 4, monochrome: 0 } } : {};
      const job = {
        assetHandleArray: { items: images },
        createMask: false,
        preserveCrop: false,
        knockoutBackgroundOptions: { corner: 'UpperLeft', tolerance: 0.125, fillMethod: 'FloodFill' },
        autoColorCropOptions: { corner: 'BottomRight', tolerance: 0.25 },
        colorManagementOptions: { colorManagement: 'Convert', outputProfileHandle: handles.srgb },
        emailSetting: 'None',
        ...unsharp,
      };
      const jobName = `zeep-reprocess-${version}`;
      const [submitted] = await zeep(version, [
        { op: 'submitJob', args: { companyHandle: acme.companyHandle, jobName, description: 'through zeep', reprocessAssetsJob: job } },
      ]);
      reprocessJob = valueOf(submitted!);
      expect(reprocessJob).toEqual(expect.any(String));
      // Paused once its first batch is in flight (past its start, as the JSON job tests pause):
      // paused, it stays listed until resumed, and the stop follows the resume at once.
      await waitUntil('the first batch in flight', async () => ((await active(reprocessJob))?.taskProgressArray.items[0]?.numProcessing ?? 0) > 0);
      const control = (op: string) => ({ op, args: { companyHandle: acme.companyHandle, jobHandle: reprocessJob } });
      const [paused, whilePaused, resumed, running, stopped] = await zeep(version, [
        control('pauseJob'),
        { ...control('getActiveJobs'), types: true },
        control('resumeJob'),
        control('getActiveJobs'),
        control('stopJob'),
      ]);
      expect(valueOf(paused!)).toBeNull();

      const jobs = valueOf(whilePaused!);
      expect(jobs).toHaveLength(1);
      const [echoed] = jobs;
      expect(echoed).toMatchObject({
        companyHandle: acme.companyHandle,
        jobHandle: reprocessJob,
        originalName: jobName,
        type: 'ReprocessAssets',
        state: 'Running',
        submitUserEmail: acme.who.email,
        description: 'through zeep',
        totalSize: IMAGES,
      });
      expect(echoed.progressMessage).toContain(`Paused by ${acme.who.email}`);
      // The whole job element comes back, defaults filled in, and zeep parses it.
      expect(echoed.reprocessAssetsJob).toMatchObject({
        assetHandleArray: { items: images },
        createMask: false,
        preserveCrop: false,
        knockoutBackgroundOptions: { corner: 'UpperLeft', tolerance: 0.125, fillMethod: 'FloodFill' },
        autoColorCropOptions: { corner: 'BottomRight', tolerance: 0.25 },
        colorManagementOptions: { colorManagement: 'Convert', outputProfileHandle: handles.srgb },
        emailSetting: 'None',
        ...unsharp,
      });
      const types = (whilePaused!.types as any)[0];
      expect([types.startDate, types.lastProgressUpdate, types.totalSize, types.progress]).toEqual(['datetime', 'datetime', 'int', 'int']);
      expect(types.reprocessAssetsJob.autoColorCropOptions.tolerance).toBe('float');
      expect(types.reprocessAssetsJob.knockoutBackgroundOptions.tolerance).toBe('float');
      expect(types.reprocessAssetsJob.createMask).toBe('bool');
      if (version === '2014-04-03') {
        expect(types.triggerTime).toBe('datetime');
        expect([types.reprocessAssetsJob.unsharpMaskOptions.amount, types.reprocessAssetsJob.unsharpMaskOptions.radius]).toEqual(['float', 'float']);
      } else {
        // 2013-02-15's ActiveJob has no triggerTime.
        expect(echoed).not.toHaveProperty('triggerTime');
      }

      expect(valueOf(resumed!)).toBeNull();
      const afterResume = valueOf(running!)[0];
      expect(afterResume).toMatchObject({ jobHandle: reprocessJob, state: 'Running', progressMessage: 'Running' });
      expect(valueOf(stopped!)).toBeNull();

      const log = await ended(reprocessJob);
      const end = log.detailArray.items.at(-1);
      expect(end.logMessage).toContain(`stopped by ${acme.who.email}`);
      expect(log.totalFileCount).toBeLessThan(IMAGES);
    });

    it('pages getJobLogDetails of the ended job, and lists it in getJobLogs', async () => {
      const reference = (await json('getJobLogDetails', { jobHandle: reprocessJob, recordsPerPage: 1000 })).jobLogArray.items[0];
      const rows = reference.detailArray.items as Array<{ logType: string; logMessage: string }>;
      expect(rows.length).toBeGreaterThanOrEqual(2);

      const pages = Math.ceil(rows.length / 2) + 1;
      const results = await zeep(version, [
        { op: 'getJobLogs', args: { companyHandle: acme.companyHandle, sortBy: 'StartDate', sortDirection: 'Descending', numRows: 50 }, types: true },
        ...Array.from({ length: pages }, (_, i) => ({
          op: 'getJobLogDetails',
          args: {
            companyHandle: acme.companyHandle,
            jobHandle: reprocessJob,
            recordsPerPage: 2,
            resultsPage: i + 1,
            sortBy: 'Date',
            sortDirection: 'Ascending',
          },
          types: i === 0,
        })),
      ]);
      const [list, ...detailPages] = results;
      const logs = valueOf(list!);
      const at = logs.findIndex((l: any) => l.jobHandle === reprocessJob);
      const listed = logs[at];
      expect(listed).toMatchObject({
        originalJobName: `zeep-reprocess-${version}`,
        logType: reference.logType,
        fileSuccessCount: reference.fileSuccessCount,
        fatalError: false,
      });
      expect(listed.detailArray).toBeNull(); // getJobLogs lists logs without their rows
      const listTypes = (list!.types as any)[at];
      expect([listTypes.startDate, listTypes.endDate, listTypes.fileSuccessCount, listTypes.fatalError]).toEqual(['datetime', 'datetime', 'int', 'bool']);

      const paged = detailPages.map((p) => valueOf(p!)[0]);
      for (const page of paged) expect(page).toMatchObject({ jobHandle: reprocessJob, detailTotalRows: rows.length });
      const row = (d: { logType: string; logMessage: string }) => [d.logType, d.logMessage];
      const expected = Array.from({ length: pages - 1 }, (_, i) => rows.slice(i * 2, i * 2 + 2).map(row));
      // The last page asked for is past the end: no rows.
      expect(paged.map((p) => (p.detailArray?.items ?? []).map(row))).toEqual([...expected, []]);
      const detailTypes = (detailPages[0]!.types as any)[0];
      expect(detailTypes.endDate).toBe('datetime');
      // JobLogDetail.dateCreated came with 2014-04-03.
      if (version === '2014-04-03') expect(detailTypes.detailArray.items[0].dateCreated).toBe('datetime');
      else expect(paged[0].detailArray.items[0]).not.toHaveProperty('dateCreated');
    });

    it("runs an exportJob whose ZIP URL the client's XPath finds in the getJobLogDetails reply, and downloads the ZIP", async () => {
      const exported = [handles['img-00']!, handles['img-01']!];
      const [submitted] = await zeep(version, [
        {
          op: 'submitJob',
          args: {
            companyHandle: acme.companyHandle,
            jobName: `zeep-export-${version}`,
            exportJob: { assetHandleArray: { items: exported }, fmt: 'orig', emailSetting: 'None' },
          },
        },
      ]);
      const jobHandle = valueOf(submitted!);
      await ended(jobHandle);

      const [details] = await zeep(version, [
        {
          op: 'getJobLogDetails',
          args: { companyHandle: acme.companyHandle, jobHandle },
          xpath: [
            // The client's XPath as written, on the reply with its namespaces removed (how a namespace-unaware client reads it) ...
            { expr: CLIENT_ZIP_XPATH, stripNamespaces: true },
            // ... and the same query on the reply as received, by local name.
            { expr: QUALIFIED_ZIP_XPATH },
            // Without either, the qualified elements are not found: that is why the two above are needed.
            { expr: CLIENT_ZIP_XPATH },
          ],
        },
      ]);
      const [fromStripped, fromQualified, unqualified] = details!.xpath!;
      expect(fromStripped).toHaveLength(1);
      expect(fromQualified).toEqual(fromStripped);
      expect(unqualified).toEqual([]);
      const url = fromStripped![0]!;
      expect(url).toMatch(/^https?:\/\/[^/]+\/export\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      // zeep parsed the same row.
      const rows = valueOf(details!)[0].detailArray.items;
      expect(rows.find((d: any) => d.assetName === url)).toMatchObject({ logType: 'ZipFileExportJobSuccess', assetType: 'ExportJobZip' });

      // PUBLIC_URL is not set in the harness: the link names the default host, so its path is fetched from the test server.
      const zip = await fetch(`${h.baseUrl}${new URL(url).pathname}`);
      expect(zip.status).toBe(200);
      expect(zip.headers.get('content-type')).toBe('application/zip');
      const entries = await readZip(Buffer.from(await zip.arrayBuffer()));
      expect([...entries.keys()]).toEqual(['img-00.jpg', 'img-01.jpg']);
    });

    it('schedules a job with execSchedule, lists it in getScheduledJobs, deletes it', async () => {
      const jobName = `zeep-nightly-${version}`;
      const job = {
        assetHandleArray: { items: [handles['img-05']] },
        createMask: false,
        autoColorCropOptions: { corner: 'UpperLeft', tolerance: 0.5 },
        emailSetting: 'None',
      };
      const listed = (r: ZeepResult, jobHandle: string) => (valueOf(r) ?? []).filter((j: any) => j.jobHandle === jobHandle);
      const [submitted, scheduled] = await zeep(version, [
        { op: 'submitJob', args: { companyHandle: acme.companyHandle, jobName, execSchedule: '0 0 3 * * ?', reprocessAssetsJob: job } },
        { op: 'getScheduledJobs', args: { companyHandle: acme.companyHandle }, types: true },
      ]);
      const jobHandle = valueOf(submitted!);
      const [entry] = listed(scheduled!, jobHandle);
      expect(entry).toMatchObject({
        companyHandle: acme.companyHandle,
        jobHandle,
        originalName: jobName,
        type: 'ReprocessAssets',
        submitUserEmail: acme.who.email,
        execSchedule: '0 0 3 * * ?',
        triggerState: 'Normal',
        reprocessAssetsJob: {
          assetHandleArray: { items: [handles['img-05']] },
          autoColorCropOptions: { corner: 'UpperLeft', tolerance: 0.5 },
          emailSetting: 'None',
        },
      });
      const next = new Date(entry.nextFireTime);
      expect(next.getTime()).toBeGreaterThan(Date.now());
      const types = (scheduled!.types as any).find((_: unknown, i: number) => valueOf(scheduled!)[i].jobHandle === jobHandle);
      expect(types.nextFireTime).toBe('datetime');
      expect(types.reprocessAssetsJob.autoColorCropOptions.tolerance).toBe('float');

      const [deleted, after] = await zeep(version, [
        { op: 'deleteJob', args: { companyHandle: acme.companyHandle, jobHandle } },
        { op: 'getScheduledJobs', args: { companyHandle: acme.companyHandle } },
      ]);
      expect(valueOf(deleted!)).toBeNull();
      expect(listed(after!, jobHandle)).toEqual([]);
    });
  });
});
