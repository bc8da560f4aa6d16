import type { NamePath } from './context.js';
import { summarize } from './evaluate.js';
import { hasKey } from './keys.js';
import type { Node, SectionNode } from './nodes.js';
import type { ListMemo, ScopeState } from './state.js';

/**
 * The first index in [from, to) whose item is not known to be unchanged
 * (else `to`), item i standing where the old list had i + shift: the very
 * object of `memo` (an immutable diff), or the same key (by position when
 * `indexed`) and every read as recorded, found on the item alone. The
 * general walk takes it from there: a name the item lacks is looked up in
 * the enclosing contexts, a function is called. Marks the items it vouches
 * for in `free` (immutable diffs): they read only themselves.
 */
export type ItemScan = (
  items: readonly unknown[],
  from: number,
  to: number,
  shift: number,
  old: { readonly states: readonly ScopeState[]; readonly keys: readonly string[]; readonly numbers: Float64Array; readonly memo: ListMemo | null },
  indexed: boolean,
  free: Uint8Array | null,
) => number;

/** Whether one kept item reads as its state records; undefined when the item alone cannot tell. */
export type ItemCheck = (item: unknown, state: ScopeState) => boolean | undefined;

/** One read of an item's body, and where its state records it. */
export interface ItemRead {
  readonly path: NamePath;
  /** The section whose summary is recorded, or null for a value's text. */
  readonly section: SectionNode | null;
  /** The section of a region that renders a list when it is given an array: the general walk diffs that. */
  readonly list: boolean;
  /** The child region recording it, or -1 for the item's own values. */
  readonly child: number;
  readonly index: number;
}

/**
 * What a list section's body reads, when it reads only values and sections
 * with static bodies, directly or in child regions holding only those (the
 * usual row: `{{#done}} checked{{/done}} {{text}}`, or its cells at 'value'
 * granularity); null for other bodies, which the general walk diffs.
 */
export interface ItemShape {
  readonly reads: readonly ItemRead[];
  /** How many values the item records itself. */
  readonly own: number;
  /** How many values each child region records. */
  readonly children: readonly number[];
}

export function itemShape(section: SectionNode): ItemShape | null {
  const reads: ItemRead[] = [];
  const children: number[] = [];
  let own = 0;
  const leaf = (node: Node, child: number, index: number, list: boolean): boolean => {
    if (node.kind === 'var') reads.push({ path: node.path, section: null, list: false, child, index });
    else if (node.kind === 'section' && node.dynamic.length === 0) reads.push({ path: node.path, section: node, list, child, index });
    else return false;
    return true;
  };
  for (const node of section.dynamic) {
    if (node.kind !== 'region') {
      if (!leaf(node, -1, own++, false)) return null;
      continue;
    }
    const child = children.length;
    if (!node.dynamic.every((inner, index) => leaf(inner, child, index, inner === node.list))) return null;
    children.push(node.dynamic.length);
  }
  return { reads, own, children };
}

interface Compiled {
  scan: ItemScan;
  check: ItemCheck;
}

const compiled = new WeakMap<SectionNode, Compiled | null>();

/** The scan and check of a list section (made once per section; a template has one key field), or null when its body needs the general walk. */
export function itemCheckOf(section: SectionNode, keyField: string): Compiled | null {
  let found = compiled.get(section);
  if (found === undefined) {
    const shape = itemShape(section);
    found = shape && (generated(shape, keyField) ?? interpreted(shape, keyField));
    compiled.set(section, found);
  }
  return found;
}

/** Absent from the item: Mustache would look further out. */
const MISSING = Symbol('missing');

/** Whether a state is laid out as the shape records: a list or other values there are the general walk's. */
function fits(shape: ItemShape, state: ScopeState): boolean {
  if (state.v.length !== shape.own || (state.c?.length ?? 0) !== shape.children.length) return false;
  return shape.children.every((length, i) => {
    // A list's state (keyed or digested) has no values of its own.
    const child = state.c![i] as Partial<ScopeState>;
    return child.v !== undefined && child.v.length === length;
  });
}

/** The portable form: each read looked up by its path (for runtimes that refuse generated code). */
export function interpreted(shape: ItemShape, keyField: string): Compiled {
  const check: ItemCheck = (item, state) => {
    if (item === null || typeof item !== 'object' || !fits(shape, state)) return undefined;
    for (const { path, section, list, child, index } of shape.reads) {
      const value = ownValue(item, path);
      if (value === MISSING || typeof value === 'function' || (list && Array.isArray(value))) return undefined;
      // As varText and summarize record them.
      const now = section === null ? (value === null || value === undefined ? '' : String(value)) : summarize(section, value);
      if (now !== (child < 0 ? state.v : (state.c![child] as ScopeState).v)[index]) return false;
    }
    return true;
  };
  const scan: ItemScan = (items, from, to, shift, { states, keys, numbers, memo }, indexed, free) => {
    for (let i = from; i < to; i++) {
      const item = items[i];
      const at = i + shift;
      const kept = memo !== null && item === memo.items[at] && memo.free[at] === 1;
      if (!kept && (!(indexed ? numbers[at] === i : hasKey(item, keyField, keys[at]!, numbers[at]!)) || check(item, states[at]!) !== true)) return i;
      if (free !== null) free[i] = 1;
    }
    return to;
  };
  return { scan, check };
}

/** As `lookup` with the item innermost, when the item holds the name's first part. */
function ownValue(item: object, path: NamePath): unknown {
  if (path.length === 0) return item;
  const head = path[0]!;
  let value = (item as Record<string, unknown>)[head];
  if (value === undefined && !(head in item)) return MISSING;
  for (let i = 1; i < path.length; i++) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string, unknown>)[path[i]!];
  }
  return value;
}

/**
 * The fast form: the same reads written out as JavaScript, names as literal
 * property reads, so a scan of kept items costs about what a hand-written
 * loop does. Null where the runtime refuses generated code (a CSP, workers).
 */
export function generated(shape: ItemShape, keyField: string): Compiled | null {
  const literal = (text: string) => JSON.stringify(text);
  const reads = shape.reads.map(({ path, section, list, child, index }) => {
    const head = path.length === 0 ? 'v = item;' : `v = item[${literal(path[0]!)}]; if (v === undefined && !(${literal(path[0]!)} in item)) return MISS;`;
    // A null or undefined part ends the lookup as undefined, as lookup does; later parts then read nothing.
    const rest = path.slice(1).map((part) => `v = v === null || v === undefined ? undefined : v[${literal(part)}];`);
    const array = list ? ' || Array.isArray(v)' : '';
    const now =
      section === null
        ? `(v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v))`
        : section.inverted
          ? `(!v || (Array.isArray(v) && v.length === 0))`
          : `(!v ? false : Array.isArray(v) ? v.length || false : true)`;
    const recorded = child < 0 ? `r[${index}]` : `c[${child}].v[${index}]`;
    return `${head} ${rest.join(' ')} if (typeof v === 'function'${array}) return MISS; if (${now} !== ${recorded}) return false;`;
  });
  const layout = [
    `r.length !== ${shape.own}`,
    shape.children.length === 0 ? `state.c !== undefined && state.c.length !== 0` : `c === undefined || c.length !== ${shape.children.length}`,
    ...shape.children.map((length, i) => `c[${i}].v === undefined || c[${i}].v.length !== ${length}`),
  ];
  const body = `
    const check = (item, state) => {
      if (item === null || typeof item !== 'object') return MISS;
      const r = state.v;
      const c = state.c;
      if (${layout.map((test) => `(${test})`).join(' || ')}) return MISS;
      let v;
      ${reads.join('\n      ')}
      return true;
    };
    const scan = (items, from, to, shift, old, indexed, free) => {
      const { states, keys, numbers, memo } = old;
      const prev = memo === null ? null : memo.items;
      const was = memo === null ? null : memo.free;
      for (let i = from; i < to; i++) {
        const item = items[i];
        const at = i + shift;
        if (prev !== null && item === prev[at] && was[at] === 1) { free[i] = 1; continue; }
        if (item === null || typeof item !== 'object') return i;
        if (indexed) { if (numbers[at] !== i) return i; }
        else { const k = item[${literal(keyField)}]; if (typeof k === 'string' ? k !== keys[at] : !(typeof k === 'number' && k === numbers[at])) return i; }
        if (check(item, states[at]) !== true) return i;
        if (free !== null) free[i] = 1;
      }
      return to;
    };
    return { scan, check: (item, state) => { const same = check(item, state); return same === MISS ? undefined : same; } };`;
  try {
    return new Function('MISS', body)(MISSING) as Compiled;
  } catch {
    return null;
  }
}
