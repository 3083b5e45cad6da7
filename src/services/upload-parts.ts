import { readXml, XmlReadError, type XmlNode } from '../adapters/xml/xml-reader.js';
import { FaultCode, IpsFault } from '../domain/faults.js';
import { uploadPostParam } from '../domain/schemas/upload.schema.js';
import { type AuthHeader, faultElement, IPS_NS_BASE, isIpsNamespace, readAuthHeader } from '../domain/soap/ips-xml.js';
import { decodeParam, escapeAttribute, escapeText } from '../domain/soap/soap-codec.js';
import type { Credentials } from './auth.service.js';

/**
 * The UploadFile servlet's document parts as IPS clients send them
 * (Adobe IPS: c-http-post): `auth` is an
 * `authHeader` element and `uploadParams` an `uploadPostParam` element, both in
 * an IPS namespace, and the servlet answers with a bare `uploadPostReturn` or a
 * bare fault element. This server's JSON clients send the same fields as JSON.
 */

export const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';

// Clients send these parts as text/plain (Adobe's own example does), so the
// content, not the part's declared type, says which format it is: an XML
// document can only begin with '<', a JSON object never does.
const LEADING = /^\uFEFF?\s*/;

export function isXmlDocument(value: string): boolean {
  return value.replace(LEADING, '').startsWith('<');
}

/** An XML `auth` part: IPS's authHeader, read as the SOAP endpoint reads it. */
export interface XmlAuthPart {
  namespace: string;
  header: AuthHeader;
  credentials?: Credentials;
}

/** The `auth` part as an IPS `authHeader` document (in the unversioned or a versioned IPS namespace). */
export function readXmlAuthPart(value: string): XmlAuthPart {
  const root = readPart('auth', value, 'authHeader');
  const header = readAuthHeader(root, 'auth');
  return {
    namespace: root.ns,
    header,
    ...(header.user !== undefined && header.password !== undefined ? { credentials: { email: header.user, password: header.password } } : {}),
  };
}

/**
 * The `uploadParams` part as an IPS `uploadPostParam` document: the object the
 * JSON part would be (numbers, booleans and `*Array` items decoded by the
 * schema), for the caller to validate with the same schema.
 */
export function readXmlUploadParams(value: string): { namespace: string; raw: Record<string, unknown> } {
  const root = readPart('uploadParams', value, 'uploadPostParam');
  return { namespace: root.ns, raw: decodeParam(root, uploadPostParam) };
}

function readPart(part: string, value: string, element: string): XmlNode {
  let root: XmlNode;
  try {
    root = readXml(value.replace(LEADING, ''));
  } catch (err) {
    if (err instanceof XmlReadError) throw new IpsFault(FaultCode.InvalidRequest, `${part}: not an acceptable XML document: ${err.message}`, part);
    throw err;
  }
  if (root.local !== element || !isIpsNamespace(root.ns)) {
    const ns = root.ns ? `namespace ${root.ns.slice(0, 120)}` : 'no namespace';
    throw new IpsFault(
      FaultCode.InvalidRequest,
      `${part}: expected an <${element}> element in an IPS namespace (${IPS_NS_BASE}[/<version>]), received <${root.local.slice(0, 100)}> in ${ns}`,
      part,
    );
  }
  return root;
}

/** The servlet's success reply, in the namespace the client wrote its document in. */
export function uploadReturnDocument(namespace: string, jobHandle: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><uploadPostReturn xmlns="${escapeAttribute(namespace)}"><jobHandle>${escapeText(jobHandle)}</jobHandle></uploadPostReturn>`;
}

/** The servlet's fault reply: the bare fault element, as the SOAP detail carries it. */
export function faultElementDocument(fault: IpsFault): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${faultElement(fault)}`;
}
