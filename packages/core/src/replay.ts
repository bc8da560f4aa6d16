import { encodeKey, escapeMarkers, itemMarker, REGION_END, regionStart } from '@statetemplate/protocol';
import { escapeHtml } from './escape.js';
import { frameCount } from './evaluate.js';
import type { Node, PartialNode, RegionNode } from './nodes.js';
import { RenderError } from './errors.js';
import { isDigested, isFlat, isList, isStream, isUnmarked, type Recorded, type RegionState, type ScopeState } from './state.js';

/**
 * Renders the annotated page a state describes from its recorded lookups
 * alone: a state holds every value the page shows, in render order, so the
 * data is not needed. Sessions use it to resync a page without keeping a
 * copy of the data last rendered.
 */
export class Replayer {
  private values: readonly Recorded[] = [];
  private children: readonly RegionState[] = [];
  private vi = 0;
  private ci = 0;

  constructor(
    private readonly partialNodes: (node: PartialNode, name: string) => Node[],
    /** A stream's content, which its state does not hold: none unless given. */
    private readonly streamContent: (node: RegionNode) => string = () => '',
  ) {}

  scope(nodes: readonly Node[], state: ScopeState): string {
    const { values, children, vi, ci } = this;
    this.values = state.v;
    this.children = state.c ?? [];
    this.vi = 0;
    this.ci = 0;
    const html = this.nodes(nodes, isFlat(state));
    this.values = values;
    this.children = children;
    this.vi = vi;
    this.ci = ci;
    return html;
  }

  /** `flat`: inside a flat section, regions render inline (see Renderer.nodes). */
  private nodes(nodes: readonly Node[], flat: boolean): string {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'var': {
          const text = String(this.values[this.vi++]);
          out += node.escape ? escapeHtml(text) : escapeMarkers(text);
          break;
        }
        case 'section': {
          const summary = this.values[this.vi++]!;
          if (typeof summary === 'string') out += escapeMarkers(summary.slice(1)); // a lambda's output, recorded as "λ…"
          else for (let i = frameCount(summary); i > 0; i--) out += this.nodes(node.body, flat || node.flat);
          break;
        }
        case 'partial': {
          // A dynamic partial recorded the name it chose.
          const name = node.dynamic ? String(this.values[this.vi++]) : node.name;
          out += this.nodes(this.partialNodes(node, name), flat);
          break;
        }
        case 'region':
          if (flat) out += this.nodes(node.body, true);
          else {
            const state = this.children[this.ci++]!;
            out += isUnmarked(state) ? this.region(node, state) : regionStart(node.id) + this.region(node, state) + REGION_END;
          }
          break;
      }
    }
    return out;
  }

  /** A region's content without its own markers. Throws RenderError `not_replayable` for a digested list, whose items' values are not kept. */
  region(node: RegionNode, state: RegionState): string {
    if (isDigested(state)) throw new RenderError('not_replayable', 'a list of more than digestListsAbove items keeps digests, not the values its page shows');
    if (!isList(state)) return this.scope(node.body, state);
    if (isStream(state)) return this.streamContent(node);
    let out = '';
    for (let i = 0; i < state.k.length; i++) out += itemMarker(encodeKey(state.k[i]!)) + this.scope(node.list!.body, state.i[i]!);
    return out;
  }
}
