import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** A whole page: the doctype, then the tree (Preact escapes every text and attribute value). */
export function renderPage(tree: VNode): string {
  return `<!doctype html>${renderToString(tree)}`;
}

/** A fragment htmx swaps into the page. */
export function renderFragment(tree: VNode): string {
  return renderToString(tree);
}
