import { encodeKey, itemFragmentId, itemMarker, REGION_END, regionFragmentId, regionStart } from '@statetemplate/protocol';
import type { Context } from './context.js';
import { RenderError } from './errors.js';
import { escapeHtml } from './escape.js';
import { frame, frameCount, isLambda, lambdaOutput, resolve, summarize, varText, type SubRender } from './evaluate.js';
import { listKeys } from './keys.js';
import type { Node, PartialNode, RegionNode, SectionNode } from './nodes.js';
import type { ListState, RegionState, ScopeState } from './state.js';

/**
 * Deep enough for any real page; stops runaway recursive partials over
 * cyclic data. Only partials can recurse: sections nest as deep as the source.
 */
export const MAX_DEPTH = 512;

export interface Rendered<S> {
  html: string;
  state: S;
}

/**
 * Renders nodes. With a scope it annotates the output with markers and
 * records every lookup into the scope; without one it renders plain Mustache.
 */
export class Renderer {
  constructor(
    readonly keyField: string,
    readonly subRender: SubRender,
    readonly partialNodes: (node: PartialNode) => Node[],
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
          const text = varText(node, context);
          scope?.v.push(text);
          out += node.escape ? escapeHtml(text) : text;
          break;
        }
        case 'section':
          out += this.section(node, context, scope, path);
          break;
        case 'partial':
          this.enter();
          out += this.nodes(this.partialNodes(node), context, scope, path);
          this.depth--;
          break;
        case 'region':
          if (scope && path !== null) {
            const { html, state } = this.regionContent(node, context, path);
            (scope.c ??= []).push(state);
            out += regionStart(node.id) + html + REGION_END;
          } else {
            out += this.nodes(node.body, context, scope, path);
          }
          break;
      }
    }
    return out;
  }

  /** A region's content without its own markers, and its new state. */
  regionContent(node: RegionNode, context: Context, parentPath: string): Rendered<RegionState> {
    const path = regionFragmentId(parentPath, node.id);
    if (node.list) {
      const value = resolve(node.list.path, context);
      if (Array.isArray(value)) return this.list(node.list, value, context, path);
    }
    return this.scope(node.body, context, path);
  }

  /** A scope's content and state: the root, a block region or a list item. */
  scope(nodes: readonly Node[], context: Context, path: string): Rendered<ScopeState> {
    const state: ScopeState = { v: [] };
    const html = this.nodes(nodes, context, state, path);
    return { html, state };
  }

  /** One list item's content (without its marker) and state. */
  item(section: SectionNode, item: unknown, context: Context, path: string): Rendered<ScopeState> {
    return this.scope(section.body, context.push(item), path);
  }

  private list(section: SectionNode, items: unknown[], context: Context, path: string): Rendered<ListState> {
    const keys = listKeys(items, this.keyField);
    const states: ScopeState[] = new Array(items.length);
    let html = '';
    for (let i = 0; i < items.length; i++) {
      const key = encodeKey(keys[i]!);
      const item = this.item(section, items[i], context, itemFragmentId(path, key));
      states[i] = item.state;
      html += itemMarker(key) + item.html;
    }
    return { html, state: { k: keys, i: states } };
  }

  private section(node: SectionNode, context: Context, scope: ScopeState | null, outerPath: string | null): string {
    const path = node.flat ? null : outerPath;
    const value = resolve(node.path, context);
    if (isLambda(node, value)) {
      const output = lambdaOutput(node, value, context, this.subRender);
      scope?.v.push(`λ${output}`);
      return output;
    }
    const summary = summarize(node, value);
    scope?.v.push(summary);
    let out = '';
    for (let i = 0, n = frameCount(summary); i < n; i++) out += this.nodes(node.body, frame(node, value, context, i), scope, path);
    return out;
  }

  /** Call before every top-level render or diff: a thrown error may have left the count up. */
  reset(): void {
    this.depth = 0;
  }

  /** One level deeper; refuses runaway recursion with a typed error. Pair with `depth--`. */
  enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw new RenderError('depth_exceeded', `template nesting deeper than ${MAX_DEPTH}: a recursive partial over cyclic or too deep data?`);
    }
  }

  depth = 0;
}
