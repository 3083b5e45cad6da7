import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';

/**
 * Validates SOAP / POX replies against the XSD a WSDL embeds, with xmllint
 * (libxml2-utils), so a reply a strict client would trip over fails the test
 * that received it.
 *
 * `validateAgainstServedXsd` returns `{ ok, errors, document }` and never
 * throws for a bad reply: tests can assert that a reply fails. A WSDL without
 * embedded schemas is a broken test set-up and throws. `assertValidAgainstServedXsd`
 * throws with xmllint's message, for tests that only need the reply to be valid.
 */

const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
const VERSIONED_NS = /^http:\/\/www\.scene7\.com\/IpsApi\/xsd\/[^/]+$/;

export interface XsdValidation {
  ok: boolean;
  /** xmllint's messages (or why the reply could not be validated); empty when ok. */
  errors: string;
  /** The standalone document that was validated (the reply's payload element), when one was found. */
  document?: string;
}

/** Validates the payload of `replyXml` against the schemas embedded in `wsdlXml`. */
export function validateAgainstServedXsd(wsdlXml: string, replyXml: string): XsdValidation {
  const schemas = extractedSchemas(wsdlXml);
  let payload: Node;
  try {
    payload = payloadOf(parseTree(replyXml));
  } catch (err) {
    return { ok: false, errors: `reply: ${(err as Error).message}` };
  }
  const document = serialize(payload, true);
  const schemaFile = schemaFor(schemas, payload.uri);
  if (!schemaFile) return { ok: false, errors: `no served schema has the targetNamespace "${payload.uri}" of <${payload.local}>`, document };
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schemaFile, '-'], { input: document, encoding: 'utf8' });
  if (run.error) throw new Error(`cannot run xmllint (scripts/setup.sh --test installs libxml2-utils): ${run.error.message}`);
  const ok = run.status === 0;
  // On success xmllint only says "- validates".
  return { ok, errors: ok ? '' : `xmllint exit ${run.status}: ${run.stderr.trim()}`, document };
}

/** Throws with xmllint's messages unless the reply's payload is valid against the served XSD. */
export function assertValidAgainstServedXsd(wsdlXml: string, replyXml: string): void {
  const result = validateAgainstServedXsd(wsdlXml, replyXml);
  if (!result.ok) throw new Error(`reply does not validate against the served XSD: ${result.errors}\n${result.document ?? replyXml}`);
}

// --- a small namespace-aware tree that can re-serialise any element on its own ---

interface Node {
  /** The qualified name as written. */
  name: string;
  uri: string;
  local: string;
  /** Namespace declarations written on this element (prefix '' = default). */
  decls: Map<string, string>;
  /** Every namespace binding in scope here, own declarations included. */
  scope: Map<string, string>;
  attributes: Array<{ name: string; value: string }>;
  children: Array<Node | string>;
}

function parseTree(xml: string): Node {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Node[] = [];
  let root: Node | undefined;
  parser.on('opentag', (tag) => {
    const decls = new Map<string, string>();
    const attributes: Node['attributes'] = [];
    for (const a of Object.values(tag.attributes)) {
      if (a.uri === XMLNS_NS) decls.set(a.prefix === 'xmlns' ? a.local : '', a.value);
      else attributes.push({ name: a.name, value: a.value });
    }
    const parent = stack.at(-1);
    const scope = new Map([...(parent?.scope ?? []), ...decls]);
    const node: Node = { name: tag.name, uri: tag.uri, local: tag.local, decls, scope, attributes, children: [] };
    parent?.children.push(node);
    stack.push(node);
    root ??= node;
  });
  const onText = (text: string) => stack.at(-1)?.children.push(text);
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

const elements = (node: Node) => node.children.filter((c): c is Node => typeof c !== 'string');

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
const escapeAttribute = (s: string) => escapeText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');

/**
 * Serialises `node`; as a document root it carries every namespace binding in
 * scope (QName-valued attributes such as `type="tns:X"` and `xsi:type` need
 * prefixes declared on ancestors). `rename` maps namespace URIs to others.
 */
function serialize(node: Node, asRoot: boolean, rename = new Map<string, string>()): string {
  const decls = asRoot ? node.scope : node.decls;
  const parts = [`<${node.name}`];
  for (const [prefix, uri] of decls) {
    if (asRoot && prefix === '' && uri === '') continue;
    parts.push(` ${prefix ? `xmlns:${prefix}` : 'xmlns'}="${escapeAttribute(rename.get(uri) ?? uri)}"`);
  }
  for (const a of node.attributes) parts.push(` ${a.name}="${escapeAttribute(a.value)}"`);
  if (!node.children.length) return `${parts.join('')}/>`;
  parts.push('>');
  for (const c of node.children) parts.push(typeof c === 'string' ? escapeText(c) : serialize(c, false, rename));
  parts.push(`</${node.name}>`);
  return parts.join('');
}

// --- the reply's payload ---

function onlyChild(node: Node, what: string): Node {
  const kids = elements(node);
  if (kids.length !== 1) throw new Error(`${what} has ${kids.length} child elements, expected 1`);
  return kids[0]!;
}

/** The element a schema describes: Body's child, a Fault's detail entry, or a POX reply's root. */
function payloadOf(root: Node): Node {
  const soap = root.uri === SOAP11_NS || root.uri === SOAP12_NS ? root.uri : undefined;
  if (!soap || root.local !== 'Envelope') return root;
  const body = elements(root).find((c) => c.uri === soap && c.local === 'Body');
  if (!body) throw new Error('envelope without Body');
  const child = onlyChild(body, 'Body');
  if (child.uri !== soap || child.local !== 'Fault') return child;
  // SOAP 1.1's detail is unqualified; SOAP 1.2's Detail is in the envelope namespace.
  const detail = elements(child).find((c) => (soap === SOAP11_NS ? c.uri === '' && c.local === 'detail' : c.uri === soap && c.local === 'Detail'));
  if (!detail) throw new Error(`Fault without ${soap === SOAP11_NS ? 'an unqualified detail' : 'an env:Detail'} element`);
  return onlyChild(detail, 'Fault detail');
}

// --- the schemas a WSDL embeds, written to a directory named by their content ---

interface ExtractedSchemas {
  dir: string;
  /** targetNamespace → file name in dir. */
  files: Map<string, string>;
  /** targetNamespace → schema element, for namespace aliases. */
  nodes: Map<string, Node>;
}

/** By WSDL text, so each test process parses a served WSDL once. */
const cache = new Map<string, ExtractedSchemas>();

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Writes a file whole under its final name (rename is atomic), so parallel test
 * processes sharing a schema directory never read a half-written schema.
 */
function writeAtomically(path: string, text: string): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

function extractedSchemas(wsdlXml: string): ExtractedSchemas {
  const cached = cache.get(sha(wsdlXml));
  if (cached) return cached;

  const wsdl = parseTree(wsdlXml);
  const found = elements(wsdl)
    .filter((c) => c.local === 'types')
    .flatMap((types) => elements(types).filter((c) => c.uri === XSD_NS && c.local === 'schema'));
  if (!found.length) throw new Error('the WSDL embeds no xsd:schema in its types');

  const files = new Map<string, string>();
  const nodes = new Map<string, Node>();
  found.forEach((schema, i) => {
    const ns = attribute(schema, 'targetNamespace') ?? '';
    if (nodes.has(ns)) throw new Error(`two embedded schemas have the targetNamespace "${ns}"`);
    files.set(ns, `schema-${i}.xsd`);
    nodes.set(ns, schema);
  });
  // Offline, xmllint resolves an import only through its schemaLocation.
  for (const schema of found) {
    for (const imp of descendants(schema).filter((n) => n.uri === XSD_NS && n.local === 'import')) {
      const file = files.get(attribute(imp, 'namespace') ?? '');
      if (file) setAttribute(imp, 'schemaLocation', file);
    }
  }
  const texts = [...nodes].map(([ns, schema]) => [files.get(ns)!, serialize(schema, true)] as const);
  // Named by the schemas' content, not the WSDL's (whose service address carries
  // the test server's port): runs reuse the directory instead of piling up new ones.
  const dir = join(tmpdir(), 'ips-soap-xsd', sha(texts.flat().join('\0')));
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of texts) writeAtomically(join(dir, file), text);
  const extracted = { dir, files, nodes };
  cache.set(sha(wsdlXml), extracted);
  return extracted;
}

/**
 * The schema file for an element namespace. IPS clients send namespaces of
 * versions the WSDL does not declare (…/xsd/2019-09-10-beta) and the server
 * answers in that namespace with the latest layout: such a namespace gets a copy
 * of the latest versioned schema moved to it.
 */
function schemaFor(schemas: ExtractedSchemas, ns: string): string | undefined {
  const direct = schemas.files.get(ns);
  if (direct) return join(schemas.dir, direct);
  if (!VERSIONED_NS.test(ns)) return undefined;
  const latest = [...schemas.nodes.keys()]
    .filter((n) => VERSIONED_NS.test(n))
    .sort()
    .at(-1);
  if (!latest) return undefined;
  const file = `alias-${sha(ns)}.xsd`;
  const schema = schemas.nodes.get(latest)!;
  const moved: Node = { ...schema, attributes: schema.attributes.map((a) => (a.name === 'targetNamespace' ? { ...a, value: ns } : a)) };
  writeAtomically(join(schemas.dir, file), serialize(moved, true, new Map([[latest, ns]])));
  schemas.files.set(ns, file);
  return join(schemas.dir, file);
}

function attribute(node: Node, name: string): string | undefined {
  return node.attributes.find((a) => a.name === name)?.value;
}

function setAttribute(node: Node, name: string, value: string): void {
  const existing = node.attributes.find((a) => a.name === name);
  if (existing) existing.value = value;
  else node.attributes.push({ name, value });
}

function descendants(node: Node): Node[] {
  return elements(node).flatMap((c) => [c, ...descendants(c)]);
}
