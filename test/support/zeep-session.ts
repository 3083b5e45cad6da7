import { expect } from 'vitest';
import { validateAgainstServedXsd } from './soap-xsd.js';
import { type ZeepCall, type ZeepResult, runZeep } from './zeep.js';

/** The IPS versions whose WSDL the service serves, each tested through zeep. */
export const IPS_VERSIONS = ['2013-02-15', '2014-04-03'] as const;
export type IpsVersion = (typeof IPS_VERSIONS)[number];

export interface ZeepSessionOptions {
  /** Read when called: the harness starts in beforeAll, after the session is made. */
  baseUrl: () => string;
  /** The user whose authHeader every call carries. */
  who: () => { email: string; password: string };
}

export interface ZeepSession {
  /** The served WSDL's URL for `version`. */
  wsdlUrl(version: IpsVersion): string;
  /** Fetches every version's WSDL once (in beforeAll), for the replies' XSD checks. */
  loadWsdls(): Promise<void>;
  /**
   * Runs the calls in one zeep client and holds every reply to the served XSD:
   * a reply that does not validate fails the test here, whatever the call's outcome.
   */
  zeep(version: IpsVersion, calls: ZeepCall[]): Promise<ZeepResult[]>;
  /** The value zeep parsed; a fault, a strict-parsing error or a missing reply fails with what zeep got. */
  valueOf(r: ZeepResult): any;
}

/**
 * The SOAP tests' zeep client: Python zeep with strict=True, a client this
 * service did not write, loading the WSDL served for each IPS version, with
 * every reply it receives also validated against the XSD that WSDL embeds
 * (xmllint), so a reply zeep happens to tolerate but the schema forbids fails too.
 */
export function zeepSession(options: ZeepSessionOptions): ZeepSession {
  const wsdls = new Map<IpsVersion, string>();
  const wsdlUrl = (version: IpsVersion) => `${options.baseUrl()}/scene7/webservice/IpsApi-${version}.wsdl`;
  return {
    wsdlUrl,
    async loadWsdls() {
      for (const version of IPS_VERSIONS) {
        const res = await fetch(wsdlUrl(version));
        expect(res.status, `${version}'s WSDL`).toBe(200);
        wsdls.set(version, await res.text());
      }
    },
    async zeep(version, calls) {
      const wsdl = wsdls.get(version);
      if (wsdl === undefined) throw new Error(`zeepSession: loadWsdls() has not fetched ${version}'s WSDL (call it in beforeAll)`);
      const who = options.who();
      const results = await runZeep({ wsdl: wsdlUrl(version), user: who.email, password: who.password, calls });
      for (const r of results) {
        // No reply only when the request never got one (a transport error, or a chained call whose
        // source failed): valueOf fails on such a call, and a test expecting the failure can see it.
        if (r.reply === null) continue;
        const check = validateAgainstServedXsd(wsdl, r.reply);
        expect(check.ok, `${version} ${r.op}: the reply does not validate against the served XSD: ${check.errors}\n${check.document ?? r.reply}`).toBe(true);
      }
      return results;
    },
    valueOf(r) {
      if (!r.ok) throw new Error(`${r.op} failed through zeep: ${JSON.stringify('fault' in r ? r.fault : r.error)}\nreply: ${r.reply}`);
      // zeep returns nothing without a reply only for an empty 201/202 answer, which no IPS operation gives.
      if (r.reply === null) throw new Error(`${r.op}: zeep received no reply to validate (HTTP ${r.httpStatus})`);
      return r.value;
    },
  };
}
