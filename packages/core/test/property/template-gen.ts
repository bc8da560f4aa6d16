import type { Rng } from './rng.js';
import { Refs, Scope } from './scope.js';
import { Names, newShape, type ObjectShape } from './shape.js';
import { LITERAL_ATTR, LITERAL_TEXT, USER_COMMENTS } from './values.js';

/**
 * Where generated output lands, which decides what may be written there so
 * that the page stays valid HTML a careful user would write:
 * flow/phrasing content, the insides of ul/ol (li only), tbody (tr only),
 * tr (td only), select (option only), text-only elements (option, a, SVG
 * text, MathML tokens), RCDATA (textarea, title), double-quoted attribute
 * values, and SVG or MathML content (svg, g; math, mrow), where only their
 * own elements go: an HTML tag there would end the foreign content. A
 * <template> holds flow content (or rows, in a tbody) in its inert content.
 */
type Ctx = 'flow' | 'phrasing' | 'ul' | 'tbody' | 'tr' | 'select' | 'text' | 'rcdata' | 'attr' | 'svg' | 'math';

/** Contexts whose children are characters, not nodes: no layout whitespace, no HTML comments. */
const INLINE: ReadonlySet<Ctx> = new Set<Ctx>(['text', 'rcdata', 'attr']);

type Option = readonly [number, () => string];

const MAX_DEPTH = 5;

export interface GeneratedTemplate {
  template: string;
  partials: Record<string, string>;
  /** The data the template reads; generate data from it. */
  shape: ObjectShape;
  /** A whole page (doctype, head with title, body) rather than body content. */
  document: boolean;
}

/** `noscript`: also write <noscript> elements, for pages parsed with scripting on, as in a tab. */
export function generateTemplate(rng: Rng, document: boolean, noscript = true): GeneratedTemplate {
  const shape = newShape();
  const writer = new TemplateWriter(rng, new Refs(rng, new Names()), noscript);
  const scope = Scope.root(shape);
  let template: string;
  if (document) {
    const title = writer.content('rcdata', scope.toOpaque(), MAX_DEPTH - 1);
    const body = writer.content('flow', scope, 0);
    template = `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n</head>\n<body>${body}</body>\n</html>\n`;
  } else {
    template = writer.content('flow', scope, 0);
  }
  return { template, partials: writer.partials, shape, document };
}

class TemplateWriter {
  readonly partials: Record<string, string> = {};
  /** Nodes left to write; keeps templates small enough to run thousands. */
  private budget: number;
  /** Indented one-tag-per-line layout (exercises standalone tag lines) or compact. */
  private readonly pretty: boolean;

  constructor(
    private readonly rng: Rng,
    private readonly refs: Refs,
    /** Whether to write <noscript> elements (raw text on a page with scripting on). */
    private readonly noscript: boolean,
  ) {
    this.budget = rng.int(6, 30);
    this.pretty = rng.chance(0.5);
  }

  /** One or more children for `ctx`, laid out with whitespace where that is harmless. */
  content(ctx: Ctx, scope: Scope, depth: number): string {
    const count = this.rng.int(1, depth === 0 ? 4 : 3);
    const parts: string[] = [];
    for (let i = 0; i < count && (i === 0 || this.budget > 0); i++) parts.push(this.child(ctx, scope, depth));
    if (INLINE.has(ctx)) return parts.join(this.rng.pick(['', ' ']));
    if (!this.pretty) return parts.map((p) => this.rng.pick(['', '', ' ', '\n']) + p).join('');
    const indent = '\n' + '  '.repeat(depth + 1);
    return indent + parts.join(indent) + '\n' + '  '.repeat(depth);
  }

  private child(ctx: Ctx, scope: Scope, depth: number): string {
    this.budget -= 1;
    const grow = depth < MAX_DEPTH && this.budget > 0;
    const options: Option[] = [...this.leaves(ctx, scope)];
    if (grow) options.push(...this.branches(ctx, scope, depth));
    if (ctx !== 'attr' && ctx !== 'rcdata') options.push([0.3, () => this.rng.pick(['{{! note }}', '{{!comment}}'])]);
    if (ctx !== 'attr' && grow) options.push([0.6, () => this.partial(ctx, scope, depth)]);
    return this.rng.weighted(options)();
  }

  /** Children that never nest further. */
  private leaves(ctx: Ctx, scope: Scope): Option[] {
    const escaped = (): string => `{{${this.refs.scalar(scope, 'text')}}}`;
    const raw = (): string => {
      const name = this.refs.scalar(scope, 'html');
      return this.rng.chance(0.7) ? `{{{${name}}}}` : `{{&${name}}}`;
    };
    switch (ctx) {
      case 'flow':
      case 'phrasing':
        return [
          [2, () => this.rng.pick(LITERAL_TEXT)],
          [4, escaped],
          [1.5, raw],
          [0.5, () => this.rng.pick(USER_COMMENTS)],
          [0.3, () => '<br>'],
        ];
      case 'text':
        return [[2, () => this.rng.pick(LITERAL_TEXT)], [4, escaped], [0.5, raw], [0.3, () => this.rng.pick(USER_COMMENTS)]];
      case 'rcdata':
        return [[2, () => this.rng.pick(LITERAL_TEXT)], [4, escaped], [0.5, raw]];
      case 'attr':
        // Raw output in an attribute value may end the value, or the tag.
        return [[2, () => this.rng.pick(LITERAL_ATTR)], [4, escaped], [0.4, raw]];
      case 'ul':
        return [[1, () => `<li>${this.rng.pick(LITERAL_TEXT)}</li>`], [0.3, () => this.rng.pick(USER_COMMENTS)]];
      case 'tbody':
        return [[1, () => `<tr><td>${this.rng.pick(LITERAL_TEXT)}</td></tr>`], [0.3, () => this.rng.pick(USER_COMMENTS)]];
      case 'tr':
        return [[1, () => `<td>${this.rng.pick(LITERAL_TEXT)}</td>`]];
      case 'select':
        return [[1, () => `<option>${this.rng.pick(LITERAL_TEXT)}</option>`]];
      case 'svg':
        return [
          [1, () => this.svgShape(scope)],
          // Text is allowed between SVG elements, though not drawn.
          [0.5, escaped],
          [0.3, raw],
          [0.3, () => this.rng.pick(USER_COMMENTS)],
        ];
      case 'math':
        return [
          [1, () => this.rng.pick(['<mi>x</mi>', '<mn>42</mn>', '<mo>+</mo>', '<mo>&lt;</mo>'])],
          [0.2, raw],
          [0.3, () => this.rng.pick(USER_COMMENTS)],
        ];
    }
  }

  /** Children that nest: elements and sections. */
  private branches(ctx: Ctx, scope: Scope, depth: number): Option[] {
    const sections = this.sections(ctx, scope, depth);
    switch (ctx) {
      case 'flow':
        return [...sections, ...this.flowElements(scope, depth), ...this.phrasingElements(scope, depth)];
      case 'phrasing':
        return [...sections, ...this.phrasingElements(scope, depth)];
      case 'svg':
        return [...sections, ...this.svgElements(scope, depth)];
      case 'math':
        return [...sections, ...this.mathElements(scope, depth)];
      case 'tbody':
        return [...sections, [2, () => this.itemElement(ctx, scope, depth)], [0.3, () => this.templateElement('tbody', scope, depth)]];
      default:
        return [...sections, [2, () => this.itemElement(ctx, scope, depth)]];
    }
  }

  /**
   * A <template> element: the parser puts its children into its content, out
   * of the client's sight, so it is one fragment and its lists have no item
   * fragments of their own on the page.
   */
  private templateElement(ctx: 'flow' | 'tbody', scope: Scope, depth: number): string {
    return `<template>${this.content(ctx, scope.toOpaque(), depth + 1)}</template>`;
  }

  private sections(ctx: Ctx, scope: Scope, depth: number): Option[] {
    const inner = depth + 1;
    return [
      [2, () => {
        const name = this.refs.scalar(scope, 'flag');
        const sigil = this.rng.chance(0.7) ? '#' : '^';
        return `{{${sigil}${name}}}${this.content(ctx, scope, inner)}{{/${name}}}`;
      }],
      [1.5, () => {
        const { name, shape } = this.refs.object(scope);
        if (this.rng.chance(0.25)) return `{{^${name}}}${this.content(ctx, scope, inner)}{{/${name}}}`;
        return `{{#${name}}}${this.content(ctx, scope.push(name, shape, false), inner)}{{/${name}}}`;
      }],
      [ctx === 'attr' ? 0.3 : 3, () => {
        const { name, field } = this.refs.list(scope);
        if (this.rng.chance(0.15)) return `{{^${name}}}${this.content(ctx, scope, inner)}{{/${name}}}`;
        const itemScope = scope.push(name, field.item, true);
        const body = this.rng.chance(0.7) ? this.itemBody(ctx, itemScope, inner) : this.content(ctx, itemScope, inner);
        return `{{#${name}}}${body}{{/${name}}}`;
      }],
    ];
  }

  /** A list item's body: mostly the one element that belongs in `ctx`, laid out like content. */
  private itemBody(ctx: Ctx, scope: Scope, depth: number): string {
    const element = this.itemElement(ctx, scope, depth);
    if (INLINE.has(ctx)) return element;
    if (!this.pretty) return this.rng.pick(['', ' ', '\n']) + element;
    return `\n${'  '.repeat(depth + 1)}${element}\n${'  '.repeat(depth)}`;
  }

  /** The element that naturally repeats in `ctx` (li in ul, tr in tbody, ...). */
  private itemElement(ctx: Ctx, scope: Scope, depth: number): string {
    const inner = depth + 1;
    switch (ctx) {
      case 'flow':
        return this.rng.chance(0.6)
          ? `<div${this.attrs(scope, ['class', 'title', 'data-id', 'hidden'])}>${this.content('flow', scope, inner)}</div>`
          : `<p${this.attrs(scope, ['class', 'title'])}>${this.content('phrasing', scope, inner)}</p>`;
      case 'phrasing':
        return `<span${this.attrs(scope, ['class', 'title', 'data-id'])}>${this.content('phrasing', scope, inner)}</span>`;
      case 'ul':
        return `<li${this.attrs(scope, ['class', 'data-id', 'hidden'])}>${this.content('flow', scope, inner)}</li>`;
      case 'tbody':
        return `<tr${this.attrs(scope, ['class', 'data-id'])}>${this.content('tr', scope, inner)}</tr>`;
      case 'tr':
        return `<td${this.attrs(scope, ['class', 'title'])}>${this.content('flow', scope, inner)}</td>`;
      case 'select':
        return `<option${this.attrs(scope, ['value', 'selected', 'disabled'])}>${this.content('text', scope, inner)}</option>`;
      case 'svg':
        return this.rng.chance(0.5)
          ? `<g${this.attrs(scope, ['class', 'fill', 'transform'])}>${this.content('svg', scope, inner)}</g>`
          : this.svgShape(scope);
      case 'math':
        return this.rng.chance(0.5) ? `<mrow>${this.content('math', scope, inner)}</mrow>` : this.mathToken(scope, depth);
      case 'text':
      case 'rcdata':
      case 'attr':
        return this.content(ctx, scope, inner);
    }
  }

  private flowElements(scope: Scope, depth: number): Option[] {
    const inner = depth + 1;
    return [
      [2, () => this.itemElement('flow', scope, depth)],
      [1.5, () => {
        const tag = this.rng.pick(['ul', 'ol']);
        return `<${tag}${this.attrs(scope, ['class'])}>${this.content('ul', scope, inner)}</${tag}>`;
      }],
      [1, () => {
        const head = this.rng.chance(0.5) ? '<thead><tr><th>Name</th><th>Value</th></tr></thead>' : '';
        return `<table${this.attrs(scope, ['class'])}>${head}<tbody>${this.content('tbody', scope, inner)}</tbody></table>`;
      }],
      // A dynamic right after <pre> may render a leading newline, which the parser drops,
      // so no marker can sit there and the whole <pre> is one fragment: lists in it are opaque.
      [0.3, () => this.rng.chance(0.5)
        ? `<pre>${this.rng.pick(LITERAL_TEXT)}${this.content('phrasing', scope, inner)}</pre>`
        : `<pre>${this.content('phrasing', scope.toOpaque(), inner)}</pre>`],
      [0.4, () => this.tree(scope, depth)],
      [0.4, () => this.templateElement('flow', scope, depth)],
    ];
  }

  private phrasingElements(scope: Scope, depth: number): Option[] {
    const inner = depth + 1;
    const noscript: Option[] = this.noscript
      ? [[0.3, () => `<noscript><p class="n">${this.content('rcdata', scope.toOpaque(), MAX_DEPTH - 1)}</p></noscript>`]]
      : [];
    return [
      ...noscript,
      [1, () => this.itemElement('phrasing', scope, depth)],
      [0.7, () => {
        const tag = this.rng.pick(['em', 'strong', 'b']);
        return `<${tag}>${this.content('phrasing', scope, inner)}</${tag}>`;
      }],
      [0.7, () => `<a href="/items/${this.attrValue(scope)}">${this.content('text', scope, inner)}</a>`],
      [1, () => {
        const type = this.rng.pick(['checkbox', 'text']);
        const allowed = type === 'checkbox' ? ['checked', 'disabled', 'title'] : ['value', 'disabled', 'title'];
        return `<input type="${type}"${this.attrs(scope, allowed)}>`;
      }],
      [0.8, () => `<select${this.attrs(scope, ['disabled', 'title'])}>${this.content('select', scope, inner)}</select>`],
      [0.6, () => `<textarea${this.attrs(scope, ['disabled'])}>${this.content('rcdata', scope.toOpaque(), MAX_DEPTH - 1)}</textarea>`],
      [0.6, () => `<svg width="100" height="100"${this.attrs(scope, ['class', 'viewBox'])}>${this.content('svg', scope, inner)}</svg>`],
      [0.4, () => `<math${this.attrs(scope, ['class', 'display'])}>${this.content('math', scope, inner)}</math>`],
      [0.2, () => this.templateElement('flow', scope, depth)],
    ];
  }

  private svgElements(scope: Scope, depth: number): Option[] {
    const inner = depth + 1;
    return [
      [2, () => this.itemElement('svg', scope, depth)],
      [1, () => `<text x="10" y="20"${this.attrs(scope, ['class', 'fill'])}>${this.content('text', scope, inner)}</text>`],
      // The compiler reads <title> as raw text, as in HTML: one fragment, its lists opaque.
      [0.5, () => `<title>${this.content('rcdata', scope.toOpaque(), MAX_DEPTH - 1)}</title>`],
      // An HTML integration point: HTML again inside.
      [1, () => `<foreignObject width="100" height="50">${this.content('flow', scope, inner)}</foreignObject>`],
      // SVG's own <a>, with an attribute in the XLink namespace.
      [0.4, () => `<a xlink:href="/items/${this.attrValue(scope)}">${this.content('svg', scope, inner)}</a>`],
    ];
  }

  /** A circle or rect, self-closed or not, with static or dynamic attributes. */
  private svgShape(scope: Scope): string {
    const [tag, allowed] = this.rng.pick([
      ['circle', ['r', 'cx', 'cy', 'fill', 'class']],
      ['rect', ['width', 'height', 'x', 'fill', 'class']],
    ] as const);
    const attrs = this.attrs(scope, allowed);
    return this.rng.chance(0.6) ? `<${tag}${attrs}/>` : `<${tag}${attrs}></${tag}>`;
  }

  private mathElements(scope: Scope, depth: number): Option[] {
    return [
      [2, () => this.itemElement('math', scope, depth)],
      [1, () => this.mathToken(scope, depth)],
    ];
  }

  /** <mi>, <mn> or <mo>: text integration points, holding text here. */
  private mathToken(scope: Scope, depth: number): string {
    const tag = this.rng.pick(['mi', 'mn', 'mo']);
    return `<${tag}${this.attrs(scope, ['class', 'mathvariant'])}>${this.content('text', scope, depth + 1)}</${tag}>`;
  }

  /** Up to three distinct attributes from `allowed`, with static or dynamic values. */
  private attrs(scope: Scope, allowed: readonly string[]): string {
    const chosen = this.rng.shuffle(allowed).slice(0, this.rng.int(0, Math.min(3, allowed.length)));
    return chosen.map((name) => this.attribute(scope, name)).join('');
  }

  private attribute(scope: Scope, name: string): string {
    if (BOOLEAN_ATTRS.has(name)) {
      const flag = this.refs.scalar(scope, 'flag');
      const sigil = this.rng.chance(0.7) ? '#' : '^';
      if (this.rng.chance(0.15)) return ` ${name}`;
      return this.rng.chance(0.5)
        ? ` {{${sigil}${flag}}}${name}{{/${flag}}}`
        : `{{${sigil}${flag}}} ${name}{{/${flag}}}`;
    }
    const assignment = `${name}="${this.attrValue(scope)}"`;
    if (!this.rng.chance(0.1)) return ` ${assignment}`;
    // The whole attribute present only when a flag is set: {{#on}}title="..."{{/on}}.
    const flag = this.refs.scalar(scope, 'flag');
    return ` {{#${flag}}}${assignment}{{/${flag}}}`;
  }

  /** Attribute values stay simple, as users write them: at most one level of sections. */
  private attrValue(scope: Scope): string {
    return this.rng.chance(0.2) ? this.rng.pick(LITERAL_ATTR) : this.content('attr', scope.toOpaque(), MAX_DEPTH - 1);
  }

  /**
   * A recursive partial rendering a tree, as users write nested comments or
   * folders: `<ul>{{#kids}}<li>...{{> tree}}</li>{{/kids}}</ul>`, where each
   * item has its own `kids` list.
   */
  private tree(scope: Scope, depth: number): string {
    const name = `part${Object.keys(this.partials).length + 1}`;
    this.partials[name] = '';
    const { name: list, field } = this.refs.list(scope, true);
    const itemScope = scope.push(list, field.item, true, false);
    const label = this.content('flow', itemScope, depth + 2);
    this.partials[name] = `<ul>{{#${list}}}<li>${label}{{> ${name}}}</li>{{/${list}}}</ul>`;
    return `{{> ${name}}}`;
  }

  /** `{{> name}}`: a new partial holding content for `ctx`, or one already written in this scope. */
  private partial(ctx: Ctx, scope: Scope, depth: number): string {
    const known = scope.partials.get(ctx) ?? [];
    if (known.length > 0 && this.rng.chance(0.5)) return `{{> ${this.rng.pick(known)}}}`;
    const name = `part${Object.keys(this.partials).length + 1}`;
    this.partials[name] = ''; // reserves the name while nested partials are written
    this.partials[name] = this.content(ctx, scope, depth + 1);
    scope.partials.set(ctx, [...known, name]);
    return this.rng.chance(0.5) ? `{{> ${name}}}` : `{{>${name}}}`;
  }
}

const BOOLEAN_ATTRS: ReadonlySet<string> = new Set(['hidden', 'checked', 'disabled', 'selected']);
