import { docOf, XHTML } from './span.js';

/**
 * Parses html as the page's parser would at its insertion point in `parent`:
 * an element of the page's own document with the parent's name and
 * namespace, without children or ancestors, is the context of the fragment
 * parser (its `innerHTML`). So the parser applies the rules of that place
 * (rows under a `<tbody>`, options under a `<select>`, a stray `<td>` dropped
 * in a `<div>`, the SVG or MathML namespace under `<svg>` or `<math>` and
 * HTML again under their integration points) and the page's own scripting
 * flag: on a live page a `<noscript>` holds its source as text, as a fresh
 * page has it. `innerHTML` runs no scripts. A fragment root (no element)
 * parses in a `<template>`.
 */
export function parseHtml(parent: Node, html: string): DocumentFragment {
  const doc = docOf(parent);
  if (parent.nodeType !== 1) {
    const template = doc.createElement('template');
    template.innerHTML = html;
    return template.content;
  }
  const context = contextOf(doc, parent as Element);
  // Where there are character references, a leading comment keeps Chromium's innerHTML fast path
  // out: unlike the page's parser, it reads "&lttrue" in an attribute as "<true". It is removed at once.
  const slow = html.includes('&');
  context.innerHTML = slow ? '<!---->' + html : html;
  if (slow) context.firstChild!.remove();
  // One at a time: spreading a huge list into append() would overflow the arguments, and a Range
  // stays live (slowing every later change to the document) until it is collected.
  const fresh = doc.createDocumentFragment();
  while (context.firstChild) fresh.appendChild(context.firstChild);
  return fresh;
}

/** A bare element that parses like `parent`: a custom element's name would run its constructor, and parses as a <div>. */
function contextOf(doc: Document, parent: Element): Element {
  const custom = parent.namespaceURI === XHTML && parent.localName.includes('-');
  const context = doc.createElementNS(parent.namespaceURI, custom ? 'div' : parent.localName);
  // MathML's <annotation-xml> holds HTML or not by its encoding.
  const encoding = parent.getAttribute('encoding');
  if (encoding !== null && parent.localName === 'annotation-xml') context.setAttribute('encoding', encoding);
  return context;
}
