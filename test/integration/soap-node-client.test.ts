import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../support/fixtures.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { assertValidAgainstServedXsd } from '../support/soap-xsd.js';
import { childrenOf, parseXml } from '../support/xml.js';

/**
 * The npm `soap` client (node-soap), unmodified, driving one whole IPS
 * integration the way a Node.js shop would write it: the client is generated
 * from the served 2014-04-03 WSDL, the authHeader is added with
 * addSoapHeader, and every reply it receives is held to the XSD that WSDL
 * embeds.
 */

const VERSION = '2014-04-03';
const IPS_NS = `http://www.scene7.com/IpsApi/xsd/${VERSION}`;
const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** What a client sends in its authHeader besides the credentials (2014-04-03 clients identify themselves). */
const APP = { appName: 'acme-dam-sync', appVersion: '3.2.1' };

/** A node-soap client and every raw reply body it received, in order (its 'response' event). */
interface IpsClient {
  client: soap.Client;
  replies: string[];
}

describe(`node-soap client against the SOAP endpoint (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let wsdlUrl: string;
  let wsdl: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;

  const connect = async (who: { email: string; password: string }): Promise<IpsClient> => {
    const client = await soap.createClientAsync(wsdlUrl);
    // As integrations write it: the header object in the versioned namespace the WSDL declares for authHeader.
    client.addSoapHeader({ authHeader: { user: who.email, password: who.password, ...APP } }, '', 'ips', IPS_NS);
    const replies: string[] = [];
    client.on('response', (body: string) => replies.push(body));
    return { client, replies };
  };

  /**
   * Calls `<op>Async`, then checks the raw reply the client parsed: it is the
   * client's lastResponse, a SOAP 1.1 envelope whose Body holds `<op>Return`
   * in the request's namespace, and it validates against the served XSD.
   */
  const call = async (ips: IpsClient, op: string, args: Record<string, unknown>): Promise<any> => {
    const before = ips.replies.length;
    const [result, rawResponse] = await ips.client[`${op}Async`](args);
    expect(ips.replies.length).toBe(before + 1);
    const reply = ips.replies.at(-1)!;
    expect(rawResponse).toBe(reply);
    expect(ips.client.lastResponse).toBe(reply);
    expect(String(ips.client.lastResponseHeaders?.['content-type'])).toMatch(/^text\/xml/);
    const body = childrenOf(parseXml(reply), SOAP11_NS, 'Body')[0]!;
    expect(body.children.map((c) => [c.uri, c.local])).toEqual([[IPS_NS, `${op}Return`]]);
    assertValidAgainstServedXsd(wsdl, reply);
    return result;
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-node-soap-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    wsdlUrl = `${h.baseUrl}/scene7/webservice/IpsApi-${VERSION}.wsdl`;
    const res = await fetch(wsdlUrl);
    expect(res.status).toBe(200);
    wsdl = await res.text();
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('runs a whole integration: login, company, search, a reprocess job watched to its end, its logs', async () => {
    const ips = await connect(acme.who);

    expect(await call(ips, 'checkLogin', { email: acme.who.email, password: acme.who.password })).toEqual({ status: 'ValidLogin' });

    const company = await call(ips, 'getCompanyInfo', { companyHandle: acme.companyHandle });
    expect(company.companyInfo).toMatchObject({ companyHandle: acme.companyHandle, name: 'Acme' });

    // Seeding goes through the upload servlet: the flow under test starts at the search.
    const seeded = await seedAssets(h, acme, [
      { path: await makePng(path.join(dir, 'banner.png'), 64, 48) },
      { path: await makePng(path.join(dir, 'tile.png'), 32, 32) },
    ]);

    const found = await call(ips, 'searchAssets', {
      companyHandle: acme.companyHandle,
      includeSubfolders: true,
      assetTypeArray: { items: ['Image'] },
      sortBy: 'Name',
      sortDirection: 'Ascending',
    });
    expect(Number(found.totalRows)).toBe(2);
    const items: Array<{ assetHandle: string; name: string; imageInfo: { width: number } }> = found.assetArray.items;
    expect(items.map((a) => [a.name, a.assetHandle])).toEqual([
      ['banner', seeded.banner],
      ['tile', seeded.tile],
    ]);
    const banner = items[0]!;
    expect(Number(banner.imageInfo.width)).toBe(64);

    // With no worker the job waits in Temporal, so getActiveJobs is sure to see it before it ends.
    await h.stopWorker();
    let jobHandle: string;
    try {
      const submitted = await call(ips, 'submitJob', {
        companyHandle: acme.companyHandle,
        jobName: 'crop-banner',
        description: 'node-soap crop',
        // The XSD's sequence order: node-soap writes the keys as given.
        reprocessAssetsJob: {
          assetHandleArray: { items: [banner.assetHandle] },
          createMask: false,
          manualCropOptions: { left: 8, right: 8, top: 4, bottom: 4 },
          emailSetting: 'None',
        },
      });
      jobHandle = submitted.jobHandle;
      expect(jobHandle).toEqual(expect.any(String));

      const active = await call(ips, 'getActiveJobs', { companyHandle: acme.companyHandle, jobHandle });
      const listed = [active.jobArray.items].flat();
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({
        companyHandle: acme.companyHandle,
        jobHandle,
        originalName: 'crop-banner',
        submitUserEmail: acme.who.email,
        description: 'node-soap crop',
        reprocessAssetsJob: { assetHandleArray: { items: [banner.assetHandle] }, manualCropOptions: { left: 8, right: 8, top: 4, bottom: 4 } },
      });
    } finally {
      await h.startWorker();
    }

    // As a client would: poll getActiveJobs until the job is no longer listed (bounded).
    const deadline = Date.now() + 90_000;
    for (;;) {
      const active = await call(ips, 'getActiveJobs', { companyHandle: acme.companyHandle, jobHandle });
      if (!active.jobArray?.items) break;
      if (Date.now() > deadline) throw new Error(`job ${jobHandle} still active after 90 s`);
      await sleep(200);
    }

    const logs = await call(ips, 'getJobLogs', { companyHandle: acme.companyHandle, sortBy: 'StartDate', sortDirection: 'Descending' });
    const log = [logs.jobLogArray.items].flat().find((l: { jobHandle: string }) => l.jobHandle === jobHandle);
    expect(log).toMatchObject({
      companyHandle: acme.companyHandle,
      jobHandle,
      originalJobName: 'crop-banner',
      submitUserEmail: acme.who.email,
      fatalError: false,
    });
    expect([Number(log.fileSuccessCount), Number(log.fileErrorCount)]).toEqual([1, 0]);
    expect(log.endDate).toBeInstanceOf(Date);

    const details = await call(ips, 'getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle, sortDirection: 'Ascending' });
    const detailLog = [details.jobLogArray.items].flat()[0];
    expect(detailLog).toMatchObject({ jobHandle, originalJobName: 'crop-banner' });
    const rows: Array<{ logType: string; assetHandle?: string; logMessage: string }> = [detailLog.detailArray.items].flat();
    expect(Number(detailLog.detailTotalRows)).toBe(rows.length);
    expect(rows.some((r) => r.assetHandle === banner.assetHandle)).toBe(true);
    expect(rows.every((r) => typeof r.logMessage === 'string' && r.logMessage.length > 0)).toBe(true);
  });

  it('reads a SOAP fault: a wrong password rejects with authenticationFault 10001 in root.Envelope.Body.Fault.detail', async () => {
    const ips = await connect({ email: acme.who.email, password: 'not-the-password' });
    const error: any = await ips.client.getCompanyInfoAsync({ companyHandle: acme.companyHandle }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(Error);
    const fault = error.root?.Envelope?.Body?.Fault;
    expect(fault).toMatchObject({ faultcode: 'soapenv:Client', faultstring: 'Invalid username/password' });
    expect(fault.detail.authenticationFault).toEqual({ code: '10001', reason: 'Invalid username/password' });
    expect(error.response?.status).toBe(500);

    expect(ips.replies).toHaveLength(1);
    expect(ips.client.lastResponse).toBe(ips.replies[0]);
    assertValidAgainstServedXsd(wsdl, ips.replies[0]!);
  });
});
