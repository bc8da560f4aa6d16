/**
 * Keys of list items: the item's key field when every item has a distinct
 * one, else the index. Keys only make updates smaller; every kept item's
 * content is still checked, so a poor key never makes an update wrong.
 */
export function listKeys(items: readonly unknown[], keyField: string): string[] {
  const keys: string[] = new Array(items.length);
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const key = keyOf(items[i], keyField);
    if (key === undefined || seen.has(key)) return indexKeys(items.length);
    keys[i] = key;
    seen.add(key);
  }
  return keys;
}

/** An item's own key, or undefined when it has none. */
export function keyOf(item: unknown, keyField: string): string | undefined {
  const key = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[keyField] : undefined;
  return typeof key === 'string' ? key : typeof key === 'number' ? String(key) : undefined;
}

function indexKeys(length: number): string[] {
  return Array.from({ length }, (_, i) => String(i));
}

export type ItemOp = 'insert' | 'keep' | 'move';

export interface ListPlan {
  /** Old keys that are gone. */
  removed: string[];
  /** For each new item: inserted, kept in place, or moved. */
  ops: ItemOp[];
  /** Old index of each new item, -1 when inserted. */
  from: number[];
}

/** Plans the fewest moves: items on a longest increasing run of old positions stay put. */
export function planList(oldKeys: readonly string[], newKeys: readonly string[]): ListPlan {
  const oldIndex = new Map<string, number>();
  oldKeys.forEach((key, i) => oldIndex.set(key, i));
  const from = newKeys.map((key) => oldIndex.get(key) ?? -1);
  const kept = new Set(newKeys);
  const removed = oldKeys.filter((key) => !kept.has(key));
  const stay = longestIncreasing(from);
  const ops = from.map((f, i): ItemOp => (f < 0 ? 'insert' : stay.has(i) ? 'keep' : 'move'));
  return { removed, ops, from };
}

/** Indices of a longest strictly increasing subsequence of the non-negative entries. */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const previous = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0) continue;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const result = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = previous[i]!) result.add(i);
  return result;
}
