import { docOf } from './span.js';

/**
 * Parses html as the page's parser would at its insertion point in `parent`.
 * HTML parents parse through a `<template>`, whose content accepts any
 * context: `<tr>`, `<td>` and `<option>` survive where a `<div>` would drop
 * them. An SVG or MathML parent is itself the context (a shallow copy of it,
 * in the template's inert document), so the parser applies its namespace and
 * integration points: `<circle>` under `<g>` is SVG, `<div>` under
 * `<foreignObject>` or `<mi>` is HTML. Scripts stay inert, as with innerHTML.
 */
export function parseHtml(parent: Node, html: string): DocumentFragment {
  const template = docOf(parent).createElement('template');
  const content = template.content;
  const foreign = parent.nodeType === 1 && (parent as Element).namespaceURI !== template.namespaceURI;
  const context = foreign ? content.appendChild(parent.cloneNode(false) as Element) : template;
  context.innerHTML = html;
  if (foreign) content.replaceChildren(...context.childNodes);
  return content;
}
