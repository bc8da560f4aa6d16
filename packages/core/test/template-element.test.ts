import { applyUpdates } from '@statetemplate/client';
import { ROOT_ID } from '@statetemplate/protocol';
import { describe, expect, it } from 'vitest';
import { compile, type Granularity } from '../src/index.js';
import { canonicalHtml, loadPage } from './property/dom.js';

/**
 * The parser puts a <template>'s children into its content, where the client
 * never looks for markers: so the outermost <template> is one fragment, and
 * the patched page (content included) equals a fresh render.
 */
const list = (...xs: number[]) => xs.map((x) => ({ id: x, x }));

const tree = { tree: '<ul>{{#kids}}<li>{{x}}{{> tree}}</li>{{/kids}}</ul>' };
const node = (x: number, ...kids: object[]) => ({ id: x, x, kids });

const cases: [string, string, object[], Record<string, string>?][] = [
  ['a value', '<p>{{a}}</p><template>{{x}}</template>', [{ a: 1, x: 1 }, { a: 1, x: 2 }, { a: 3, x: 2 }]],
  ['an attribute', '<template><div class="{{c}}">{{a}}</div></template>', [{ c: 'x', a: 1 }, { c: 'y', a: 1 }, { c: 'y', a: 2 }]],
  ['a section', '<template>{{#f}}<b>{{x}}</b>{{/f}}</template>', [{ f: true, x: 1 }, { f: false, x: 1 }, { f: true, x: 2 }]],
  ['a list', '<template><ul>{{#a}}<li>{{x}}</li>{{/a}}</ul></template>', [{ a: list(1, 2) }, { a: list(2, 1, 3) }, { a: [] }, { a: list(4) }]],
  ['table rows', '<table><tbody><template>{{#a}}<tr><td>{{x}}</td></tr>{{/a}}</template></tbody></table>', [{ a: list(1) }, { a: list(2, 1) }]],
  [
    'nested templates',
    '<template><div>{{a}}<template>{{#f}}<i>{{x}}</i>{{/f}}<template title="{{x}}"></template></template></div></template>',
    [{ a: 1, f: true, x: 1 }, { a: 1, f: true, x: 2 }, { a: 2, f: false, x: 2 }, { a: 2, f: true, x: 3 }],
  ],
  ['a template in list items', '<ul>{{#a}}<li>{{x}}<template><b>{{x}}</b></template></li>{{/a}}</ul>', [{ a: list(1) }, { a: list(2, 1) }, { a: list(1) }]],
  ['a comment and a title', '<template><!-- {{x}} --><title>{{x}}</title></template>', [{ x: 1 }, { x: 2 }]],
  ['a recursive partial', '<template>{{> tree}}</template>{{> tree}}', [{ kids: [node(1)] }, { kids: [node(1, node(2))] }, { kids: [node(3), node(1)] }], tree],
  // An SVG <template> is an ordinary element: its value keeps a region of its own.
  ['an SVG template', '<svg><template><text>{{x}}</text></template></svg>', [{ x: 1 }, { x: 2 }]],
];

describe('<template> elements in templates', () => {
  for (const granularity of ['item', 'value'] as Granularity[]) {
    it.each(cases)(`%s (${granularity}): the patched page equals a fresh render after every change`, (_what, source, steps, partials) => {
      const tpl = compile(source, { granularity, partials });
      let { html, state } = tpl.render(steps[0]!);
      const page = loadPage(html, false);
      for (const data of steps.slice(1)) {
        const updates = tpl.update(state, data);
        expect(updates.length).toBeGreaterThan(0);
        applyUpdates(page, updates);
        ({ html, state } = tpl.render(data));
        expect(canonicalHtml(page.cloneNode(true) as Element)).toBe(canonicalHtml(loadPage(tpl.renderPlain(data), false)));
      }
    });
  }

  it('a change inside replaces the template element, not the root', () => {
    const tpl = compile('<p>{{n}}</p><template><ul>{{#a}}<li>{{x}}</li>{{/a}}</ul></template>');
    const { state } = tpl.render({ a: list(1) });
    const updates = tpl.update(state, { a: list(1, 2) });
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ action: 'replace', html: '<template><ul><li>1</li><li>2</li></ul></template>' });
    expect(updates[0]!.fragment_id).not.toBe(ROOT_ID);
  });

  it('a template opened in one section and closed outside it falls back to the enclosing fragment', () => {
    const tpl = compile('<div>{{#f}}<template>{{/f}}{{x}}</template></div>{{y}}');
    const { html, state } = tpl.render({ f: true, x: 1, y: 1 });
    const page = loadPage(html, false);
    const data = { f: true, x: 2, y: 1 };
    applyUpdates(page, tpl.update(state, data));
    expect(canonicalHtml(page)).toBe(canonicalHtml(loadPage(tpl.renderPlain(data), false)));
  });
});
