/**
 * Why an update was refused:
 * - `not_found`: no region or item has this fragment id (or the page's markers are broken there).
 * - `not_an_item`: the action needs a list item id (`list:KEY`) but got a region id.
 * - `duplicate_item`: an inserted item's id is already on the page.
 * - `bad_ref`: `ref` is missing, not found, or not an item of the same list.
 * - `bad_attrs`: an `attrs` update's changes are malformed.
 * - `unknown_action`: the action is none of the protocol's.
 */
export type ApplyErrorCode = 'not_found' | 'not_an_item' | 'duplicate_item' | 'bad_ref' | 'bad_attrs' | 'unknown_action';

/** A refused update. The DOM is left exactly as it was before that update. */
export class ApplyError extends Error {
  override readonly name = 'ApplyError';

  constructor(
    readonly code: ApplyErrorCode,
    /** The update's fragment id, so a caller can ask the server to resync it. */
    readonly fragmentId: string,
  ) {
    super(`${code}: ${fragmentId}`);
  }
}
