/**
 * Every action a StateTemplate update can carry. See docs/architecture.md
 * ("Update actions") for the exact DOM effect of each.
 */
export type Action =
  | 'replace'
  | 'remove'
  | 'append'
  | 'prepend'
  | 'insert_after'
  | 'move_after'
  | 'move_first'
  | 'attrs';

/**
 * For `attrs`: one element of the fragment, numbered in document order among
 * the fragment's elements from 0, loses the attributes `remove` names, then
 * gets those `set` holds, written as in a start tag (`class=done checked`);
 * a new one goes last.
 */
export interface AttributeChange {
  element: number;
  set: string;
  remove?: string[];
}

/** One minimal change to the rendered page. */
export interface Update {
  /** Which region or list item this update targets (see fragment-id.ts). */
  fragment_id: string;
  /** New content. Empty for `remove`, the moves and `attrs`. */
  html: string;
  action: Action;
  /** Milliseconds since the epoch when the update was produced. */
  timestamp: number;
  /** For `insert_after` / `move_after`: the fragment id of the item to land after. */
  ref?: string;
  /** For `attrs`: the elements whose attributes change, and how. */
  attrs?: AttributeChange[];
  /**
   * Set on a stream's updates, which the server sends without knowing what
   * the page holds: a replace, remove or move of an item that is not there,
   * an insert into a list that is not there, or one after an item that is
   * not there, does nothing; an insert of an item that is there already
   * moves it to where the insert says (1) or replaces it where it is (2).
   */
  stream?: 1 | 2;
  /** For an insert (a stream's): the list then keeps at most this many items, dropping the first (for a `prepend`, the last). */
  limit?: number;
}

export const ACTIONS: readonly Action[] = [
  'replace',
  'remove',
  'append',
  'prepend',
  'insert_after',
  'move_after',
  'move_first',
  'attrs',
];

/** Whether a value is a well-formed `attrs` list (as off the wire). */
export function isAttributeChanges(value: unknown): value is AttributeChange[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (c) =>
        typeof c === 'object' &&
        c !== null &&
        Number.isSafeInteger(c.element) &&
        c.element >= 0 &&
        typeof c.set === 'string' &&
        (c.remove === undefined || (Array.isArray(c.remove) && c.remove.every((name: unknown) => typeof name === 'string' && name !== ''))),
    )
  );
}
