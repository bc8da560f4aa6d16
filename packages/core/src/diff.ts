import { encodeKey, itemFragmentId, regionFragmentId, type Action, type Update } from '@statetemplate/protocol';
import type { Context } from './context.js';
import { planSection, resolve, varOutput } from './evaluate.js';
import { listKeys, planList } from './keys.js';
import type { Node, RegionNode, SectionNode } from './nodes.js';
import type { Renderer } from './render.js';
import { isList, type ListState, type RegionState, type ScopeState } from './state.js';

/** Cursor over one scope's recorded state while its nodes are walked again. */
interface ScopeWalk {
  readonly old: ScopeState;
  vi: number;
  ci: number;
  /** Copy of old.c, made on the first child whose state changed. */
  children: RegionState[] | null;
}

/**
 * Walks the template again over a new snapshot, comparing every lookup with
 * the one recorded at render time. Equal lookups mean equal output, so a
 * scope whose lookups all match is not rendered again; only its child
 * regions are visited. Returns new states copy-on-write, so a thrown error
 * leaves the caller's state untouched.
 */
export class Differ {
  readonly updates: Update[] = [];

  constructor(
    private readonly renderer: Renderer,
    private readonly now: number,
  ) {}

  /** The scope's new state, or null when its own lookups changed and it must be re-rendered. */
  scope(nodes: readonly Node[], context: Context, old: ScopeState, path: string): ScopeState | null {
    const mark = this.updates.length;
    const walk: ScopeWalk = { old, vi: 0, ci: 0, children: null };
    if (!this.walk(nodes, context, walk, path) || walk.vi !== old.v.length || walk.ci !== (old.c?.length ?? 0)) {
      this.updates.length = mark; // the re-render of this scope supersedes its children's updates
      return null;
    }
    return walk.children ? { v: old.v, c: walk.children } : old;
  }

  private walk(nodes: readonly Node[], context: Context, walk: ScopeWalk, path: string): boolean {
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          break;
        case 'var':
          if (varOutput(node, context) !== walk.old.v[walk.vi++]) return false;
          break;
        case 'section': {
          const plan = planSection(node, context, this.renderer.subRender);
          if (plan.summary !== walk.old.v[walk.vi++]) return false;
          if (!this.walkFrames(node.body, plan.frames, walk, path)) return false;
          break;
        }
        case 'partial':
          if (!this.walkFrames(this.renderer.partialNodes(node), [context], walk, path)) return false;
          break;
        case 'region': {
          const old = walk.old.c?.[walk.ci];
          if (!old) return false;
          const next = this.region(node, context, old, path);
          if (next !== old) (walk.children ??= walk.old.c!.slice())[walk.ci] = next;
          walk.ci++;
          break;
        }
      }
    }
    return true;
  }

  private walkFrames(nodes: readonly Node[], frames: readonly Context[], walk: ScopeWalk, path: string): boolean {
    this.renderer.enter();
    let same = true;
    for (const frame of frames) {
      if (!this.walk(nodes, frame, walk, path)) {
        same = false;
        break;
      }
    }
    this.renderer.depth--;
    return same;
  }

  private region(node: RegionNode, context: Context, old: RegionState, parentPath: string): RegionState {
    const path = regionFragmentId(parentPath, node.id);
    if (node.list) {
      const value = resolve(node.list.path, context);
      if (Array.isArray(value) && isList(old)) return this.list(node.list, value, context, old, path);
      if (Array.isArray(value) || isList(old)) return this.replaceRegion(node, context, parentPath, path);
    }
    if (isList(old)) return this.replaceRegion(node, context, parentPath, path);
    return this.scope(node.body, context, old, path) ?? this.replaceRegion(node, context, parentPath, path);
  }

  private replaceRegion(node: RegionNode, context: Context, parentPath: string, path: string): RegionState {
    const { html, state } = this.renderer.regionContent(node, context, parentPath);
    this.emit(path, html, 'replace');
    return state;
  }

  private list(section: SectionNode, items: unknown[], context: Context, old: ListState, path: string): ListState {
    const keys = listKeys(items, this.renderer.keyField);
    const plan = planList(old.k, keys);
    for (const key of plan.removed) this.emit(itemFragmentId(path, encodeKey(key)), '', 'remove');
    const lastKept = plan.from.findLastIndex((from) => from >= 0);
    const states: ScopeState[] = new Array(items.length);
    let changed = keys.length !== old.k.length || keys.some((key, i) => key !== old.k[i]);
    let previous = '';
    for (let i = 0; i < items.length; i++) {
      const id = itemFragmentId(path, encodeKey(keys[i]!));
      const from = plan.from[i]!;
      if (from < 0) {
        const { html, state } = this.renderer.item(section, items[i], context, id);
        if (i > lastKept) this.emit(id, html, 'append');
        else if (i === 0) this.emit(id, html, 'prepend');
        else this.emit(id, html, 'insert_after', previous);
        states[i] = state;
      } else {
        if (plan.ops[i] === 'move') {
          if (i === 0) this.emit(id, '', 'move_first');
          else this.emit(id, '', 'move_after', previous);
        }
        const before = old.i[from]!;
        states[i] = this.item(section, items[i], context, before, id);
        if (states[i] !== before) changed = true;
      }
      previous = id;
    }
    return changed ? { k: keys, i: states } : old;
  }

  private item(section: SectionNode, item: unknown, context: Context, old: ScopeState, id: string): ScopeState {
    this.renderer.enter();
    const next = this.scope(section.body, context.push(item), old, id);
    this.renderer.depth--;
    if (next) return next;
    const { html, state } = this.renderer.item(section, item, context, id);
    this.emit(id, html, 'replace');
    return state;
  }

  private emit(fragment_id: string, html: string, action: Action, ref?: string): void {
    const update: Update = { fragment_id, html, action, timestamp: this.now };
    if (ref !== undefined) update.ref = ref;
    this.updates.push(update);
  }
}
