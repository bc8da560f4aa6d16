import { encodeKey, escapeMarkers, itemFragmentId, itemMarker, REGION_END, regionFragmentId, regionStart } from '@statetemplate/protocol';
import { Context, endReach, resetReach, startReach } from './context.js';
import { RenderError, StreamError } from './errors.js';
import { escapeHtml } from './escape.js';
import { containedBody } from './compile.js';
import { frame, frameCount, isLambda, lambdaOutput, partialName, resolve, summarize, varText, type SubRender } from './evaluate.js';
import { Digester } from './digest.js';
import { listKeys } from './keys.js';
import type { Node, PartialNode, RegionNode, SectionNode } from './nodes.js';
import { leadFits, markersFit, openEnd, PAGE_TAGS, selfContained } from './fit.js';
import { WHOLE_PAGE } from './html-model.js';
import { streamKey } from './stream.js';
import { isUnmarked, type DigestListState, type ListMemos, type ListState, type RegionState, type ScopeState } from './state.js';

/**
 * Deep enough for any real page; stops runaway recursive partials over
 * cyclic data. Only partials can recurse: sections nest as deep as the source.
 */
export const MAX_DEPTH = 512;

/** Where stream items render: with the item alone, so an item renders alike whenever and wherever it is rendered. */
const ALONE = new Context(null);

export interface Rendered<S> {
  html: string;
  state: S;
}

/**
 * Renders nodes. With a scope it annotates the output with markers and
 * records every lookup into the scope; without one it renders plain Mustache.
 */
export class Renderer {
  readonly digester = new Digester(this);

  constructor(
    readonly keyField: string,
    readonly subRender: SubRender,
    /** The body of a partial node compiled late, for the partial's name. */
    readonly partialNodes: (node: PartialNode, name: string) => Node[],
    /** Lists of more items keep digests instead of their items' states (CompileOptions.digestListsAbove). */
    readonly digestAbove: number,
  ) {}

  /**
   * `path` is the enclosing fragment's id, or null inside a flat section,
   * where regions render inline (recorded into the scope, without markers).
   */
  nodes(nodes: readonly Node[], context: Context, scope: ScopeState | null, path: string | null): string {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'var': {
          this.trace?.push(node.name);
          const text = varText(node, context, this.varLambdas);
          this.trace?.pop();
          scope?.v.push(text);
          if (scope && !node.escape) this.distrust(text, node.wholePage);
          // Annotated output writes marker-shaped comments of raw values escaped; plain output stays Mustache's.
          out += node.escape ? escapeHtml(text) : scope ? escapeMarkers(text) : text;
          break;
        }
        case 'section':
          out += this.section(node, context, scope, path);
          break;
        case 'partial':
          out += this.partial(node, context, scope, path);
          break;
        case 'region':
          if (node.stream && !(scope && path !== null)) out += this.inlineStream(node, context, scope);
          else if (scope && path !== null) {
            const { html, state } = this.regionContent(node, context, path);
            (scope.c ??= []).push(state);
            out += isUnmarked(state) ? html : regionStart(node.id) + html + REGION_END;
          } else {
            out += this.nodes(node.body, context, scope, path);
          }
          break;
      }
    }
    return out;
  }

  /**
   * A region's content without its own markers, and its new state. Content
   * that cannot be patched alone (fit.ts) renders without any markers, as
   * part of the enclosing fragment: its state is marked `u`.
   */
  regionContent(node: RegionNode, context: Context, parentPath: string): Rendered<RegionState> {
    const path = regionFragmentId(parentPath, node.id);
    const value = node.list && resolve(node.list.path, context);
    if (node.stream) return this.stream(node, value, path);
    const { untrusted, open } = this;
    this.untrusted = false;
    this.open = false;
    let rendered = Array.isArray(value) ? this.list(node, value, context, path) : this.scope(node.body, context, path);
    // A part that cannot be patched alone (an item, a region ending open or leaking) leaves no markers inside.
    const inner = rendered !== null && !this.open;
    if (!rendered || !inner) rendered = this.unmarked(node.body, context);
    const fits = this.fits(node, rendered.html);
    if (fits && !inner) rendered.state = { v: (rendered.state as ScopeState).v, f: 1 };
    if (!fits && inner) rendered = this.unmarked(node.body, context);
    // Raw output this fragment cannot contain may change how what follows it parses.
    const leaks = !fits && this.untrusted && !selfContained(node.open, rendered.html);
    this.untrusted ||= untrusted;
    // Followed by a marker, an open end leaves the enclosing scope without markers too.
    this.open = open || leaks || (!fits && openEnd(rendered.html, node.lead) !== 0 && !node.trail);
    return rendered;
  }

  /** Whether html can stand between this region's markers: its edges, the page's tags, and raw output in it (fit.ts). */
  private fits(node: RegionNode, html: string): boolean {
    // An open end (a CR, `&amp`, `<a`) would join what follows across the end marker; empty content passes on what precedes it.
    const end = openEnd(html, node.lead);
    if (end !== 0 && !(node.trail && leadFits(node.trail, end))) return false;
    return !this.wholePage && leadFits(html, node.lead) && (!this.untrusted || selfContained(node.open, html));
  }

  /** A scope's content and state: the root, a block region or a list item. */
  scope(nodes: readonly Node[], context: Context, path: string): Rendered<ScopeState> {
    const state: ScopeState = { v: [] };
    const html = this.nodes(nodes, context, state, path);
    return { html, state };
  }

  /** The root's content and state; a page whose raw output would split markers renders without any. */
  root(nodes: readonly Node[], context: Context): Rendered<ScopeState> {
    this.untrusted = false;
    this.open = false;
    this.wholePage = false;
    const rendered = this.scope(nodes, context, '');
    if (!this.open && !this.wholePage && (!this.untrusted || markersFit(rendered.html, WHOLE_PAGE.test(rendered.html)))) return rendered;
    return this.unmarked(nodes, context);
  }

  /** One list item's content (without its marker) and state, or null when it cannot be patched alone in `region`'s list. */
  item(region: RegionNode, item: unknown, context: Context, path: string): Rendered<ScopeState> | null {
    const { untrusted, open } = this;
    this.untrusted = false;
    this.open = false;
    const rendered = this.scope(region.list!.body, context.push(item), path);
    // The next item's marker or the list's end follows: an open end would join across it. Any item can
    // become the first, right after the list's start marker and what comes before it.
    const fits =
      !this.open && !this.wholePage && openEnd(rendered.html) === 0 && leadFits(rendered.html, region.lead) && (!this.untrusted || selfContained(region.open, rendered.html));
    this.untrusted ||= untrusted;
    this.open = open;
    return fits ? rendered : null;
  }

  /** Renders nodes with no markers at all, recording every lookup in one scope marked `u`. */
  private unmarked(nodes: readonly Node[], context: Context): Rendered<ScopeState> {
    const state: ScopeState = { v: [], u: 1 };
    const html = this.nodes(nodes, context, state, null);
    return { html, state };
  }

  /**
   * A stream's list: whatever items the data holds now, each rendered alone,
   * and a state that records none of them. It must keep its markers, at the
   * id the template fixes, or no stream update could find it.
   */
  private stream(node: RegionNode, value: unknown, path: string): Rendered<ListState> {
    const { name, id } = node.stream!;
    if (path !== id) throw new StreamError('stream_unfit', `stream "${name}" sits inside a list item (${path}): a stream needs the one fragment id ${id}`);
    const { untrusted, open } = this;
    this.untrusted = false;
    this.open = false;
    const html = Array.isArray(value) ? this.streamItems(node, value) : '';
    if (this.open || !this.fits(node, html)) throw new StreamError('stream_unfit', `stream "${name}": its content cannot be patched alone`);
    this.untrusted ||= untrusted;
    this.open = open;
    return { html, state: { k: [], i: [], s: 1 } };
  }

  /** Stream items with their markers; StreamError for repeated keys or an item that cannot be patched alone. */
  streamItems(node: RegionNode, items: readonly unknown[]): string {
    const keys = new Set<string>();
    let html = '';
    for (const item of items) {
      const rendered = this.streamItem(node, item);
      if (keys.size === keys.add(rendered.key).size) throw new StreamError('stream_key', `stream "${node.stream!.name}": key ${JSON.stringify(rendered.key)} repeats`);
      html += itemMarker(encodeKey(rendered.key)) + rendered.html;
    }
    return html;
  }

  /** One stream item's key, id and content (without its marker); StreamError when it has no key or cannot be patched alone. */
  streamItem(node: RegionNode, item: unknown): { key: string; fragment_id: string; html: string } {
    const { name, id } = node.stream!;
    const key = streamKey(item, this.keyField, name);
    const fragment_id = itemFragmentId(id, encodeKey(key));
    const rendered = this.item(node, item, ALONE, fragment_id);
    if (!rendered) throw new StreamError('stream_unfit', `stream "${name}": item ${JSON.stringify(key)} cannot be patched alone (its raw output would change how the page around it parses)`);
    return { key, fragment_id, html: rendered.html };
  }

  /** A stream where no markers can go: refused when annotated; plain output renders its items as a whole render does. */
  private inlineStream(node: RegionNode, context: Context, scope: ScopeState | null): string {
    if (scope) throw new StreamError('stream_unfit', `stream "${node.stream!.name}": raw output around it makes its fragment render without markers`);
    const value = resolve(node.list!.path, context);
    if (!Array.isArray(value)) return '';
    let out = '';
    for (const item of value) out += this.nodes(node.list!.body, ALONE.push(item), null, '');
    return out;
  }

  private list(region: RegionNode, items: unknown[], context: Context, path: string): Rendered<ListState | DigestListState> | null {
    const keys = listKeys(items, this.keyField);
    const digested = items.length > this.digestAbove;
    const states: ScopeState[] = new Array(digested ? 0 : items.length);
    const free = this.memos && new Uint8Array(items.length);
    let html = '';
    for (let i = 0; i < items.length; i++) {
      const key = encodeKey(keys[i]!);
      // Immutable renders watch how far each item's lookups reach (see startReach).
      const watch = free ? startReach() : 0;
      const item = this.item(region, items[i], context, itemFragmentId(path, key));
      if (free && endReach(watch, context.depth + 1)) free[i] = 1;
      if (!item) return null;
      if (!digested) states[i] = item.state;
      html += itemMarker(key) + item.html;
    }
    // Past the threshold, digested after its html is rendered: an item that does not fit leaves no digests to make.
    const state = digested ? this.digester.list(region, keys, items, context) : { k: keys, i: states };
    if (free) this.memos!.set(state, { items, free });
    return { html, state };
  }

  private section(node: SectionNode, context: Context, scope: ScopeState | null, outerPath: string | null): string {
    const path = node.flat ? null : outerPath;
    const { trace } = this;
    trace?.push(node.name);
    const value = resolve(node.path, context);
    if (isLambda(node, value)) {
      const output = lambdaOutput(node, value, context, this.subRender);
      trace?.pop();
      scope?.v.push(`λ${output}`);
      if (!scope) return output;
      this.distrust(output, node.wholePage);
      return escapeMarkers(output);
    }
    trace?.pop();
    const summary = summarize(node, value);
    scope?.v.push(summary);
    let out = '';
    for (let i = 0, n = frameCount(summary); i < n; i++) {
      const inner = frame(node, value, context, i);
      // Traced: the frames that give the body a context of their own, an array's by index.
      const entered = trace !== null && inner !== context && trace.push(Array.isArray(value) ? `${node.name}[${i}]` : node.name) > 0;
      out += this.nodes(node.body, inner, scope, path);
      if (entered) trace.pop();
    }
    return out;
  }

  /** A partial compiled late; a dynamic one records the name it chose, and its output is raw output unless its body is contained. */
  private partial(node: PartialNode, context: Context, scope: ScopeState | null, path: string | null): string {
    this.enter();
    const name = partialName(node, context);
    if (node.dynamic) scope?.v.push(name);
    const nodes = this.partialNodes(node, name);
    const html = this.nodes(nodes, context, scope, path);
    if (scope && node.dynamic && !containedBody(nodes)) this.distrust(html, node.wholePage);
    this.depth--;
    return html;
  }

  /** Notes raw output: markup in it is checked where it lands (fit.ts). */
  private distrust(output: string, outOfFlow: boolean | undefined): void {
    if (!/[<&]/.test(output)) return;
    this.untrusted = true;
    if (PAGE_TAGS.test(output) || (outOfFlow && output.includes('<'))) this.wholePage = true;
  }

  /** Whether what rendered since the last reset needs no check of the whole page: no raw markup, no open end, no page tag. */
  get contained(): boolean {
    return !this.untrusted && !this.open && !this.wholePage;
  }

  /** Call before every top-level render or diff: a thrown error may have left the count up. */
  reset(): void {
    resetReach();
    this.depth = 0;
    this.untrusted = false;
    this.open = false;
    this.wholePage = false;
  }

  /** One level deeper; refuses runaway recursion with a typed error. Pair with `depth--`. */
  enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw new RenderError('depth_exceeded', `template nesting deeper than ${MAX_DEPTH}: a recursive partial over cyclic or too deep data?`);
    }
  }

  depth = 0;
  /** Set by the template for `interpolationLambdas: 'template'`: renders a function's result in `{{name}}` as a template; null, it is text. */
  varLambdas: SubRender | null = null;
  /**
   * Set while the template looks for where data failed: the names being
   * looked up and the sections entered (`items[3]`), outermost first. A throw
   * leaves it as it was at the throw. Null (not traced) otherwise.
   */
  trace: string[] | null = null;
  /** Set by the template when it has streams: the root's old content is then not known exactly (see Differ.replace). */
  streamed = false;
  /** Set by the template for an immutable render or diff: where lists' memos go. */
  memos: ListMemos | null = null;
  /** Set when raw output holding markup was rendered since the innermost fragment began. */
  private untrusted = false;
  /** Set when a region in the innermost fragment ends open before a marker: the fragment then renders without markers. */
  private open = false;
  /**
   * Set when raw output held a tag of the page's own elements (PAGE_TAGS), or
   * markup inside a <select>, which browsers now keep (and let formatting
   * elements leak past the select) where parse5 drops it: the page then
   * renders without markers.
   */
  private wholePage = false;
}
