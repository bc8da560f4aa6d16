import { parseMarker, type Update } from '@statetemplate/protocol';
import { ApplyError, type ApplyErrorCode } from './errors.js';
import { carryFocus, refocus, saveFocus } from './focus.js';
import { locate, next, type Target } from './locate.js';
import { markerIndex, patched, regionOf, track, type MarkerIndex } from './marker-index.js';
import { parseHtml } from './parse-html.js';
import { docOf, matching, nodesOf, walk, type Span } from './span.js';
import { carryTyped } from './typed.js';

/** Where fragment ids are resolved: the element, document or fragment holding the rendered template. */
export type Root = Element | Document | DocumentFragment;

/** Applies updates in order; stops at the first refused one, keeping those before it. */
export function applyUpdates(root: Root, updates: readonly Update[]): void {
  for (const update of updates) applyUpdate(root, update);
}

/**
 * Applies one update. Everything it touches is located before anything
 * changes, so a refused update (ApplyError) leaves the DOM as it was.
 */
export function applyUpdate(root: Root, update: Update): void {
  const index = markerIndex(root);
  try {
    patch(root, index, update);
  } catch (error) {
    // The server does not know what a stream's page holds: an item trimmed, a list re-rendered away, and there is nothing to do.
    if (!update.stream || !(error instanceof ApplyError)) throw error;
  }
  patched(root, index);
}

/** Applies `update`, keeping `index` up to date with the markers it adds and removes. */
function patch(root: Root, index: MarkerIndex, update: Update): void {
  const { fragment_id: id, action, stream, limit } = update;
  const doc = docOf(root);
  const fail = (code: ApplyErrorCode): never => {
    throw new ApplyError(code, String(id));
  };
  // Updates come off the wire: a missing id is refused like an unknown one.
  if (typeof id !== 'string') return fail('not_found');
  const find = (at: string | undefined, code: ApplyErrorCode): Target =>
    (typeof at === 'string' && locate(index, root, at)) || fail(code);
  // The end of item `ref`, which must belong to the list whose content is `list`.
  const afterRef = (list: Span): Node | null => {
    const ref = find(update.ref, 'bad_ref');
    return ref.marker && ref.region.after === list.after ? ref.span.before : fail('bad_ref');
  };

  if (action === 'replace') return replace(doc, index, id, find(id, 'not_found').span, update.html);

  if (action === 'remove' || action === 'move_first' || action === 'move_after') {
    const { span, region, marker } = find(id, 'not_found');
    if (!marker) return fail('not_an_item');
    const nodes = [marker, ...nodesOf(span)];
    if (action === 'remove') {
      index.delete(id);
      track(index, span, id, false);
      return nodes.forEach((n) => n.remove());
    }
    // A moved item keeps its id, and so do the regions inside it: the index stays as it is.
    return move(doc, span.parent, nodes, action === 'move_first' ? region.after!.nextSibling : afterRef(region));
  }

  if (action === 'append' || action === 'prepend' || action === 'insert_after') {
    // The new item's id is its list's id plus ":KEY" on the last segment.
    const listId = regionOf(id);
    const key = id.slice(listId.length + 1);
    if (listId === id || !parseMarker(':' + key)) return fail('not_an_item');
    const list = find(listId, 'not_found').span;
    if (!list.after) return fail('not_an_item');
    const anchor = action === 'append' ? list.before : action === 'prepend' ? list.after.nextSibling : afterRef(list);
    const own = index.get(id);
    if (own && !stream) return fail('duplicate_item');
    // A stream's item already there is replaced where it is (as when it would land right there), or moves.
    if (own && (stream! > 1 || anchor === own)) patch(root, index, { ...update, action: 'replace' });
    else {
      if (own) patch(root, index, { ...update, action: 'remove' });
      const fresh = parseHtml(list.parent, update.html);
      fresh.prepend(doc.createComment(':' + key));
      // While in `fresh`, the new markers are its children.
      track(index, { parent: fresh, after: null, before: null }, listId, true);
      list.parent.insertBefore(fresh, anchor);
    }
    if (!limit) return;
    // At most `limit` items: the far end goes (the end for a prepend, else the start).
    const items: Comment[] = [];
    for (let m = next(list.after); m !== list.before; m = next(m!)) items.push(m!);
    // Taking the kept ones out leaves those to remove.
    items.splice(action === 'prepend' ? 0 : -limit, limit);
    for (const m of items) patch(root, index, { ...update, fragment_id: listId + m.data, action: 'remove' });
    return;
  }

  if (action === 'attrs') {
    // The fragment's elements in document order, as the server numbers them.
    const elements = [...walk(find(id, 'not_found').span)].filter((n) => n.nodeType === 1) as Element[];
    const work = (Array.isArray(update.attrs) ? update.attrs : fail('bad_attrs')).map(
      (change) => [elements[change.element] ?? fail('not_found'), attributesOf(doc, change.set) ?? fail('bad_attrs'), change] as const,
    );
    for (const [element, set, change] of work) setAttributes(element, set, change.remove ?? []);
    return;
  }

  fail('unknown_action');
}

/** The attributes a start tag's attribute text gives, parsed inert (in a <template>, so nothing loads or upgrades); null when it is not one tag's. */
function attributesOf(doc: Document, set: unknown): Attr[] | null {
  const template = doc.createElement('template');
  // The leading comment keeps Chromium's innerHTML fast path out: it misreads some references in attributes (see parseHtml).
  template.innerHTML = `<!----><i ${set}>`;
  const { childNodes } = template.content;
  const tag = childNodes[1] as Element;
  return typeof set === 'string' && childNodes.length === 2 && tag.nodeName === 'I' && !tag.firstChild ? [...tag.attributes] : null;
}

/**
 * Sets and removes attributes, and for those it changes the properties a
 * fresh page takes from them: an input's checkedness, and its value unless
 * it is being edited.
 */
function setAttributes(element: Element, set: readonly Attr[], remove: readonly string[]): void {
  const checked = element.hasAttribute('checked');
  const value = element.getAttribute('value');
  // Removed first: the server removes and sets again what must follow a new attribute.
  for (const name of remove) element.removeAttribute(name);
  for (const attr of set) element.setAttributeNode(attr.cloneNode() as Attr);
  if (element.localName !== 'input') return;
  const input = element as HTMLInputElement;
  if (input.hasAttribute('checked') !== checked) input.checked = !checked;
  if (input.getAttribute('value') !== value && docOf(input).activeElement !== input) input.value = input.getAttribute('value') ?? '';
}

function replace(doc: Document, index: MarkerIndex, id: string, span: Span, html: string): void {
  const fresh = parseHtml(span.parent, html);
  const old = nodesOf(span);
  track(index, span, id, false);
  const kept = keepIgnored(old, fresh);
  const settleFocus = carryFocus(doc, span, old, fresh);
  const settleTyped = carryTyped(old, fresh);
  // Inserting first: a DOM refusal then happens before anything is removed.
  span.parent.insertBefore(fresh, span.before);
  for (const n of old) if (!kept.has(n)) n.remove();
  settleFocus();
  settleTyped();
  // What is there now, kept ignored elements and the focused field included.
  track(index, span, id, true);
}

/**
 * An element with `data-st-ignore` and an id is the page's own (a widget a
 * script built): where the new html has one with the same id, the old
 * element, untouched, takes its place. Returns the elements moved so.
 */
function keepIgnored(old: Node[], fresh: DocumentFragment): Set<Node> {
  const moved = new Set<Node>();
  const placeholders = fresh.querySelectorAll(IGNORED);
  if (placeholders.length === 0) return moved;
  const kept = new Map<string, Element>();
  for (const node of old) {
    if (node.nodeType === 1) for (const element of matching(node as Element, IGNORED)) kept.set(element.id, element);
  }
  for (const placeholder of placeholders) {
    const element = kept.get(placeholder.id);
    if (!element) continue;
    placeholder.replaceWith(element);
    moved.add(element);
  }
  return moved;
}

const IGNORED = '[data-st-ignore][id]';

function move(doc: Document, parent: Node, nodes: Node[], anchor: Node | null): void {
  // Already in place: the item itself is where it would land.
  if (anchor === nodes[0]) return;
  const focus = saveFocus(doc, nodes);
  for (const n of nodes) parent.insertBefore(n, anchor);
  if (focus) refocus(focus);
}
