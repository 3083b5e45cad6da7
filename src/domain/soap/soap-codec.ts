import type { z } from 'zod';
import type { XmlNode } from './xml-node.js';
import { objectShape, unwrap } from '../schemas/introspect.js';
import type { SoapTypeDef } from './soap-types.js';
import { Utf8Builder, utf8 } from './utf8-builder.js';
import { escapeAttribute } from './xml-text.js';

export { escapeAttribute, escapeText } from './xml-text.js';

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
 * `before` and `after` wrap it (an XML declaration, a SOAP envelope).
 *
 * Replies can hold tens of thousands of elements (searchAssets, 1,000
 * assets), so each type is compiled once into its elements' tag bytes and
 * value writers, and the reply is written straight into UTF-8 bytes.
 */
export function encodeDocument(before: string, name: string, namespace: string, value: unknown, type: SoapTypeDef, after: string): Uint8Array {
  // Start at the size this reply type last had, so a large reply is not copied as it grows.
  const out = new Utf8Builder(lastSize.get(type) ?? 16 * 1024);
  out.raw(utf8(before));
  writeComplex(out, utf8(`<${name} xmlns="${escapeAttribute(namespace)}"`), utf8(`</${name}>`), value, compile(type));
  out.raw(utf8(after));
  const bytes = out.result();
  lastSize.set(type, Math.min(bytes.length + 1024, 64 * 1024 * 1024));
  return bytes;
}

const lastSize = new WeakMap<SoapTypeDef, number>();

/** The element alone, as text (tests, small documents). */
export function encodeElement(name: string, namespace: string, value: unknown, type: SoapTypeDef): string {
  return new TextDecoder().decode(encodeDocument('', name, namespace, value, type, ''));
}

interface CompiledElement {
  name: string;
  /** `<name` (a complex element writes `>` or `/>` after it), `<name>` and `</name>` */
  start: Uint8Array;
  open: Uint8Array;
  close: Uint8Array;
  repeated: boolean;
  /** an IPS `*Array` type: a bare array value fills its `items` */
  itemsWrapper: boolean;
  complex?: CompiledElement[];
  write: (out: Utf8Builder, value: unknown) => void;
}

const GT = utf8('>');
const SELF_CLOSE = utf8('/>');
const compiledTypes = new WeakMap<SoapTypeDef, CompiledElement[]>();

function compile(type: SoapTypeDef): CompiledElement[] {
  const known = compiledTypes.get(type);
  if (known) return known;
  const elements: CompiledElement[] = [];
  // Registered before its children are compiled: types refer to themselves (folders hold folders).
  compiledTypes.set(type, elements);
  for (const e of type.elements) {
    const items = e.complex?.elements;
    elements.push({
      name: e.name,
      start: utf8(`<${e.name}`),
      open: utf8(`<${e.name}>`),
      close: utf8(`</${e.name}>`),
      repeated: e.maxOccurs !== 1,
      itemsWrapper: items?.length === 1 && items[0]!.name === 'items' && items[0]!.maxOccurs !== 1,
      ...(e.complex ? { complex: compile(e.complex) } : {}),
      write: writerFor(e.type),
    });
  }
  return elements;
}

/** `start` is `<name` (with any attributes), `close` is `</name>`. */
function writeComplex(out: Utf8Builder, start: Uint8Array, close: Uint8Array, value: unknown, elements: readonly CompiledElement[]): void {
  const record = (value ?? {}) as Record<string, unknown>;
  out.raw(start);
  let empty = true;
  for (const element of elements) {
    let v = record[element.name];
    if (v === undefined || v === null) continue;
    if (element.itemsWrapper && Array.isArray(v)) v = { items: v };
    if (element.repeated && Array.isArray(v)) {
      for (const item of v) {
        if (item === undefined || item === null) continue;
        if (empty) out.raw(GT);
        empty = false;
        writeOne(out, element, item);
      }
    } else {
      if (empty) out.raw(GT);
      empty = false;
      writeOne(out, element, v);
    }
  }
  out.raw(empty ? SELF_CLOSE : close);
}

function writeOne(out: Utf8Builder, element: CompiledElement, value: unknown): void {
  if (element.complex) {
    writeComplex(out, element.start, element.close, value, element.complex);
    return;
  }
  out.raw(element.open);
  element.write(out, value);
  out.raw(element.close);
}

function writerFor(xsdType: string): (out: Utf8Builder, value: unknown) => void {
  switch (xsdType) {
    case 'string':
    case 'anyURI':
      return (out, v) => out.text(typeof v === 'string' ? v : lexical(v, xsdType));
    case 'int':
    case 'long':
    case 'short':
    case 'byte':
    case 'integer':
      return (out, v) => out.text(typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : lexical(v, xsdType));
    default:
      return (out, v) => out.text(lexical(v, xsdType));
  }
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
