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
  /** Set on a stream's list: its items are not recorded (`k` and `i` stay empty), so the state is O(1) in its length. */
  s?: 1;
}

/** A key of a digested list, or a run of consecutive decimal integer keys: [first, count]. */
export type KeyRun = string | [first: number, count: number];

/**
 * A list of more than `digestListsAbove` items: its keys, compacted, and one
 * digest per item (8 characters each, digest.ts) instead of the items'
 * states. The page it describes cannot be rebuilt from it (see replayable).
 */
export interface DigestListState {
  n: KeyRun[];
  d: string;
}

export type RegionState = ScopeState | ListState | DigestListState;

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
  get(state: ListState | DigestListState): ListMemo | undefined {
    return (state as { [MEMO]?: ListMemo })[MEMO];
  },
  set(state: ListState | DigestListState, memo: ListMemo): void {
    (state as { [MEMO]?: ListMemo })[MEMO] = memo;
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

export function isDigested(state: RegionState): state is DigestListState {
  return (state as DigestListState).d !== undefined;
}

/** Whether a state holds no digested list, so that the page it describes can be rebuilt from it alone. */
export function replayable(state: RegionState): boolean {
  if (isDigested(state)) return false;
  if (isList(state)) return state.i.every(replayable);
  return state.c === undefined || state.c.every(replayable);
}

/** Whether a region is a stream's list, whose items the state does not hold. */
export function isStream(state: RegionState): boolean {
  return (state as ListState).s === 1;
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
