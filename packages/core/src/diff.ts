import { encodeKey, itemFragmentId, regionFragmentId, ROOT_ID, stripAnnotations, type Action, type AttributeChange, type Update } from '@statetemplate/protocol';
import { attributeChanges } from './attribute-changes.js';
import { endReach, startReach, type Context } from './context.js';
import { frame, frameCount, isLambda, lambdaOutput, partialName, resolve, summarize, varText } from './evaluate.js';
import { fastItemsOf, keepRecorded, keepUnpacked, pack, takeRecorded, takeUnpacked } from './digest.js';
import { RenderError } from './errors.js';
import { itemCheckOf, type ItemCheck } from './item-check.js';
import { hasKey, indexKeys, keyOf, numericKeys, ownKeys, planList, type ListPlan } from './keys.js';
import { dynamicNodes, type Node, type PartialNode, type RegionNode, type SectionNode, type VarNode } from './nodes.js';
import type { Renderer, Rendered } from './render.js';
import { Replayer } from './replay.js';
import { isDigested, isFlat, isList, isStream, isUnmarked, type DigestListState, type ListState, type Recorded, type RegionState, type ScopeState } from './state.js';

/** The path of an item checked inline, before its id is built (see sameOrder). */
const UNPLACED = '\u0000unplaced';

const partialDynamics = new WeakMap<Node[], Node[]>();

function partialDynamic(nodes: Node[]): Node[] {
  let dynamic = partialDynamics.get(nodes);
  if (!dynamic) partialDynamics.set(nodes, (dynamic = dynamicNodes(nodes)));
  return dynamic;
}

/** A removed item, measured only if its list's updates might cancel out. */
interface Removed {
  body: readonly Node[];
  state: ScopeState;
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
  /**
   * Per update, how much longer it makes the plain page: updates can only
   * cancel out where these sum to zero. Null where that is unknown (an item
   * of a digested list), and then they are taken not to.
   */
  private readonly growth: (number | Removed | null)[] = [];
  // The scope being walked, kept in fields (saved and restored around nested
  // scopes) because a diff visits thousands of scopes per call.
  private old: ScopeState = { v: [] };
  private vi = 0;
  private ci = 0;
  /** Copy of old.c, made on the first child whose state changed. */
  private children: RegionState[] | null = null;
  /** Rebuilds old output on the slow path only; made on first use. */
  private replayer: Replayer | null = null;

  constructor(
    private readonly renderer: Renderer,
    private readonly now: number,
  ) {}

  /** The root's new state; a root whose own lookups changed is replaced whole. */
  root(nodes: readonly Node[], dynamic: readonly Node[], context: Context, old: ScopeState): ScopeState {
    const same = old.u ? (this.sameUnmarked(dynamic, context, old) ? old : null) : this.scope(dynamic, nodes, context, old, '');
    return same ?? this.replace(ROOT_ID, this.renderer.root(nodes, context), old, this.replayed(() => this.replay().scope(nodes, old)), [], this.renderer.streamed);
  }

  /**
   * New states of top-level regions diffed on their own (the regions renders
   * share), or null when one of them cannot be patched alone and the root
   * would re-render.
   */
  regions(nodes: readonly RegionNode[], context: Context, old: readonly RegionState[]): RegionState[] | null {
    this.old = { v: [], c: old.slice() };
    this.vi = 0;
    this.ci = 0;
    this.children = null;
    for (const node of nodes) if (!this.child(node, context, '')) return null;
    return this.children ?? this.old.c!;
  }

  /** Whether a scope rendered without markers (`u`) reads the same: all of it is walked inline. */
  private sameUnmarked(dynamic: readonly Node[], context: Context, old: ScopeState): boolean {
    const { old: outer, vi, ci } = this;
    this.old = old;
    this.vi = 0;
    this.ci = 0;
    const same = this.walk(dynamic, context, null) && this.vi === old.v.length;
    this.old = outer;
    this.vi = vi;
    this.ci = ci;
    return same;
  }

  /**
   * The scope's new state, or null when its own lookups changed and it must
   * be re-rendered. `dynamic` is walked; `body` (with its text) rebuilds the
   * old output when several updates inside might cancel out.
   */
  private scope(dynamic: readonly Node[], body: readonly Node[], context: Context, old: ScopeState, path: string): ScopeState | null {
    const mark = this.updates.length;
    const outer = this.old;
    const outerVi = this.vi;
    const outerCi = this.ci;
    const outerChildren = this.children;
    this.old = old;
    this.vi = 0;
    this.ci = 0;
    this.children = null;
    const same = this.walk(dynamic, context, path) && this.vi === old.v.length && this.ci === (old.c?.length ?? 0);
    const children = this.children;
    this.old = outer;
    this.vi = outerVi;
    this.ci = outerCi;
    this.children = outerChildren;
    if (!same) {
      this.truncate(mark); // the re-render of this scope supersedes its children's updates
      return null;
    }
    if (!children) return old;
    const next = { v: old.v, c: children };
    // One update was already checked where it was made; several, say two values trading text, may cancel out.
    if (this.updates.length > mark + 1 && this.cancels(mark) && equalPlain(this.plain(body, old), this.plain(body, next))) {
      this.truncate(mark);
      return old;
    }
    return next;
  }

  /** `path` is null inside a flat section, whose regions are walked inline (see Renderer.nodes). */
  private walk(nodes: readonly Node[], context: Context, path: string | null): boolean {
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      switch (node.kind) {
        case 'text': // bodies walked here are dynamic-only; kept for exhaustiveness
          break;
        case 'var':
          if (varText(node, context, this.renderer.varLambdas) !== this.old.v[this.vi++]) return false;
          break;
        case 'section':
          if (!this.section(node, context, path)) return false;
          break;
        case 'partial':
          if (!this.partial(node, context, path)) return false;
          break;
        case 'region':
          if (!this.child(node, context, path)) return false;
          break;
      }
    }
    return true;
  }

  // The cases of walk live in methods of their own to keep walk small enough for V8 to inline its hot callees.

  /** A partial compiled late; a dynamic one that chose another partial has changed. */
  private partial(node: PartialNode, context: Context, path: string | null): boolean {
    const name = partialName(node, context);
    if (node.dynamic && name !== this.old.v[this.vi++]) return false;
    this.renderer.enter();
    const same = this.walk(partialDynamic(this.renderer.partialNodes(node, name)), context, path);
    this.renderer.depth--;
    return same;
  }

  /** A region in the scope being walked: diffed, and its new state kept copy-on-write. */
  private child(node: RegionNode, context: Context, path: string | null): boolean {
    if (path === null) return this.walk(node.dynamic, context, null);
    const scope = this.old;
    const index = this.ci++;
    const old = scope.c?.[index];
    if (!old) return false;
    // A region that rendered without markers cannot be patched alone: a change re-renders the scope holding it.
    if (isFlat(old)) {
      if (this.sameUnmarked(node.dynamic, context, old as ScopeState)) return true;
      // Without markers of its own it is part of the scope holding it; with them, it is replaced whole.
      if (isUnmarked(old) || path === UNPLACED) return false;
      const next = this.replaceRegion(node, context, old, path, regionFragmentId(path, node.id));
      if (next === null) return false;
      (this.children ??= scope.c!.slice())[index] = next;
      return true;
    }
    // A value region whose one value is unchanged needs nothing more: the common case at 'value' granularity.
    if (node.type === 'value' && !isList(old) && !isDigested(old) && old.v[0] === varText(node.body[0] as VarNode, context, this.renderer.varLambdas)) return true;
    if (path === UNPLACED) return false; // a quick check cannot diff regions: let the caller place the item
    const next = this.region(node, context, old, path);
    if (next === null) return false;
    if (next !== old) (this.children ??= scope.c!.slice())[index] = next;
    return true;
  }

  private section(node: SectionNode, context: Context, outerPath: string | null): boolean {
    const path = node.flat ? null : outerPath;
    const value = resolve(node.path, context);
    const recorded = this.old.v[this.vi++];
    if (isLambda(node, value)) return `λ${lambdaOutput(node, value, context, this.renderer.subRender)}` === recorded;
    const summary = summarize(node, value);
    if (summary !== recorded) return false;
    if (node.dynamic.length === 0) return true;
    let same = true;
    for (let i = 0, n = frameCount(summary); same && i < n; i++) same = this.walk(node.dynamic, frame(node, value, context, i), path);
    return same;
  }

  /** The region's new state, or null when its new content cannot be patched alone (the enclosing scope re-renders). */
  private region(node: RegionNode, context: Context, old: RegionState, parentPath: string): RegionState | null {
    // A stream's items are the stream updates' business: later data for it is not read.
    if (isStream(old)) return old;
    const path = regionFragmentId(parentPath, node.id);
    if (node.list) {
      const value = resolve(node.list.path, context);
      // Below the threshold again, a digested list is rendered afresh: its kept items have no states to keep.
      if (Array.isArray(value) && isDigested(old) && value.length > this.renderer.digestAbove) return this.digested(node, value, context, old, path);
      if (Array.isArray(value) && isList(old)) {
        const next = this.list(node, value, context, old, path);
        return next !== null && next !== old && value.length > this.renderer.digestAbove ? this.digestAll(node, value, context, next) : next;
      }
      if (Array.isArray(value) || isList(old) || isDigested(old)) return this.replaceRegion(node, context, old, parentPath, path);
    }
    if (isList(old) || isDigested(old)) return this.replaceRegion(node, context, old, parentPath, path);
    return this.scope(node.dynamic, node.body, context, old, path) ?? this.replaceRegion(node, context, old, parentPath, path);
  }

  private replaceRegion(node: RegionNode, context: Context, old: RegionState, parentPath: string, path: string): RegionState | null {
    const next = this.renderer.regionContent(node, context, parentPath);
    return isUnmarked(next.state) ? null : this.replace(path, next, old, this.replayed(() => this.replay().region(node, old)), node.open, node.holdsStream === true);
  }

  /** A list past the threshold, as its full state `next` says, turned into a digested one. */
  private digestAll(region: RegionNode, items: unknown[], context: Context, next: ListState): DigestListState {
    const state = this.renderer.digester.list(region, next.k, items, context);
    const memo = this.renderer.memos?.get(next);
    if (memo) this.renderer.memos!.set(state, memo);
    return state;
  }

  /**
   * A digested list: keys are planned as in list; each kept item is
   * compared with what it recorded where that is kept in memory
   * (takeRecorded), else by its digest, and an item that differs is
   * rendered and replaced whole (its old html is not known).
   */
  private digested(region: RegionNode, items: unknown[], context: Context, old: DigestListState, path: string): DigestListState | null {
    const keyField = this.renderer.keyField;
    const mark = this.updates.length;
    const unpacked = takeUnpacked(old);
    const { keys: oldKeys, digests: oldDigests } = unpacked;
    const numbers = numericKeys(oldKeys);
    const indexed = keyOf(items[0], keyField) === undefined;
    // The same keys in the same order are checked item by item in the one pass below; else keys are planned as in list.
    let keys: readonly string[] = oldKeys;
    let plan: ListPlan | null = null;
    let lastKept = items.length - 1;
    const itemId = (i: number): string => itemFragmentId(path, encodeKey(keys[i]!));
    const replan = () => {
      const own = ownKeys(items, keyField, oldKeys);
      plan = own && planList(oldKeys, own);
      keys = own ?? indexKeys(items.length);
      if (!own || !plan) plan = planList(oldKeys, (keys = indexKeys(items.length)))!;
      for (const at of plan.removed) this.emit(itemFragmentId(path, encodeKey(oldKeys[at]!)), '', 'remove', null);
      lastKept = lastKeptOf(plan);
    };
    if (items.length !== oldKeys.length) replan();
    // In place while the items are the old ones (the old state decodes its own if asked again); `overwritten` undoes that for a plan.
    let digests = plan === null ? oldDigests : new Float64Array(items.length);
    const overwritten: number[] = [];
    const memos = this.renderer.memos;
    const memo = memos?.get(old) ?? null;
    const free = memos && new Uint8Array(items.length);
    const digest = this.renderer.digester.of(region);
    const changed: number[] = [];
    const fast = fastItemsOf(region.list!);
    const width = fast?.width ?? 0;
    let cached = fast && takeRecorded(old);
    let dirty = false;
    /**
     * Where the values go: into the kept ones, in place (the old state no
     * longer holds them), when the items are the old ones or only inserted
     * and removed between a kept start and end, which a splice moves to
     * their new places; else into a new array. `shifted`: laid out as the new items.
     */
    const layout = (): [values: Recorded[] | null, shifted: boolean] => {
      if (!fast) return [null, false];
      if (cached && plan === null) return [cached, true];
      const p = plan as ListPlan | null;
      let inserts = true;
      for (let i = p ? p.start : 0; p && inserts && i < p.end; i++) inserts = p.from[i]! < 0;
      if (!cached || !p || !inserts || dirty || (p.end - p.start) * width > MAX_SPLICED) return [new Array(items.length * width), false];
      cached.splice(p.start * width, (p.end + p.shift - p.start) * width, ...new Array<Recorded>((p.end - p.start) * width));
      return [cached, true];
    };
    let [values, shifted] = layout();
    for (let i = 0; i < items.length; i++) {
      // The very object of an immutable diff keeps its key: its fields need not be read.
      const kept = plan === null && memo !== null && memo.items[i] === items[i];
      if (plan === null && !kept && !(indexed ? numbers[i] === i : hasKey(items[i], keyField, oldKeys[i]!, numbers[i]!))) {
        // A key differs after all: start again with a plan (and without the values in memory if this pass wrote to them).
        this.truncate(mark);
        for (let k = 0; k < overwritten.length; k += 2) oldDigests[overwritten[k]!] = overwritten[k + 1]!;
        digests = new Float64Array(items.length);
        changed.length = 0;
        replan();
        if (dirty) cached = null;
        [values, shifted] = layout();
        i = -1;
        continue;
      }
      const from: number = plan === null ? i : (plan as ListPlan).from[i]!;
      const reused = from >= 0 && ((memo !== null && memo.items[from] === items[i] && memo.free[from] === 1) || (cached !== null && fast!.same(items[i], cached, (shifted ? i : from) * width) === true));
      let now = oldDigests[from]!;
      if (reused) {
        if (free) free[i] = 1;
        if (values !== null && values !== cached) {
          if (cached !== null) for (let k = 0; k < width; k++) values[i * width + k] = cached[from * width + k]!;
          else if (!fast!.write(items[i], values, i * width)) values = null;
        }
      } else {
        // Immutable diffs watch how far each item's lookups reach (see startReach).
        const watch = free ? startReach() : 0;
        now = digest(items[i], context);
        if (free && endReach(watch, context.depth + 1)) free[i] = 1;
        if (values !== null) {
          dirty ||= values === cached; // even a write given up halfway
          if (!fast!.write(items[i], values, i * width)) values = null;
        }
      }
      if (from >= 0 && plan !== null && (plan as ListPlan).moves[i]) {
        if (i === 0) this.emit(itemId(i), '', 'move_first', 0);
        else this.emit(itemId(i), '', 'move_after', 0, itemId(i - 1));
      }
      const same = from >= 0 && now === oldDigests[from];
      if (digests === oldDigests && !same) overwritten.push(i, oldDigests[i]!);
      digests[i] = now;
      if (same) continue;
      changed.push(i);
      const id = itemId(i);
      const rendered = this.renderer.item(region, items[i], context, id);
      if (!rendered) {
        this.truncate(mark);
        return null;
      }
      if (from >= 0) this.emit(id, rendered.html, 'replace', null);
      else if (i > lastKept) this.emit(id, rendered.html, 'append', null);
      else if (i === 0) this.emit(id, rendered.html, 'prepend', null);
      else this.emit(id, rendered.html, 'insert_after', null, itemId(i - 1));
    }
    const moved = plan as ListPlan | null;
    const next = moved !== null || changed.length > 0 ? pack(keys, digests, { state: old, old: unpacked, from: moved && moved.from, changed }) : old;
    if (next === old) keepUnpacked(old, unpacked);
    if (free) memos!.set(next, { items, free });
    if (values !== null) keepRecorded(next, values);
    return next;
  }

  private list(region: RegionNode, items: unknown[], context: Context, old: ListState, path: string): ListState | null {
    const section = region.list!;
    const mark = this.updates.length;
    if (items.length === old.k.length) {
      const same = this.sameOrder(region, items, context, old, path);
      if (same) return this.updates.length > mark + 1 ? this.settle(section, old, same, mark) : same;
      this.truncate(mark);
      if (same === null) return null;
    }
    const compiled = itemCheckOf(section, this.renderer.keyField);
    let keys = ownKeys(items, this.renderer.keyField, old.k);
    let plan = keys && planList(old.k, keys);
    // Runs of items kept where they were (or as far from the end) are scanned fast, as in sameOrder.
    let fast = plan && compiled;
    if (!keys || !plan) {
      keys = indexKeys(items.length); // missing or repeated keys: key by position
      plan = planList(old.k, keys)!;
      fast = null;
    }
    const finalKeys = keys;
    const itemId = (i: number): string => itemFragmentId(path, encodeKey(finalKeys[i]!));
    for (const at of plan.removed) this.emit(itemFragmentId(path, encodeKey(old.k[at]!)), '', 'remove', { body: section.body, state: old.i[at]! });
    const lastKept = lastKeptOf(plan);
    const states: ScopeState[] = new Array(items.length);
    const { old: outer, vi: outerVi, ci: outerCi } = this;
    const frame = context.push(undefined);
    const check = compiled?.check ?? null;
    const memos = this.renderer.memos;
    const memo = memos?.get(old) ?? null;
    const free = memos && new Uint8Array(items.length);
    const kept = fast && { states: old.i, keys: old.k, numbers: numericKeys(old.k), memo };
    for (let i = 0; i < items.length; i++) {
      if (fast && (i < plan.start || i >= plan.end)) {
        const [to, shift] = i < plan.start ? [plan.start, 0] : [items.length, plan.shift];
        const stop = fast.scan(items, i, to, shift, kept!, false, free);
        for (; i < stop; i++) states[i] = old.i[i + shift]!;
        if (i === to) {
          i--;
          continue;
        }
      }
      const from = plan.from[i]!;
      // Immutable diffs watch how far each item's lookups reach (see startReach).
      const watch = free ? startReach() : 0;
      if (from < 0) {
        const id = itemId(i);
        const rendered = this.renderer.item(region, items[i], context, id);
        if (free && endReach(watch, frame.depth)) free[i] = 1;
        if (!rendered) return this.abandon(mark, outer, outerVi, outerCi);
        const { html, state } = rendered;
        const growth = stripAnnotations(html).length;
        if (i > lastKept) this.emit(id, html, 'append', growth);
        else if (i === 0) this.emit(id, html, 'prepend', growth);
        else this.emit(id, html, 'insert_after', growth, itemId(i - 1));
        states[i] = state;
      } else {
        if (plan.moves[i]) {
          if (i === 0) this.emit(itemId(i), '', 'move_first', 0);
          else this.emit(itemId(i), '', 'move_after', 0, itemId(i - 1));
        }
        const before = old.i[from]!;
        const same = memo !== null && memo.items[from] === items[i] && memo.free[from] === 1;
        const after = same || this.unchanged(section, check, frame, items[i], before) ? before : this.item(region, items[i], context, before, path, finalKeys[i]!);
        if (free && (endReach(watch, frame.depth) || same)) free[i] = 1;
        if (!after) return this.abandon(mark, outer, outerVi, outerCi);
        states[i] = after;
      }
    }
    this.old = outer;
    this.vi = outerVi;
    this.ci = outerCi;
    const next = this.settle(section, old, { k: finalKeys, i: states }, mark);
    // Kept as it was, the old state still describes the old items.
    if (free && next !== old) memos!.set(next, { items, free });
    return next;
  }

  /**
   * Keeps the old state and drops the list's updates (those since `mark`)
   * when the list's plain output is the same after all: new keys over the
   * same content, a move among equal items, an item that rendered nothing.
   * The page then keeps its old markers, which the old state describes.
   */
  private settle(section: SectionNode, old: ListState, next: ListState, mark: number): ListState {
    if (this.updates.length === mark || !this.cancels(mark) || !this.samePlain(section, old.i, next.i)) return next;
    this.truncate(mark);
    return old;
  }

  /** Compares only the span between the items both lists share as they are at their ends. */
  private samePlain(section: SectionNode, before: readonly ScopeState[], after: readonly ScopeState[]): boolean {
    let start = 0;
    let beforeEnd = before.length;
    let afterEnd = after.length;
    while (start < beforeEnd && start < afterEnd && before[start] === after[start]) start++;
    while (beforeEnd > start && afterEnd > start && before[beforeEnd - 1] === after[afterEnd - 1]) {
      beforeEnd--;
      afterEnd--;
    }
    return equalPlain(this.plainItems(section, before, start, beforeEnd), this.plainItems(section, after, start, afterEnd));
  }

  private plainItems(section: SectionNode, items: readonly ScopeState[], start: number, end: number): string | null {
    let plain = '';
    for (let i = start; i < end; i++) {
      const item = this.plain(section.body, items[i]!);
      if (item === null) return null;
      plain += item;
    }
    return plain;
  }

  /** A scope's output as the user sees it, rebuilt from its state; null where it holds a digested list. */
  private plain(body: readonly Node[], state: ScopeState): string | null {
    const html = this.replayed(() => this.replay().scope(body, state));
    return html === null ? null : stripAnnotations(html);
  }

  /**
   * Whether the updates since `mark` leave the plain page's length as it
   * was. Removals only shrink it, so they are replayed and measured one by
   * one only until they outweigh the rest: clearing a long list measures one item.
   */
  private cancels(mark: number): boolean {
    let sum = 0;
    const removed: Removed[] = [];
    for (let i = mark; i < this.growth.length; i++) {
      const growth = this.growth[i]!;
      if (growth === null) return false;
      if (typeof growth === 'number') sum += growth;
      else removed.push(growth);
    }
    for (const { body, state } of removed) {
      if (sum < 0) return false;
      const plain = this.plain(body, state);
      if (plain === null) return false;
      sum -= plain.length;
    }
    return sum === 0;
  }

  /** Gives up a list whose new item cannot be patched alone: drops its updates, restores the scope cursor. */
  private abandon(mark: number, old: ScopeState, vi: number, ci: number): null {
    this.truncate(mark);
    this.old = old;
    this.vi = vi;
    this.ci = ci;
    return null;
  }

  private truncate(mark: number): void {
    this.updates.length = mark;
    this.growth.length = mark;
  }

  /**
   * The common case, in one pass: same keys in the same order, so only item
   * contents can differ. Returns false at the first key that differs, null
   * when an item's new content cannot be patched alone.
   */
  private sameOrder(region: RegionNode, items: unknown[], context: Context, old: ListState, path: string): ListState | false | null {
    const section = region.list!;
    const keyField = this.renderer.keyField;
    const indexed = keyOf(items[0], keyField) === undefined;
    let states: ScopeState[] | null = null;
    const { old: outer, vi: outerVi, ci: outerCi } = this;
    const frame = context.push(undefined);
    const fast = itemCheckOf(section, keyField);
    const numbers = numericKeys(old.k);
    const memos = this.renderer.memos;
    const memo = memos?.get(old) ?? null;
    const free = memos && new Uint8Array(items.length);
    const run = { states: old.i, keys: old.k, numbers, memo };
    let same = true;
    for (let i = 0; i < items.length; i++) {
      // Kept items the fast scan vouches for are skipped; the general path takes the first it does not.
      if (fast !== null && (i = fast.scan(items, i, items.length, 0, run, indexed, free)) === items.length) break;
      if (memo !== null && memo.items[i] === items[i] && memo.free[i] === 1) {
        free![i] = 1;
        continue;
      }
      same = indexed ? numbers[i] === i : hasKey(items[i], keyField, old.k[i]!, numbers[i]!);
      if (!same) break;
      const before = old.i[i]!;
      const watch = free ? startReach() : 0;
      const after = this.unchanged(section, fast?.check ?? null, frame, items[i], before) ? before : this.item(region, items[i], context, before, path, old.k[i]!);
      if (free && endReach(watch, frame.depth)) free[i] = 1;
      if (!after) return this.abandon(this.updates.length, outer, outerVi, outerCi);
      if (after !== before) (states ??= old.i.slice())[i] = after;
    }
    this.old = outer;
    this.vi = outerVi;
    this.ci = outerCi;
    if (!same) return false;
    const next = states ? { k: old.k, i: states } : old;
    if (free) memos!.set(next, { items, free });
    return next;
  }


  /**
   * A cheap first check of a kept item: by the section's item check when the
   * item alone answers, else walked inline in a reused context frame, without
   * building its id (UNPLACED). Only an item that differs takes the full path
   * (item), which diffs or re-renders it. Moves the scope cursor: callers
   * save it once per list and restore it after.
   */
  private unchanged(section: SectionNode, check: ItemCheck | null, frame: Context, item: unknown, before: ScopeState): boolean {
    const quick = check?.(item, before);
    if (quick !== undefined) return quick;
    this.old = before;
    this.vi = 0;
    this.ci = 0;
    frame.view = item;
    return this.walk(section.dynamic, frame, UNPLACED) && this.vi === before.v.length && this.ci === (before.c?.length ?? 0);
  }

  /** The item's new state, or null when its new content cannot be patched alone. */
  private item(region: RegionNode, item: unknown, context: Context, old: ScopeState, listPath: string, key: string): ScopeState | null {
    const section = region.list!;
    // The item's id is only needed for its regions' ids or a replace: build it lazily.
    const path = section.hasRegions ? itemFragmentId(listPath, encodeKey(key)) : '';
    const next = this.scope(section.dynamic, section.body, context.push(item), old, path);
    if (next) return next;
    const id = path || itemFragmentId(listPath, encodeKey(key));
    const rendered = this.renderer.item(region, item, context, id);
    return rendered && this.replace(id, rendered, old, this.replayed(() => this.replay().scope(section.body, old)), region.open);
  }

  /**
   * Emits a replace of `id` unless the page would not change after all:
   * lookups can differ while the output is the same (a lambda swapped for
   * the text it renders, an empty list for false in a list region, a list
   * for an object that renders alike). The same annotated html adopts the
   * new state; the same plain html keeps the old one, which describes the
   * markers the page keeps. Around a stream (`opaque`) the page holds items
   * the old html lacks, so elements cannot be numbered: no `attrs` there.
   */
  private replace<S extends RegionState>(id: string, next: Rendered<S>, old: S, oldHtml: string | null, open: readonly string[], opaque = false): S {
    if (oldHtml === null) {
      // The old content held a digested list: not known, so sent whole.
      this.emit(id, next.html, 'replace', null);
      return next.state;
    }
    if (next.html === oldHtml) return next.state;
    const plain = stripAnnotations(next.html);
    const oldPlain = stripAnnotations(oldHtml);
    if (plain === oldPlain) return old;
    // Where only attributes changed (a toggled class, a checkbox), they travel instead of the fragment.
    const attrs = !opaque && attributeChanges(oldHtml, next.html, open);
    if (attrs) this.emit(id, '', 'attrs', plain.length - oldPlain.length, undefined, attrs);
    else this.emit(id, next.html, 'replace', plain.length - oldPlain.length);
    return next.state;
  }

  private replay(): Replayer {
    return (this.replayer ??= new Replayer(this.renderer.partialNodes));
  }

  /** Old output rebuilt from its state, or null where it holds a digested list. */
  private replayed(replay: () => string): string | null {
    try {
      return replay();
    } catch (error) {
      if (error instanceof RenderError && error.code === 'not_replayable') return null;
      throw error;
    }
  }

  /** `growth`: how much longer the update makes the plain page, or the item it removes, null when unknown. */
  private emit(fragment_id: string, html: string, action: Action, growth: number | Removed | null, ref?: string, attrs?: AttributeChange[]): void {
    const update: Update = { fragment_id, html, action, timestamp: this.now };
    if (ref !== undefined) update.ref = ref;
    if (attrs !== undefined) update.attrs = attrs;
    this.updates.push(update);
    this.growth.push(growth);
  }
}

/** Values a splice moves at most: its arguments go on the stack. */
const MAX_SPLICED = 30_000;

/** Whether two plain outputs are known to be the same (null: not known). */
function equalPlain(a: string | null, b: string | null): boolean {
  return a !== null && a === b;
}

/** The last new position holding a kept item, -1 when none is kept: the suffix's end, or found in the middle, or the prefix's. */
function lastKeptOf(plan: ListPlan): number {
  if (plan.end < plan.from.length) return plan.from.length - 1;
  for (let i = plan.end - 1; i >= plan.start; i--) if (plan.from[i]! >= 0) return i;
  return plan.start - 1;
}
