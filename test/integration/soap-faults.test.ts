import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_XML_LIMITS } from '../../src/adapters/xml/xml-reader.js';
import { en } from '../../src/domain/i18n/en.js';
import { fr } from '../../src/domain/i18n/fr.js';
import { makePng, uploadPost } from '../support/fixtures.js';
import { type Harness, basic, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { assertValidAgainstServedXsd } from '../support/soap-xsd.js';
import { type XmlElement, childText, childrenOf, parseXml } from '../support/xml.js';

/**
 * The SOAP and POX endpoints spoken to with hand-written documents over plain
 * HTTP: every fault IPS clients handle, the ways they authenticate, locale and
 * gzip, hostile XML, AEM's POX dialect and the WSDL routes. Every SOAP/POX
 * reply is held to the XSD the served WSDL embeds.
 */

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
const XSD_BASE = 'http://www.scene7.com/IpsApi/xsd';
const NS = `${XSD_BASE}/2014-04-03`;
const NS_2013 = `${XSD_BASE}/2013-02-15`;
const NS_BETA = `${XSD_BASE}/2019-09-10-beta`;
const NS_POX_REQUEST = `${XSD_BASE}/2017-10-29-beta`;
const LEGACY_NS = 'http://www.scene7.com/IpsApi';
/** A body limit small enough to exceed cheaply (the default is 4 MiB). */
const MAX_XML_BODY_BYTES = 65_536;

type Who = { email: string; password: string };

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  root: XmlElement;
}

interface Fault {
  /** authenticationFault | authorizationFault | ipsApiFault */
  kind: string;
  code: number;
  reason: string;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** An authHeader in `ns` with user, password and the app fields 2014-04-03 clients send, plus `extra` children. */
function authHeader(who: Who, extra: Record<string, string> = {}, ns = NS): string {
  const fields = { user: who.email, password: who.password, appName: 'faults-test', appVersion: '1.0', ...extra };
  return `<a:authHeader xmlns:a="${ns}">${Object.entries(fields)
    .map(([k, v]) => `<a:${k}>${escape(v)}</a:${k}>`)
    .join('')}</a:authHeader>`;
}

/** `<op>Param` in `ns` (prefix p) with simple children, or raw inner XML. */
function param(op: string, children: Record<string, string> | string, ns = NS): string {
  const inner =
    typeof children === 'string'
      ? children
      : Object.entries(children)
          .map(([k, v]) => `<p:${k}>${escape(v)}</p:${k}>`)
          .join('');
  return `<p:${op}Param xmlns:p="${ns}">${inner}</p:${op}Param>`;
}

function envelope(header: string, body: string, soapNs = SOAP11): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${soapNs}"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

/** `doc` with a DOCTYPE after its XML declaration. */
function withDoctype(doctype: string, doc: string): string {
  expect(doc.startsWith('<?xml')).toBe(true);
  return doc.replace('?>', `?>${doctype}`);
}

/** The one element of a SOAP Body (or a POX reply's root). */
function payload(reply: Reply): XmlElement {
  const { root } = reply;
  if (root.local !== 'Envelope') return root;
  const body = childrenOf(root, root.uri, 'Body');
  expect(body).toHaveLength(1);
  expect(body[0]!.children).toHaveLength(1);
  return body[0]!.children[0]!;
}

/** The `<op>Return` of a successful reply, checked to be in `ns`. */
function returned(reply: Reply, op: string, ns = NS): XmlElement {
  expect(reply.status, reply.text).toBe(200);
  const element = payload(reply);
  expect([element.uri, element.local]).toEqual([ns, `${op}Return`]);
  return element;
}

/** The fault a SOAP 1.1 reply carries, checked for the 1.1 shape: faultcode, faultstring = reason, detail holding the fault. */
function fault11(reply: Reply): Fault & { faultcode: string } {
  const f = payload(reply);
  expect([f.uri, f.local]).toEqual([SOAP11, 'Fault']);
  const detail = childrenOf(f, '', 'detail')[0]!;
  expect(detail.children).toHaveLength(1);
  const inner = faultElement(detail.children[0]!);
  expect(childText(f, '', 'faultstring')).toBe(inner.reason);
  return { ...inner, faultcode: childText(f, '', 'faultcode')! };
}

/** ipsApiFault / authenticationFault / authorizationFault in the unversioned namespace. */
function faultElement(e: XmlElement): Fault {
  expect(e.uri).toBe(XSD_BASE);
  expect(['ipsApiFault', 'authenticationFault', 'authorizationFault']).toContain(e.local);
  return { kind: e.local, code: Number(childText(e, XSD_BASE, 'code')), reason: childText(e, XSD_BASE, 'reason')! };
}

/** Nothing of the server's internals: no stack frames, no source paths. */
function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/^\s*at\s/m);
  expect(text).not.toMatch(/\bat [\w$.<>]+ \(/);
  expect(text).not.toMatch(/\.(?:ts|js|mjs):\d+/);
  expect(text).not.toMatch(/node_modules|\/src\/|file:\/\//);
}

/** A SOAP reply read as the JSON API would return it: `items` always an array, scalars typed. */
function asJson(e: XmlElement): unknown {
  if (!e.children.length) {
    const t = e.text;
    return t === 'true' ? true : t === 'false' ? false : /^-?\d+(?:\.\d+)?$/.test(t) ? Number(t) : t;
  }
  const out: Record<string, unknown> = {};
  for (const c of e.children) {
    if (c.local === 'items') ((out.items ??= []) as unknown[]).push(asJson(c));
    else {
      expect(out, `<${c.local}> repeated`).not.toHaveProperty(c.local);
      out[c.local] = asJson(c);
    }
  }
  return out;
}

describe(`SOAP faults, authentication, hostile XML, POX and WSDL (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let wsdl: string;
  let wsdl2013: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let beta: Awaited<ReturnType<typeof companyWithUser>>;

  /**
   * POSTs a document (default: SOAP 1.1 to /scene7/services/IpsApiService) and
   * validates the reply against the served XSD (the 2014-04-03 WSDL unless
   * `against` says otherwise) before any test looks at it.
   */
  const post = async (
    body: string | ReadableStream<Uint8Array>,
    options: { headers?: Record<string, string>; path?: string; against?: string } = {},
  ): Promise<Reply> => {
    const res = await fetch(`${h.baseUrl}${options.path ?? '/scene7/services/IpsApiService'}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: '""', ...options.headers },
      body,
      // A stream goes out chunked, without a Content-Length.
      ...(typeof body === 'string' ? {} : { duplex: 'half' as const }),
    });
    const text = await res.text();
    assertValidAgainstServedXsd(options.against ?? wsdl, text);
    return { status: res.status, headers: res.headers, text, root: parseXml(text) };
  };
  const asAcme = (body: string, extra: Record<string, string> = {}) => envelope(authHeader(acme.who, extra), body);
  const companyInfo = (companyHandle: string) => param('getCompanyInfo', { companyHandle });
  /** A SOAP 1.1 fault reply: HTTP status, Client/Server by code, no internals; returns the fault. */
  const expectFault = (reply: Reply, kind: string, code: number, status = 500) => {
    expect(reply.status, reply.text).toBe(status);
    expectNoInternals(reply.text);
    const f = fault11(reply);
    expect(f).toMatchObject({ kind, code, faultcode: code === 30000 ? 'soapenv:Server' : 'soapenv:Client' });
    return f;
  };

  beforeAll(async () => {
    h = await startHarness({ MAX_XML_BODY_BYTES: String(MAX_XML_BODY_BYTES) });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-soap-faults-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    beta = await companyWithUser(h, 'Beta', 'IpsUser');
    await seedAssets(h, acme, [{ path: await makePng(path.join(dir, 'hero.png'), 80, 60) }, { path: await makePng(path.join(dir, 'logo.png'), 40, 40) }]);
    const load = async (file: string) => {
      const res = await fetch(`${h.baseUrl}/scene7/webservice/${file}`);
      expect(res.status).toBe(200);
      return res.text();
    };
    wsdl = await load('IpsApi-2014-04-03.wsdl');
    wsdl2013 = await load('IpsApi-2013-02-15.wsdl');
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe('faults', () => {
    it('wrong password: authenticationFault 10001, HTTP 500', async () => {
      const reply = await post(envelope(authHeader({ ...acme.who, password: 'wrong-password' }), companyInfo(acme.companyHandle)));
      expect(expectFault(reply, 'authenticationFault', 10001).reason).toBe('Invalid username/password');
    });

    it('no credentials at all: authenticationFault 10000 with HTTP 500 (not 401: IPS answers SOAP faults with 500)', async () => {
      const reply = await post(envelope('', companyInfo(acme.companyHandle)));
      expectFault(reply, 'authenticationFault', 10000);
      expect(reply.headers.get('www-authenticate')).toBeNull();
    });

    it("a user of company A asking for company B: authorizationFault with the JSON API's code and reason", async () => {
      const reply = await post(asAcme(companyInfo(beta.companyHandle)));
      const soap = expectFault(reply, 'authorizationFault', 20006);
      const json = await h.api('getCompanyInfo', { companyHandle: beta.companyHandle }, acme.who);
      expect(json.status).toBe(403);
      expect({ kind: json.body.fault, code: json.body.code, reason: json.body.reason }).toEqual({ kind: soap.kind, code: soap.code, reason: soap.reason });
    });

    it('a missing required field: 30002 naming it (submitJob without jobName, getCompanyInfo without companyHandle)', async () => {
      const job = `<p:companyHandle>${acme.companyHandle}</p:companyHandle><p:reprocessAssetsJob><p:assetHandleArray><p:items>a|x</p:items></p:assetHandleArray><p:createMask>false</p:createMask><p:emailSetting>None</p:emailSetting></p:reprocessAssetsJob>`;
      const noJobName = expectFault(await post(asAcme(param('submitJob', job))), 'ipsApiFault', 30002);
      expect(noJobName.reason).toMatch(/^jobName is required/);
      const noCompany = expectFault(await post(asAcme(param('getCompanyInfo', {}))), 'ipsApiFault', 30002);
      expect(noCompany.reason).toMatch(/^companyHandle is required/);
    });

    it('an unknown element inside a Param: 30001 naming it', async () => {
      const reply = await post(asAcme(param('getCompanyInfo', { companyHandle: acme.companyHandle, favouriteColour: 'teal' })));
      expect(expectFault(reply, 'ipsApiFault', 30001).reason).toContain('favouriteColour');
    });

    it('an unknown operation <fooParam>: 30003', async () => {
      const reply = await post(asAcme(param('foo', {})));
      expect(expectFault(reply, 'ipsApiFault', 30003).reason).toContain("'foo'");
    });

    it('SOAP 1.2 (application/soap+xml): a fault in the 1.2 shape, a success in a 1.2 envelope', async () => {
      const headers = { 'content-type': 'application/soap+xml; charset=UTF-8; action="getCompanyInfo"' };
      const bad = await post(envelope(authHeader({ ...acme.who, password: 'wrong-password' }), companyInfo(acme.companyHandle), SOAP12), { headers });
      expect(bad.status).toBe(500);
      expect(bad.headers.get('content-type')).toMatch(/^application\/soap\+xml/);
      expectNoInternals(bad.text);
      const f = payload(bad);
      expect([f.uri, f.local]).toEqual([SOAP12, 'Fault']);
      expect(childText(childrenOf(f, SOAP12, 'Code')[0]!, SOAP12, 'Value')).toBe('env:Sender');
      const reasonText = childrenOf(childrenOf(f, SOAP12, 'Reason')[0]!, SOAP12, 'Text')[0]!;
      expect(reasonText.text).toBe('Invalid username/password');
      expect(reasonText.attributes['xml:lang']).toBe('en');
      const detail = childrenOf(f, SOAP12, 'Detail')[0]!;
      expect(faultElement(detail.children[0]!)).toEqual({ kind: 'authenticationFault', code: 10001, reason: 'Invalid username/password' });
      // no SOAP 1.1 leftovers in a 1.2 fault
      expect(childrenOf(f, '', 'faultcode')).toEqual([]);

      const good = await post(envelope(authHeader(acme.who), companyInfo(acme.companyHandle), SOAP12), { headers });
      expect(good.root.uri).toBe(SOAP12);
      expect(good.headers.get('content-type')).toMatch(/^application\/soap\+xml/);
      expect(asJson(returned(good, 'getCompanyInfo'))).toMatchObject({ companyInfo: { companyHandle: acme.companyHandle, name: 'Acme' } });
    });

    it('faultHttpStatusCode 200 in the authHeader: the fault comes with HTTP 200', async () => {
      const reply = await post(
        envelope(authHeader({ ...acme.who, password: 'wrong-password' }, { faultHttpStatusCode: '200' }), companyInfo(acme.companyHandle)),
      );
      expectFault(reply, 'authenticationFault', 10001, 200);
    });

    it('malformed XML: 30003 without a stack trace or file path', async () => {
      const reply = await post(`<s:Envelope xmlns:s="${SOAP11}"><s:Body><p:getCompanyInfoParam xmlns:p="${NS}"><p:companyHandle>x</s:Body></s:Envelope>`);
      expect(expectFault(reply, 'ipsApiFault', 30003).reason).toMatch(/not well-formed XML/);
      expect(reply.text).not.toContain(' at ');
    });

    it('not a SOAP envelope (a bare <foo/>, an Envelope in a wrong namespace): 30003', async () => {
      expect(expectFault(await post('<foo/>'), 'ipsApiFault', 30003).reason).toContain('<foo>');
      const wrongNs = `<e:Envelope xmlns:e="http://example.com/not-soap"><e:Body>${companyInfo(acme.companyHandle)}</e:Body></e:Envelope>`;
      expect(expectFault(await post(wrongNs), 'ipsApiFault', 30003).reason).toContain('http://example.com/not-soap');
    });
  });

  describe('same semantics as JSON', () => {
    it.each([
      ['getCompanyInfo', () => ({ companyHandle: acme.companyHandle })],
      ['searchAssets', () => ({ companyHandle: acme.companyHandle, includeSubfolders: true, sortBy: 'Name', sortDirection: 'Ascending' })],
      ['getJobLogs', () => ({ companyHandle: acme.companyHandle })],
    ] as const)('%s: the SOAP reply, read back, has the values of the JSON reply', async (op, body) => {
      const args = body() as Record<string, string | boolean>;
      const reply = await post(asAcme(param(op, Object.fromEntries(Object.entries(args).map(([k, v]) => [k, String(v)])))));
      const json = await h.api(op, args, acme.who);
      expect(json.status).toBe(200);
      expect(asJson(returned(reply, op))).toEqual(json.body);
    });
  });

  describe('authentication variants', () => {
    it('authHeader in the unversioned namespace with a 2013-02-15 body: answered in 2013-02-15', async () => {
      const reply = await post(envelope(authHeader(acme.who, {}, XSD_BASE), param('getCompanyInfo', { companyHandle: acme.companyHandle }, NS_2013)), {
        against: wsdl2013,
      });
      expect(asJson(returned(reply, 'getCompanyInfo', NS_2013))).toMatchObject({ companyInfo: { companyHandle: acme.companyHandle } });
    });

    it('authHeader and body in the 2019-09-10-beta namespace: the Return is in that beta namespace', async () => {
      const reply = await post(envelope(authHeader(acme.who, {}, NS_BETA), param('getCompanyInfo', { companyHandle: acme.companyHandle }, NS_BETA)));
      expect(asJson(returned(reply, 'getCompanyInfo', NS_BETA))).toMatchObject({ companyInfo: { companyHandle: acme.companyHandle } });
    });

    it('HTTP Basic only, no SOAP header at all', async () => {
      const reply = await post(envelope('', companyInfo(acme.companyHandle)), { headers: { authorization: basic(acme.who) } });
      expect(asJson(returned(reply, 'getCompanyInfo'))).toMatchObject({ companyInfo: { companyHandle: acme.companyHandle } });
    });

    it('legacy AuthUser / AuthPassword headers', async () => {
      const legacy = `<l:AuthUser xmlns:l="${LEGACY_NS}">${acme.who.email}</l:AuthUser><l:AuthPassword xmlns:l="${LEGACY_NS}">${acme.who.password}</l:AuthPassword>`;
      const reply = await post(envelope(legacy, companyInfo(acme.companyHandle)));
      expect(asJson(returned(reply, 'getCompanyInfo'))).toMatchObject({ companyInfo: { companyHandle: acme.companyHandle } });
      const wrong = legacy.replace(acme.who.password, 'wrong-password');
      expectFault(await post(envelope(wrong, companyInfo(acme.companyHandle))), 'authenticationFault', 10001);
    });

    it('an accessToken: authenticationFault saying tokens are not accepted', async () => {
      const header = `<a:authHeader xmlns:a="${NS}"><a:accessToken>eyJhbGciOi.fake.token</a:accessToken><a:appName>x</a:appName><a:appVersion>1</a:appVersion></a:authHeader>`;
      const f = expectFault(await post(envelope(header, companyInfo(acme.companyHandle))), 'authenticationFault', 10001);
      expect(f.reason).toMatch(/accessToken/);
      expect(f.reason).toMatch(/not accepted/);
      expect(f.reason).not.toContain('eyJhbGciOi');
    });
  });

  describe('locale and gzip', () => {
    it("authHeader.locale picks the language of getJobLogDetails' logMessage", async () => {
      const up = await uploadPost(h.baseUrl, {
        params: { companyHandle: acme.companyHandle, jobName: 'locale-upload', endJob: true },
        files: [{ path: await makePng(path.join(dir, 'flag.png'), 24, 16) }],
        authorization: basic(acme.who),
      });
      expect(up.status).toBe(200);
      await h.client.workflow.getHandle(up.body.jobHandle).result();
      const messages = async (locale: string) => {
        const reply = await post(asAcme(param('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle: up.body.jobHandle }), { locale }));
        const log = childrenOf(childrenOf(returned(reply, 'getJobLogDetails'), NS, 'jobLogArray')[0]!, NS, 'items')[0]!;
        return childrenOf(childrenOf(log, NS, 'detailArray')[0]!, NS, 'items').map((d) => childText(d, NS, 'logMessage')!);
      };
      const english = await messages('en');
      const french = await messages('fr');
      expect(english).toContain(en.uploadBegun);
      // The processed-file line, whatever path the log names the file by.
      const processedLine = english.find((m) => m.includes('flag.png'))!;
      const filePath = processedLine.slice(0, processedLine.indexOf(' '));
      expect(filePath).toMatch(/flag\.png$/);
      expect(processedLine).toBe(en.fileProcessed.replace('{path}', filePath));
      expect(french).toContain(fr.uploadBegun);
      expect(french).toContain(fr.fileProcessed.replace('{path}', filePath));
      expect(french).toHaveLength(english.length);
      expect(french).not.toContain(en.uploadBegun);
    });

    /** A raw HTTP exchange (fetch would inflate the body and hide Content-Encoding). */
    const rawPost = (body: string, headers: Record<string, string>) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const req = http.request(
          `${h.baseUrl}/scene7/services/IpsApiService`,
          { method: 'POST', headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: 'getCompanyInfo', ...headers } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    it('gzipResponse true: a gzip reply (no Accept-Encoding needed) that inflates to valid XML', async () => {
      const res = await rawPost(asAcme(companyInfo(acme.companyHandle), { gzipResponse: 'true' }), {});
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect([...res.body.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
      const xml = gunzipSync(res.body).toString('utf8');
      assertValidAgainstServedXsd(wsdl, xml);
      const element = payload({ status: 200, headers: new Headers(), text: xml, root: parseXml(xml) });
      expect(element.local).toBe('getCompanyInfoReturn');
    });

    it('gzipResponse false: not gzipped, even when the client accepts gzip', async () => {
      const res = await rawPost(asAcme(companyInfo(acme.companyHandle), { gzipResponse: 'false' }), { 'accept-encoding': 'gzip, deflate' });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      const xml = res.body.toString('utf8');
      expect(xml.startsWith('<?xml')).toBe(true);
      assertValidAgainstServedXsd(wsdl, xml);
    });
  });

  describe('hostile XML', () => {
    it('XXE: 30003, and nothing of /etc/passwd comes back', async () => {
      const body = withDoctype(
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        asAcme(param('getCompanyInfo', '<p:companyHandle>&xxe;</p:companyHandle>')),
      );
      const reply = await post(body);
      expectFault(reply, 'ipsApiFault', 30003);
      expect(reply.text).not.toContain('root:');
      expect(reply.text).not.toContain('/bin/');
    });

    it('billion laughs: a fault, and the service process (the test process) stays within bounded memory', async () => {
      const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('');
      const body = withDoctype(`<!DOCTYPE lolz [<!ENTITY lol "lol">${levels}]>`, asAcme(param('getCompanyInfo', '<p:companyHandle>&lol9;</p:companyHandle>')));
      const before = process.memoryUsage().rss;
      const reply = await post(body);
      const grown = process.memoryUsage().rss - before;
      expectFault(reply, 'ipsApiFault', 30003);
      expect(reply.text).not.toContain('lollol');
      expect(grown).toBeLessThan(200 * 1024 * 1024);
    });

    it('an entity reference without a DOCTYPE: 30003', async () => {
      const reply = await post(asAcme(param('getCompanyInfo', '<p:companyHandle>&foo;</p:companyHandle>')));
      expect(expectFault(reply, 'ipsApiFault', 30003).reason).toMatch(/entity/);
    });

    it('elements nested 1,000 deep: 30003 naming the depth limit', async () => {
      const deep = `${'<p:x>'.repeat(1000)}${'</p:x>'.repeat(1000)}`;
      const reply = await post(asAcme(param('getCompanyInfo', `<p:companyHandle>${deep}</p:companyHandle>`)));
      expect(expectFault(reply, 'ipsApiFault', 30003).reason).toContain(`deeper than ${DEFAULT_XML_LIMITS.maxDepth} levels`);
    });

    it('a body over MAX_XML_BODY_BYTES, declared or streamed: 30003 naming the limit, and the service answers the next call', async () => {
      const big = asAcme(companyInfo('x'.repeat(MAX_XML_BODY_BYTES + 1000)));
      expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_XML_BODY_BYTES);
      const bytes = new TextEncoder().encode(big);
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 16_384) controller.enqueue(bytes.subarray(at, at + 16_384));
          controller.close();
        },
      });
      for (const body of [big, chunked]) {
        const reply = await post(body);
        expect(expectFault(reply, 'ipsApiFault', 30003).reason).toContain(`limit of ${MAX_XML_BODY_BYTES} bytes`);
        const next = await post(asAcme(companyInfo(acme.companyHandle)));
        expect(asJson(returned(next, 'getCompanyInfo'))).toMatchObject({ companyInfo: { companyHandle: acme.companyHandle } });
      }
    });
  });

  describe('POX (AEM)', () => {
    const poxRequest = (password: string) =>
      `<Request xmlns="${NS_POX_REQUEST}"><authHeader xmlns="${NS_BETA}"><user>${acme.who.email}</user><password>${password}</password><appName>AEM</appName><appVersion>6.5</appVersion><faultHttpStatusCode>200</faultHttpStatusCode></authHeader>` +
      `<getCompanyInfoParam xmlns="${NS_BETA}"><companyHandle>${acme.companyHandle}</companyHandle></getCompanyInfoParam></Request>`;

    it('POST /scene7/api/IpsApiService: the bare getCompanyInfoReturn in the 2019-09-10-beta namespace', async () => {
      const reply = await post(poxRequest(acme.who.password), { path: '/scene7/api/IpsApiService' });
      expect(reply.root.local).toBe('getCompanyInfoReturn');
      expect(asJson(returned(reply, 'getCompanyInfo', NS_BETA))).toEqual((await h.api('getCompanyInfo', { companyHandle: acme.companyHandle }, acme.who)).body);
    });

    it('a POX fault: the bare fault element, with HTTP 200 (faultHttpStatusCode)', async () => {
      const reply = await post(poxRequest('wrong-password'), { path: '/scene7/api/IpsApiService' });
      expect(reply.status).toBe(200);
      expectNoInternals(reply.text);
      expect(faultElement(reply.root)).toEqual({ kind: 'authenticationFault', code: 10001, reason: 'Invalid username/password' });
    });
  });

  describe('WSDL', () => {
    const get = async (url: string) => {
      const res = await fetch(`${h.baseUrl}${url}`);
      return { status: res.status, text: await res.text() };
    };

    it('IpsApi.wsdl is the 2014-04-03 WSDL', async () => {
      const latest = await get('/scene7/webservice/IpsApi.wsdl');
      expect(latest.status).toBe(200);
      expect(latest.text).toBe(wsdl);
    });

    it('an unknown version is 404', async () => {
      expect((await get('/scene7/webservice/IpsApi-2099-01-01.wsdl')).status).toBe(404);
    });

    it('?serviceUrl= is refused', async () => {
      const res = await get(`/scene7/webservice/IpsApi.wsdl?serviceUrl=${encodeURIComponent('http://elsewhere.example/scene7/services/IpsApiService')}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.text).not.toContain('elsewhere.example');
    });

    it('GET /scene7/services/IpsApiService?wsdl serves the latest WSDL', async () => {
      const res = await get('/scene7/services/IpsApiService?wsdl');
      expect(res.status).toBe(200);
      expect(res.text).toBe(wsdl);
    });
  });
});
