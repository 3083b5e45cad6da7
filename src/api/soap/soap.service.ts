import { gunzipSync, gzipSync } from 'node:zlib';
import type { Request } from 'express';
import { readXml, XmlReadError } from '../../adapters/xml/xml-reader.js';
import type { Logger } from '../../adapters/logging/logger.js';
import { FaultCode, IpsFault, LoginThrottledFault } from '../../domain/faults.js';
import { AuthService, type Credentials } from '../../services/auth.service.js';
import { toFault } from '../fault.filter.js';
import type { OperationInvoker } from '../operation-invoker.js';
import { OPERATIONS } from '../operations.js';
import { decodeParam, encodeDocument } from '../../domain/soap/soap-codec.js';
import { soapContract } from './soap-contract.js';
import { wsdlDocument, wsdlFileNames, wsdlVersionOf } from './soap-wsdl.js';
import { type AuthHeader, faultDocument, readSoapRequest, replyWrapper, type SoapFlavour } from './soap-envelope.js';

export interface SoapReply {
  status: number;
  contentType: string;
  body: Buffer;
  gzipped: boolean;
  /** seconds a throttled login must wait (sent as Retry-After, as the JSON API does) */
  retryAfterSeconds?: number;
}

export interface SoapSettings {
  /** largest request body accepted, in bytes (after gunzip when the request is gzipped) */
  maxBodyBytes: number;
  /** where clients reach this server (the WSDL's service address starts with it); unset: where the WSDL was fetched from */
  publicUrl?: string;
}

const CONTENT_TYPE: Record<SoapFlavour, string> = {
  '1.1': 'text/xml;charset=UTF-8',
  '1.2': 'application/soap+xml;charset=UTF-8',
  pox: 'text/xml;charset=UTF-8',
};

/**
 * IPS's own wire format: SOAP 1.1 / 1.2 document/literal at
 * /scene7/services/IpsApiService and AEM's envelope-less POX at
 * /scene7/api/IpsApiService. A request becomes the object a JSON request
 * would be and runs through the same OperationInvoker; the reply is written
 * in the request's namespace, in its version's element order.
 */
export class SoapService {
  constructor(
    private readonly invoker: OperationInvoker,
    private readonly settings: SoapSettings,
    private readonly logger: Logger,
  ) {}

  async handle(req: Request, pox: boolean): Promise<SoapReply> {
    let flavour: SoapFlavour = pox ? 'pox' : /application\/soap\+xml/i.test(req.headers['content-type'] ?? '') ? '1.2' : '1.1';
    let authHeader: AuthHeader = {};
    try {
      const text = await this.readBody(req);
      const call = readSoapRequest(readXml(text), pox);
      flavour = call.flavour;
      authHeader = call.authHeader;
      const operation = soapContract(call.version).operations.get(call.operation as never);
      if (!operation) {
        throw new IpsFault(
          FaultCode.InvalidRequest,
          `Unknown operation '${call.operation.slice(0, 100)}': this server does not implement it (its WSDL lists the operations it does)`,
        );
      }
      const body = decodeParam(call.param, OPERATIONS[operation.name].param);
      if (authHeader.appName || authHeader.appVersion) {
        this.logger.debug({ operation: operation.name, appName: authHeader.appName, appVersion: authHeader.appVersion }, 'SOAP call');
      }
      const result = await this.invoker.invoke(operation.name, {
        credentials: credentialsOf(authHeader, call.legacyCredentials, req.headers.authorization),
        body,
        clientAddress: req.ip,
        locale: authHeader.locale || headerValue(req.headers['accept-language']),
      });
      const [before, after] = replyWrapper(flavour);
      const xml = encodeDocument(before, `${operation.name}Return`, call.namespace, result, operation.result, after);
      return this.reply(200, flavour, xml, authHeader, req);
    } catch (err) {
      const fault =
        err instanceof XmlReadError ? new IpsFault(FaultCode.InvalidRequest, `The request is not an acceptable XML document: ${err.message}`) : toFault(err);
      if (fault.code === FaultCode.Exception) this.logger.error({ err }, 'SOAP call failed');
      const reply = this.reply(authHeader.faultHttpStatusCode ?? 500, flavour, faultDocument(flavour, fault), authHeader, req);
      return fault instanceof LoginThrottledFault ? { ...reply, retryAfterSeconds: fault.retryAfterSeconds } : reply;
    }
  }

  /**
   * The WSDL a file name asks for (a 404 fault naming the ones served when there is no such version).
   * IPS's `serviceUrl` parameter (rewrite the address) is refused: a link to a
   * WSDL naming another host would send the follower's credentials there.
   */
  wsdl(fileName: string, query: Record<string, unknown>, fetchedFrom: string): string {
    const unknown = Object.keys(query)[0];
    if (unknown !== undefined) {
      throw new IpsFault(
        FaultCode.InvalidParameter,
        `${unknown.slice(0, 40)}: not accepted (the WSDL's address is this server's PUBLIC_URL)`,
        unknown.slice(0, 40),
      );
    }
    const version = wsdlVersionOf(fileName);
    if (!version) {
      throw new IpsFault(
        FaultCode.InvalidRequest,
        `No WSDL named '${fileName.slice(0, 60)}': this server serves ${wsdlFileNames().join(', ')}`,
        undefined,
        'notFound',
      );
    }
    return wsdlDocument(version, `${this.settings.publicUrl ?? fetchedFrom}/scene7/services/IpsApiService`);
  }

  private reply(status: number, flavour: SoapFlavour, xml: string | Uint8Array, authHeader: AuthHeader, req: Request): SoapReply {
    const body = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength);
    // IPS's default ("accept"): gzipResponse true gzips, false never does, absent follows Accept-Encoding.
    const gzip = authHeader.gzipResponse ?? /\bgzip\b/i.test(headerValue(req.headers['accept-encoding']) ?? '');
    return { status, contentType: CONTENT_TYPE[flavour], body: gzip ? gzipSync(body) : body, gzipped: gzip };
  }

  /** The body as UTF-8 text, at most maxBodyBytes (gzip request bodies inflated within the same bound). */
  private async readBody(req: Request): Promise<string> {
    const limit = this.settings.maxBodyBytes;
    const declared = Number(req.headers['content-length']);
    if (declared > limit) throw tooLarge(limit);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk);
    }
    let raw = Buffer.concat(chunks, size);
    const encoding = headerValue(req.headers['content-encoding'])?.trim().toLowerCase();
    if (encoding === 'gzip') {
      try {
        raw = gunzipSync(raw, { maxOutputLength: limit });
      } catch (err) {
        throw (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
          ? tooLarge(limit)
          : new IpsFault(FaultCode.InvalidRequest, 'The request body is not valid gzip data');
      }
    } else if (encoding && encoding !== 'identity') {
      throw new IpsFault(FaultCode.InvalidRequest, `Content-Encoding: expected gzip or identity, received "${encoding.slice(0, 40)}"`);
    }
    const charset = /charset\s*=\s*"?([\w-]+)/i.exec(headerValue(req.headers['content-type']) ?? '')?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8')
      throw new IpsFault(FaultCode.InvalidRequest, `charset: expected UTF-8, received ${charset.slice(0, 40)}`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw new IpsFault(FaultCode.InvalidRequest, 'The request body is not valid UTF-8');
    }
  }
}

function tooLarge(limit: number): IpsFault {
  return new IpsFault(FaultCode.InvalidRequest, `The request body is larger than the limit of ${limit} bytes`, undefined, 'tooLarge');
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** authHeader first (what IPS clients send), then the legacy AuthUser/AuthPassword headers, then HTTP Basic. */
function credentialsOf(authHeader: AuthHeader, legacy: Credentials | undefined, authorization: string | undefined): Credentials | undefined {
  if (authHeader.user !== undefined) return { email: authHeader.user, password: authHeader.password ?? '' };
  return legacy ?? AuthService.parseBasic(authorization);
}
