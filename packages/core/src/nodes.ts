import type { NamePath } from './context.js';

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
}

/** `{{#name}}…{{/name}}` or, when inverted, `{{^name}}…{{/name}}`. */
export interface SectionNode {
  kind: 'section';
  name: string;
  path: NamePath;
  inverted: boolean;
  body: Node[];
  /** The section's source text, handed to higher-order (lambda) sections. */
  source: string;
}

/** A partial that includes itself; compiled on first use, because its depth depends on the data. */
export interface PartialNode {
  kind: 'partial';
  name: string;
  indentation: string;
  lineHasNonSpace: boolean;
}

export type RegionKind = 'value' | 'element' | 'comment' | 'section';

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
  /** The section when type is 'section' and it is not inverted. */
  list: SectionNode | null;
}
