import { lookup, type Context, type NamePath } from './context.js';
import { escapeHtml } from './escape.js';
import type { SectionNode, VarNode } from './nodes.js';
import type { Recorded } from './state.js';

/** Renders a template string in a context; higher-order sections receive it. */
export type SubRender = (template: string, context: Context) => string;

/** A name's value as mustache.js sees it: functions are called with the view as `this`. */
export function resolve(path: NamePath, context: Context): unknown {
  const value = lookup(context, path);
  return typeof value === 'function' ? (value as (this: unknown) => unknown).call(context.view) : value;
}

export function varOutput(node: VarNode, context: Context): string {
  const value = resolve(node.path, context);
  if (value === null || value === undefined) return '';
  return node.escape && typeof value !== 'number' ? escapeHtml(value) : String(value);
}

/** How a section renders in one context: its recorded summary and the contexts its body renders in. */
export interface SectionPlan {
  summary: Recorded;
  frames: Context[];
  /** Output of a higher-order section (a lambda returning a function), rendered as is. */
  output: string | null;
}

const SKIP: SectionPlan = { summary: false, frames: [], output: null };

export function planSection(node: SectionNode, context: Context, subRender: SubRender): SectionPlan {
  const value = resolve(node.path, context);
  if (node.inverted) {
    const renders = !value || (Array.isArray(value) && value.length === 0);
    return renders ? { summary: true, frames: [context], output: null } : SKIP;
  }
  if (!value) return SKIP;
  if (Array.isArray(value)) return { summary: value.length, frames: value.map((item) => context.push(item)), output: null };
  if (typeof value === 'function') {
    const result: unknown = value.call(context.view, node.source, (template: string) => subRender(template, context));
    const output = result === null || result === undefined ? '' : String(result);
    return { summary: `λ${output}`, frames: [], output };
  }
  const pushes = typeof value === 'object' || typeof value === 'string' || typeof value === 'number';
  return { summary: true, frames: [pushes ? context.push(value) : context], output: null };
}
