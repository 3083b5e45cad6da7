/**
 * The IPS XSD as this project keeps it: per API version, every complex type
 * with its elements in declared order (what strict SOAP clients check), and
 * the operations of that version. Generated from the WSDL fact tables by
 * scripts/gen-ips-xsd.mjs (xsd-<version>.ts); the SOAP layer and its tests
 * read only these files.
 */
export type XsdGroup = 'seq' | 'all' | 'choice' | 'empty';

/** [name, XSD type (a simple type such as `string`, or another type's name), minOccurs, maxOccurs (-1 = unbounded)] */
export type XsdElement = readonly [name: string, type: string, minOccurs: number, maxOccurs: number];

export interface XsdType {
  group: XsdGroup;
  elements: readonly XsdElement[];
}

export interface XsdVersion {
  version: string;
  operations: readonly string[];
  /** the version's namespace, `http://www.scene7.com/IpsApi/xsd/<version>` */
  types: Readonly<Record<string, XsdType>>;
  /** `http://www.scene7.com/IpsApi/xsd`: authHeader and the three faults */
  unversionedTypes: Readonly<Record<string, XsdType>>;
}

/** XSD simple types the tables use (everything else names a complex type). */
export const XSD_SIMPLE_TYPES: ReadonlySet<string> = new Set(['string', 'int', 'long', 'double', 'float', 'boolean', 'dateTime', 'base64Binary', 'anyURI', 'short', 'byte', 'decimal', 'integer']);
