import { parseMarker, ROOT_ID } from '@statetemplate/protocol';
import { docOf, walk, type Span } from './span.js';

/**
 * Marker comments by fragment id: a region's start ("3", "3:42/7"), its end
 * (the id and "]": "3]"), or an item's marker ("3:42").
 */
export type MarkerIndex = Map<string, Comment>;

/**
 * Where a walk stands: inside region `id`, whose markers are children of
 * `parent`; `scope` is what regions found here put before their id (the
 * region's own id, or its current item's).
 */
interface Frame {
  id: string;
  scope: string;
  parent: Node;
}

/** The region an id names, or whose item it names: "3:42/7" itself, "3:42" → "3". */
export function regionOf(id: string): string {
  const colon = id.indexOf(':', id.lastIndexOf('/') + 1);
  return colon < 0 ? id : id.slice(0, colon);
}

const indexes = new WeakMap<Node, MarkerIndex>();
const watches = new WeakMap<Node, MutationObserver>();

/**
 * The markers under `root`, built on first need and kept up to date by the
 * patcher, which takes the index out for the patch and gives it back after
 * (`patched`): a patch that threw leaves none behind. Between patches a
 * MutationObserver sees every change anyone else makes; as any of them could
 * move markers, the index is then built afresh. Without a window to observe
 * with, it is built every time.
 */
export function markerIndex(root: Node): MarkerIndex {
  let index = indexes.get(root);
  indexes.delete(root);
  const watch = watches.get(root);
  if (!index || watch!.takeRecords().length > 0) {
    index = new Map();
    track(index, { parent: root, after: null, before: null }, ROOT_ID, true);
  }
  // The patcher does not watch itself: recording its own changes would cost more than the patch.
  watch?.disconnect();
  return index;
}

/** Gives the index back after a patch that kept it up to date: from now on, changes are someone else's. */
export function patched(root: Node, index: MarkerIndex): void {
  const Observer = docOf(root).defaultView?.MutationObserver;
  if (!Observer) return;
  const watch = watches.get(root) ?? new Observer(() => indexes.delete(root));
  watches.set(root, watch);
  // Nodes added, removed or moved; not text edits (a clock, typing in a contenteditable): no script rewrites a marker's data.
  watch.observe(root, { childList: true, subtree: true });
  indexes.set(root, index);
}

/**
 * Adds (or, with `add` false, deletes) the markers in `span` and below,
 * the content of fragment `scope`. Ids follow the nesting; an item runs
 * until the next item marker at its list's level. The first marker of an id
 * wins, as a scan in document order finds it.
 */
export function track(index: MarkerIndex, span: Span, scope: string, add: boolean): void {
  // Innermost first; the root is in no region.
  const open: Frame[] = scope === ROOT_ID ? [] : [{ id: regionOf(scope), scope, parent: span.parent }];
  for (const n of walk(span)) {
    const marker = n.nodeType === 8 && parseMarker((n as Comment).data);
    if (!marker) continue;
    const comment = n as Comment;
    // A region whose end never came (the walk left its parent) gets none, as next() would find none.
    while (open[0] && !open[0].parent.contains(comment)) open.shift();
    const [top] = open;
    let id: string;
    if (marker.kind === 'start') {
      id = top ? `${top.scope}/${marker.id}` : marker.id;
      open.unshift({ id, scope: id, parent: comment.parentNode! });
      // Item and end markers count at their region's level only, as next() walks siblings.
    } else if (top?.parent !== comment.parentNode) continue;
    else if (marker.kind === 'item') id = top.scope = `${top.id}:${marker.key}`;
    else id = open.shift()!.id + ']';
    if (!add) {
      if (index.get(id) === comment) index.delete(id);
    } else if (!index.has(id)) index.set(id, comment);
  }
}
