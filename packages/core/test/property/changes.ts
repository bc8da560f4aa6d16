import { generateField, generateItem, generateList, type Data } from './data-gen.js';
import type { Rng } from './rng.js';
import type { FieldShape, ListField, ObjectShape } from './shape.js';
import { sameOutputValue, type Ids } from './values.js';

/**
 * How a step hands the new data to `update`:
 * - fresh: a deep clone of the previous data, then modified;
 * - shared: immutable style, only the objects on the changed path are copied
 *   (unchanged subtrees keep their identity);
 * - in-place: the very same object, mutated, passed again.
 */
export type Style = 'fresh' | 'shared' | 'in-place';

type Key = string | number;

/** How often a change swaps a value for another that renders the same (which must send nothing). */
const SAME_OUTPUT_CHANCE = 0.2;

/** One field of the current data: its path, its shape, and the list items around it. */
interface Site {
  path: Key[];
  field: FieldShape;
  /** Lists entered on the way here, outermost first. */
  lists: ListField[];
  /** Id of the innermost list item holding this field, if any. */
  itemId?: unknown;
}

/** What a step changed, for reports and for the minimality checks. */
export interface StepChanges {
  data: Data;
  descriptions: string[];
  /** Set when the step's only change was a scalar inside one list item. */
  itemEdit?: { id: unknown; lists: ListField[] };
}

/**
 * Produces the next data of a case from `data`, in the given style, with
 * zero to three random changes. Removed objects are remembered per path so
 * that "set to null and back" restores them.
 */
export class Changer {
  private readonly removed = new Map<string, unknown>();

  constructor(
    private readonly rng: Rng,
    private readonly ids: Ids,
    private readonly shape: ObjectShape,
  ) {}

  step(data: Data, style: Style): StepChanges {
    const count = this.rng.weighted([[0.08, 0], [0.6, 1], [0.2, 2], [0.12, 3]]);
    let root = style === 'fresh' ? structuredClone(data) : data;
    const descriptions: string[] = [];
    let single: Site | undefined;
    for (let i = 0; i < count; i++) {
      const sites = collectSites(root, this.shape, [], [], undefined);
      if (sites.length === 0) break;
      const site = this.rng.pick(sites);
      if (style === 'shared') root = copyPath(root, site.path);
      descriptions.push(this.change(root, site));
      single = count === 1 && site.field.kind !== 'object' && site.field.kind !== 'list' ? site : undefined;
    }
    const itemEdit = single?.itemId === undefined ? undefined : { id: single.itemId, lists: single.lists };
    return { data: root, descriptions, ...(itemEdit && { itemEdit }) };
  }

  /** Applies one random change at `site` inside `root`; returns what it did. */
  private change(root: Data, site: Site): string {
    const key = site.path[site.path.length - 1]!;
    const parent = valueAt(root, site.path.slice(0, -1)) as Record<Key, unknown>;
    const where = site.path.join('.');
    const depth = site.lists.length;
    const field = site.field;
    if (this.rng.chance(SAME_OUTPUT_CHANCE)) {
      const twin = sameOutputValue(field.kind, parent[key], this.rng);
      if (twin) {
        parent[key] = twin.value;
        return `set ${where} = ${show(twin.value)} (same output)`;
      }
    }
    switch (field.kind) {
      case 'text':
      case 'html':
      case 'flag': {
        const value =
          field.kind === 'flag' && this.rng.chance(0.5) ? !parent[key] : generateField(field, this.rng, this.ids, depth);
        parent[key] = value;
        return `set ${where} = ${show(value)}`;
      }
      case 'object': {
        const current = parent[key];
        if (current !== null) {
          this.removed.set(where, current);
          parent[key] = null;
          return `set ${where} = null`;
        }
        const back = this.removed.get(where);
        parent[key] = back !== undefined && this.rng.chance(0.6) ? back : generateField(field, this.rng, this.ids, depth);
        return `set ${where} back to an object`;
      }
      case 'list': {
        const items = parent[key];
        if (Array.isArray(items)) return `${where}: ${this.listChange(items as Data[], field.item, depth)}`;
        // A list swapped for a falsy value earlier becomes a list again.
        parent[key] = generateList(field.item, this.rng, this.ids, depth);
        return `set ${where} back to a list`;
      }
    }
  }

  /** Edits list `items` in place (the caller already copied it when the style needs that). */
  private listChange(items: Data[], shape: ObjectShape, depth: number): string {
    const item = (): Data => generateItem(shape, this.rng, this.ids, depth + 1);
    const n = items.length;
    const ops: (readonly [number, () => string])[] = [
      [3, () => (items.push(item()), 'append')],
      [2, () => (items.unshift(item()), 'prepend')],
      [2, () => {
        const at = this.rng.int(0, n);
        items.splice(at, 0, item());
        return `insert at ${at}`;
      }],
      [0.5, () => (items.splice(0, items.length, ...generateList(shape, this.rng, this.ids, depth)), 'refill with new items')],
      [0.3, () => (items.splice(0, items.length), 'clear')],
    ];
    if (n > 0) {
      ops.push(
        [1.5, () => (items.shift(), 'remove first')],
        [1.5, () => (items.pop(), 'remove last')],
        [1.5, () => {
          const at = this.rng.int(0, n - 1);
          items.splice(at, 1);
          return `remove at ${at}`;
        }],
        [0.5, () => {
          const kept = this.rng.shuffle(items).slice(0, this.rng.int(0, n));
          const fresh = Array.from({ length: this.rng.int(0, 2) }, item);
          items.splice(0, items.length, ...this.rng.shuffle([...kept, ...fresh]));
          return 'refill keeping some items, shuffled';
        }],
        // The same content under new keys: the page only changes if the template shows the ids.
        [0.5, () => (items.splice(0, items.length, ...items.map((old) => ({ ...structuredClone(old), id: this.ids.next() }))), 'the same items under new ids')],
      );
    }
    if (n > 1) {
      ops.push(
        [2.5, () => {
          const from = this.rng.int(0, n - 1);
          const to = (from + this.rng.int(1, n - 1)) % n;
          items.splice(to, 0, ...items.splice(from, 1));
          return `move ${from} -> ${to}`;
        }],
        [0.7, () => {
          const a = this.rng.int(0, n - 1);
          const b = (a + this.rng.int(1, n - 1)) % n;
          [items[a], items[b]] = [items[b]!, items[a]!];
          return `swap ${a} <-> ${b}`;
        }],
        [0.3, () => (items.reverse(), 'reverse')],
      );
    }
    return this.rng.weighted(ops)();
  }
}

function collectSites(data: Data, shape: ObjectShape, path: Key[], lists: ListField[], itemId: unknown): Site[] {
  const sites: Site[] = [];
  for (const [name, field] of shape.fields) {
    const at = [...path, name];
    sites.push({ path: at, field, lists, ...(itemId !== undefined && { itemId }) });
    const value = data[name];
    if (field.kind === 'object' && isObject(value) && !Array.isArray(value)) { // an object field may hold [] (same output as null)
      sites.push(...collectSites(value, field.shape, at, lists, itemId));
    } else if (field.kind === 'list' && Array.isArray(value)) {
      value.forEach((item: Data, i) => sites.push(...collectSites(item, field.item, [...at, i], [...lists, field], item.id)));
    }
  }
  return sites;
}

/** A new root where every object and array along `path` (the value at its end included) is a shallow copy. */
function copyPath(root: Data, path: Key[]): Data {
  const top = { ...root };
  let node: Record<Key, unknown> = top;
  for (const key of path) {
    const value = node[key];
    if (!isObject(value)) break;
    const copy = Array.isArray(value) ? [...value] : { ...value };
    node[key] = copy;
    node = copy as Record<Key, unknown>;
  }
  return top;
}

function valueAt(root: Data, path: Key[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<Key, unknown>)[key], root);
}

function isObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null;
}

/** JSON-ish text of a value that also shows undefined. */
export function show(value: unknown): string {
  return value === undefined
    ? 'undefined'
    : JSON.stringify(value, (_k, v: unknown) => (v === undefined ? '<undefined>' : v));
}
