import { describe, expect, it } from 'vitest';
import { readXml, type XmlNode } from '../../src/adapters/xml/xml-reader.js';
import { OPERATIONS } from '../../src/api/operations.js';
import { soapContract } from '../../src/api/soap/soap-contract.js';
import { wsdlDocument, wsdlVersionOf } from '../../src/api/soap/soap-wsdl.js';
import { objectShape } from '../../src/domain/schemas/introspect.js';
import type { SoapTypeDef } from '../../src/domain/soap/soap-types.js';
import { EXTENSION_OPERATIONS, NOT_IN_XSD } from '../../src/domain/soap/xsd-differences.js';
import { XSD_VERSIONS } from '../../src/domain/soap/xsd-versions.js';
import { JOB_TYPES } from '../../src/jobs/job-registry.js';

const XSD = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';

/** A field another version has: this version's contract leaves it out (NOT_IN_XSD says which). */
const laterHere = (type: string, field: string, version: string) => {
  const d = NOT_IN_XSD[`${type}.${field}`];
  return d !== undefined && 'later' in d && XSD_VERSIONS[version]!.types[type] !== undefined;
};

describe.each(Object.keys(XSD_VERSIONS))('the SOAP contract of %s', (version) => {
  const xsd = XSD_VERSIONS[version]!;
  const contract = soapContract(xsd);

  it('has every operation of ours the version declares, plus our extensions, and nothing else', () => {
    const expected = Object.keys(OPERATIONS).filter((op) => xsd.operations.includes(op) || EXTENSION_OPERATIONS.includes(op));
    expect([...contract.operations.keys()].sort()).toEqual(expected.sort());
  });

  it('declares every field of every operation’s param and return schema (a field added to a schema appears here)', () => {
    const missing: string[] = [];
    for (const [name, op] of contract.operations) {
      for (const [typeName, schema, type] of [
        [`${name}Param`, OPERATIONS[name].param, op.param],
        [`${name}Return`, OPERATIONS[name].return, op.result],
      ] as const) {
        for (const field of Object.keys(objectShape(schema) ?? {})) {
          if (!type.elements.some((e) => e.name === field) && !laterHere(typeName, field, version)) missing.push(`${typeName}.${field}`);
        }
      }
    }
    for (const job of JOB_TYPES.filter((j) => j.submittable)) {
      const typeName = job.element.charAt(0).toUpperCase() + job.element.slice(1);
      const type = contract.types.get(typeName);
      if (!type) continue; // a job element this version does not have
      for (const field of Object.keys(objectShape(job.options) ?? {})) {
        if (!type.elements.some((e) => e.name === field) && !laterHere(typeName, field, version)) missing.push(`${typeName}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps the version’s element order in every type it shares, our extensions after them', () => {
    const disordered: string[] = [];
    const check = (type: SoapTypeDef) => {
      const order = xsd.types[type.name]?.elements.map((e) => e[0]);
      if (!order) return;
      const positions = type.elements.map((e) => (order.includes(e.name) ? order.indexOf(e.name) : Infinity));
      if (positions.some((p, i) => i > 0 && p < positions[i - 1]!)) disordered.push(type.name);
    };
    for (const type of contract.types.values()) check(type);
    for (const op of contract.operations.values()) {
      check(op.param);
      check(op.result);
    }
    expect(disordered).toEqual([]);
  });

  it('renders a WSDL with both schemas, every operation in the port type and both bindings, and the authHeader', () => {
    const root = readXml(wsdlDocument(xsd, 'http://ips.test/scene7/services/IpsApiService'));
    const children = (node: XmlNode, ns: string, local: string) => node.children.filter((c) => c.ns === ns && c.local === local);
    const schemas = children(children(root, WSDL, 'types')[0]!, XSD, 'schema');
    expect(schemas).toHaveLength(2);
    const portOps = children(children(root, WSDL, 'portType')[0]!, WSDL, 'operation');
    expect(portOps).toHaveLength(contract.operations.size);
    expect(children(root, WSDL, 'binding')).toHaveLength(2);
    for (const binding of children(root, WSDL, 'binding')) expect(children(binding, WSDL, 'operation')).toHaveLength(contract.operations.size);
    const wsdl = wsdlDocument(xsd, 'http://ips.test/scene7/services/IpsApiService');
    expect(wsdl).toContain('location="http://ips.test/scene7/services/IpsApiService"');
    // accessToken and samlResponse are refused, so not offered
    expect(wsdl).not.toContain('"accessToken"');
    if (xsd.types.authHeader) expect(wsdl).toMatch(/<xsd:element name="appName" type="xsd:string"\/>/);
  });
});

it('names WSDL files as IPS does: IpsApi.wsdl is the latest', () => {
  expect(wsdlVersionOf('IpsApi.wsdl')?.version).toBe('2014-04-03');
  expect(wsdlVersionOf('IpsApi-2013-02-15.wsdl')?.version).toBe('2013-02-15');
  expect(wsdlVersionOf('IpsApi-2008-01-15.wsdl')).toBeUndefined();
  expect(wsdlVersionOf('../etc/passwd')).toBeUndefined();
});
