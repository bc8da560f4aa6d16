/**
 * What a render leaves behind so the next snapshot can be diffed. It holds
 * no reference to the caller's data (in-place mutation stays detectable) and
 * is JSON-safe, so a session store can persist it as it is.
 */

/** A recorded lookup: a value's output string, or a section's summary. */
export type Recorded = string | number | boolean;

/** The lookups and child regions of one scope (the root, a region, a list item), in render order. */
export interface ScopeState {
  v: Recorded[];
  /** Child region states in render order; absent when there are none. */
  c?: RegionState[];
  /**
   * Set when the scope rendered without markers, as part of the enclosing
   * fragment, because its raw output could not be patched alone: then `v`
   * holds every lookup below it and `c` is absent.
   */
  u?: 1;
  /** Set when the scope rendered without markers inside but keeps its own: `v` holds every lookup below it, as with `u`. */
  f?: 1;
}

/** A region rendered as a keyed list: its keys and one scope per item. */
export interface ListState {
  k: string[];
  i: ScopeState[];
}

export type RegionState = ScopeState | ListState;

/**
 * What an immutable render (the `immutable` option) keeps beside a list's
 * state, in memory only: the items it came from, and which of them read
 * nothing outside themselves, so that the same item object renders alike.
 */
export interface ListMemo {
  readonly items: readonly unknown[];
  readonly free: Uint8Array;
}

const MEMO = Symbol('memo');

/**
 * Where memos go: on the list state itself, under a symbol, which JSON and
 * structuredClone leave out (a WeakMap costs each diff an ephemeron for the GC to trace).
 */
export const listMemos = {
  get(state: ListState): ListMemo | undefined {
    return (state as ListState & { [MEMO]?: ListMemo })[MEMO];
  },
  set(state: ListState, memo: ListMemo): void {
    (state as ListState & { [MEMO]?: ListMemo })[MEMO] = memo;
  },
};

export type ListMemos = typeof listMemos;

export interface RenderState {
  /** Fingerprint of the template it came from; a mismatch forces a full replace. */
  t: string;
  r: ScopeState;
}

export function isList(state: RegionState): state is ListState {
  return (state as ListState).k !== undefined;
}

/** Whether a region rendered without markers, as part of the enclosing fragment. */
export function isUnmarked(state: RegionState): boolean {
  return (state as ScopeState).u === 1;
}

/** Whether a region rendered without markers inside it (with or without its own). */
export function isFlat(state: RegionState): boolean {
  return (state as ScopeState).u === 1 || (state as ScopeState).f === 1;
}

/** FNV-1a, enough to tell templates apart in a state. */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}
