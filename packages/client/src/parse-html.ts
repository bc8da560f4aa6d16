import { docOf } from './span.js';

/**
 * Parses html as the page's parser would at its insertion point in `parent`:
 * a copy of the parent, without its children, made in a `<template>`'s inert
 * document, is the context of the fragment parser (its `innerHTML`). So the
 * parser applies the rules of that place: rows under a `<tbody>`, options
 * under a `<select>`, a stray `<td>` dropped in a `<div>`, the SVG or MathML
 * namespace under `<svg>` or `<math>` and HTML again under their integration
 * points (`<foreignObject>`, `<mi>`…). Being inert, it runs no scripts and
 * loads nothing. A fragment root (no element) parses in the template itself.
 */
export function parseHtml(parent: Node, html: string): DocumentFragment {
  const template = docOf(parent).createElement('template');
  const content = template.content;
  const context = parent.nodeType === 1 ? content.appendChild(content.ownerDocument.importNode(parent, false) as Element) : template;
  // A leading comment keeps Chromium's innerHTML fast path out: unlike the page's parser, it reads
  // "&lttrue" in an attribute as "<true". It is removed at once.
  context.innerHTML = '<!---->' + html;
  if (context !== template) content.replaceChildren(...context.childNodes);
  content.firstChild!.remove();
  return content;
}
