import type { XmlNode } from '../../domain/soap/xml-node.js';
import { FaultCode, IpsFault } from '../../domain/faults.js';
import { XSD_VERSIONS, LATEST_XSD_VERSION } from '../../domain/soap/xsd-versions.js';
import type { XsdVersion } from '../../domain/soap/xsd-model.js';
import type { Credentials } from '../../services/auth.service.js';
import { IPS_NS_BASE } from './soap-contract.js';
import { escapeText } from '../../domain/soap/soap-codec.js';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
/** The pre-3.8 header elements AuthUser / AuthPassword live here. */
export const LEGACY_AUTH_NS = 'http://www.scene7.com/IpsApi';

export type SoapFlavour = '1.1' | '1.2' | 'pox';

/** The authHeader fields this server honours (its XSD order); accessToken and samlResponse are refused. */
export interface AuthHeader {
  user?: string;
  password?: string;
  locale?: string;
  appName?: string;
  appVersion?: string;
  gzipResponse?: boolean;
  faultHttpStatusCode?: number;
}

export interface SoapRequest {
  flavour: SoapFlavour;
  /** the request element's namespace: the reply is written in it */
  namespace: string;
  /** the version whose element order the reply follows */
  version: XsdVersion;
  operation: string;
  param: XmlNode;
  authHeader: AuthHeader;
  /** AuthUser / AuthPassword headers, when a legacy client sent them */
  legacyCredentials?: Credentials;
}

const IPS_NS = /^http:\/\/www\.scene7\.com\/IpsApi\/xsd(?:\/(\d{4}-\d{2}-\d{2})(?:-beta)?)?$/;

/**
 * The version whose layout answers a namespace: a known one as itself; older
 * ones (and the unversioned pre-4.0 one) as the oldest known; later and beta
 * ones as the newest known (later IPS versions add elements, they keep order).
 */
export function versionForNamespace(namespace: string): XsdVersion | undefined {
  const match = IPS_NS.exec(namespace);
  if (!match) return undefined;
  const date = match[1];
  const known = Object.keys(XSD_VERSIONS).sort();
  if (!date) return XSD_VERSIONS[known[0]!];
  const chosen = [...known].reverse().find((v) => v <= date) ?? known[0]!;
  return XSD_VERSIONS[date > LATEST_XSD_VERSION ? LATEST_XSD_VERSION : chosen];
}

const invalidRequest = (reason: string) => new IpsFault(FaultCode.InvalidRequest, reason);

/** Reads a SOAP 1.1 / 1.2 envelope, or AEM's `<Request>` (POX), into the operation call it carries. */
export function readSoapRequest(root: XmlNode, pox: boolean): SoapRequest {
  let flavour: SoapFlavour;
  let headers: XmlNode[] = [];
  let payload: XmlNode[];
  if (pox) {
    if (root.local !== 'Request' || !IPS_NS.test(root.ns)) {
      throw invalidRequest(`expected a <Request> element in an IPS namespace (${IPS_NS_BASE}/<version>), received <${root.local}> in ${describeNs(root.ns)}`);
    }
    flavour = 'pox';
    headers = root.children.filter((c) => c.local === 'authHeader');
    payload = root.children.filter((c) => c.local !== 'authHeader');
  } else {
    if (root.local !== 'Envelope' || (root.ns !== SOAP11_NS && root.ns !== SOAP12_NS)) {
      throw invalidRequest(`expected a SOAP 1.1 or 1.2 Envelope, received <${root.local}> in ${describeNs(root.ns)}`);
    }
    flavour = root.ns === SOAP12_NS ? '1.2' : '1.1';
    const header = root.children.find((c) => c.ns === root.ns && c.local === 'Header');
    const body = root.children.filter((c) => c.ns === root.ns && c.local === 'Body');
    if (body.length !== 1) throw invalidRequest(`expected one soap Body in the Envelope, received ${body.length}`);
    headers = header?.children ?? [];
    payload = body[0]!.children;
  }
  if (payload.length !== 1) throw invalidRequest(`expected one <operationParam> element in the ${pox ? 'Request' : 'Body'}, received ${payload.length}`);
  const param = payload[0]!;
  const version = versionForNamespace(param.ns);
  if (!version) throw invalidRequest(`<${param.local}>: expected an element in an IPS namespace (${IPS_NS_BASE}/<version>), received ${describeNs(param.ns)}`);
  if (!param.local.endsWith('Param') || param.local.length === 'Param'.length) {
    throw invalidRequest(`<${param.local}>: expected an <operationName>Param element`);
  }
  const authNodes = headers.filter((h) => h.local === 'authHeader' && IPS_NS.test(h.ns));
  if (authNodes.length > 1) throw invalidRequest(`expected at most one authHeader, received ${authNodes.length}`);
  return {
    flavour,
    namespace: param.ns,
    version,
    operation: param.local.slice(0, -'Param'.length),
    param,
    authHeader: authNodes[0] ? readAuthHeader(authNodes[0]) : {},
    legacyCredentials: readLegacyCredentials(headers),
  };
}

function readAuthHeader(node: XmlNode): AuthHeader {
  const out: AuthHeader = {};
  for (const child of node.children) {
    const text = child.text.trim();
    switch (child.local) {
      case 'user':
      case 'locale':
      case 'appName':
      case 'appVersion':
        out[child.local] = text;
        break;
      case 'password':
        out.password = child.text; // a password may begin or end with a space
        break;
      case 'gzipResponse':
        if (!['true', 'false', '1', '0'].includes(text)) throw new IpsFault(FaultCode.InvalidParameter, `authHeader.gzipResponse: expected true or false, received "${text.slice(0, 20)}"`, 'authHeader.gzipResponse');
        out.gzipResponse = text === 'true' || text === '1';
        break;
      case 'faultHttpStatusCode': {
        const code = /^\d{3}$/.test(text) ? Number(text) : NaN;
        if (!(code >= 200 && code <= 599)) throw new IpsFault(FaultCode.InvalidParameter, `authHeader.faultHttpStatusCode: expected an HTTP status from 200 to 599, received "${text.slice(0, 20)}"`, 'authHeader.faultHttpStatusCode');
        out.faultHttpStatusCode = code;
        break;
      }
      case 'accessToken':
      case 'samlResponse':
        throw new IpsFault(FaultCode.InvalidCredentials, `authHeader.${child.local}: ${child.local === 'accessToken' ? 'IMS access tokens' : 'SAML responses'} are not accepted by this server; send user and password (authHeader or HTTP Basic)`);
      default:
        throw new IpsFault(FaultCode.InvalidParameter, `authHeader.${child.local.slice(0, 100)}: unknown field (expected user, password, locale, appName, appVersion, gzipResponse, faultHttpStatusCode)`, `authHeader.${child.local.slice(0, 100)}`);
    }
  }
  return out;
}

function readLegacyCredentials(headers: XmlNode[]): Credentials | undefined {
  const user = headers.find((h) => h.ns === LEGACY_AUTH_NS && h.local === 'AuthUser');
  const password = headers.find((h) => h.ns === LEGACY_AUTH_NS && h.local === 'AuthPassword');
  return user && password ? { email: user.text.trim(), password: password.text } : undefined;
}

function describeNs(ns: string): string {
  return ns ? `namespace ${ns.slice(0, 120)}` : 'no namespace';
}

/** The reply document around a `…Return` element (POX: the element itself). */
export function replyDocument(flavour: SoapFlavour, body: string): string {
  if (flavour === 'pox') return `<?xml version="1.0" encoding="UTF-8"?>${body}`;
  const ns = flavour === '1.2' ? SOAP12_NS : SOAP11_NS;
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${ns}"><soapenv:Header/><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

export const FAULT_NS = IPS_NS_BASE;

/**
 * A fault as IPS sends it: the SOAP Fault (1.1 or 1.2 shape) whose detail
 * holds ipsApiFault / authenticationFault / authorizationFault {code, reason}
 * in the unversioned namespace; POX and the upload servlet send the bare
 * fault element. faultstring carries the reason too, for clients that show
 * only the message.
 */
export function faultDocument(flavour: SoapFlavour, fault: IpsFault): string {
  const detail = `<${fault.kind} xmlns="${FAULT_NS}"><code>${fault.code}</code><reason>${escapeText(fault.reason)}</reason></${fault.kind}>`;
  if (flavour === 'pox') return `<?xml version="1.0" encoding="UTF-8"?>${detail}`;
  const serverSide = fault.code === FaultCode.Exception;
  if (flavour === '1.2') {
    return (
      `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${SOAP12_NS}"><env:Body><env:Fault>` +
      `<env:Code><env:Value>env:${serverSide ? 'Receiver' : 'Sender'}</env:Value></env:Code>` +
      `<env:Reason><env:Text xml:lang="en">${escapeText(fault.reason)}</env:Text></env:Reason>` +
      `<env:Detail>${detail}</env:Detail></env:Fault></env:Body></env:Envelope>`
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11_NS}"><soapenv:Body><soapenv:Fault>` +
    `<faultcode>soapenv:${serverSide ? 'Server' : 'Client'}</faultcode><faultstring>${escapeText(fault.reason)}</faultstring>` +
    `<detail>${detail}</detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  );
}
