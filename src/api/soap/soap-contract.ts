import type { z } from 'zod';
import { itemSchema, objectShape, unwrap } from '../../domain/schemas/introspect.js';
import { NOT_IN_XSD } from '../../domain/soap/xsd-differences.js';
import { XSD_SIMPLE_TYPES, type XsdVersion } from '../../domain/soap/xsd-model.js';
import { XSD_VERSIONS } from '../../domain/soap/xsd-versions.js';
import type { SoapElementDef, SoapOperationDef, SoapTypeDef } from '../../domain/soap/soap-types.js';
import { IPS_NS_BASE } from '../../domain/soap/ips-xml.js';
import { JOB_TYPES } from '../../jobs/job-registry.js';
import { OPERATIONS, type JsonOperation } from '../operations.js';

/**
 * The SOAP contract of one IPS API version, as this server implements it:
 * every operation it has and that version (or no version: our extensions)
 * declares, with each type's elements in the version's order. It is derived,
 * never hand-kept: element order, XSD type and occurrence come from the
 * version's order metadata (src/domain/soap/xsd-*.ts), the fields from the
 * zod schemas that validate JSON requests. So a field added to a schema is
 * declared here too (test/unit/xsd-agreement.test.ts makes its author say
 * whether it is an extension or another version's element).
 */
export interface SoapContract {
  version: XsdVersion;
  namespace: string;
  operations: ReadonlyMap<JsonOperation, SoapOperationDef<JsonOperation>>;
  /** every named complex type reachable from the operations */
  types: ReadonlyMap<string, SoapTypeDef>;
}

const contracts = new Map<string, SoapContract>();

export function soapContract(version: XsdVersion): SoapContract {
  let contract = contracts.get(version.version);
  if (!contract) {
    contract = new ContractBuilder(version).build();
    contracts.set(version.version, contract);
  }
  return contract;
}

/** ActiveJob and ScheduledJob echo their job element through a catchall: the registry's schemas are those elements. */
const JOB_ECHO: ReadonlyMap<string, z.ZodType> = new Map(JOB_TYPES.map((j) => [j.element as string, j.options]));
const ECHOING_TYPES = new Set(['ActiveJob', 'ScheduledJob']);

type Def = {
  type: string;
  format?: string;
  checks?: Array<{ _zod: { def: { format?: string; check?: string } } }>;
  options?: readonly z.ZodType[];
  values?: readonly unknown[];
};
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

class ContractBuilder {
  private readonly types = new Map<string, SoapTypeDef>();
  constructor(private readonly version: XsdVersion) {}

  build(): SoapContract {
    const operations = new Map<JsonOperation, SoapOperationDef<JsonOperation>>();
    for (const [name, spec] of Object.entries(OPERATIONS) as Array<[JsonOperation, (typeof OPERATIONS)[JsonOperation]]>) {
      const known = this.version.operations.includes(name);
      // An operation another IPS version has but this one lacks is not ours to add to it; our own extensions go in every version.
      if (!known && this.knownElsewhere(name)) continue;
      operations.set(name, { name, param: this.resolve(`${name}Param`, spec.param, false), result: this.resolve(`${name}Return`, spec.return, false) });
    }
    return { version: this.version, namespace: `${IPS_NS_BASE}/${this.version.version}`, operations, types: this.types };
  }

  private knownElsewhere(name: string): boolean {
    // Only the versions this server has tables for are consulted: an operation none of them lists is an extension.
    return Object.values(XSD_VERSIONS).some((v) => v.operations.includes(name));
  }

  /** The complex type `name` as our schema fills it; `named` = a top-level named type (the `…Param`/`…Return` elements carry theirs inline). */
  private resolve(name: string, schema: z.ZodType, named = true): SoapTypeDef {
    const existing = this.types.get(name);
    if (existing) return existing;
    const xsd = this.version.types[name];
    const type: SoapTypeDef = { name, group: xsd && xsd.group !== 'empty' ? xsd.group : 'seq', elements: [] };
    if (named) this.types.set(name, type);
    const shape = objectShape(schema) ?? {};
    const echo = ECHOING_TYPES.has(name) ? JOB_ECHO : undefined;
    const fieldOf = (element: string) => shape[element] ?? echo?.get(element);
    if (xsd) {
      for (const [element, elementType, minOccurs, maxOccurs] of xsd.elements) {
        const field = fieldOf(element);
        if (!field) continue; // an element this server does not have is not declared (a request sending it is refused, 30001)
        type.elements.push(this.element(element, elementType, minOccurs, maxOccurs, field));
      }
    }
    for (const [element, field] of Object.entries(shape)) {
      if (xsd?.elements.some((e) => e[0] === element)) continue;
      const difference = NOT_IN_XSD[`${name}.${element}`];
      // Another IPS version's element belongs to that version's namespace, not to this one.
      if (xsd && difference && 'later' in difference) continue;
      type.elements.push(this.ownElement(name, element, field));
    }
    return type;
  }

  private element(name: string, xsdType: string, xsdMin: number, maxOccurs: number, field: z.ZodType): SoapElementDef {
    const minOccurs = xsdMin > 0 && !isOptional(field) ? xsdMin : 0;
    if (XSD_SIMPLE_TYPES.has(xsdType)) return { name, type: xsdType, minOccurs, maxOccurs };
    const itemField = maxOccurs === 1 ? field : itemSchema(field);
    const arrayItem = this.arrayItemOf(xsdType);
    const complex = arrayItem ? this.resolveArray(xsdType, arrayItem, field) : this.resolve(xsdType, itemField);
    return { name, type: xsdType, minOccurs, maxOccurs, complex };
  }

  /** An IPS `*Array` type (one repeated `items`): the schema side is a bare array, `{ items }`, or either. */
  private resolveArray(name: string, item: readonly [string, string, number, number], field: z.ZodType): SoapTypeDef {
    const existing = this.types.get(name);
    if (existing) return existing;
    const type: SoapTypeDef = { name, group: 'seq', elements: [] };
    this.types.set(name, type);
    const [, itemType, , itemMax] = item;
    const itemField = itemSchema(objectShape(field)?.items ?? field);
    type.elements.push(this.element('items', itemType, 0, itemMax, itemField));
    return type;
  }

  private arrayItemOf(xsdType: string): readonly [string, string, number, number] | undefined {
    const elements = this.version.types[xsdType]?.elements;
    const only = elements?.length === 1 ? elements[0] : undefined;
    return only && only[0] === 'items' && only[3] !== 1 ? only : undefined;
  }

  /** An element only our schema has (an extension, or a whole extension operation): its type comes from the schema. */
  private ownElement(owner: string, name: string, field: z.ZodType): SoapElementDef {
    const minOccurs = isOptional(field) ? 0 : 1;
    const inner = unwrap(field);
    const isArray = isArraySchema(inner);
    const item = isArray ? itemSchema(inner) : inner;
    const simple = simpleTypeOf(item);
    if (isArray) {
      // Declared as IPS declares its arrays: a wrapper with repeated `items`.
      const arrayName = simple ? `${capitalise(simple)}ItemsArray` : `${owner}_${name}Array`;
      let wrapper = this.types.get(arrayName);
      if (!wrapper) {
        wrapper = { name: arrayName, group: 'seq', elements: [] };
        this.types.set(arrayName, wrapper);
        wrapper.elements.push(
          simple
            ? { name: 'items', type: simple, minOccurs: 0, maxOccurs: -1 }
            : { name: 'items', type: `${owner}_${name}`, minOccurs: 0, maxOccurs: -1, complex: this.resolve(`${owner}_${name}`, item) },
        );
      }
      return { name, type: arrayName, minOccurs, maxOccurs: 1, complex: wrapper };
    }
    if (simple) return { name, type: simple, minOccurs, maxOccurs: 1 };
    const typeName = `${owner}_${name}`;
    return { name, type: typeName, minOccurs, maxOccurs: 1, complex: this.resolve(typeName, inner) };
  }
}

function isArraySchema(schema: z.ZodType): boolean {
  const def = defOf(schema);
  return def.type === 'array' || (def.type === 'union' && (def.options ?? []).some((o) => defOf(unwrap(o)).type === 'array'));
}

function isOptional(field: z.ZodType): boolean {
  return field.safeParse(undefined).success;
}

/** The XSD simple type of a schema, or undefined for an object. */
export function simpleTypeOf(schema: z.ZodType): string | undefined {
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case 'string':
      return def.format === 'datetime' ? 'dateTime' : 'string';
    case 'enum':
    case 'literal':
      return typeof def.values?.[0] === 'number' ? 'int' : typeof def.values?.[0] === 'boolean' ? 'boolean' : 'string';
    case 'number':
      return def.checks?.some((c) => c._zod.def.format === 'safeint' || c._zod.def.format === 'int32') || def.format === 'safeint' ? 'int' : 'double';
    case 'boolean':
      return 'boolean';
    case 'object':
    case 'array':
      return undefined;
    case 'union':
      return def.options?.map(simpleTypeOf).find((t) => t !== undefined) ?? 'string';
    default:
      return 'string';
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
