import { itemFragmentId, parseMarker, regionFragmentId } from '@statetemplate/protocol';
import { domText } from '@statetemplate/test-utils';
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('');
const { NodeFilter } = window;

/**
 * The root a page's updates apply to: for body content, the body of a new
 * document whose innerHTML is `html`; for a whole page, its <html> element.
 */
export function loadPage(html: string, wholeDocument: boolean): Element {
  if (wholeDocument) {
    // As a tab parses it, with scripting on (a <noscript> holds text), as the client's parse in the same
    // document does; jsdom's DOMParser documents have it off.
    const doc = window.document.implementation.createHTMLDocument('');
    doc.open();
    doc.write(html);
    doc.close();
    return doc.documentElement;
  }
  const doc = window.document.implementation.createHTMLDocument('');
  doc.body.innerHTML = html;
  return doc.body;
}

/** Like loadPage, but body content goes into one shared document: valid until the next call. */
export function loadReference(html: string, wholeDocument: boolean): Element {
  if (wholeDocument) return loadPage(html, true);
  reference.body.innerHTML = html;
  return reference.body;
}

const reference = window.document.implementation.createHTMLDocument('');

/**
 * Removes the annotations from an annotated page `root` (marker comments,
 * the `!` that escapes marker-shaped comments of raw output, data-st*
 * attributes), merges adjacent text nodes and writes it out with every
 * namespace (domText), so a patched page (pass a copy) and a freshly parsed
 * plain render (markedHtml: it has no annotations to remove) compare equal
 * exactly when they are the same DOM.
 */
export function canonicalHtml(root: Element): string {
  for (const comment of withContent(root, NodeFilter.SHOW_COMMENT) as Comment[]) {
    if (parseMarker(comment.data) !== null) comment.remove();
    else if (parseMarker(comment.data.replace(/^!+/, '')) !== null) comment.data = comment.data.slice(1);
    else comment.data = comment.data.replace(ESCAPED_MARKER, '<!--');
  }
  // The escape is written into the string: where other raw output opened a raw-text element, an
  // attribute or a comment, it is text there (a documented limit, docs/architecture.md).
  for (const text of withContent(root, NodeFilter.SHOW_TEXT) as Text[]) {
    if (RAW_TEXT.has(text.parentElement?.localName ?? '')) text.data = text.data.replace(ESCAPED_MARKER, '<!--');
  }
  for (const element of withContent(root, NodeFilter.SHOW_ELEMENT) as Element[]) {
    for (const attr of element.attributes) attr.value = attr.value.replace(ESCAPED_MARKER, '<!--');
  }
  // An attribute name cannot be set back: undo the escape where domText writes names (text there is escaped as &#60;).
  return markedHtml(root).replace(ESCAPED_NAME, ' <!--');
}

const ESCAPED_NAME = / <!--!(?=!*(?:\[[0-9a-z]+|\]|:[\w%]*)-*=")/g;

/** An escaped marker, also where the comment it fell into ended inside it. */
const ESCAPED_MARKER = /<!--!(?=!*(?:\[[0-9a-z]+|\]|:[\w%]*)(?:-->|-{0,2}$))/g;
const RAW_TEXT = new Set(['xmp', 'textarea', 'title', 'script', 'style', 'noembed', 'noframes', 'iframe', 'plaintext', 'noscript']);

/** Like canonicalHtml, but keeps the marker comments: equal for the same DOM with the same fragments. */
export function markedHtml(root: Element): string {
  for (const element of nodesOf(root, NodeFilter.SHOW_ELEMENT) as Element[]) {
    for (const name of element.getAttributeNames()) {
      if (name.startsWith('data-st')) element.removeAttribute(name);
    }
  }
  root.normalize();
  return domText(root);
}

/**
 * Full fragment ids of every list item rendered in `root`, by encoded key,
 * read from the markers in document order (the DOM contract's nesting).
 */
export function itemIdsByKey(root: Element): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  const open: { region: string; item?: string }[] = [];
  const current = (): string => {
    const top = open[open.length - 1];
    return top === undefined ? '' : (top.item ?? top.region);
  };
  for (const comment of nodesOf(root, NodeFilter.SHOW_COMMENT) as Comment[]) {
    const marker = parseMarker(comment.data);
    if (marker?.kind === 'start') open.push({ region: regionFragmentId(current(), marker.id) });
    else if (marker?.kind === 'end') open.pop();
    else if (marker?.kind === 'item' && open.length > 0) {
      const list = open[open.length - 1]!;
      list.item = itemFragmentId(list.region, marker.key);
      byKey.set(marker.key, [...(byKey.get(marker.key) ?? []), list.item]);
    }
  }
  return byKey;
}

/** Like nodesOf, and the nodes of every <template>'s content too. */
function withContent(root: Node, what: number): Node[] {
  const nodes = nodesOf(root, what);
  for (const template of nodesOf(root, NodeFilter.SHOW_ELEMENT) as Element[]) {
    if (template.localName === 'template' && 'content' in template) nodes.push(...withContent((template as HTMLTemplateElement).content, what));
  }
  return nodes;
}

function nodesOf(root: Node, what: number): Node[] {
  const walker = root.ownerDocument!.createTreeWalker(root, what);
  const nodes: Node[] = [];
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) nodes.push(node);
  return nodes;
}
