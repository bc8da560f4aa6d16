import { parseFragmentId, parseMarker, ROOT_ID } from '@statetemplate/protocol';
import { walk, type Span } from './span.js';

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
 * The first marker after `from` at its own nesting level that ends the
 * enclosing region or, with `items`, starts an item. Nested regions are
 * skipped by depth counting.
 */
export function next(from: Node, items: boolean): Comment | null {
  let depth = 0;
  for (let n = from.nextSibling; n; n = n.nextSibling) {
    const marker = n.nodeType === 8 ? parseMarker((n as Comment).data) : null;
    if (marker?.kind === 'start') depth++;
    else if (marker && (marker.kind === 'end' ? !depth-- : items && !depth)) return n as Comment;
  }
  return null;
}

/** Resolves a fragment id under `root`; null when any segment is missing. */
export function locate(root: Node, id: string): Target | null {
  let span: Span = { parent: root, after: null, before: null };
  // A document's whole content cannot be parsed from a template, so "0" needs an element or fragment root.
  if (id === ROOT_ID) return root.nodeType === 9 ? null : { span, region: span };
  let target: Target | null = null;
  for (const { region, key } of parseFragmentId(id)) {
    const want = '[' + region;
    // Comparing only against a valid marker keeps user comments such as <!--[if IE]> out.
    if (!parseMarker(want)) return null;
    let start: Node | undefined;
    for (const n of walk(span)) {
      if (n.nodeType === 8 && (n as Comment).data === want) {
        start = n;
        break;
      }
    }
    const end = start && next(start, false);
    if (!start?.parentNode || !end) return null;
    span = { parent: start.parentNode, after: start, before: end };
    target = { span, region: span };
    if (key !== undefined) {
      let marker = next(start, true);
      while (marker && marker !== end && marker.data !== ':' + key) marker = next(marker, true);
      if (!marker || marker === end) return null;
      span = { parent: span.parent, after: marker, before: next(marker, true) };
      target = { span, region: target.region, marker };
    }
  }
  return target;
}
