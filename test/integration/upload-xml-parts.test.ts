import fs from 'node:fs/promises';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadJobResult } from '../../src/jobs/contracts.js';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg, makePng } from '../support/fixtures.js';
import { assertValidAgainstServedXsd } from '../support/soap-xsd.js';
import { type XmlElement, childText, parseXml } from '../support/xml.js';

const NS_2014 = 'http://www.scene7.com/IpsApi/xsd/2014-04-03';
const FAULT_NS = 'http://www.scene7.com/IpsApi/xsd';

/**
 * The UploadFile servlet spoken as IPS's own clients speak it (Adobe's
 * "HTTP POSTs to the UploadFile servlet"): `auth` an authHeader document,
 * `uploadParams` an uploadPostParam document, both sent as text/plain parts
 * as Adobe's example does; the reply a bare uploadPostReturn or fault element.
 */
describe(`UploadFile with IPS XML parts (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let wsdl: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const files: Record<string, string> = {};

  const authHeader = (who: { email: string; password: string }, extra = '') =>
    `<authHeader xmlns="${NS_2014}"><user>${who.email}</user><password>${who.password}</password><locale>en-US</locale>` +
    `<appName>UploadXmlPartsTest</appName><appVersion>1.0</appVersion>${extra}</authHeader>`;

  /** A multipart post whose document parts are sent as given (text), then the files. */
  async function post(parts: Array<[name: string, text: string]>, list: string[] = [], headers: Record<string, string> = {}) {
    const form = new FormData();
    for (const [name, text] of parts) form.append(name, text);
    for (const file of list) form.append('file', new Blob([await fs.readFile(file)]), path.basename(file));
    const res = await fetch(`${h.baseUrl}/scene7/UploadFile`, { method: 'POST', body: form, headers });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
  }

  /** A bare fault element as the servlet answers: valid against the fault elements of the served XSD. */
  function fault(text: string, kind: string): { code: number; reason: string } {
    assertValidAgainstServedXsd(wsdl, text);
    const root = parseXml(text);
    expect([root.uri, root.local]).toEqual([FAULT_NS, kind]);
    return { code: Number(childText(root, FAULT_NS, 'code')), reason: childText(root, FAULT_NS, 'reason')! };
  }

  function jobHandleOf(text: string, namespace: string): string {
    const root: XmlElement = parseXml(text);
    expect([root.uri, root.local]).toEqual([namespace, 'uploadPostReturn']);
    expect(root.children.map((c) => [c.uri, c.local])).toEqual([[namespace, 'jobHandle']]);
    return childText(root, namespace, 'jobHandle')!;
  }

  const finished = (jobHandle: string) => h.client.workflow.getHandle(jobHandle).result() as Promise<UploadJobResult>;
  const assetsIn = async (folder: string) => {
    const found = await h.api('searchAssets', { companyHandle: acme.companyHandle, folder, includeSubfolders: false }, acme.who);
    expect(found.status).toBe(200);
    return Object.fromEntries((found.body.assetArray?.items ?? []).map((a: any) => [a.name, a]));
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-upload-xml-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    files.jpeg = await makeJpeg(path.join(dir, 'harbour.jpg'), 400, 300);
    files.png = await makePng(path.join(dir, 'badge.png'), 240, 180);
    // Asset names are unique in a company: each job that must create an asset uploads its own file.
    files.tile = await makePng(path.join(dir, 'tile.png'));
    files.stamp = await makePng(path.join(dir, 'stamp.png'));
    files.dial = await makePng(path.join(dir, 'dial.png'));
    wsdl = await (await fetch(`${h.baseUrl}/scene7/webservice/IpsApi-2014-04-03.wsdl`)).text();
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('an authHeader and an uploadPostParam document start a job whose options are decoded by XSD type', async () => {
    const params =
      `<uploadPostParam xmlns="${NS_2014}">` +
      `<companyHandle>${acme.companyHandle}</companyHandle><jobName>xml-upload</jobName><destFolder>xml</destFolder><endJob>true</endJob>` +
      '<uploadParams><overwrite>true</overwrite><readyForPublish>false</readyForPublish><createMask>false</createMask>' +
      '<manualCropOptions><left>40</left><right>60</right><top>0</top><bottom>50</bottom></manualCropOptions>' +
      '<emailSetting>None</emailSetting></uploadParams></uploadPostParam>';
    // Whitespace around the documents, as Adobe's example has it.
    const r = await post(
      [
        ['auth', `\n  ${authHeader(acme.who)}\n`],
        ['uploadParams', `\n  ${params}\n`],
      ],
      [files.jpeg!, files.png!],
    );
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^text\/xml/);
    const jobHandle = jobHandleOf(r.text, NS_2014);

    expect(await finished(jobHandle)).toMatchObject({ total: 2, success: 2, error: 0, endedBy: 'endJob' });
    const byName = await assetsIn('xml');
    expect(Object.keys(byName).sort()).toEqual(['badge', 'harbour']);
    expect(byName.harbour).toMatchObject({ type: 'Image', folder: 'Acme/xml/', readyForPublish: false, createUser: acme.who.email });
    // The ints of manualCropOptions reached the pipeline: 40 + 60 pixels off across, 50 off the bottom.
    for (const [name, size] of [
      ['harbour', [300, 250]],
      ['badge', [140, 130]],
    ] as const) {
      const info = byName[name].imageInfo;
      const ptiff = await sharp(path.join(h.ctx.config.storage.root, info.optimizedPath + info.optimizedFile)).metadata();
      expect([ptiff.width, ptiff.height]).toEqual(size);
    }
  });

  it('a wrong password in the authHeader answers an authenticationFault with its faultHttpStatusCode, else 500', async () => {
    const params = `<uploadPostParam xmlns="${NS_2014}"><companyHandle>${acme.companyHandle}</companyHandle><jobName>refused</jobName><destFolder>refused</destFolder><endJob>true</endJob></uploadPostParam>`;
    const wrong = { email: acme.who.email, password: 'not-the-password' };

    const asked = await post(
      [
        ['auth', authHeader(wrong, '<faultHttpStatusCode>200</faultHttpStatusCode>')],
        ['uploadParams', params],
      ],
      [files.png!],
    );
    expect(asked.status).toBe(200);
    expect(asked.contentType).toMatch(/^text\/xml/);
    expect(fault(asked.text, 'authenticationFault').code).toBe(10001);

    const unasked = await post(
      [
        ['auth', authHeader(wrong)],
        ['uploadParams', params],
      ],
      [files.png!],
    );
    expect(unasked.status).toBe(500);
    expect(fault(unasked.text, 'authenticationFault').code).toBe(10001);
    expect(await assetsIn('refused')).toEqual({});
  });

  it('a DOCTYPE in the uploadParams part is refused with 30003, and nothing is expanded or stored', async () => {
    const hostile =
      '<?xml version="1.0"?><!DOCTYPE uploadPostParam [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
      `<uploadPostParam xmlns="${NS_2014}"><companyHandle>${acme.companyHandle}</companyHandle><jobName>&b;</jobName><endJob>true</endJob></uploadPostParam>`;
    const r = await post(
      [
        ['auth', authHeader(acme.who, '<faultHttpStatusCode>200</faultHttpStatusCode>')],
        ['uploadParams', hostile],
      ],
      [files.png!],
    );
    expect(r.status).toBe(200);
    const f = fault(r.text, 'ipsApiFault');
    expect(f.code).toBe(30003);
    expect(f.reason).toMatch(/^uploadParams: .*DOCTYPE/);

    // The same document with HTTP Basic and no auth part: still XML (the client spoke XML), 500 by default.
    const basicOnly = await post([['uploadParams', hostile]], [], { authorization: basic(acme.who) });
    expect(basicOnly.status).toBe(500);
    expect(fault(basicOnly.text, 'ipsApiFault').code).toBe(30003);
  });

  it('uploadPostParam documents are validated by the JSON part schema: missing and ill-typed fields name the field', async () => {
    const auth = authHeader(acme.who, '<faultHttpStatusCode>200</faultHttpStatusCode>');
    const missing = await post([
      ['auth', auth],
      ['uploadParams', `<uploadPostParam xmlns="${NS_2014}"><jobName>no-company</jobName></uploadPostParam>`],
    ]);
    expect(fault(missing.text, 'ipsApiFault')).toMatchObject({ code: 30002, reason: expect.stringMatching(/^uploadParams\.companyHandle is required/) });

    const illTyped = await post([
      ['auth', auth],
      [
        'uploadParams',
        `<uploadPostParam xmlns="${NS_2014}"><companyHandle>${acme.companyHandle}</companyHandle><jobName>x</jobName><endJob>maybe</endJob></uploadPostParam>`,
      ],
    ]);
    expect(fault(illTyped.text, 'ipsApiFault')).toMatchObject({ code: 30001, reason: expect.stringMatching(/^uploadParams\.endJob: /) });

    const wrongRoot = await post([
      ['auth', auth],
      ['uploadParams', `<submitJobParam xmlns="${NS_2014}"/>`],
    ]);
    expect(fault(wrongRoot.text, 'ipsApiFault')).toMatchObject({ code: 30003, reason: expect.stringMatching(/expected an <uploadPostParam> element/) });
  });

  it('an XML authHeader with a JSON uploadPostParam works, answered in the authHeader namespace', async () => {
    const params = JSON.stringify({ companyHandle: acme.companyHandle, jobName: 'mixed', destFolder: 'mixed', endJob: true });
    const r = await post(
      [
        ['auth', authHeader(acme.who)],
        ['uploadParams', params],
      ],
      [files.tile!],
    );
    expect(r.status).toBe(200);
    const jobHandle = jobHandleOf(r.text, NS_2014);
    expect(await finished(jobHandle)).toMatchObject({ total: 1, success: 1 });
    expect(Object.keys(await assetsIn('mixed'))).toEqual(['tile']);
  });

  it('an authHeader in the unversioned namespace authenticates too; without user and password it is a 10000 fault', async () => {
    const params = JSON.stringify({ companyHandle: acme.companyHandle, jobName: 'unversioned', destFolder: 'unversioned', endJob: true });
    const unversioned = `<authHeader xmlns="${FAULT_NS}"><user>${acme.who.email}</user><password>${acme.who.password}</password></authHeader>`;
    const r = await post(
      [
        ['auth', unversioned],
        ['uploadParams', params],
      ],
      [files.stamp!],
    );
    expect(r.status).toBe(200);
    expect(await finished(jobHandleOf(r.text, FAULT_NS))).toMatchObject({ total: 1, success: 1 });

    const empty = await post(
      [
        ['auth', `<authHeader xmlns="${NS_2014}"><faultHttpStatusCode>200</faultHttpStatusCode></authHeader>`],
        ['uploadParams', params],
      ],
      [files.png!],
    );
    expect(empty.status).toBe(200);
    expect(fault(empty.text, 'authenticationFault').code).toBe(10000);
  });

  it('honours the authHeader: gzipResponse gzips the reply, locale is the job language when uploadPostParam has none', async () => {
    const params = `<uploadPostParam xmlns="${NS_2014}"><companyHandle>${acme.companyHandle}</companyHandle><jobName>gz</jobName><destFolder>gz</destFolder><endJob>true</endJob></uploadPostParam>`;
    const auth = `<authHeader xmlns="${NS_2014}"><user>${acme.who.email}</user><password>${acme.who.password}</password><locale>fr</locale><appName>t</appName><appVersion>1</appVersion><gzipResponse>true</gzipResponse></authHeader>`;
    const form = new FormData();
    form.append('auth', auth);
    form.append('uploadParams', params);
    form.append('file', new Blob([await fs.readFile(files.dial!)]), 'dial.png');
    // fetch would inflate a gzip reply silently; read the raw bytes with node:http to see the encoding.
    const req = new Request(`${h.baseUrl}/scene7/UploadFile`, { method: 'POST', body: form });
    const body = Buffer.from(await req.arrayBuffer());
    const raw = await new Promise<{ encoding?: string; bytes: Buffer }>((resolve, reject) => {
      const r = http.request(
        `${h.baseUrl}/scene7/UploadFile`,
        { method: 'POST', headers: { 'content-type': req.headers.get('content-type')!, 'content-length': String(body.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) }));
        },
      );
      r.on('error', reject);
      r.end(body);
    });
    expect(raw.encoding).toBe('gzip');
    const jobHandle = jobHandleOf(gunzipSync(raw.bytes).toString('utf8'), NS_2014);
    expect(await finished(jobHandle)).toMatchObject({ total: 1, success: 1 });
    const details = async (acceptLanguage?: string) => {
      const res = await fetch(`${h.baseUrl}/api/getJobLogDetails`, {
        method: 'POST',
        headers: { authorization: basic(acme.who), 'content-type': 'application/json', ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) },
        body: JSON.stringify({ companyHandle: acme.companyHandle, jobHandle }),
      });
      return ((await res.json()) as any).jobLogArray.items[0].detailArray.items.map((d: any) => d.logMessage as string);
    };
    // Without a reader language the job's own (the authHeader's fr) is used; an English reader gets other words.
    expect(await details()).toEqual(await details('fr'));
    expect(await details()).not.toEqual(await details('en'));
  });

  it('JSON parts keep JSON replies', async () => {
    const r = await post([
      ['auth', JSON.stringify({ user: acme.who.email, password: 'wrong' })],
      ['uploadParams', JSON.stringify({ companyHandle: acme.companyHandle, jobName: 'json' })],
    ]);
    expect(r.status).toBe(401);
    expect(r.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(r.text)).toMatchObject({ fault: 'authenticationFault', code: 10001 });
  });
});
