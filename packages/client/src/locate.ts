import { parseMarker, ROOT_ID } from '@statetemplate/protocol';
import { regionOf, type MarkerIndex } from './marker-index.js';
import type { Span } from './span.js';

/**
 * What a fragment id names. For a region, `span` is its content and `region`
 * the same span. For an item, `span` is its content after `marker`, and
 * `region` is its list's content.
 */
export interface Target {
  span: Span;
  region: Span;
  marker?: Comment;
}

/**
 * The first marker after `from` at its own nesting level that starts an
 * item or ends the enclosing region: where an item's content ends. Nested
 * regions are skipped by depth counting.
 */
export function next(from: Node): Comment | null {
  let depth = 0;
  for (let n = from.nextSibling; n; n = n.nextSibling) {
    const marker = n.nodeType === 8 ? parseMarker((n as Comment).data) : null;
    if (marker?.kind === 'start') depth++;
    else if (marker && (marker.kind === 'end' ? !depth-- : !depth)) return n as Comment;
  }
  return null;
}

/**
 * Resolves a fragment id under `root` from its marker index; null when it is
 * missing. An item's content ends at the next item marker: its own length,
 * not the list's.
 */
export function locate(index: MarkerIndex, root: Node, id: string): Target | null {
  if (id === ROOT_ID) {
    const span: Span = { parent: root, after: null, before: null };
    // A document's whole content cannot be parsed from a template, so "0" needs an element or fragment root.
    return root.nodeType === 9 ? null : { span, region: span };
  }
  const path = regionOf(id);
  // An end is indexed only with its start, its sibling.
  const end = index.get(path + ']');
  if (!end) return null;
  const region: Span = { parent: end.parentNode!, after: index.get(path)!, before: end };
  if (path === id) return { span: region, region };
  const marker = index.get(id);
  return marker ? { span: { parent: region.parent, after: marker, before: next(marker) }, region, marker } : null;
}
