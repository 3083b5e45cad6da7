import { SaxesParser } from 'saxes';

/** An element as a strict, namespace-aware parser reads it: namespace URI, local name, attributes, own text, children. */
export interface XmlElement {
  uri: string;
  local: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlElement[];
}

/**
 * Parses with saxes (strict XML 1.0 with namespaces): anything not
 * well-formed, an undeclared prefix or a forbidden character throws, so a
 * test that gets a tree back knows the document is XML.
 */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('opentag', (tag) => {
    const attributes = Object.fromEntries(Object.values(tag.attributes).map((a) => [a.name, a.value]));
    const element: XmlElement = { uri: tag.uri, local: tag.local, attributes, text: '', children: [] };
    stack.at(-1)?.children.push(element);
    stack.push(element);
    root ??= element;
  });
  parser.on('text', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

/** The child elements named `local` in namespace `uri`. */
export function childrenOf(element: XmlElement, uri: string, local: string): XmlElement[] {
  return element.children.filter((c) => c.uri === uri && c.local === local);
}

/** The trimmed text of the one child named `local` in `uri`, or undefined when there is none. */
export function childText(element: XmlElement, uri: string, local: string): string | undefined {
  const found = childrenOf(element, uri, local);
  if (found.length > 1) throw new Error(`more than one ${local}`);
  return found[0]?.text.trim();
}
