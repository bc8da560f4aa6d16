import { defaultTreeAdapter as tree, parseFragment, type DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];

const NOSCRIPT = /<noscript/i;

/**
 * The html to send for a patch. The client parses it in an inert document,
 * where scripting is off, while the page's parser had scripting on: there a
 * `<noscript>` holds its source as one text node, and the client would
 * build elements from it instead (which a later serialise-and-reparse could
 * even run). So each `<noscript>`'s text is written escaped: parsed with
 * scripting off, it gives the very text node the page has.
 */
export function inertHtml(html: string): string {
  if (!NOSCRIPT.test(html)) return html;
  const spans: { start: number; end: number; text: string }[] = [];
  collect(parseFragment(html, { scriptingEnabled: true, sourceCodeLocationInfo: true }), spans);
  let out = html;
  for (const { start, end, text } of spans.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, start) + text.replace(/&/g, '&amp;').replace(/</g, '&lt;') + out.slice(end);
  }
  return out;
}

function collect(node: Node, spans: { start: number; end: number; text: string }[]): void {
  if (!('childNodes' in node)) return;
  if (tree.isElementNode(node) && node.tagName === 'noscript' && node.namespaceURI === 'http://www.w3.org/1999/xhtml') {
    const text = node.childNodes[0];
    if (text && tree.isTextNode(text) && text.sourceCodeLocation) {
      spans.push({ start: text.sourceCodeLocation.startOffset, end: text.sourceCodeLocation.endOffset, text: text.value });
    }
    return;
  }
  for (const child of node.childNodes) collect(child, spans);
  if (tree.isElementNode(node) && node.tagName === 'template' && 'content' in node) collect((node as DefaultTreeAdapterMap['template']).content, spans);
}
