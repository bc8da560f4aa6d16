import type { NamePath } from './context.js';
import type { Node, RegionNode } from './nodes.js';
import type { RegionState, RenderState, ScopeState } from './state.js';

/**
 * Where root names that many renders share (a topic's fields) show in a
 * template: the top-level regions that read one of them. Every other part
 * reads only the rest of the data, so a change of the shared names cannot touch it.
 */
export interface SharedPlan {
  readonly names: ReadonlySet<string>;
  /** Positions, among the root's child region states, of the regions that read a shared name. */
  readonly slots: readonly number[];
  readonly regions: readonly RegionNode[];
}

/** The states of a plan's regions, in slot order: what renders sharing the names have in common. */
export type SharedStates = readonly RegionState[];

/**
 * The plan for `names` over a template's root nodes, or null when the root's
 * own lookups (outside any region) read one of them, or a recursive partial
 * at the root makes the number of its regions depend on the data.
 */
export function planShared(nodes: readonly Node[], names: readonly string[]): SharedPlan | null {
  const set = new Set(names);
  const slots: number[] = [];
  const regions: RegionNode[] = [];
  let slot = 0;
  for (const node of nodes) {
    if (node.kind === 'region') {
      if (mentions(node.body, set, true)) {
        slots.push(slot);
        regions.push(node);
      }
      slot++;
    } else if (node.kind === 'partial' || mentions([node], set, true)) return null;
  }
  return { names: set, slots, regions };
}

/**
 * Whether nodes may read a shared name: a lookup whose first part is one, a
 * `.` of the root view itself, or a recursive partial (unknown until
 * rendered). Inside a section, `.` is the section's own value.
 */
function mentions(nodes: readonly Node[], names: ReadonlySet<string>, atRoot: boolean): boolean {
  return nodes.some((node) => {
    switch (node.kind) {
      case 'text':
        return false;
      case 'var':
        return reads(node.path, names, atRoot);
      case 'section':
        return reads(node.path, names, atRoot) || mentions(node.body, names, false);
      case 'region':
        return mentions(node.body, names, atRoot);
      case 'partial':
        return true;
    }
  });
}

function reads(path: NamePath, names: ReadonlySet<string>, atRoot: boolean): boolean {
  return path.length === 0 ? atRoot : names.has(path[0]!);
}

/**
 * A root view holding only the shared data that notes any read of another
 * name (which a render sharing the names would take from its own data):
 * output rendered without such a read is the same for every render sharing the data.
 */
export class SharedView {
  leaked = false;
  readonly view: object;

  constructor(data: Readonly<Record<string, unknown>>) {
    const own = (key: string | symbol) => typeof key === 'string' && Object.hasOwn(data, key);
    this.view = new Proxy(data, {
      get: (target, key) => {
        if (own(key)) return target[key as string];
        this.leaked = true;
        return undefined;
      },
      has: (_, key) => {
        if (own(key)) return true;
        this.leaked = true;
        return false;
      },
    });
  }
}

/** A copy of `state` whose plan slots hold `states`, or null when its root has no such slots (it rendered without markers). */
export function withShared(state: RenderState, plan: SharedPlan, states: SharedStates): RenderState | null {
  const children = state.r.c;
  if (state.r.u === 1 || children === undefined || plan.slots.some((slot) => slot >= children.length)) return null;
  const next = children.slice();
  plan.slots.forEach((slot, i) => (next[slot] = states[i]!));
  const root: ScopeState = { ...state.r, c: next };
  return { t: state.t, r: root };
}

/** The states in `state`'s plan slots, or null when it has none. */
export function sharedOf(state: RenderState, plan: SharedPlan): RegionState[] | null {
  const children = state.r.c;
  if (state.r.u === 1 || children === undefined) return null;
  const states = plan.slots.map((slot) => children[slot]);
  return states.every((s) => s !== undefined) ? (states as RegionState[]) : null;
}

/** Structural equality of two JSON-safe states. */
export function sameState(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameState(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  for (const k of ak) if (!sameState((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}
