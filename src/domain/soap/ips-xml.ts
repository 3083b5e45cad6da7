import { FaultCode, IpsFault } from '../faults.js';
import { escapeText } from './soap-codec.js';
import type { XmlNode } from './xml-node.js';

/**
 * What IPS's XML documents share wherever they arrive (the SOAP endpoint, AEM's
 * POX form, the UploadFile servlet's parts): the namespaces, the authHeader
 * and the bare fault element.
 */

/** The unversioned namespace: authHeader (older versions) and the three faults. */
export const IPS_NS_BASE = 'http://www.scene7.com/IpsApi/xsd';

const IPS_NS = /^http:\/\/www\.scene7\.com\/IpsApi\/xsd(?:\/(\d{4}-\d{2}-\d{2})(?:-beta)?)?$/;

/** `http://www.scene7.com/IpsApi/xsd` or `…/xsd/<date>[-beta]`: the date (undefined for the unversioned one), or null when not IPS's. */
export function ipsNamespaceDate(namespace: string): string | undefined | null {
  const match = IPS_NS.exec(namespace);
  return match ? match[1] : null;
}

export function isIpsNamespace(namespace: string): boolean {
  return IPS_NS.test(namespace);
}

/** The authHeader fields this server honours; accessToken and samlResponse are refused. */
export interface AuthHeader {
  user?: string;
  password?: string;
  /** the language of texts in replies (and of an upload job without its own locale) */
  locale?: string;
  /** the calling application, logged with the call as IPS logs it */
  appName?: string;
  appVersion?: string;
  gzipResponse?: boolean;
  faultHttpStatusCode?: number;
}

/** An authHeader element's fields; faults name them as `<label>.<field>` (`authHeader.user`, the servlet's `auth.user`). */
export function readAuthHeader(node: XmlNode, label: string): AuthHeader {
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
        if (!['true', 'false', '1', '0'].includes(text)) throw invalidField(label, 'gzipResponse', 'true or false', text);
        out.gzipResponse = text === 'true' || text === '1';
        break;
      case 'faultHttpStatusCode': {
        const code = /^\d{3}$/.test(text) ? Number(text) : NaN;
        if (!(code >= 200 && code <= 599)) throw invalidField(label, 'faultHttpStatusCode', 'an HTTP status from 200 to 599', text);
        out.faultHttpStatusCode = code;
        break;
      }
      case 'accessToken':
      case 'samlResponse':
        throw new IpsFault(
          FaultCode.InvalidCredentials,
          `${label}.${child.local}: ${child.local === 'accessToken' ? 'IMS access tokens' : 'SAML responses'} are not accepted by this server; send user and password (authHeader or HTTP Basic)`,
        );
      default: {
        const field = `${label}.${child.local.slice(0, 100)}`;
        throw new IpsFault(
          FaultCode.InvalidParameter,
          `${field}: unknown field (expected user, password, locale, appName, appVersion, gzipResponse, faultHttpStatusCode)`,
          field,
        );
      }
    }
  }
  return out;
}

function invalidField(label: string, name: string, expected: string, text: string): IpsFault {
  return new IpsFault(FaultCode.InvalidParameter, `${label}.${name}: expected ${expected}, received "${text.slice(0, 20)}"`, `${label}.${name}`);
}

/** A fault as IPS writes it inside a SOAP detail, and bare as the POX and servlet reply: `{code, reason}` in the unversioned namespace. */
export function faultElement(fault: IpsFault): string {
  return `<${fault.kind} xmlns="${IPS_NS_BASE}"><code>${fault.code}</code><reason>${escapeText(fault.reason)}</reason></${fault.kind}>`;
}
