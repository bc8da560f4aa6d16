import { lookup, reachAnywhere, type Context, type NamePath } from './context.js';
import type { PartialNode, SectionNode, VarNode } from './nodes.js';
import type { Recorded } from './state.js';
import { DEFAULT_DELIMITERS, type Delimiters } from './tokenizer.js';

/** Renders a template string in a context (read with `delimiters`, the default when left out): lambdas' output goes through it. */
export type SubRender = (template: string, context: Context, delimiters?: Delimiters) => string;

/** A section lambda: called with the section's source, and (as mustache.js does) a function rendering a template. */
export type Lambda = (text: string, render: (template: string) => string) => unknown;

/** Calls a function of the data with the view as `this`; its output may then change whatever the data. */
function call(fn: unknown, context: Context): unknown {
  reachAnywhere();
  return (fn as (this: unknown) => unknown).call(context.view);
}

/** A name's value as interpolation reads it: a function is called. */
function called(path: NamePath, context: Context): unknown {
  const value = lookup(context, path);
  return typeof value === 'function' ? call(value, context) : value;
}

/**
 * A section's value. A function that declares a parameter is the spec's
 * lambda and stays a function (a lambda section); any other is called, as
 * mustache.js does, and its result is the value (which may be a lambda).
 */
export function resolve(path: NamePath, context: Context): unknown {
  const value = lookup(context, path);
  if (typeof value !== 'function') return value;
  if (value.length === 0) return call(value, context);
  reachAnywhere();
  return value;
}

/**
 * A variable's text before escaping. Escaping depends only on the node, so
 * comparing this text tells whether the output changed, without escaping.
 * A function's result is text, or with `lambdas` a template (the spec's
 * interpolation lambda), rendered with the default delimiters.
 */
export function varText(node: VarNode, context: Context, lambdas: SubRender | null): string {
  const found = lookup(context, node.path);
  if (typeof found !== 'function') return found === null || found === undefined ? '' : String(found);
  const value = call(found, context);
  const text = value === null || value === undefined ? '' : String(value);
  return lambdas !== null && text.includes(DEFAULT_DELIMITERS[0]) ? lambdas(text, context) : text;
}

/** The name of the partial a `{{>*name}}` node shows: the name's value as interpolation reads it, '' (none) when falsy. */
export function partialName(node: PartialNode, context: Context): string {
  if (!node.dynamic) return node.name;
  const value = called(node.dynamic, context);
  return value ? String(value) : '';
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
export function isLambda(node: SectionNode, value: unknown): value is Lambda {
  return !node.inverted && typeof value === 'function';
}

/**
 * A lambda section's output: the lambda's result, a template rendered
 * with the section's delimiters (the spec), unless the lambda rendered it
 * itself through the function it is given (mustache.js), whose output is
 * then final, so data it rendered is never read as a template.
 */
export function lambdaOutput(node: SectionNode, value: Lambda, context: Context, subRender: SubRender): string {
  let rendered = false;
  const render = (template: string) => {
    rendered = true;
    return subRender(template, context);
  };
  const text = `${value.call(context.view, node.source, render) ?? ''}`;
  const delimiters = node.delimiters ?? DEFAULT_DELIMITERS;
  return rendered || !text.includes(delimiters[0]) ? text : subRender(text, context, delimiters);
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
