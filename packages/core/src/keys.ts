/**
 * Keys of list items: the item's key field when every item has a distinct
 * one, else the index. Keys only make updates smaller; every kept item's
 * content is still checked, so a poor key never makes an update wrong.
 */
export function listKeys(items: readonly unknown[], keyField: string): string[] {
  const keys = ownKeys(items, keyField);
  return keys && new Set(keys).size === keys.length ? keys : indexKeys(items.length);
}

/**
 * Every item's own key, or null when one has none (repeats are not checked
 * here). With the keys of the list before, a numeric key found where it was,
 * or as far from the end, reuses its text: an append to a long list makes one.
 */
export function ownKeys(items: readonly unknown[], keyField: string, before?: readonly string[]): string[] | null {
  const keys: string[] = new Array(items.length);
  const numbers = new Float64Array(items.length);
  const old = before && numericKeys(before);
  const shift = before ? before.length - items.length : 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const own = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[keyField] : undefined;
    if (typeof own === 'number') {
      keys[i] = old && old[i] === own ? before[i]! : old && old[i + shift] === own ? before[i + shift]! : String(own);
      numbers[i] = own;
    } else if (typeof own === 'string') {
      keys[i] = own;
      numbers[i] = numberOf(own);
    } else {
      return null;
    }
  }
  numericCache.set(keys, numbers); // the next diff compares against these keys
  return keys;
}

/**
 * The keys as numbers where a key is a number's canonical text ("42"), else
 * NaN; cached per keys array, which a list's state keeps while its keys stay.
 * Lets a diff compare numeric ids without turning each into a string.
 */
export function numericKeys(keys: readonly string[]): Float64Array {
  let numbers = numericCache.get(keys);
  if (!numbers) {
    numbers = Float64Array.from(keys, numberOf);
    numericCache.set(keys, numbers);
  }
  return numbers;
}

const numericCache = new WeakMap<readonly string[], Float64Array>();

/** The number whose canonical text `key` is, else NaN. */
function numberOf(key: string): number {
  const number = Number(key);
  return String(number) === key ? number : NaN;
}

/** Whether an item's own key is `key` (whose numeric form is `numeric`). */
export function hasKey(item: unknown, keyField: string, key: string, numeric: number): boolean {
  const own = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[keyField] : undefined;
  return typeof own === 'string' ? own === key : typeof own === 'number' && own === numeric;
}

/** An item's own key, or undefined when it has none. */
export function keyOf(item: unknown, keyField: string): string | undefined {
  const key = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[keyField] : undefined;
  return typeof key === 'string' ? key : typeof key === 'number' ? String(key) : undefined;
}

export function indexKeys(length: number): string[] {
  const keys = Array.from({ length }, (_, i) => String(i));
  numericCache.set(keys, Float64Array.from(keys, (_, i) => i));
  return keys;
}

export interface ListPlan {
  /** Items before this one keep their old positions; so do those from `end`, `shift` further in the old list. */
  start: number;
  end: number;
  shift: number;
  /** Old positions of the keys that are gone, in order. */
  removed: number[];
  /** Old index of each new item, -1 when inserted. */
  from: Int32Array;
  /** True for the kept items that move; the others stay where they are. */
  moves: Uint8Array;
}

/**
 * Plans the fewest moves. A common prefix and suffix stay put as they are
 * (the usual append, prepend or single removal costs no map at all); in the
 * middle, items on a longest increasing run of old positions stay, the
 * other kept items move. Old keys are unique; returns null when a new key
 * repeats, checking only what could repeat: the inserted keys.
 */
export function planList(oldKeys: readonly string[], newKeys: readonly string[]): ListPlan | null {
  const from = new Int32Array(newKeys.length);
  const moves = new Uint8Array(newKeys.length);
  let start = 0;
  const shortest = Math.min(oldKeys.length, newKeys.length);
  while (start < shortest && oldKeys[start] === newKeys[start]) from[start] = start++;
  let oldEnd = oldKeys.length;
  let newEnd = newKeys.length;
  while (oldEnd > start && newEnd > start && oldKeys[oldEnd - 1] === newKeys[newEnd - 1]) from[--newEnd] = --oldEnd;

  const oldIndex = new Map<string, number>();
  for (let i = start; i < oldEnd; i++) oldIndex.set(oldKeys[i]!, i);
  const inserted = new Set<string>();
  let allOld: Set<string> | null = null;
  for (let i = start; i < newEnd; i++) {
    const key = newKeys[i]!;
    const at = oldIndex.get(key);
    from[i] = at ?? -1;
    if (at !== undefined) {
      oldIndex.delete(key);
      continue;
    }
    // An unmatched key repeats if it is an old key (so it was matched, or sits in the
    // prefix or suffix) or was inserted already. Scanning beats a Set for a few inserts.
    if (inserted.size === MAX_SCANNED_INSERTS) allOld = new Set(oldKeys);
    if (inserted.has(key) || (allOld ? allOld.has(key) : oldKeys.includes(key))) return null;
    inserted.add(key);
  }
  const removed = [...oldIndex.values()];
  const stay = longestIncreasing(from, start, newEnd);
  for (let i = start; i < newEnd; i++) if (from[i]! >= 0 && !stay.has(i)) moves[i] = 1;
  return { start, end: newEnd, shift: oldEnd - newEnd, removed, from, moves };
}

/** Beyond this many inserted keys, one Set beats scanning the old keys per insert. */
const MAX_SCANNED_INSERTS = 16;

/** Indices in [start, end) of a longest strictly increasing run of the non-negative entries. */
function longestIncreasing(values: Int32Array, start: number, end: number): Set<number> {
  const tails: number[] = [];
  // Sized to the range only: the middle of a long list is usually a few items.
  const previous = new Int32Array(end - start).fill(-1);
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (v < 0) continue;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i - start] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const result = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = previous[i - start]!) result.add(i);
  return result;
}
