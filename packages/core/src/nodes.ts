import type { NamePath } from './context.js';
import type { Overrides } from './inherit.js';
import type { Delimiters } from './tokenizer.js';

/** The compiled form of a template: static text and dynamic parts (lit-html style). */
export type Node = TextNode | VarNode | SectionNode | PartialNode | RegionNode;

export interface TextNode {
  kind: 'text';
  text: string;
}

/** `{{name}}` (escape) or `{{{name}}}` / `{{&name}}`. */
export interface VarNode {
  kind: 'var';
  name: string;
  path: NamePath;
  escape: boolean;
  /**
   * Inside a <select> (where browsers and parse5 now parse markup differently)
   * or table structure (where text moves out of the table, and a marker
   * changes what moves with it), or in such an element's start tag: raw
   * markup there is patched as the whole page.
   */
  wholePage?: true;
}

/** `{{#name}}…{{/name}}` or, when inverted, `{{^name}}…{{/name}}`. */
export interface SectionNode {
  kind: 'section';
  name: string;
  path: NamePath;
  inverted: boolean;
  /** As VarNode.wholePage, for a lambda's output. */
  wholePage?: true;
  body: Node[];
  /** The body without its static text: all a diff needs to walk. */
  dynamic: Node[];
  /** True when the body can render regions, whose ids need the item's path. */
  hasRegions: boolean;
  /**
   * True when this section is not a region but holds regions: it may render
   * its body many times, so regions inside render inline, without markers.
   */
  flat: boolean;
  /** The section's source text, handed to higher-order (lambda) sections. */
  source: string;
  /** The delimiters in effect at the tag when not the default: a lambda's output is read with them. */
  delimiters?: Delimiters;
}

/**
 * A partial compiled on first use: one that includes itself (its depth
 * depends on the data), or `{{>*name}}`, whose partial the data names.
 */
export interface PartialNode {
  kind: 'partial';
  name: string;
  /** For `{{>*name}}`: the name's path; the partial is the one its value names, at render time. */
  dynamic?: NamePath;
  /** As VarNode.wholePage, for a dynamic partial's output. */
  wholePage?: true;
  /** Values and elements in a dynamic partial's body get regions of their own, as where it is. */
  fine?: true;
  /** The argument blocks in effect where it is (inheritance): its body is compiled with them. */
  overrides?: Overrides;
  indentation: string;
  lineHasNonSpace: boolean;
  /** The elements open where it is (as RegionNode.open): it is compiled as inside them. */
  open: readonly string[];
  /** Whether a marker may go where it is; when not (a tag, a <template>), it is compiled without regions. */
  markers: boolean;
}

export type RegionKind = 'value' | 'element' | 'comment' | 'section' | 'partial';

/**
 * A fragment: a part of the output the client can find by its markers and
 * replace alone. A region whose body is one section renders as a keyed list
 * whenever that section's value is an array.
 */
export interface RegionNode {
  kind: 'region';
  id: string;
  type: RegionKind;
  body: Node[];
  /** The body without its static text. */
  dynamic: Node[];
  /** The section when type is 'section' and it is not inverted. */
  list: SectionNode | null;
  /** The elements open where it starts, outermost first: where a raw value in it is checked (fit.ts). */
  open: readonly string[];
  /** What the output before its start marker may end with (fit.ts LEAD_* bits), from the node before it. */
  lead: number;
  /** The first character of the static text right after it, or '' when a marker or dynamic follows. */
  trail: string;
  /** Set on a stream's list region (the `streams` compile option): its name and its fragment id, fixed by the template. */
  stream?: { readonly name: string; readonly id: string };
  /** Set on the regions around a stream: the server does not know their content, so a change replaces them whole. */
  holdsStream?: true;
}

export function dynamicNodes(nodes: readonly Node[]): Node[] {
  return nodes.filter((node) => node.kind !== 'text');
}

/** Whether rendering these nodes can emit region markers. */
export function canHaveRegions(nodes: readonly Node[]): boolean {
  return nodes.some(
    (node) => node.kind === 'region' || node.kind === 'partial' || (node.kind === 'section' && node.hasRegions),
  );
}
