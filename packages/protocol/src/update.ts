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
  | 'move_first';

/** One minimal change to the rendered page. */
export interface Update {
  /** Which region or list item this update targets (see fragment-id.ts). */
  fragment_id: string;
  /** New content. Empty for `remove` and the moves. */
  html: string;
  action: Action;
  /** Milliseconds since the epoch when the update was produced. */
  timestamp: number;
  /** For `insert_after` / `move_after`: the fragment id of the item to land after. */
  ref?: string;
}

export const ACTIONS: readonly Action[] = [
  'replace',
  'remove',
  'append',
  'prepend',
  'insert_after',
  'move_after',
  'move_first',
];
