import { readXml, XmlReadError, type XmlNode } from '../adapters/xml/xml-reader.js';
import { FaultCode, IpsFault } from '../domain/faults.js';
import { uploadPostParam } from '../domain/schemas/upload.schema.js';
import { decodeParam, escapeAttribute, escapeText } from '../domain/soap/soap-codec.js';
import type { Credentials } from './auth.service.js';

/**
 * The UploadFile servlet's document parts as IPS clients send them (ips-reference
 * §3.12, Adobe's "HTTP POSTs to the UploadFile servlet"): `auth` is an
 * `authHeader` element and `uploadParams` an `uploadPostParam` element, both in
 * an IPS namespace, and the servlet answers with a bare `uploadPostReturn` or a
 * bare fault element. This server's JSON clients send the same fields as JSON.
 */

/** The unversioned namespace: faults are always in it; pre-4.0 clients send everything in it. */
export const IPS_XSD_NS = 'http://www.scene7.com/IpsApi/xsd';
const IPS_NS = /^http:\/\/www\.scene7\.com\/IpsApi\/xsd(?:\/\d{4}-\d{2}-\d{2}(?:-beta)?)?$/;

export const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';

// Clients send these parts as text/plain (Adobe's own example does), so the
// content, not the part's declared type, says which format it is: an XML
// document can only begin with '<', a JSON object never does.
const LEADING = /^\uFEFF?\s*/;

export function isXmlDocument(value: string): boolean {
  return value.replace(LEADING, '').startsWith('<');
}

/** An XML `auth` part: the credentials it carries and how the client wants faults answered. */
export interface XmlAuthPart {
  namespace: string;
  credentials?: Credentials;
  /** HTTP status for fault replies (Flash-era clients ask for 200) */
  faultHttpStatusCode?: number;
}

/** The `auth` part as an IPS `authHeader` document (in the unversioned or a versioned IPS namespace). */
export function readXmlAuthPart(value: string): XmlAuthPart {
  const root = readPart('auth', value, 'authHeader');
  let user: string | undefined;
  let password: string | undefined;
  let faultHttpStatusCode: number | undefined;
  for (const child of root.children) {
    const text = child.text.trim();
    switch (child.local) {
      case 'user':
        user = text;
        break;
      case 'password':
        password = child.text; // a password may begin or end with a space
        break;
      // Accepted as IPS's authHeader carries them; they change nothing here: the job's
      // locale is uploadPostParam's, and the reply is one short element not worth gzipping.
      case 'locale':
      case 'appName':
      case 'appVersion':
        break;
      case 'gzipResponse':
        if (!['true', 'false', '1', '0'].includes(text)) throw invalidAuthField('gzipResponse', 'true or false', text);
        break;
      case 'faultHttpStatusCode': {
        const code = /^\d{3}$/.test(text) ? Number(text) : NaN;
        if (!(code >= 200 && code <= 599)) throw invalidAuthField('faultHttpStatusCode', 'an HTTP status from 200 to 599', text);
        faultHttpStatusCode = code;
        break;
      }
      case 'accessToken':
      case 'samlResponse':
        throw new IpsFault(
          FaultCode.InvalidCredentials,
          `auth.${child.local}: ${child.local === 'accessToken' ? 'IMS access tokens' : 'SAML responses'} are not accepted by this server; send user and password (authHeader or HTTP Basic)`,
        );
      default: {
        const field = `auth.${child.local.slice(0, 100)}`;
        throw new IpsFault(FaultCode.InvalidParameter, `${field}: unknown field (expected user, password, locale, appName, appVersion, gzipResponse, faultHttpStatusCode)`, field);
      }
    }
  }
  return {
    namespace: root.ns,
    ...(user !== undefined && password !== undefined ? { credentials: { email: user, password } } : {}),
    ...(faultHttpStatusCode !== undefined ? { faultHttpStatusCode } : {}),
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
  if (root.local !== element || !IPS_NS.test(root.ns)) {
    const ns = root.ns ? `namespace ${root.ns.slice(0, 120)}` : 'no namespace';
    throw new IpsFault(FaultCode.InvalidRequest, `${part}: expected an <${element}> element in an IPS namespace (${IPS_XSD_NS}[/<version>]), received <${root.local.slice(0, 100)}> in ${ns}`, part);
  }
  return root;
}

function invalidAuthField(name: string, expected: string, text: string): IpsFault {
  return new IpsFault(FaultCode.InvalidParameter, `auth.${name}: expected ${expected}, received "${text.slice(0, 20)}"`, `auth.${name}`);
}

/** The servlet's success reply, in the namespace the client wrote its document in. */
export function uploadReturnDocument(namespace: string, jobHandle: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><uploadPostReturn xmlns="${escapeAttribute(namespace)}"><jobHandle>${escapeText(jobHandle)}</jobHandle></uploadPostReturn>`;
}

/** The servlet's fault reply: the bare fault element, unversioned namespace, as the SOAP detail carries it. */
export function faultElementDocument(fault: IpsFault): string {
  return `<?xml version="1.0" encoding="UTF-8"?><${fault.kind} xmlns="${IPS_XSD_NS}"><code>${fault.code}</code><reason>${escapeText(fault.reason)}</reason></${fault.kind}>`;
}
