import { describe, expect, it } from 'vitest';
import { readXml, XmlReadError } from '../../src/adapters/xml/xml-reader.js';
import { faultDocument, readSoapRequest, replyWrapper, versionForNamespace, type SoapFlavour } from '../../src/api/soap/soap-envelope.js';
import { FaultCode, IpsFault } from '../../src/domain/faults.js';
import { parseXml } from '../support/xml.js';

const S11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const S12 = 'http://www.w3.org/2003/05/soap-envelope';
const V14 = 'http://www.scene7.com/IpsApi/xsd/2014-04-03';

const envelope = (ns: string, header: string, body: string) =>
  `<e:Envelope xmlns:e="${ns}"><e:Header>${header}</e:Header><e:Body>${body}</e:Body></e:Envelope>`;

describe('reading a SOAP request', () => {
  it('takes the operation from the body element and the layout from its namespace', () => {
    expect(versionForNamespace(V14)?.version).toBe('2014-04-03');
    expect(versionForNamespace('http://www.scene7.com/IpsApi/xsd/2013-02-15')?.version).toBe('2013-02-15');
    expect(versionForNamespace('http://www.scene7.com/IpsApi/xsd/2010-01-31')?.version).toBe('2013-02-15');
    expect(versionForNamespace('http://www.scene7.com/IpsApi/xsd')?.version).toBe('2013-02-15');
    expect(versionForNamespace('http://www.scene7.com/IpsApi/xsd/2019-09-10-beta')?.version).toBe('2014-04-03');
    expect(versionForNamespace('http://example.com/xsd/2014-04-03')).toBeUndefined();
    const call = readSoapRequest(readXml(envelope(S12, '', `<getActiveJobsParam xmlns="http://www.scene7.com/IpsApi/xsd/2019-09-10-beta"/>`)), false);
    expect(call).toMatchObject({ flavour: '1.2', operation: 'getActiveJobs', namespace: 'http://www.scene7.com/IpsApi/xsd/2019-09-10-beta' });
  });

  it('reads authHeader in any IpsApi namespace, and the legacy AuthUser/AuthPassword headers', () => {
    for (const ns of ['http://www.scene7.com/IpsApi/xsd', V14, 'http://www.scene7.com/IpsApi/xsd/2016-01-14-beta']) {
      const header = `<authHeader xmlns="${ns}"><user>u@x.test</user><password> p w </password><locale>fr</locale><appName>a</appName><appVersion>1</appVersion><gzipResponse>1</gzipResponse><faultHttpStatusCode>200</faultHttpStatusCode></authHeader>`;
      const call = readSoapRequest(readXml(envelope(S11, header, `<checkLoginParam xmlns="${V14}"/>`)), false);
      expect(call.authHeader).toEqual({
        user: 'u@x.test',
        password: ' p w ',
        locale: 'fr',
        appName: 'a',
        appVersion: '1',
        gzipResponse: true,
        faultHttpStatusCode: 200,
      });
    }
    const legacy = `<a:AuthUser xmlns:a="http://www.scene7.com/IpsApi">u@x.test</a:AuthUser><a:AuthPassword xmlns:a="http://www.scene7.com/IpsApi">pw</a:AuthPassword>`;
    expect(readSoapRequest(readXml(envelope(S11, legacy, `<checkLoginParam xmlns="${V14}"/>`)), false).legacyCredentials).toEqual({
      email: 'u@x.test',
      password: 'pw',
    });
  });

  it('refuses IMS tokens, unknown authHeader fields and bad values with faults naming them', () => {
    const read = (inner: string) => () =>
      readSoapRequest(readXml(envelope(S11, `<authHeader xmlns="${V14}">${inner}</authHeader>`, `<checkLoginParam xmlns="${V14}"/>`)), false);
    expect(read('<accessToken>eyJ</accessToken>')).toThrow(
      expect.objectContaining({ code: FaultCode.InvalidCredentials, reason: expect.stringMatching(/accessToken: IMS access tokens are not accepted/) }),
    );
    expect(read('<token>x</token>')).toThrow(expect.objectContaining({ code: FaultCode.InvalidParameter, field: 'authHeader.token' }));
    expect(read('<faultHttpStatusCode>99</faultHttpStatusCode>')).toThrow(/faultHttpStatusCode: expected an HTTP status/);
    expect(read('<gzipResponse>yes</gzipResponse>')).toThrow(/gzipResponse: expected true or false/);
  });

  it('refuses what is not an IPS call with 30003', () => {
    const refuse = (xml: string, pox = false) =>
      expect(() => readSoapRequest(readXml(xml), pox)).toThrow(expect.objectContaining({ code: FaultCode.InvalidRequest }));
    refuse('<foo/>');
    refuse(`<Envelope xmlns="http://example.com/"><Body/></Envelope>`);
    refuse(envelope(S11, '', ''));
    refuse(envelope(S11, '', `<checkLoginParam xmlns="${V14}"/><checkLoginParam xmlns="${V14}"/>`));
    refuse(envelope(S11, '', `<checkLoginParam xmlns="http://example.com/"/>`));
    refuse(envelope(S11, '', `<checkLogin xmlns="${V14}"/>`));
    refuse(`<Request xmlns="http://example.com/"/>`, true);
  });

  it('reads AEM’s POX <Request> with its mixed namespaces, as a captured AEM request has them', () => {
    const xml = `<Request xmlns="http://www.scene7.com/IpsApi/xsd/2017-10-29-beta"><authHeader xmlns="http://www.scene7.com/IpsApi/xsd/2019-09-10-beta"><user>u</user><password>p</password><appName>aem</appName><appVersion>6.5</appVersion><faultHttpStatusCode>200</faultHttpStatusCode></authHeader><submitJobParam xmlns="http://www.scene7.com/IpsApi/xsd/2019-09-10-beta"/></Request>`;
    expect(readSoapRequest(readXml(xml), true)).toMatchObject({
      flavour: 'pox',
      operation: 'submitJob',
      namespace: 'http://www.scene7.com/IpsApi/xsd/2019-09-10-beta',
      authHeader: { user: 'u', faultHttpStatusCode: 200 },
    });
  });
});

describe('writing replies and faults', () => {
  it('wraps a reply in a SOAP 1.1 or 1.2 envelope with an empty Header, or sends it bare (POX)', () => {
    const body = `<stopJobReturn xmlns="${V14}"/>`;
    const replyDocument = (flavour: SoapFlavour, inner: string) => replyWrapper(flavour).join(inner);
    expect(parseXml(replyDocument('1.1', body)).uri).toBe(S11);
    expect(parseXml(replyDocument('1.2', body)).uri).toBe(S12);
    expect(parseXml(replyDocument('pox', body)).local).toBe('stopJobReturn');
  });

  it('puts {code, reason} in the unversioned namespace under the detail of a 1.1 or 1.2 fault', () => {
    const fault = new IpsFault(FaultCode.MissingParameter, 'jobName is required: expected a string, received nothing', 'jobName');
    const f11 = parseXml(faultDocument('1.1', fault)).children[0]!.children[0]!;
    expect(f11.children.map((c) => c.local)).toEqual(['faultcode', 'faultstring', 'detail']);
    expect(f11.children[0]!.text).toBe('soapenv:Client');
    const detail = f11.children[2]!.children[0]!;
    expect(detail).toMatchObject({ uri: 'http://www.scene7.com/IpsApi/xsd', local: 'ipsApiFault' });
    expect(detail.children.map((c) => [c.local, c.text])).toEqual([
      ['code', '30002'],
      ['reason', fault.reason],
    ]);
    const f12 = parseXml(faultDocument('1.2', new IpsFault(FaultCode.Exception, 'Internal server error'))).children[0]!.children[0]!;
    expect(f12.children.map((c) => c.local)).toEqual(['Code', 'Reason', 'Detail']);
    expect(f12.children[0]!.children[0]!.text).toBe('env:Receiver');
    expect(parseXml(faultDocument('pox', new IpsFault(FaultCode.InvalidCredentials, 'Invalid username/password'))).local).toBe('authenticationFault');
  });
});

describe('the XML reader refuses hostile documents', () => {
  it('refuses any DOCTYPE: no external entity (XXE), no entity expansion (billion laughs)', () => {
    expect(() => readXml('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')).toThrow(XmlReadError);
    const laughs = `<!DOCTYPE l [<!ENTITY a "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${'b'.repeat(i + 1)} "${`&${i === 0 ? 'a' : 'b'.repeat(i)};`.repeat(10)}">`).join('')}]><l>&bbbbbbbbb;</l>`;
    expect(() => readXml(laughs)).toThrow(/DOCTYPE/);
  });

  it('refuses undeclared entities, bad nesting and documents past the depth or element limits', () => {
    expect(() => readXml('<x>&foo;</x>')).toThrow(/not well-formed/);
    expect(() => readXml('<x><y></x>')).toThrow(/not well-formed/);
    expect(() => readXml(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`)).toThrow(/deeper than 64/);
    expect(() => readXml(`<a>${'<b/>'.repeat(20)}</a>`, { maxDepth: 64, maxElements: 10 })).toThrow(/more than 10 elements/);
    expect(readXml(`${'<a>'.repeat(64)}${'</a>'.repeat(64)}`).local).toBe('a');
  });
});
