import type { XmlNode } from '../../domain/soap/xml-node.js';
import { FaultCode, IpsFault } from '../../domain/faults.js';
import { XSD_VERSIONS, LATEST_XSD_VERSION } from '../../domain/soap/xsd-versions.js';
import type { XsdVersion } from '../../domain/soap/xsd-model.js';
import type { Credentials } from '../../services/auth.service.js';
import { escapeText } from '../../domain/soap/soap-codec.js';
import { type AuthHeader, faultElement, IPS_NS_BASE, ipsNamespaceDate, isIpsNamespace, readAuthHeader } from '../../domain/soap/ips-xml.js';

export type { AuthHeader };

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
/** The pre-3.8 header elements AuthUser / AuthPassword live here. */
export const LEGACY_AUTH_NS = 'http://www.scene7.com/IpsApi';

export type SoapFlavour = '1.1' | '1.2' | 'pox';

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

/**
 * The version whose layout answers a namespace: a known one as itself; older
 * ones (and the unversioned pre-4.0 one) as the oldest known; later and beta
 * ones as the newest known (later IPS versions add elements, they keep order).
 */
export function versionForNamespace(namespace: string): XsdVersion | undefined {
  const date = ipsNamespaceDate(namespace);
  if (date === null) return undefined;
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
    if (root.local !== 'Request' || !isIpsNamespace(root.ns)) {
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
  const authNodes = headers.filter((h) => h.local === 'authHeader' && isIpsNamespace(h.ns));
  if (authNodes.length > 1) throw invalidRequest(`expected at most one authHeader, received ${authNodes.length}`);
  return {
    flavour,
    namespace: param.ns,
    version,
    operation: param.local.slice(0, -'Param'.length),
    param,
    authHeader: authNodes[0] ? readAuthHeader(authNodes[0], 'authHeader') : {},
    legacyCredentials: readLegacyCredentials(headers),
  };
}

function readLegacyCredentials(headers: XmlNode[]): Credentials | undefined {
  const user = headers.find((h) => h.ns === LEGACY_AUTH_NS && h.local === 'AuthUser');
  const password = headers.find((h) => h.ns === LEGACY_AUTH_NS && h.local === 'AuthPassword');
  return user && password ? { email: user.text.trim(), password: password.text } : undefined;
}

function describeNs(ns: string): string {
  return ns ? `namespace ${ns.slice(0, 120)}` : 'no namespace';
}

/** What goes before and after a `…Return` element in the reply document (POX: only the XML declaration). */
export function replyWrapper(flavour: SoapFlavour): readonly [before: string, after: string] {
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>';
  if (flavour === 'pox') return [declaration, ''];
  const ns = flavour === '1.2' ? SOAP12_NS : SOAP11_NS;
  return [`${declaration}<soapenv:Envelope xmlns:soapenv="${ns}"><soapenv:Header/><soapenv:Body>`, '</soapenv:Body></soapenv:Envelope>'];
}

/**
 * A fault as IPS sends it: the SOAP Fault (1.1 or 1.2 shape) whose detail
 * holds ipsApiFault / authenticationFault / authorizationFault {code, reason}
 * in the unversioned namespace; POX and the upload servlet send the bare
 * fault element. faultstring carries the reason too, for clients that show
 * only the message.
 */
export function faultDocument(flavour: SoapFlavour, fault: IpsFault): string {
  const detail = faultElement(fault);
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
