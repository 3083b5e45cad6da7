import { SaxesParser } from 'saxes';

import type { XmlNode } from '../../domain/soap/xml-node.js';

export type { XmlNode };

export interface XmlReadLimits {
  /** deepest element nesting accepted (the IPS documents go about ten deep) */
  maxDepth: number;
  /** most elements in one document */
  maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlReadLimits = { maxDepth: 64, maxElements: 200_000 };

/** Why a document was refused, in words fit for a fault reason (no parser internals, no document content). */
export class XmlReadError extends Error {
  override name = 'XmlReadError';
}

const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * Reads a whole XML document into a tree with saxes, a strict XML 1.0 +
 * namespaces parser. Why hostile input is safe here:
 * - any DOCTYPE is refused as soon as the parser reports it, so there is no
 *   DTD, no entity declaration, no external entity (XXE) and no entity
 *   expansion (billion laughs); saxes itself never fetches anything and knows
 *   only the five predefined entities and character references, so an
 *   undeclared entity is a well-formedness error;
 * - depth and element count are bounded here, the byte size by the caller's
 *   body limit, so memory stays proportional to a bounded input.
 */
export function readXml(xml: string, limits: XmlReadLimits = DEFAULT_XML_LIMITS): XmlNode {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  let count = 0;
  parser.on('doctype', () => {
    throw new XmlReadError('a DOCTYPE (DTD) is not accepted');
  });
  parser.on('opentag', (tag) => {
    if (++count > limits.maxElements) throw new XmlReadError(`more than ${limits.maxElements} elements`);
    if (stack.length >= limits.maxDepth) throw new XmlReadError(`elements nested deeper than ${limits.maxDepth} levels`);
    const nilAttribute = Object.values(tag.attributes).find((a) => a.uri === XSI_NS && a.local === 'nil');
    const node: XmlNode = { ns: tag.uri, local: tag.local, text: '', nil: nilAttribute?.value === 'true' || nilAttribute?.value === '1', children: [] };
    stack.at(-1)?.children.push(node);
    stack.push(node);
    root ??= node;
  });
  parser.on('text', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on('cdata', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    if (err instanceof XmlReadError) throw err;
    throw new XmlReadError(`not well-formed XML (${wellFormednessMessage(err)})`);
  }
  if (!root) throw new XmlReadError('no root element');
  return root;
}

/** saxes prefixes its messages with a position ("1:23: "); keep the message, cut anything long. */
function wellFormednessMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s+/g, ' ').slice(0, 200);
}
