import { renderWsdl } from '../../adapters/xml/wsdl-writer.js';
import type { SoapTypeDef } from '../../domain/soap/soap-types.js';
import type { XsdType, XsdVersion } from '../../domain/soap/xsd-model.js';
import { LATEST_XSD_VERSION, XSD_VERSIONS } from '../../domain/soap/xsd-versions.js';
import { IPS_NS_BASE } from '../../domain/soap/ips-xml.js';
import { soapContract } from './soap-contract.js';

/** authHeader fields this server refuses (with an authentication fault), so its WSDL does not offer them. */
const REFUSED_AUTH_FIELDS = new Set(['accessToken', 'samlResponse']);
const FAULTS = ['ipsApiFault', 'authenticationFault', 'authorizationFault'] as const;

const rendered = new Map<string, string>();

/** The version a WSDL file name asks for: `IpsApi.wsdl` (the latest) or `IpsApi-<version>.wsdl`; undefined when unknown. */
export function wsdlVersionOf(fileName: string): XsdVersion | undefined {
  if (fileName === 'IpsApi.wsdl') return XSD_VERSIONS[LATEST_XSD_VERSION];
  const match = /^IpsApi-(\d{4}-\d{2}-\d{2})\.wsdl$/.exec(fileName);
  return match ? XSD_VERSIONS[match[1]!] : undefined;
}

export function wsdlFileNames(): string[] {
  return ['IpsApi.wsdl', ...Object.keys(XSD_VERSIONS).map((v) => `IpsApi-${v}.wsdl`)];
}

/** The WSDL of one version with `address` as the service endpoint; rendered once per version and address. */
export function wsdlDocument(version: XsdVersion, address: string): string {
  const key = `${version.version} ${address}`;
  let wsdl = rendered.get(key);
  if (!wsdl) {
    const contract = soapContract(version);
    const versionedHeader = version.types.authHeader;
    const unversionedHeader = version.unversionedTypes.authHeader!;
    wsdl = renderWsdl({
      namespace: contract.namespace,
      faultNamespace: IPS_NS_BASE,
      wsdlNamespace: `http://www.scene7.com/IpsApi/wsdl/${version.version}`,
      operations: [...contract.operations.values()],
      types: contract.types.values(),
      authHeader: simpleType('authHeader', versionedHeader ?? unversionedHeader),
      authHeaderInVersioned: versionedHeader !== undefined,
      unversionedAuthHeader: simpleType('authHeader', unversionedHeader),
      faults: FAULTS.map((name) => simpleType(name, version.unversionedTypes[name]!)),
      address,
    });
    rendered.set(key, wsdl);
  }
  return wsdl;
}

/** A type of simple elements only (authHeader, the faults) as the WSDL writer takes it. */
function simpleType(name: string, type: XsdType): SoapTypeDef {
  return {
    name,
    group: type.group === 'empty' ? 'seq' : type.group,
    elements: type.elements
      .filter(([element]) => !REFUSED_AUTH_FIELDS.has(element))
      .map(([element, xsdType, minOccurs, maxOccurs]) => ({ name: element, type: xsdType, minOccurs, maxOccurs })),
  };
}
