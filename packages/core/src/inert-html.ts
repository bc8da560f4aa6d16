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
  const selects: { start: number; end: number }[] = [];
  collect(parseFragment(html, { scriptingEnabled: true, sourceCodeLocationInfo: true }), spans, selects);
  // Browsers now keep markup inside <select> that parse5 drops: past a raw-text opener there, what
  // parse5 reads as a <noscript> is text to a browser, and is left as it is.
  const swallowed = selects.find(({ start, end }) => RAW_TEXT_OPENER.test(html.slice(start, end)))?.start ?? html.length;
  let out = html;
  for (const { start, end, text } of spans.filter((s) => s.start < swallowed).sort((a, b) => b.start - a.start)) {
    out = out.slice(0, start) + text.replace(/&/g, '&amp;').replace(/</g, '&lt;') + out.slice(end);
  }
  return out;
}

const RAW_TEXT_OPENER = /<(?:xmp|textarea|style|noembed|noframes|iframe|plaintext|title|noscript)[\s/>]/i;

function collect(node: Node, spans: { start: number; end: number; text: string }[], selects: { start: number; end: number }[]): void {
  if (!('childNodes' in node)) return;
  if (tree.isElementNode(node) && node.tagName === 'select' && node.sourceCodeLocation) {
    const at = node.sourceCodeLocation;
    selects.push({ start: at.startOffset, end: at.endTag?.startOffset ?? at.endOffset });
  }
  if (tree.isElementNode(node) && node.tagName === 'noscript' && node.namespaceURI === 'http://www.w3.org/1999/xhtml') {
    const text = node.childNodes[0];
    if (text && tree.isTextNode(text) && text.sourceCodeLocation) {
      spans.push({ start: text.sourceCodeLocation.startOffset, end: text.sourceCodeLocation.endOffset, text: text.value });
    }
    return;
  }
  for (const child of node.childNodes) collect(child, spans, selects);
  if (tree.isElementNode(node) && node.tagName === 'template' && 'content' in node) {
    collect((node as DefaultTreeAdapterMap['template']).content, spans, selects);
  }
}
