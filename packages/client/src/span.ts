/**
 * The sibling nodes of `parent` strictly between `after` and `before`; null
 * means the parent's edge. Marker comments are the bounds, so a span stays
 * valid while its content is swapped.
 */
export interface Span {
  parent: Node;
  after: Node | null;
  /** Always a marker comment or null, so walks can stop on it. */
  before: Node | null;
}

/** The HTML namespace: a MathML or SVG element may have an HTML element's name. */
export const XHTML = 'http://www.w3.org/1999/xhtml';

/** The document that creates nodes for `node` (itself when it is one). */
export function docOf(node: Node): Document {
  return node.ownerDocument ?? (node as Document);
}

/** `element` itself if it matches `selector`, then its descendants that do, in document order. */
export function matching(element: Element, selector: string): Element[] {
  return element.matches(selector) ? [element, ...element.querySelectorAll(selector)] : [...element.querySelectorAll(selector)];
}

export function nodesOf(span: Span): ChildNode[] {
  const nodes: ChildNode[] = [];
  for (let n = span.after ? span.after.nextSibling : span.parent.firstChild; n && n !== span.before; n = n.nextSibling) {
    nodes.push(n);
  }
  return nodes;
}

/** Elements and comments in the span and below, in document order. */
export function* walk(span: Span): Generator<Node> {
  // 129 = NodeFilter.SHOW_ELEMENT | SHOW_COMMENT, spelled out so no global is touched.
  const walker = docOf(span.parent).createTreeWalker(span.parent, 129);
  if (span.after) walker.currentNode = span.after;
  for (let n = walker.nextNode(); n && n !== span.before; n = walker.nextNode()) yield n;
}
