import type { z } from 'zod';
import { itemSchema, objectShape } from '../../src/domain/schemas/introspect.js';
import { XSD_SIMPLE_TYPES, type XsdVersion } from '../../src/domain/soap/xsd-model.js';

/** One place where a zod schema and a version's XSD type differ. */
export interface XsdDifference {
  /** `<XSD type>.<element>` */
  at: string;
  kind: 'oursOnly' | 'xsdOnly' | 'typeMismatch';
  detail?: string;
}

/** Element names an object schema leaves to its catchall (ActiveJob / ScheduledJob echo their job element this way). */
export type CatchallElements = (xsdType: string) => ReadonlyMap<string, z.ZodType> | undefined;

type Def = { type: string; catchall?: unknown; innerType?: z.ZodType };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Compares a schema with an XSD type of one version, recursively: fields one
 * side has and the other lacks, and simple types that cannot hold each other's
 * values. Walks each XSD type once.
 */
export function compareWithXsd(
  schema: z.ZodType,
  xsdType: string,
  version: XsdVersion,
  catchall: CatchallElements = () => undefined,
  seen = new Set<string>(),
): XsdDifference[] {
  if (seen.has(xsdType)) return [];
  seen.add(xsdType);
  const type = version.types[xsdType];
  // A field refused whatever its value (z.unknown + refusal) has no structure to compare.
  if (defOf(unwrapOptional(schema)).type === 'unknown') return [];
  const shape = objectShape(schema);
  if (!type || !shape) return [{ at: xsdType, kind: 'typeMismatch', detail: !type ? 'no such XSD type' : 'the schema is not an object' }];
  const out: XsdDifference[] = [];
  const extra = catchall(xsdType);
  const elements = new Map(type.elements.map((e) => [e[0], e]));
  for (const field of Object.keys(shape)) if (!elements.has(field)) out.push({ at: `${xsdType}.${field}`, kind: 'oursOnly' });
  for (const [name, [, elementType, , max]] of elements) {
    const field = shape[name] ?? extra?.get(name);
    if (!field) {
      out.push({ at: `${xsdType}.${name}`, kind: 'xsdOnly' });
      continue;
    }
    out.push(...compareElement(field, elementType, max, `${xsdType}.${name}`, version, catchall, seen));
  }
  return out;
}

function compareElement(
  field: z.ZodType,
  elementType: string,
  max: number,
  at: string,
  version: XsdVersion,
  catchall: CatchallElements,
  seen: Set<string>,
): XsdDifference[] {
  const inner = itemSchema(field);
  if (XSD_SIMPLE_TYPES.has(elementType)) {
    const problem = simpleMismatch(inner, elementType);
    return problem ? [{ at, kind: 'typeMismatch', detail: problem }] : [];
  }
  const complex = version.types[elementType];
  if (!complex) return [{ at, kind: 'typeMismatch', detail: `no XSD type ${elementType}` }];
  // An IPS *Array type: one repeated `items` element; the schema side is the item (itemsArray / itemsOf).
  const only = complex.elements.length === 1 ? complex.elements[0]! : undefined;
  if (only && only[0] === 'items' && (only[3] === -1 || only[3] > 1)) {
    return compareElement(itemOfItems(field), only[1], only[3], `${at}.items`, version, catchall, seen);
  }
  if (max !== 1 && max !== 0) return compareWithXsd(inner, elementType, version, catchall, seen);
  return compareWithXsd(field, elementType, version, catchall, seen);
}

function unwrapOptional(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (defOf(current).type === 'optional' && defOf(current).innerType) current = defOf(current).innerType!;
  return current;
}

/** The item of an IPS array on the schema side: a bare array, `{items: [...]}`, or the union of both. */
function itemOfItems(field: z.ZodType): z.ZodType {
  const shape = objectShape(field);
  if (shape?.items) return itemSchema(shape.items);
  return itemSchema(field);
}

/** Why a schema cannot hold an XSD simple type's values, or undefined when it can. */
function simpleMismatch(schema: z.ZodType, xsd: string): string | undefined {
  const t = defOf(schema).type;
  // Refused fields (z.unknown with a refusal) and unions accept what the XSD sends; the schema decides.
  if (t === 'unknown' || t === 'any' || t === 'union' || t === 'pipe' || t === 'transform') return undefined;
  const want =
    xsd === 'boolean'
      ? ['boolean']
      : ['int', 'long', 'double', 'float', 'short', 'byte', 'decimal', 'integer'].includes(xsd)
        ? ['number', 'bigint']
        : ['string', 'enum', 'literal'];
  return want.includes(t) ? undefined : `XSD ${xsd}, schema ${t}`;
}
