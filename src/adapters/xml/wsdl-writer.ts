import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { SoapElementDef, SoapOperationDef, SoapTypeDef } from '../../domain/soap/soap-types.js';

const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP11 = 'http://schemas.xmlsoap.org/wsdl/soap/';
const SOAP12 = 'http://schemas.xmlsoap.org/wsdl/soap12/';
const XSD = 'http://www.w3.org/2001/XMLSchema';

export interface WsdlModel {
  /** the versioned types namespace, `http://www.scene7.com/IpsApi/xsd/<version>` */
  namespace: string;
  /** the unversioned namespace of the faults (and of authHeader where the version keeps it there) */
  faultNamespace: string;
  /** the WSDL's own target namespace */
  wsdlNamespace: string;
  operations: readonly SoapOperationDef[];
  types: Iterable<SoapTypeDef>;
  /** authHeader as the version declares it, and which namespace the binding's header uses */
  authHeader: SoapTypeDef;
  authHeaderInVersioned: boolean;
  /** an unversioned authHeader as well (clients of older versions send it there) */
  unversionedAuthHeader: SoapTypeDef;
  faults: readonly SoapTypeDef[];
  address: string;
}

/**
 * Renders a WSDL 1.1 document (document/literal, SOAP 1.1 and 1.2 bindings)
 * with its two schemas inline: the versioned one (every operation's Param and
 * Return element and the named types) and the unversioned one (authHeader and
 * the three faults), in IPS's names.
 */
export function renderWsdl(model: WsdlModel): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(WSDL, 'wsdl:definitions', {
    'xmlns:soap': SOAP11,
    'xmlns:soap12': SOAP12,
    'xmlns:xsd': XSD,
    'xmlns:tns': model.wsdlNamespace,
    'xmlns:ips': model.namespace,
    'xmlns:ipsf': model.faultNamespace,
    name: 'IpsApi',
    targetNamespace: model.wsdlNamespace,
  });
  const types = root.ele(WSDL, 'wsdl:types');

  const common = types.ele(XSD, 'xsd:schema', { targetNamespace: model.faultNamespace, elementFormDefault: 'qualified' });
  writeElementWithType(common, 'authHeader', model.unversionedAuthHeader, 'ipsf', true);
  for (const fault of model.faults) writeElementWithType(common, fault.name, fault, 'ipsf', false);

  const versioned = types.ele(XSD, 'xsd:schema', { targetNamespace: model.namespace, elementFormDefault: 'qualified' });
  versioned.ele(XSD, 'xsd:import', { namespace: model.faultNamespace });
  if (model.authHeaderInVersioned) writeElementWithType(versioned, 'authHeader', model.authHeader, 'ips', true);
  for (const op of model.operations) {
    writeElementWithType(versioned, `${op.name}Param`, op.param, 'ips', false);
    writeElementWithType(versioned, `${op.name}Return`, op.result, 'ips', false);
  }
  for (const type of [...model.types].sort((a, b) => a.name.localeCompare(b.name))) {
    writeComplexType(versioned.ele(XSD, 'xsd:complexType', { name: type.name }), type, 'ips');
  }

  const headerPrefix = model.authHeaderInVersioned ? 'ips' : 'ipsf';
  root.ele(WSDL, 'wsdl:message', { name: 'authHeader' }).ele(WSDL, 'wsdl:part', { name: 'authHeader', element: `${headerPrefix}:authHeader` });
  for (const fault of model.faults) {
    root.ele(WSDL, 'wsdl:message', { name: `${fault.name}Exception` }).ele(WSDL, 'wsdl:part', { name: 'fault', element: `ipsf:${fault.name}` });
  }
  for (const op of model.operations) {
    root.ele(WSDL, 'wsdl:message', { name: `${op.name}Request` }).ele(WSDL, 'wsdl:part', { name: 'parameters', element: `ips:${op.name}Param` });
    root.ele(WSDL, 'wsdl:message', { name: `${op.name}Response` }).ele(WSDL, 'wsdl:part', { name: 'parameters', element: `ips:${op.name}Return` });
  }

  const portType = root.ele(WSDL, 'wsdl:portType', { name: 'IpsApiPortType' });
  for (const op of model.operations) {
    const operation = portType.ele(WSDL, 'wsdl:operation', { name: op.name });
    operation.ele(WSDL, 'wsdl:input', { message: `tns:${op.name}Request` });
    operation.ele(WSDL, 'wsdl:output', { message: `tns:${op.name}Response` });
    for (const fault of model.faults) operation.ele(WSDL, 'wsdl:fault', { name: `${fault.name}Exception`, message: `tns:${fault.name}Exception` });
  }

  for (const [binding, ns, prefix] of [
    ['IpsApiServiceSoapBinding', SOAP11, 'soap'],
    ['IpsApiServiceSoap12Binding', SOAP12, 'soap12'],
  ] as const) {
    const b = root.ele(WSDL, 'wsdl:binding', { name: binding, type: 'tns:IpsApiPortType' });
    b.ele(ns, `${prefix}:binding`, { style: 'document', transport: 'http://schemas.xmlsoap.org/soap/http' });
    for (const op of model.operations) {
      const operation = b.ele(WSDL, 'wsdl:operation', { name: op.name });
      operation.ele(ns, `${prefix}:operation`, { soapAction: op.name, style: 'document' });
      const input = operation.ele(WSDL, 'wsdl:input');
      input.ele(ns, `${prefix}:header`, { message: 'tns:authHeader', part: 'authHeader', use: 'literal' });
      input.ele(ns, `${prefix}:body`, { use: 'literal', parts: 'parameters' });
      operation.ele(WSDL, 'wsdl:output').ele(ns, `${prefix}:body`, { use: 'literal' });
      for (const fault of model.faults) {
        operation.ele(WSDL, 'wsdl:fault', { name: `${fault.name}Exception` }).ele(ns, `${prefix}:fault`, { name: `${fault.name}Exception`, use: 'literal' });
      }
    }
  }

  const service = root.ele(WSDL, 'wsdl:service', { name: 'IpsApiService' });
  service.ele(WSDL, 'wsdl:port', { name: 'IpsApiSoapPort', binding: 'tns:IpsApiServiceSoapBinding' }).ele(SOAP11, 'soap:address', { location: model.address });
  service
    .ele(WSDL, 'wsdl:port', { name: 'IpsApiSoap12Port', binding: 'tns:IpsApiServiceSoap12Binding' })
    .ele(SOAP12, 'soap12:address', { location: model.address });
  return doc.end({ prettyPrint: true });
}

function writeElementWithType(schema: XMLBuilder, name: string, type: SoapTypeDef, prefix: string, anyAttribute: boolean): void {
  const complex = schema.ele(XSD, 'xsd:element', { name }).ele(XSD, 'xsd:complexType');
  writeComplexType(complex, type, prefix);
  // IPS's authHeader admits any foreign attribute (some clients add their own).
  if (anyAttribute) complex.ele(XSD, 'xsd:anyAttribute', { namespace: '##other', processContents: 'lax' });
}

function writeComplexType(complex: XMLBuilder, type: SoapTypeDef, prefix: string): void {
  if (type.elements.length === 0) return;
  const group = complex.ele(XSD, type.group === 'all' ? 'xsd:all' : type.group === 'choice' ? 'xsd:choice' : 'xsd:sequence');
  for (const element of type.elements) group.ele(XSD, 'xsd:element', elementAttributes(element, prefix));
}

function elementAttributes(element: SoapElementDef, prefix: string): Record<string, string> {
  const attributes: Record<string, string> = {
    name: element.name,
    type: element.complex ? `${prefix}:${element.type}` : `xsd:${element.type}`,
  };
  if (element.minOccurs !== 1) attributes.minOccurs = String(element.minOccurs);
  if (element.maxOccurs !== 1) attributes.maxOccurs = element.maxOccurs === -1 ? 'unbounded' : String(element.maxOccurs);
  return attributes;
}
