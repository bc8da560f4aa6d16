import { domText } from '@statetemplate/test-utils';
import { describe, expect, it } from 'vitest';
import type { Update } from '@statetemplate/protocol';
// Core's source, not the package: core depends on the client for its own tests.
import { compile } from '../../core/src/index.js';
import { applyUpdates } from '../src/index.js';
import { page, update } from './dom.js';

/**
 * Updates inside SVG and MathML: for every action, the patched page must
 * equal, node for node and namespace for namespace, a fresh parse of the
 * whole new page. Templates are compiled by core, so html and markers are
 * what a server sends.
 */
interface Context {
  name: string;
  /** The elements around the content in the template. */
  wrap: (content: string) => string;
  /** Selects the element holding the content: the root for a root replace. */
  container: string;
  /** An element with a dynamic attribute: a region of its own. */
  region: string;
  /** A list item's body, reading `v` from the item. */
  item: string;
  /** The namespace every element in the content must end up in. */
  namespace: string;
}

const contexts: Context[] = [
  {
    name: 'inside <svg>',
    wrap: (c) => `<svg width="100" height="100">${c}</svg>`,
    container: 'svg',
    region: '<rect width="{{w}}" height="5"/>',
    item: '<g class="{{v}}"><circle r="{{v}}" cx="50" cy="50"/><text x="1">{{v}}</text></g>',
    namespace: 'http://www.w3.org/2000/svg',
  },
  {
    name: 'inside <math>',
    wrap: (c) => `<math>${c}</math>`,
    container: 'math',
    region: '<mi mathvariant="{{w}}">x</mi>',
    item: '<mrow><mi>{{v}}</mi><mo>+</mo><mn>{{v}}</mn></mrow>',
    namespace: 'http://www.w3.org/1998/Math/MathML',
  },
  {
    // An HTML integration point: a circle in there is an HTML element.
    name: 'inside <foreignObject> within <svg>',
    wrap: (c) => `<svg><foreignObject width="10" height="10">${c}</foreignObject></svg>`,
    container: 'foreignObject',
    region: '<div class="{{w}}">x</div>',
    item: '<p title="{{v}}"><b>{{v}}</b><circle></circle></p>',
    namespace: 'http://www.w3.org/1999/xhtml',
  },
  {
    // A text integration point: elements in there are HTML.
    name: 'inside <mtext> within <math>',
    wrap: (c) => `<math><mtext>${c}</mtext></math>`,
    container: 'mtext',
    region: '<span class="{{w}}">x</span>',
    item: '<b title="{{v}}">{{v}}</b>',
    namespace: 'http://www.w3.org/1999/xhtml',
  },
  {
    name: 'in plain HTML',
    wrap: (c) => `<div>${c}</div>`,
    container: 'div',
    // Its text changes with its class: a change of the class alone sends attributes (see attrs.test.ts).
    region: '<span class="{{w}}">x {{w}}</span>',
    item: '<p title="{{v}}"><b>{{v}}</b></p>',
    namespace: 'http://www.w3.org/1999/xhtml',
  },
];

const items = (...vs: number[]) => vs.map((v) => ({ id: v, v }));
const before = { w: 1, items: items(1, 2, 3) };

/** [the update the change must produce, the data after it]. */
const changes: [string, object][] = [
  ['replace of a region', { ...before, w: 2 }],
  ['replace of an item', { ...before, items: [...items(1), { id: 2, v: 9 }, ...items(3)] }],
  ['append of an item', { ...before, items: items(1, 2, 3, 4) }],
  ['prepend of an item', { ...before, items: items(0, 1, 2, 3) }],
  ['insert_after of an item', { ...before, items: items(1, 2, 4, 3) }],
];

const kind = (u: Update) => `${u.action} of ${u.fragment_id === '0' ? 'the root' : u.fragment_id.includes(':') ? 'an item' : 'a region'}`;

describe.each(contexts)('updates $name parse as the page parser does', (ctx) => {
  const content = `${ctx.region}{{#items}}${ctx.item}{{/items}}`;

  /** Patches a page holding `html`, and checks it against a fresh parse of `expected`. */
  function check(html: string, patch: (root: Element) => void, expected: string): void {
    const { root } = page(html);
    patch(root);
    expect(domText(root)).toBe(domText(page(expected).root));
    for (const element of root.querySelector(ctx.container)!.querySelectorAll('*')) expect(element.namespaceURI).toBe(ctx.namespace);
  }

  it.each(changes)('%s: the patched DOM equals a fresh parse', (what, after) => {
    const tpl = compile(ctx.wrap(content));
    const { html, state } = tpl.render(before);
    const updates = tpl.update(state, after);
    expect(updates.map(kind)).toContain(what);
    check(html, (root) => applyUpdates(root, updates), tpl.render(after).html);
  });

  it('replace of the root, the foreign element itself (a state from another template)', () => {
    const tpl = compile(content);
    const { html, state } = compile(`${ctx.region}x`).render(before);
    const updates = tpl.update(state, before);
    expect(updates.map(kind)).toEqual(['replace of the root']);
    const inContainer = (root: Element) => applyUpdates(root.querySelector(ctx.container)!, updates);
    check(ctx.wrap(html), inContainer, ctx.wrap(tpl.render(before).html));
  });
});

/** [parent, its end tag, html]: the other places the parser switches back to HTML, or stays foreign. */
const integrationPoints: [string, string, string][] = [
  ['<svg><desc>', '</desc></svg>', '<b>y</b><circle></circle>'],
  ['<svg><title>', '</title></svg>', '<b>y</b><circle></circle>'],
  ['<math><annotation-xml encoding="text/html">', '</annotation-xml></math>', '<div>y</div><mi>z</mi>'],
  ['<math><annotation-xml>', '</annotation-xml></math>', '<svg><circle/></svg><mi>z</mi>'],
  ['<math><mi>', '</mi></math>', '<b>y</b><mglyph/>'],
];

describe('updates under other SVG and MathML parents', () => {
  it.each(integrationPoints)('%s: a replace equals a fresh parse', (open, close, html) => {
    const { root } = page(`${open}<!--[1-->x<!--]-->${close}`);
    applyUpdates(root, [update('replace', '1', html)]);
    expect(domText(root)).toBe(domText(page(`${open}<!--[1-->${html}<!--]-->${close}`).root));
  });
});
