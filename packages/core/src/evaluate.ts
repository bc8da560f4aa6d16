import { lookup, reachAnywhere, type Context, type NamePath } from './context.js';
import type { SectionNode, VarNode } from './nodes.js';
import type { Recorded } from './state.js';

/** Renders a template string in a context; higher-order sections receive it. */
export type SubRender = (template: string, context: Context) => string;

/** A name's value as mustache.js sees it: functions are called with the view as `this`. */
export function resolve(path: NamePath, context: Context): unknown {
  const value = lookup(context, path);
  if (typeof value !== 'function') return value;
  reachAnywhere();
  return (value as (this: unknown) => unknown).call(context.view);
}

/**
 * A variable's text before escaping. Escaping depends only on the node, so
 * comparing this text tells whether the output changed, without escaping.
 */
export function varText(node: VarNode, context: Context): string {
  const value = resolve(node.path, context);
  return value === null || value === undefined ? '' : String(value);
}

/**
 * A section's recorded summary: whether it renders (false / true), how many
 * times (a non-empty array's length), or a higher-order section's output
 * ("λ…"). Equal summaries mean the body renders in the same number of
 * frames; an empty list records as false, so swapping the two is no change.
 */
export function summarize(node: SectionNode, value: unknown): Recorded {
  if (node.inverted) return !value || (Array.isArray(value) && value.length === 0);
  if (!value) return false;
  return Array.isArray(value) ? value.length || false : true;
}

/** True when a section's value is a higher-order lambda, whose output replaces the body. */
export function isLambda(node: SectionNode, value: unknown): value is (text: string, render: (t: string) => string) => unknown {
  return !node.inverted && typeof value === 'function';
}

export function lambdaOutput(node: SectionNode, value: (text: string, render: (t: string) => string) => unknown, context: Context, subRender: SubRender): string {
  const result = value.call(context.view, node.source, (template: string) => subRender(template, context));
  return `${result ?? ''}`;
}

/** How many times the body renders for a summary. */
export function frameCount(summary: Recorded): number {
  return typeof summary === 'number' ? summary : summary === true ? 1 : 0;
}

/** The context of the i-th rendering of a section's body. */
export function frame(node: SectionNode, value: unknown, context: Context, i: number): Context {
  if (node.inverted) return context;
  if (Array.isArray(value)) return context.push(value[i]);
  return typeof value === 'object' || typeof value === 'string' || typeof value === 'number' ? context.push(value) : context;
}
