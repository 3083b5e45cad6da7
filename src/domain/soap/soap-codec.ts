import type { z } from 'zod';
import type { XmlNode } from './xml-node.js';
import { objectShape, unwrap } from '../schemas/introspect.js';
import type { SoapElementDef, SoapTypeDef } from './soap-types.js';

type Def = { type: string; options?: readonly z.ZodType[]; element?: z.ZodType; values?: readonly unknown[] };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * A SOAP `…Param` element as the plain object a JSON request would be, typed
 * by the schema that validates both: numbers and booleans from their XSD
 * lexical forms, `<x><items>…</items></x>` as `{ items: [...] }`, xsi:nil as
 * absent. An element the schema does not know is kept (as text or an object
 * of its children) so validation refuses it by name (30001) instead of the
 * SOAP layer dropping it silently.
 */
export function decodeParam(node: XmlNode, schema: z.ZodType): Record<string, unknown> {
  return decodeObject(node, objectShape(schema) ?? {});
}

function decodeObject(node: XmlNode, shape: Record<string, z.ZodType>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const groups = new Map<string, XmlNode[]>();
  for (const child of node.children) {
    const group = groups.get(child.local);
    if (group) group.push(child);
    else groups.set(child.local, [child]);
  }
  for (const [name, nodes] of groups) {
    const field = shape[name];
    const inner = field ? unwrap(field) : undefined;
    if (inner && defOf(inner).type === 'array') {
      out[name] = nodes.filter((n) => !n.nil).map((n) => decodeValue(n, defOf(inner).element));
    } else if (nodes.length > 1) {
      // Repeated where the schema wants one value: keep them all so validation says what it expected.
      out[name] = nodes.map((n) => decodeValue(n, field));
    } else if (!nodes[0]!.nil) {
      out[name] = decodeValue(nodes[0]!, field);
    }
  }
  return out;
}

function decodeValue(node: XmlNode, schema: z.ZodType | undefined): unknown {
  if (!schema) return generic(node);
  const inner = unwrap(schema);
  const def = defOf(inner);
  switch (def.type) {
    case 'object':
      return decodeObject(node, objectShape(inner) ?? {});
    case 'array':
      // A bare array field given as one wrapper element: its `items` are the values.
      return node.children.filter((c) => c.local === 'items' && !c.nil).map((c) => decodeValue(c, def.element));
    case 'union': {
      const options = (def.options ?? []).map(unwrap);
      if (node.children.length > 0) {
        const object = options.find((o) => defOf(o).type === 'object');
        const array = options.find((o) => defOf(o).type === 'array');
        if (object) return decodeValue(node, object);
        if (array) return decodeValue(node, array);
        return generic(node);
      }
      const simple = options.find((o) => {
        const d = defOf(o);
        if (d.type === 'number' || d.type === 'boolean') return coerce(node.text, o) !== undefined;
        // A union of non-string literals (`0 | 1`): the text must be one of them.
        return d.type === 'literal' && typeof d.values?.[0] !== 'string' && coerce(node.text, o) === d.values?.[0];
      });
      if (simple) return coerce(node.text, simple);
      return options.some((o) => defOf(o).type === 'object') ? {} : node.text;
    }
    case 'number':
    case 'boolean':
    case 'literal':
      return coerce(node.text, inner) ?? node.text;
    case 'string':
    case 'enum':
      return node.children.length > 0 ? generic(node) : node.text;
    default:
      return generic(node);
  }
}

/** The XSD lexical form of a number or boolean as a JS value, or undefined when the text is not one. */
function coerce(text: string, schema: z.ZodType): unknown {
  const def = defOf(schema);
  const value = text.trim();
  const kind = def.type === 'literal' ? typeof def.values?.[0] : def.type;
  if (kind === 'boolean') return value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : undefined;
  if (kind === 'number') {
    if (value === 'INF') return Infinity;
    if (value === '-INF') return -Infinity;
    return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : undefined;
  }
  return text;
}

/** An element the schema does not describe: text, or an object of its children (repeated children as an array). */
function generic(node: XmlNode): unknown {
  if (node.children.length === 0) return node.text;
  const out: Record<string, unknown> = {};
  for (const child of node.children) {
    const value = generic(child);
    const existing = out[child.local];
    if (existing === undefined) out[child.local] = value;
    else out[child.local] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

/**
 * Writes a value as the element `name` of a complex type, children in the
 * type's declared order, values in their XSD lexical form; absent optional
 * values are left out, arrays written as repeated `items`, an empty array as
 * an empty element. The element carries `xmlns` (its children inherit it).
 */
export function encodeElement(name: string, namespace: string, value: unknown, type: SoapTypeDef): string {
  const parts: string[] = [];
  writeComplex(parts, name, value, type, ` xmlns="${escapeAttribute(namespace)}"`);
  return parts.join('');
}

function writeComplex(out: string[], name: string, value: unknown, type: SoapTypeDef, attributes = ''): void {
  const record = (value ?? {}) as Record<string, unknown>;
  const start = out.length;
  out.push(`<${name}${attributes}>`);
  for (const element of type.elements) {
    const v = arrayItemsOf(record[element.name], element);
    if (v === undefined || v === null) continue;
    if (element.maxOccurs !== 1 && Array.isArray(v)) {
      for (const item of v) writeElement(out, element, item);
    } else {
      writeElement(out, element, v);
    }
  }
  if (out.length === start + 1) out[start] = `<${name}${attributes}/>`;
  else out.push(`</${name}>`);
}

/** `{ items: [...] }` and a bare array both fill an IPS `*Array`; its `items` element takes the list. */
function arrayItemsOf(value: unknown, element: SoapElementDef): unknown {
  const items = element.complex?.elements;
  if (Array.isArray(value) && items?.length === 1 && items[0]!.name === 'items' && items[0]!.maxOccurs !== 1) return { items: value };
  return value;
}

function writeElement(out: string[], element: SoapElementDef, value: unknown): void {
  if (value === undefined || value === null) return;
  if (element.complex) {
    writeComplex(out, element.name, value, element.complex);
    return;
  }
  out.push(`<${element.name}>${escapeText(lexical(value, element.type))}</${element.name}>`);
}

/** The XSD lexical form of a simple value (doubles keep a decimal point, as IPS writes them: `72.0`). */
export function lexical(value: unknown, xsdType: string): string {
  if (value instanceof Date) return value.toISOString();
  switch (xsdType) {
    case 'double':
    case 'float':
    case 'decimal': {
      const n = Number(value);
      if (Number.isNaN(n)) return 'NaN';
      if (!Number.isFinite(n)) return n > 0 ? 'INF' : '-INF';
      return Number.isInteger(n) && Math.abs(n) < 1e21 ? `${n}.0` : String(n);
    }
    case 'int':
    case 'long':
    case 'short':
    case 'byte':
    case 'integer':
      return typeof value === 'number' ? String(Math.trunc(value)) : String(value);
    case 'boolean':
      return value === true || value === 'true' ? 'true' : 'false';
    default:
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

// Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF): a stored name
// holding one would make the whole reply unreadable to every client, so it is written as U+FFFD.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SPECIAL = /[&<>\r]/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;', '"': '&quot;' };

export function escapeText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(SPECIAL, (c) => ENTITY[c]!);
}

export function escapeAttribute(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"\r]/g, (c) => ENTITY[c]!);
}
